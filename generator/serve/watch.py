"""Watches a site's sources with native file-system events and hands over bursts of changes.

Knows which paths are sources; never builds, serves or prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from generator.serve.builds import RULES_DIR

# A burst ends after STEP_MS without events (capped at DEBOUNCE_MS); changes made while a
# build runs are collected by watchfiles meanwhile and handed over as the next burst.
STEP_MS = 20
DEBOUNCE_MS = 1600
TREES = ("content", "themes")
FILES = ("pyproject.toml",)

OnChanges = Callable[[set[Path]], None]


class _Either:
    """An event that is set when either of two events is (for watchfiles' stop_event)."""

    def __init__(self, first: threading.Event, second: threading.Event):
        self.first, self.second = first, second

    def is_set(self) -> bool:
        return self.first.is_set() or self.second.is_set()


class SourceWatcher:
    """Calls ``on_changes(paths)`` once per burst of changes to the site's sources.

    Sources: ``content/`` and the ``themes/`` folders (recursively), ``pyproject.toml``
    and the lint rules. Single files are watched through their folder, not recursively,
    so that editors which save by renaming a new file over the old one are seen.
    """

    def __init__(self, site_dir: Path, on_changes: OnChanges, rules_dir: Path = RULES_DIR):
        self.site_dir = site_dir.resolve()
        self.on_changes = on_changes
        self.trees = [self.site_dir / name for name in TREES]
        self.files = {self.site_dir / name for name in FILES}
        self.rules_dir = rules_dir.resolve()
        self._stop = threading.Event()
        self._restart = threading.Event()  # a tree appeared or vanished: watch anew
        self._threads = [
            threading.Thread(target=self._watch_trees, name="watch-trees", daemon=True),
            threading.Thread(target=self._watch_files, name="watch-files", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _watch_trees(self) -> None:
        while not self._stop.is_set():
            self._restart.clear()
            roots = [tree for tree in self.trees if tree.is_dir()]
            if not roots:
                self._restart.wait(1.0)
                continue
            for changes in watchfiles.watch(
                *roots,
                step=STEP_MS,
                debounce=DEBOUNCE_MS,
                stop_event=_Either(self._stop, self._restart),
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                self.on_changes({Path(path) for _, path in changes})

    def _watch_files(self) -> None:
        folders = [self.site_dir]
        if self.rules_dir.is_dir():
            folders.append(self.rules_dir)
        for changes in watchfiles.watch(
            *folders,
            watch_filter=self._is_source_file,
            recursive=False,
            step=STEP_MS,
            debounce=DEBOUNCE_MS,
            stop_event=self._stop,
            raise_interrupt=False,
            ignore_permission_denied=True,
        ):
            paths = {Path(path) for _, path in changes}
            if any(path in self.trees for path in paths):
                self._restart.set()
            self.on_changes(paths)

    def _is_source_file(self, _change: watchfiles.Change, path: str) -> bool:
        candidate = Path(path)
        if candidate.parent == self.rules_dir:
            return candidate.suffix == ".yaml"
        return candidate in self.files or candidate in self.trees
