"""The write stage: the only code that touches the output folder.

Files go to a staging folder beside the output; only a complete, checked build is
swapped in, so a failed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator.errors import BuildFailed, SiteError


def check_output_dir(out_dir: Path, site_dir: Path) -> None:
    """Refuse an output folder whose replacement would destroy the site or its sources."""
    out, site = out_dir.resolve(), site_dir.resolve()
    dangerous = out == site or site.is_relative_to(out) or out == Path.home()
    if out.is_relative_to(site / "content") or out.is_relative_to(site / "themes"):
        dangerous = True
    if out.is_dir() and any(
        (out / name).exists() for name in ("pyproject.toml", ".git", "content")
    ):
        dangerous = True
    if dangerous:
        raise BuildFailed(
            [
                SiteError(
                    str(out_dir),
                    message="refusing to use this folder for output: the build replaces it whole",
                    hint="choose an output folder of its own, e.g. --out output",
                )
            ]
        )


class Staging:
    """A folder that becomes the output folder on commit, or whose files are merged into it,
    or that vanishes on discard."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(
            tempfile.mkdtemp(prefix=f".dermsite-staging-{out_dir.name}-", dir=out_dir.parent)
        )

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def merge(self, changed: Sequence[str], removed: Sequence[str]) -> None:
        """Move the staged files over their old versions one by one (each replace is atomic,
        so a reader sees the old file or the new one), delete ``removed`` and the folders it
        empties, and drop the staging folder."""
        for path in changed:
            target = self.out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / path, target)
        folders = set()
        for path in removed:
            (self.out_dir / path).unlink(missing_ok=True)
            folders.update((self.out_dir / path).parents)
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            if folder.is_relative_to(self.out_dir) and folder != self.out_dir:
                with contextlib.suppress(OSError):  # not empty: other files live there
                    folder.rmdir()
        self.discard()

    def commit(self) -> None:
        """Swap the staged tree in: two renames, the old tree removed afterwards."""
        os.chmod(self.root, 0o755)  # mkdtemp makes it private; a served folder must not be
        old = None
        if self.out_dir.exists():
            old = Path(
                tempfile.mkdtemp(
                    prefix=f".dermsite-old-{self.out_dir.name}-", dir=self.out_dir.parent
                )
            )
            os.rmdir(old)
            os.replace(self.out_dir, old)
        os.replace(self.root, self.out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
