"""Builds the site for the preview with ``build_site``, incrementally, into one folder.

A rebuild writes its new tree beside the folder and swaps the two in one step (see
generator/write.py), so a request reads the old site or the new one, never half of each.
Never serves, watches or prints.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, BuildReport, build_site
from generator.cache import BuildCache
from generator.errors import BuildFailed, SiteError
from generator.lint import rules as lint_rules
from generator.settings import load_settings

CACHE = Path(".dermsite-cache") / "serve"
RULES_DIR = lint_rules.DEFAULT_RULES.parent


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The outcome of one build: what the server serves until the next one."""

    build: int  # 1, 2, 3…: one per finished build, failed or not
    root: Path | None  # folder of the latest successful build (None: none yet)
    prefix: str  # URL path the site lives under: '/' or e.g. '/blog/'
    errors: tuple[SiteError, ...] = ()  # non-empty while the latest build fails
    report: BuildReport | None = None  # the latest build's report when it succeeded
    changes: tuple[str, ...] = ()  # site-relative sources that triggered the build
    seconds: float = 0.0
    crash: str = ""  # traceback of an unexpected exception, for the terminal
    stylesheets: frozenset[str] = frozenset()  # fingerprinted CSS files of the latest success

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Builder:
    """Runs ``build_site`` into ``<site>/.dermsite-cache/serve/<pid>-<id>/site``.

    Used from one thread at a time.
    """

    site_dir: Path
    origin: str  # 'http://127.0.0.1:8000': the base URL of the build, before its path
    drafts: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    session: Path = field(init=False)
    cache: BuildCache | None = field(init=False)
    _count: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.site_dir = self.site_dir.resolve()
        cache = self.site_dir / CACHE
        remove_abandoned_sessions(cache)
        cache.mkdir(parents=True, exist_ok=True)
        self.session = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=cache))
        # kept open: what it holds stays in memory between builds
        self.cache, _notice = BuildCache.open(self.site_dir)

    def build(self, previous: Snapshot | None, changes: Iterable[Path] = ()) -> Snapshot:
        """Build once; a failure of any kind becomes a Snapshot with errors, never an exception."""
        changes = set(changes)
        if any(path.suffix == ".yaml" and path.parent == RULES_DIR for path in changes):
            forget_cached_rules()
        with self._lock:
            self._count += 1
            number = self._count
        prefix = self.base_path(previous.prefix if previous else "/")
        out = self.session / "site"
        options = BuildOptions(
            drafts=self.drafts,
            out=out,
            overrides={**self.overrides, "base_url": self.origin + prefix},
        )
        started = time.perf_counter()
        root, report, errors, crash = previous.root if previous else None, None, (), ""
        css = previous.stylesheets if previous else frozenset()
        try:
            report = build_site(self.site_dir, options, cache=self.cache)
        except BuildFailed as failed:
            errors = failed.errors
        except Exception as exc:  # a bug must not stop the preview; show it like an error
            crash = traceback.format_exc()
            errors = (
                SiteError(
                    "(build)",
                    message=f"the build crashed: {type(exc).__name__}: {exc}",
                    hint="this is a dermsite bug; the traceback is in the terminal",
                ),
            )
        else:
            root = report.output
            css = frozenset(p.relative_to(root).as_posix() for p in root.glob("assets/**/*.css"))
        # What is alive now mostly stays for the next build (the cache's values, the memo):
        # keep the collector from walking it in every build. tidy() frees what was garbage.
        gc.freeze()
        return Snapshot(
            build=number,
            root=root,
            prefix=prefix,
            errors=tuple(errors),
            report=report,
            changes=tuple(sorted(self.display(path) for path in changes)),
            seconds=time.perf_counter() - started,
            crash=crash,
            stylesheets=css,
        )

    def base_path(self, fallback: str) -> str:
        """The path of the configured base URL, so the preview serves the site where it lives."""
        try:
            return load_settings(self.site_dir, self.overrides).base_path
        except BuildFailed:
            return fallback  # the build reports the broken settings

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.site_dir).as_posix()
        except ValueError:
            return str(path)

    def tidy(self) -> None:
        """Call when idle between builds: collect the garbage that builds left among the
        objects they froze, and freeze what is alive."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def close(self) -> None:
        gc.unfreeze()
        shutil.rmtree(self.session, ignore_errors=True)
        if self.cache is not None:
            with contextlib.suppress(sqlite3.Error):
                self.cache.forget_output(self.session / "site")
            self.cache.close()


def forget_cached_rules() -> None:
    """Make the next build re-read the lint rules, which generator.lint caches per process."""
    lint_rules.reload_rules()


def remove_abandoned_sessions(cache: Path) -> None:
    """Delete the folders of preview servers that are no longer running."""
    if not cache.is_dir():
        return
    for folder in cache.iterdir():
        pid = folder.name.split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            forget_output(cache.parent.parent, folder / "site")


def forget_output(site_dir: Path, out_dir: Path) -> None:
    """Drop the build cache's manifest of a preview folder that is gone."""
    cache, _notice = BuildCache.open(site_dir)
    if cache is not None:
        with contextlib.suppress(sqlite3.Error):
            cache.forget_output(out_dir)
        cache.close()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
