"""Shared fixtures: tiny whole sites written from strings, the sample site, the CLI, tools."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tests" / "tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

PYPROJECT = """\
[project]
name = "test-site"
version = "0"

[tool.dermsite]
title = "Test Skin Site"
description = "A test site."
base_url = "https://example.org/"
"""

AUTHOR = """\
---
name: Dana Reyes
credentials: MD, FAAD
role: Dermatologist
bio: Dana treats skin.
---
Dana has practised for twenty years.
"""

MILIA = """\
---
name: Milia
synonyms: [milk spots, milium]
description: Small white keratin cysts.
treatments: [Chemical peels]
---
## What milia are

Tiny cysts under the skin.
"""

KP = """\
---
name: Keratosis pilaris
synonyms: [KP, chicken skin]
description: Rough bumps around hair follicles.
---
## About KP

Common and harmless.
"""

MICRONEEDLING = """\
---
name: Microneedling
synonyms: [collagen induction therapy]
description: Many fine needle pricks that prompt collagen repair.
treats:
  - condition: Keratosis pilaris
    evidence: limited
---
## How it works

Fine needles.
"""

PEELS = """\
---
name: Chemical peels
synonyms: [peel]
description: Acids that remove the outer skin layers.
---
## Types

Superficial and medium.
"""

POST_A = """\
---
title: Microneedling for milia
date: 2024-03-01
description: Does microneedling help milia?
author: dana
conditions: [milia]
treatments: [Microneedling]
tags: [Expert]
sources:
  - title: A review
    url: https://example.com/review
---
## Short answer

Milk spots rarely respond to microneedling. See [the KP post](kp-care.md#daily-routine).

## Longer answer

Chemical peels may help more.
"""

POST_B = """\
---
title: Caring for KP
date: 2024-05-01
description: A routine for keratosis pilaris.
author: dana
conditions: [KP]
tags: [expert, Routine]
---
## Daily routine

Keratosis pilaris improves with gentle care.
"""

BASE_FILES = {
    "pyproject.toml": PYPROJECT,
    "content/authors/dana.md": AUTHOR,
    "content/conditions/milia.md": MILIA,
    "content/conditions/keratosis-pilaris.md": KP,
    "content/treatments/microneedling.md": MICRONEEDLING,
    "content/treatments/chemical-peels.md": PEELS,
    "content/posts/microneedling-for-milia.md": POST_A,
    "content/posts/kp-care.md": POST_B,
}


def write_files(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a site from a mapping of relative path -> text (None deletes the file)."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site(**changes) -> a site folder: the base site with files replaced or removed."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        site = tmp_path / "site"
        if not site.exists():
            write_files(site, BASE_FILES)
        return write_files(site, files or {})

    return make


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``dermsite`` command in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder`` (for 'left exactly as it was')."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``folder`` at http://127.0.0.1:PORT{prefix} with a real HTTP server; always stops.

    Requests outside ``prefix`` get 404, as on a host that serves the site under a sub-path.
    """

    class Handler(_QuietHandler):
        def translate_path(self, path: str) -> str:
            clean = path.split("?", 1)[0].split("#", 1)[0]
            if not clean.startswith(prefix):
                return str(folder / "__outside_base_path__")
            return super().translate_path("/" + clean[len(prefix) :])

    handler = functools.partial(Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own sample site, built once into a temporary output folder."""
    out = tmp_path_factory.mktemp("sample") / "output"
    result = run_cli("build", "--site", ROOT, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; never downloads a browser."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run tests/setup.sh")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
