"""Crash reports: an unexpected exception's traceback, written to a file an author can send.

Writes one file and returns its path; prints nothing (the CLI says where it is).
"""

from __future__ import annotations

import datetime as dt
import platform
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator import __version__

CACHE_DIR = ".dermsite-cache"


def write_crash_report(exc: BaseException, site_dir: Path, argv: Sequence[str]) -> Path | None:
    """Write the traceback to ``<site>/.dermsite-cache/crash-<UTC time>.txt``, or to the
    temporary folder when that cannot be written; None when neither can."""
    now = dt.datetime.now(dt.UTC)
    name = f"crash-{now:%Y%m%dT%H%M%S.%fZ}.txt"
    report = "".join(
        [
            f"dermsite {__version__} crashed at {now.isoformat()}\n",
            f"python {platform.python_version()} on {platform.platform()}\n",
            f"command: dermsite {' '.join(argv)}\n\n",
            *traceback.format_exception(exc),
        ]
    )
    for folder in (site_dir / CACHE_DIR, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with open(path, "x", encoding="utf-8") as file:
                file.write(report)
        except OSError:
            continue
        return path
    return None


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
