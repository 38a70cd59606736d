"""Check the built site's own links: every internal href and src resolves to an output
file under the base path, and every #fragment to an id in the target page.

Two steps, so that pages an incremental build did not re-render can be checked from what
an earlier build saved: ``extract_links`` reduces one output file to a small, picklable
``PageLinks`` (its ids and its distinct hrefs, each with the line it first appears on),
and ``LinkChecker`` checks all of them together. Each distinct href is resolved once per
check (a relative one once per folder), whatever the number of pages that hold it.

Pure: works on (path, bytes) values, reads no files.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, repeat
from operator import itemgetter
from urllib.parse import unquote, urlsplit

from generator.errors import SiteError
from generator.urls import Urls

_ATTR = re.compile(rb"""\s(href|src)=(?:"([^"]*)"|'([^']*)')""")
_LOC = re.compile(rb"<loc>([^<]*)</loc>")
_ID = re.compile(rb"""\sid=(?:"([^"]*)"|'([^']*)')""")
_SKIP_SCHEMES = ("mailto", "tel", "data")
# never skipped: the Content-Security-Policy blocks them, so such a link cannot work, and
# sanitised raw HTML never has one (see docs/build-safety.md)
_SCRIPT_SCHEMES = ("javascript", "vbscript")
_SCRIPT_PROBLEM = "is a script URL, and scripts never run on this site"

# The attributes of _ATTR and _ID in one pass. A match starts at the '=', which the regex
# engine finds quickly (a leading \s is slow to look for), and looks behind for the name,
# so the matches are those of _ATTR and _ID (see _scan_html for when they are not). The
# groups are an href/src value, an id value, and an href/src value after a newline (whose
# line is the one before: the fast path leaves those to the exact one). Values keep their
# quotes, so that none is empty.
_VALUE = rb"""("[^"]*"|'[^']*')"""
_SCAN = re.compile(
    rb"=(?<=[fcd]=)(?:"
    rb"(?:(?<=[\t\x0b\x0c\r ]href=)|(?<=[\t\x0b\x0c\r ]src=))"
    + _VALUE
    + rb"|(?<=\sid=)"
    + _VALUE
    + rb"|(?:(?<=\nhref=)|(?<=\nsrc=))"
    + _VALUE
    + rb")"
)
_NESTED = re.compile(rb"\s(?:href|src|id)=")
_CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class PageLinks:
    """What the link check needs from one output file.

    ``hrefs`` are the distinct href/src values (and, in XML files, <loc> URLs), unescaped
    and stripped, in order of first appearance; ``lines[i]`` is the line where ``hrefs[i]``
    first appears. ``ids`` are the ids of an HTML page, for #fragment checks; None for other
    files, whose fragments are not checked.
    """

    hrefs: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()
    ids: frozenset[str] | None = None

    def __reduce__(self) -> tuple:  # a little faster to unpickle than the dataclass default
        return (PageLinks, (self.hrefs, self.lines, self.ids))


class _Decoded(dict):
    """Attribute values with their quotes -> their text, shared across pages (most links
    are on many pages). Bounded: cleared when full."""

    def __init__(self, strip: bool):
        super().__init__()
        self.strip = strip

    def __missing__(self, raw: bytes) -> str:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        text = html.unescape(raw[1:-1].decode())
        if self.strip:
            text = text.strip()
        self[raw] = text
        return text


_HREFS = _Decoded(strip=True)
_IDS = _Decoded(strip=False)


def extract_links(path: str, data: bytes) -> PageLinks:
    """The ids and links of the output file at ``path`` (relative to the output folder)."""
    if path.endswith(".html"):
        return _scan_html(data) or _scan_exact(data, xml=False)
    if path.endswith(".xml"):  # feeds: <link href>; the sitemap: <loc>
        return _scan_sitemap(data) or _scan_exact(data, xml=True)
    return PageLinks()


def _scan_html(data: bytes) -> PageLinks | None:
    """The fast reading of an HTML page: one regex pass, then work per distinct value and
    mostly in C. None when the page needs the exact reading."""
    parts = _SCAN.split(data)  # [text, href, id, href after a newline, text, ...]
    hrefs = parts[1::4]  # None where the match is an id
    count = len(hrefs)
    if parts[3::4].count(None) != count:
        return None
    ids = set(parts[2::4])
    ids.discard(None)
    first = dict(zip(reversed(hrefs), range(count - 1, -1, -1), strict=True))  # -> first match
    first.pop(None, None)
    # One scan finds what _ATTR and _ID find in two unless an attribute sits inside the value
    # of another (href='a href="b"'). Newlines in values would put the lines off.
    values = b"".join(first) + b"".join(ids)
    if (b"=" in values or b"\n" in values) and (b"\n" in values or _NESTED.search(values)):
        return None
    ids = frozenset(map(_IDS.__getitem__, ids))
    if not first:
        return PageLinks((), (), ids)
    # match i is on line 1 + the newlines before it, all in texts (values hold none here)
    lines = list(accumulate(map(bytes.count, parts[0:-1:4], repeat(10)), initial=1))  # b"\n"
    del lines[0]
    pick = _picker(sorted(first.values()))
    found = tuple(map(_HREFS.__getitem__, pick(hrefs)))
    lines = pick(lines)
    if len(set(found)) < len(found):  # "x" and 'x', &amp; and &, " x" and "x"
        return _first_of_each(found, lines, ids)
    return PageLinks(found, lines, ids)


def _picker(indexes: list[int]) -> Callable[[Sequence], tuple]:
    """A function that takes these items of a sequence, as a tuple."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda items: (items[index],)
    return itemgetter(*indexes)


def _scan_sitemap(data: bytes) -> PageLinks | None:
    """The fast reading of an XML file with <loc> URLs and no href or src, as a sitemap."""
    if b"href=" in data or b"src=" in data:
        return None
    parts = _LOC.split(data)  # [text, url, text, url, ..., text]
    locs = parts[1::2]
    if not locs:
        return PageLinks()
    first = dict(zip(reversed(locs), range(len(locs) - 1, -1, -1), strict=True))
    if b"\n" in b"".join(first):
        return None
    lines = list(accumulate(map(bytes.count, parts[0:-1:2], repeat(10)), initial=1))
    del lines[0]
    pick = _picker(sorted(first.values()))
    found = tuple([html.unescape(raw.decode()).strip() for raw in pick(locs)])
    if len(set(found)) < len(found):
        return _first_of_each(found, pick(lines), None)
    return PageLinks(found, pick(lines), None)


def _scan_exact(data: bytes, *, xml: bool) -> PageLinks:
    """The reference reading: every match in order, as the check has always read them."""
    matches = [(m.start(), m.group(2) or m.group(3) or b"") for m in _ATTR.finditer(data)]
    ids = None
    if xml:
        matches += [(m.start(), m.group(1)) for m in _LOC.finditer(data)]
        matches.sort()
    else:
        ids = frozenset(
            html.unescape((m.group(1) or m.group(2) or b"").decode()) for m in _ID.finditer(data)
        )
    hrefs, lines = [], []
    line, counted = 1, 0
    for start, raw in matches:
        line += data.count(b"\n", counted, start)  # matches are in order: count once
        counted = start
        hrefs.append(html.unescape(raw.decode()).strip())
        lines.append(line)
    return _first_of_each(hrefs, lines, ids)


def _first_of_each(
    hrefs: Sequence[str], lines: Sequence[int], ids: frozenset[str] | None
) -> PageLinks:
    first: dict[str, int] = {}
    for href, line in zip(hrefs, lines, strict=True):
        first.setdefault(href, line)
    return PageLinks(tuple(first), tuple(first.values()), ids)


@dataclass
class LinkChecker:
    urls: Urls
    # content file -> href -> (line, column) of the Markdown link that wrote it
    positions: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    pages: list[tuple[str, PageLinks, str]] = field(default_factory=list)  # path, links, source
    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def add(self, path: str, data: bytes, source: str = "") -> None:
        """Add an output file: ``path`` relative to the output folder, ``source`` the content
        file it was made from ('' for generated pages)."""
        self.add_links(path, extract_links(path, data), source)

    def add_links(self, path: str, links: PageLinks, source: str = "") -> None:
        """Add an output file by its links, e.g. as saved from an earlier build."""
        self.add_target(path, links.ids)
        if links.hrefs:
            self.pages.append((path, links, source))

    def add_target(self, path: str, ids: frozenset[str] | None) -> None:
        """Add an output file that links may point to, without checking its own links."""
        self.files.add(path)
        if ids is not None:
            self.ids[path] = ids

    def check(self) -> list[SiteError]:
        """The broken links of the files added: one error per distinct href of a page, at the
        line where it first appears (or at the Markdown link that wrote it)."""
        problems = _Problems(self)
        pages = self.pages
        # what is wrong with every href of every page, in one pass over them all
        found = list(map(problems.__getitem__, chain.from_iterable(p[1].hrefs for p in pages)))
        ends = list(accumulate(len(p[1].hrefs) for p in pages))
        ids = self.ids
        plain_base = "%" not in self.urls.base_path  # (see _plain)
        errors = []
        n = 0  # the page of the href at index k in found: pages[n], from ends[n - 1] on
        for k in compress(range(len(found)), found):  # problems, and page-dependent hrefs
            while ends[n] <= k:
                n += 1
            page, links, source = pages[n]
            i = k - ends[n - 1] if n else k
            problem = found[k]
            if problem.__class__ is not str:
                if problem.__class__ is _SamePage and plain_base and _plain(page):
                    fragment = problem.fragment  # the usual '#main': inline, for speed
                    page_ids = ids.get(page)
                    if not fragment or page_ids is None or fragment in page_ids:
                        continue
                    problem = f"has no target: no id '{fragment}' in /{page}"
                else:
                    problem = problems.on_page(links.hrefs[i], problem, page)
                    if problem is None:
                        continue
            errors.append(self._error(page, links.lines[i], links.hrefs[i], source, problem))
        return errors

    def _problem(self, href: str, page: str) -> str | None:
        """What is wrong with ``href`` on ``page``, or None: the reference for _Problems."""
        base = self.urls.base_path
        parts = urlsplit(href)
        if parts.scheme in _SKIP_SCHEMES:
            return None
        if parts.scheme in _SCRIPT_SCHEMES:
            return _SCRIPT_PROBLEM
        if parts.scheme or parts.netloc:
            base_url = self.urls.base_url
            if not href.startswith(base_url):
                origin = base_url[: -len(base)] if base != "/" else base_url[:-1]
                if href.startswith(origin + "/"):
                    return "escapes the base path " + base
                return None  # another site
            path = parts.path
        elif href.startswith("/"):
            path = parts.path
        elif not parts.path:
            path = base + page  # same page
        else:
            page_url = base + page
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), parts.path))
            if parts.path.endswith("/"):
                path += "/"
        found, problem = self._target(path)
        return problem or self._fragment_problem(found, parts.fragment)

    def _target(self, path: str) -> tuple[str, None] | tuple[None, str]:
        """The output file a URL path names, or what is wrong with the path."""
        path = unquote(path)
        base = self.urls.base_path
        if not path.startswith(base):
            return None, "escapes the base path " + base
        found = self._resolve(path[len(base) :])
        if found is None:
            return None, "points to a page that was not built"
        return found, None

    def _fragment_problem(self, found: str, fragment: str) -> str | None:
        fragment = unquote(fragment)
        if fragment and found in self.ids and fragment not in self.ids[found]:
            return f"has no target: no id '{fragment}' in /{found}"
        return None

    def _resolve(self, target: str) -> str | None:
        files = self.files
        candidate = target.lstrip("/")
        if candidate in files:
            return candidate
        candidate = _join(target, "index.html").lstrip("/")
        if candidate in files:
            return candidate
        candidate = (target + "index.html").lstrip("/")
        if candidate in files:
            return candidate
        if target == "":
            return "index.html" if "index.html" in files else None
        return None

    def _error(self, page: str, line: int, href: str, source: str, problem: str) -> SiteError:
        position = self.positions.get(source, {}).get(href)
        if position is not None:
            return SiteError(
                source,
                position[0],
                position[1],
                f"broken link {href!r} {problem}",
                "link other content by its source file (../posts/x.md), which dermsite checks "
                "and turns into the right URL under any base path",
            )
        made = f" (made from {source})" if source else ""
        return SiteError(
            f"output/{page}",
            line,
            0,
            f"broken link {href!r} {problem}{made}",
            "link to a page instead; a script the site needs goes in a .js file of the theme"
            if problem == _SCRIPT_PROBLEM
            else "link pages by their source file (../posts/x.md) or use url() in templates",
        )


def _plain(page: str) -> bool:
    """Whether _target finds the output file ``page`` at its own URL path, itself."""
    return "%" not in page and page[:1] != "/"


def _join(path: str, name: str) -> str:
    """posixpath.join(path, name) for a name without a leading slash, faster."""
    return path + name if not path or path.endswith("/") else path + "/" + name


@dataclass(frozen=True, slots=True)
class _SamePage:  # '', '#x', '?q': the page itself
    fragment: str  # unquoted


_RELATIVE = object()  # 'x/', '../y.png': depends on the page's folder
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # as urlsplit finds a scheme
# paths that urlsplit and unquote keep as they are: a base path, an output file's path
_PLAIN_BASE = re.compile(r"/(?!/)[A-Za-z0-9._~/-]*\Z")
_PLAIN_FILE = re.compile(r"[A-Za-z0-9._~-][A-Za-z0-9._~/-]*\Z")
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._~/\n-]")
_INDEX = "/index.html"


class _Problems(dict):
    """Memo for one check, href -> None when the href is fine on any page, what is wrong
    with it when it is broken on any page, or a _SamePage or _RELATIVE when that depends on
    the page (see ``on_page``). With fast paths, equal to LinkChecker._problem, for the
    usual hrefs: paths from the site root and absolute URLs."""

    def __init__(self, checker: LinkChecker):
        super().__init__()
        self.checker = checker
        self.here: dict[str, tuple[str, None] | tuple[None, str]] = {}  # page -> its target
        self.relative: dict[tuple[str, str], str | None] = {}  # (folder, href) -> problem
        base_url, base = checker.urls.base_url, checker.urls.base_path
        self.base_url, self.base = base_url, base
        # an absolute URL that does not start with this is another site's (or fine)
        self.near = (base_url[: -len(base)] if base != "/" else base_url[:-1]) + "/"
        # where urlsplit splits every href that starts with base_url, as it splits base_url
        own = urlsplit(base_url)
        origin = f"{own.scheme}://{own.netloc}"
        self.origin: str | None = None
        if (
            own.scheme not in _SKIP_SCHEMES
            and base_url == origin + base
            and own.netloc.isascii()
            and "[" not in own.netloc
            and "]" not in own.netloc
            and base_url.isprintable()
        ):
            self.origin = origin
        # Most hrefs are the URL of an output file ('/posts/x/', 'https://site/posts/x/'),
        # which are fine: known at once when neither urlsplit nor unquote change them.
        self.common: frozenset[str] | None = None  # the ids of every HTML page (everywhere)
        self.plain = False
        self.fine: set[str] = set()
        if _PLAIN_BASE.match(base):
            paths = list(checker.files)
            if _NOT_PLAIN.search("\n".join(paths)) or any(p[:1] in ("", "/") for p in paths):
                paths = [p for p in paths if _PLAIN_FILE.match(p)]
            paths = [p[:-10] if p.endswith(_INDEX) or p == "index.html" else p for p in paths]
            self.fine.update(map(base.__add__, paths))  # 'posts/x/index.html' -> '/posts/x/'
            if self.origin is not None:
                self.fine.update(map(base_url.__add__, paths))

    def __missing__(self, href: str) -> str | _SamePage | object | None:
        self[href] = problem = self._classify(href)
        return problem

    def _classify(self, href: str) -> str | _SamePage | object | None:
        if href in self.fine:
            return None
        checker = self.checker
        if href[:1] == "/" and href[1:2] != "/" and href.isprintable():
            if "%" not in href and "#" not in href and "?" not in href:  # the usual '/posts/x/'
                if not href.startswith(self.base):
                    return "escapes the base path " + self.base
                if checker._resolve(href[len(self.base) :]) is None:
                    return "points to a page that was not built"
                return None
            path = href  # from the site root
        elif href.startswith(self.base_url) and self.origin is not None and href.isprintable():
            path = href[len(self.origin) :]
        elif (
            _SCHEME.match(href)
            and not href.startswith(self.near)
            and href.isascii()
            and "[" not in href
            and "]" not in href
        ):
            if urlsplit(href).scheme in _SCRIPT_SCHEMES:
                return _SCRIPT_PROBLEM
            return None  # another site, or mailto: and the like
        else:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("/"):
                return checker._problem(href, "")
            if not parts.path:
                fragment = unquote(parts.fragment)
                if self.everywhere(fragment):
                    return None
                return _SamePage(fragment)
            return _RELATIVE
        # as urlsplit: the fragment after the first '#', then the query after the first '?'
        path, _, fragment = path.partition("#")
        found, problem = checker._target(path.partition("?")[0])
        return problem or checker._fragment_problem(found, fragment)

    def everywhere(self, fragment: str) -> bool:
        """Whether a same-page link to ``fragment`` is fine on every page: each page's own
        URL leads to it (see _plain) and each HTML page has that id."""
        if self.common is None:
            files = "\n" + "\n".join(self.checker.files)
            ids = self.checker.ids.values()
            plain = "%" not in self.base and "%" not in files and "\n/" not in files
            self.common = frozenset.intersection(*ids) if plain and ids else frozenset()
            self.plain = plain
        return self.plain and (not fragment or fragment in self.common)

    def on_page(self, href: str, kind: _SamePage | object, page: str) -> str | None:
        """What is wrong with a page-dependent href on ``page``, or None."""
        if kind.__class__ is _SamePage:
            here = self.here.get(page)
            if here is None:
                checker = self.checker
                here = self.here[page] = checker._target(checker.urls.base_path + page)
            found, problem = here
            if problem is not None:
                return problem
            fragment = kind.fragment
            ids = self.checker.ids
            if fragment and found in ids and fragment not in ids[found]:
                return f"has no target: no id '{fragment}' in /{found}"
            return None
        key = (posixpath.dirname(page), href)
        if key not in self.relative:
            self.relative[key] = self.checker._problem(href, page)
        return self.relative[key]
