"""Maps a request path to a file of one finished build folder: pretty URLs, no way out.

Pure path logic over a folder that no longer changes; knows nothing of HTTP or builds.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

# Types a static host would send; mimetypes alone depends on the machine's /etc/mime.types.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    "": "text/plain; charset=utf-8",  # _redirects
}
NOT_FOUND_PAGE = "404.html"


@dataclass(frozen=True, slots=True)
class Lookup:
    """What to answer: 200 with ``file``, 301 to ``location``, or 404 (``file``: the 404 page)."""

    status: int
    file: Path | None = None
    location: str = ""


def content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def lookup_file(root: Path, prefix: str, url_path: str) -> Lookup:
    """The file under ``root`` for ``url_path`` (percent-encoded, no query), site at ``prefix``."""
    path = unquote(url_path)
    if not path.startswith(prefix):
        if path in ("", "/") or path + "/" == prefix:
            return Lookup(301, location=prefix)
        return not_found(root)
    parts = path[len(prefix) :].split("/")
    # Decoded before checking, so '%2e%2e' and '%2f' cannot smuggle a '..' past this line.
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        return not_found(root)
    names = [part for part in parts if part]
    target = root.joinpath(*names)
    if parts[-1] == "":
        target = target / "index.html"
    elif target.is_dir():
        if (target / "index.html").is_file():
            return Lookup(301, location=prefix + quote("/".join(names)) + "/")
        return not_found(root)
    if not _inside(target, root) or not target.is_file():
        return not_found(root)
    return Lookup(200, target)


def not_found(root: Path) -> Lookup:
    page = root / NOT_FOUND_PAGE
    return Lookup(404, page if page.is_file() else None)


def _inside(target: Path, root: Path) -> bool:
    """True when ``target`` stays in ``root`` after symlinks are followed."""
    try:
        return target.resolve().is_relative_to(root.resolve())
    except OSError:
        return False
