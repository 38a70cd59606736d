"""The write stage: the only code that touches the output folder.

dermsite replaces an output folder only if it is missing, empty or marked as its own (the
``.dermsite-output`` file every published tree holds). A build writes its new tree beside the
old one, then swaps the two in one step, so at every instant the output folder is the
complete old tree or the complete new one; a failed build leaves it exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.errors import OutputRefused, SiteError
from generator.exchange import exchange_paths

MARKER = ".dermsite-output"
# The same bytes in every build, so a rebuild stays byte-identical to a clean build; no time,
# path or host in it, so it is harmless to publish.
MARKER_TEXT = (
    json.dumps(
        {
            "generator": "dermsite",
            "note": "dermsite build output: the next build replaces this folder whole",
        }
    )
    + "\n"
).encode()
STAGING = ".dermsite-staging-"  # the new tree while it is built, then the old one being removed
OLD = ".dermsite-old-"  # the old tree, where the platform cannot exchange two folders
# Never deleted as part of an output folder, even a marked one: no build writes them.
PRECIOUS = (".git", "pyproject.toml")
# What an output folder of a dermsite without the marker (0.1.0 and before) may hold: pages,
# feeds, the sitemap, theme assets and host files. Anything else means it is not only ours.
GENERATED_SUFFIXES = frozenset(
    ".html .xml .css .js .mjs .map .svg .txt .json .webmanifest .ico .png .jpg .jpeg .gif "
    ".webp .avif .woff .woff2 .ttf .otf".split()
)
GENERATED_NAMES = frozenset(("_redirects", "_headers", ".nojekyll", "CNAME"))


def check_output_dir(out_dir: Path, site_dir: Path, *, default: bool = False) -> None:
    """Refuse an output folder whose replacement would destroy anything dermsite did not make.

    ``default``: ``out_dir`` is the site's own ``output/`` (not chosen with --out), which is
    also accepted unmarked when everything in it looks generated (an older dermsite's).
    Raises OutputRefused, a usage error."""
    out, site = out_dir.resolve(), site_dir.resolve()
    refusal = _refusal(out, site, default)
    if refusal is not None:
        why, hint = refusal
        raise OutputRefused(
            [
                SiteError(
                    _shown(out_dir),
                    message=f"refusing to use this folder for output: {why}",
                    hint=hint,
                )
            ]
        )


OWN_FOLDER = "choose an empty or new folder of its own with --out, e.g. --out output"
NOT_OURS = "choose an empty or new folder with --out, or delete this one yourself"


def _refusal(out: Path, site: Path, default: bool) -> tuple[str, str] | None:
    """Why dermsite must not replace ``out``, and what to do instead; None when it may."""
    if out == site:
        return "it is the site folder", OWN_FOLDER
    if site.is_relative_to(out):
        return f"it contains the site folder ({site})", OWN_FOLDER
    if ".git" in out.parts:
        return "it is a .git folder, or inside one", OWN_FOLDER
    for name, holds in (("content", "your posts and pages"), ("themes", "the themes")):
        folder = (site / name).resolve()  # it may be a link to a folder elsewhere
        if out.is_relative_to(folder):
            where = "the" if out == folder else "inside the"
            return f"it is {where} site's {name}/ folder, which holds {holds}", OWN_FOLDER
    if not os.path.lexists(out):
        ancestor = out.parent
        while not os.path.lexists(ancestor):
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            return f"{ancestor} is a file, not a folder", OWN_FOLDER
        return None
    if not out.is_dir():
        return "it is a file, not a folder", OWN_FOLDER
    try:
        names = sorted(os.listdir(out))
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})", NOT_OURS
    precious = [name for name in PRECIOUS if name in names]
    if precious:
        return f"it holds {', '.join(precious)}, which the build would delete", NOT_OURS
    if not names or is_marked(out):
        return None
    strangers = [name + "/" if (out / name).is_dir() else name for name in names]
    try:  # stops at the first few: a big folder of anything else is not walked
        odd = not_generated(out, need_index=True)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})", NOT_OURS
    listed = _some(strangers)
    if default:
        if not odd:
            return None  # an older dermsite's output/, from before the marker
        listed = ", ".join(odd[:3]) + (", …" if len(odd) > 3 else "")
    older = " (if an older dermsite built it, delete it once)" if default or not odd else ""
    return (
        f"it holds files dermsite did not write ({listed}) and no {MARKER} marker",
        NOT_OURS + older,
    )


def _shown(path: Path) -> str:
    """The folder as the author would type it: relative to here when inside, with a '/'."""
    shown = str(path)
    with contextlib.suppress(ValueError):
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    if os.path.lexists(path) and not path.is_dir():
        return shown
    return shown if shown.endswith("/") else shown + "/"


def _some(names: list[str], count: int = 3) -> str:
    shown = ", ".join(names[:count])
    return shown + (f" and {len(names) - count} more" if len(names) > count else "")


def is_marked(folder: Path) -> bool:
    """Whether ``folder`` holds dermsite's output marker."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return False
        with marker.open("rb") as file:
            stamp = json.loads(file.read(4096))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("generator") == "dermsite"


def not_generated(folder: Path, *, need_index: bool, limit: int = 4) -> list[str]:
    """Up to ``limit`` paths under ``folder`` that a dermsite build would not have written
    (empty when all look generated): links, hidden folders, and files of other kinds."""
    strangers = []
    if need_index and not (folder / "index.html").is_file():
        strangers.append("no index.html")
    pending = [("", str(folder))]
    while pending and len(strangers) < limit:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_symlink():
                    strangers.append(rel)
                elif entry.is_dir():
                    if entry.name.startswith("."):
                        strangers.append(rel + "/")
                    else:
                        pending.append((rel + "/", entry.path))
                elif not (
                    entry.name in GENERATED_NAMES
                    or os.path.splitext(entry.name)[1].lower() in GENERATED_SUFFIXES
                    or (not prefix and entry.name == MARKER)
                ):
                    strangers.append(rel)
    return sorted(strangers)[:limit]


def remove_tree(root: Path) -> None:
    """Delete a tree of dermsite's, its marker last: if the build is killed half-way, what is
    left still carries the marker (or is empty), so the next build knows it may remove it."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(root / MARKER)
    with contextlib.suppress(OSError):
        os.rmdir(root)


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Delete the staging and old trees that killed builds left beside ``out_dir``: only
    folders named as dermsite names them, of a process that is gone, and empty or marked
    (or, from a dermsite before the marker, holding only generated files). Returns them."""
    name = re.escape(out_dir.name)
    kinds = f"(?:{re.escape(STAGING)}|{re.escape(OLD)})"
    ours = re.compile(rf"{kinds}{name}-(\d+)-[a-z0-9_]{{8}}")
    older = re.compile(rf"{kinds}{name}-[a-z0-9_]{{8}}")
    removed = []
    try:
        entries = list(os.scandir(out_dir.parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith((STAGING, OLD)) or not entry.is_dir(follow_symlinks=False):
            continue
        folder = Path(entry.path)
        match = ours.fullmatch(entry.name)
        if match:
            pid = int(match[1])
            if pid == os.getpid() or _running(pid):
                continue  # a build in progress
            with contextlib.suppress(OSError):
                if is_marked(folder) or not any(folder.iterdir()):
                    remove_tree(folder)
                    removed.append(folder)
        elif older.fullmatch(entry.name):
            with contextlib.suppress(OSError):
                if not not_generated(folder, need_index=False):
                    remove_tree(folder)
                    removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def _cannot(out_dir: Path, why: str) -> OutputRefused:
    return OutputRefused(
        [
            SiteError(
                _shown(out_dir),
                message=f"cannot publish into this folder: {why}",
                hint="choose a folder you can write to with --out (inside a mount point, not it)",
            )
        ]
    )


class Staging:
    """The next output tree, built beside the output folder; it becomes the output folder in
    one step on publish, or vanishes on discard."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(out_dir)
            self.root = Path(
                tempfile.mkdtemp(
                    prefix=f"{STAGING}{out_dir.name}-{os.getpid()}-", dir=out_dir.parent
                )
            )
            # First, so that a staging folder of a killed build is always empty or marked.
            (self.root / MARKER).write_bytes(MARKER_TEXT)
        except OSError as exc:
            raise _cannot(out_dir, f"cannot write beside it ({exc.strerror})") from None

    def discard(self) -> None:
        remove_tree(self.root)

    def keep(self, paths: Iterable[str]) -> None:
        """Put the output folder's current files at ``paths`` into the new tree: hard links
        (the same bytes and modification time, at no cost), copies where a link cannot be
        made."""
        root, old = str(self.root), str(self.out_dir)
        made = {""}
        for path in paths:  # strings and os calls: thousands of files in a rebuild
            folder = path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(f"{root}/{folder}", exist_ok=True)
                made.add(folder)
            try:
                os.link(f"{old}/{path}", f"{root}/{path}", follow_symlinks=False)
            except OSError:
                shutil.copy2(f"{old}/{path}", f"{root}/{path}", follow_symlinks=False)

    def publish(self) -> None:
        """Make the staged tree the output folder in one step and remove the old tree.

        Linux: one ``renameat2(RENAME_EXCHANGE)``. Elsewhere, or on a file system that
        cannot exchange: the old tree is renamed away and the new one in, two renames with
        a moment between them when the output folder is missing."""
        os.chmod(self.root, 0o755)  # mkdtemp makes it private; a served folder must not be
        if not os.path.lexists(self.out_dir):
            os.rename(self.root, self.out_dir)
            return
        try:
            exchanged = exchange_paths(self.root, self.out_dir)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EBUSY):
                raise
            raise _cannot(self.out_dir, "it is a mount point, which cannot be swapped") from None
        if exchanged:
            old = self.root
        else:
            old = Path(
                tempfile.mkdtemp(
                    prefix=f"{OLD}{self.out_dir.name}-{os.getpid()}-", dir=self.out_dir.parent
                )
            )
            os.rmdir(old)
            os.rename(self.out_dir, old)
            os.rename(self.root, self.out_dir)
        with contextlib.suppress(OSError):  # an older dermsite's tree: mark it ours to remove
            if not is_marked(old):
                (old / MARKER).write_bytes(MARKER_TEXT)
        remove_tree(old)
