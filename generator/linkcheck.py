"""Check the built site's own links: every internal href and src resolves to an output
file under the base path, and every #fragment to an id in the target page.

Pure: works on (path, bytes) values, reads no files.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from generator.errors import SiteError
from generator.urls import Urls

_ATTR = re.compile(rb"""\s(href|src)=(?:"([^"]*)"|'([^']*)')""")
_LOC = re.compile(rb"<loc>([^<]*)</loc>")
_ID = re.compile(rb"""\sid=(?:"([^"]*)"|'([^']*)')""")
_SKIP_SCHEMES = ("mailto", "tel", "data", "javascript")


@dataclass(frozen=True, slots=True)
class Reference:
    page: str  # output file holding the link
    line: int
    href: str
    source: str  # content file the page was made from ('' for generated pages)


@dataclass
class LinkChecker:
    urls: Urls
    # content file -> href -> (line, column) of the Markdown link that wrote it
    positions: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def add(self, path: str, data: bytes, source: str = "") -> None:
        self.files.add(path)
        if path.endswith(".html"):
            self.ids[path] = frozenset(
                html.unescape((m.group(1) or m.group(2) or b"").decode())
                for m in _ID.finditer(data)
            )
        elif not path.endswith(".xml"):
            return
        matches = [(m.start(), m.group(2) or m.group(3) or b"") for m in _ATTR.finditer(data)]
        if path.endswith(".xml"):  # feeds: <link href>; the sitemap: <loc>
            matches += [(m.start(), m.group(1)) for m in _LOC.finditer(data)]
        line, counted = 1, 0
        for start, raw in sorted(matches):
            value = html.unescape(raw.decode()).strip()
            line += data.count(b"\n", counted, start)  # matches are in order: count once
            counted = start
            self.references.append(Reference(path, line, value, source))

    def check(self) -> list[SiteError]:
        errors = []
        base = self.urls.base_path
        origin = self.urls.base_url[: -len(base)] if base != "/" else self.urls.base_url[:-1]
        for ref in self.references:
            parts = urlsplit(ref.href)
            if parts.scheme in _SKIP_SCHEMES:
                continue
            if parts.scheme or parts.netloc:
                if not ref.href.startswith(self.urls.base_url):
                    if ref.href.startswith(origin + "/"):
                        errors.append(self._error(ref, "escapes the base path " + base))
                    continue  # another site
                path = urlsplit(ref.href).path
            elif ref.href.startswith("/"):
                path = parts.path
            elif not parts.path:
                path = base + ref.page  # same page
            else:
                page_url = base + ref.page
                path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), parts.path))
                if parts.path.endswith("/"):
                    path += "/"
            path = unquote(path)
            if not path.startswith(base):
                errors.append(self._error(ref, "escapes the base path " + base))
                continue
            target = path[len(base) :]
            found = self._resolve(target)
            if found is None:
                errors.append(self._error(ref, "points to a page that was not built"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and found in self.ids and fragment not in self.ids[found]:
                errors.append(self._error(ref, f"has no target: no id '{fragment}' in /{found}"))
        return errors

    def _resolve(self, target: str) -> str | None:
        for candidate in (target, posixpath.join(target, "index.html"), target + "index.html"):
            candidate = candidate.lstrip("/")
            if candidate in self.files:
                return candidate
        if target == "":
            return "index.html" if "index.html" in self.files else None
        return None

    def _error(self, ref: Reference, problem: str) -> SiteError:
        position = self.positions.get(ref.source, {}).get(ref.href)
        if position is not None:
            return SiteError(
                ref.source,
                position[0],
                position[1],
                f"broken link {ref.href!r} {problem}",
                "link other content by its source file (../posts/x.md), which dermsite checks "
                "and turns into the right URL under any base path",
            )
        made = f" (made from {ref.source})" if ref.source else ""
        return SiteError(
            f"output/{ref.page}",
            ref.line,
            0,
            f"broken link {ref.href!r} {problem}{made}",
            "link pages by their source file (../posts/x.md) or use url() in templates",
        )
