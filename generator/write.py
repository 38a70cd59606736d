"""The write stage: the only code that touches the output folder.

Files go to a staging folder beside the output; only a complete, checked build is
swapped in, so a failed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
    """A folder that becomes the output folder on commit, or vanishes on discard."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(
            tempfile.mkdtemp(prefix=f".dermsite-staging-{out_dir.name}-", dir=out_dir.parent)
        )
        self.written: set[str] = set()

    def write(self, path: str, data: bytes) -> None:
        if path in self.written:
            raise BuildFailed(
                [SiteError(path, message=f"two pages were written to {path}", hint="rename one")]
            )
        self.written.add(path)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

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
