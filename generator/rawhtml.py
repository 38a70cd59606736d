"""Raw HTML in a body (its html_block and html_inline tokens): sanitised with nh3, escaped,
or trusted, as the site's ``raw_html`` setting says; what sanitising removes comes back as
warnings at the author's line. Sees only what the author wrote, never the renderer's HTML.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from generator.errors import SiteError

MODES = ("sanitize", "escape", "trust")

# The allowlist. Everything else is removed: a tag not listed loses its tags and keeps its
# text; a CONTENT_TAGS element goes with everything inside it.
TAGS = frozenset(
    {
        # text
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em",
        "i", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strong", "sub", "sup", "time", "u", "var", "wbr",
        # blocks
        "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "summary", "ul",
        # tables
        "caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    }
)
GENERIC_ATTRIBUTES = frozenset({"class", "dir", "lang", "title"})
ATTRIBUTES = {
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"alt", "height", "loading", "src", "width"}),
    "td": frozenset({"colspan", "headers", "rowspan"}),
    "th": frozenset({"abbr", "colspan", "headers", "rowspan", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"reversed", "start", "type"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
    "del": frozenset({"datetime"}),
    "ins": frozenset({"datetime"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # and relative URLs
IMAGE_SCHEMES = frozenset({"http", "https"})  # and relative URLs
URL_ATTRIBUTES = frozenset({"href", "src"})
CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
        "embed", "applet", "noembed", "noframes", "svg", "math", "textarea", "select",
        "title", "xmp",
    }
)

_TRUST = 'or set raw_html = "trust" in [tool.dermsite] to publish raw HTML as written (unsafe)'
_REASONS = {  # kind of removal -> (why, in the warning; what to do instead, its hint)
    "script": ("scripts never run on this site", "write it in Markdown, " + _TRUST),
    "event": (
        "event handlers are scripts, and scripts never run on this site",
        "write it in Markdown, " + _TRUST,
    ),
    "url:javascript": (
        "javascript: and vbscript: URLs are scripts, and scripts never run on this site",
        "link to a page: [text](https://…) or [text](../posts/x.md), " + _TRUST,
    ),
    "url:data": (
        "data: URLs can hide any content",
        "put the file in the theme's static/ folder, or link to it on its own site, " + _TRUST,
    ),
    "url": (
        "links keep only http(s), mailto: and tel: URLs and images only http(s) ones",
        "link to a page: [text](https://…) or [text](../posts/x.md), " + _TRUST,
    ),
    "style": (
        "styles come from the theme only (the Content-Security-Policy blocks inline styles)",
        "use Markdown, or a class the theme styles, " + _TRUST,
    ),
    "frame": (
        "embedded frames and plugins would load another site's page into this one",
        "link to it instead: [what it is](https://…), " + _TRUST,
    ),
    "form": (
        "forms cannot send anything from this site (the Content-Security-Policy blocks them)",
        "link to the form on its own site instead, " + _TRUST,
    ),
    "svg": (
        "inline SVG and MathML can carry scripts",
        'put the drawing in a file and show it with <img src="….svg" alt="…">, ' + _TRUST,
    ),
    "other": (
        "only the tags and attributes of the allowlist are published (docs/build-safety.md)",
        "use Markdown or an allowed tag, " + _TRUST,
    ),
}
_KINDS = {  # removed tag -> kind of removal; others are "other"
    **dict.fromkeys(("script", "noscript", "template"), "script"),
    "style": "style",
    **dict.fromkeys(
        ("iframe", "frame", "frameset", "object", "embed", "applet", "noembed", "noframes"),
        "frame",
    ),
    **dict.fromkeys(
        (
            "form", "input", "button", "select", "option", "optgroup", "textarea", "label",
            "fieldset", "legend", "datalist", "output",
        ),
        "form",
    ),
    "svg": "svg",
    "math": "svg",
}


def _image_src_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3 checks one list of schemes for every href and src; images take fewer."""
    if tag == "img" and attribute == "src" and _scheme(value) not in (None, *IMAGE_SCHEMES):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CONTENT_TAGS),
    attributes={"*": set(GENERIC_ATTRIBUTES), **{t: set(a) for t, a in ATTRIBUTES.items()}},
    attribute_filter=_image_src_filter,
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)

# Stands for the renderer's HTML between two raw fragments while they are sanitised together
# (private-use characters: text that nh3 keeps as it is).
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")
_COMMENT_START = "<!--"


def apply_raw_html(
    tokens: Sequence[Token], mode: str, *, source: str, body_line: int, lines: Sequence[str]
) -> list[SiteError]:
    """Rewrite the content of the author's html_block and html_inline tokens for ``mode``;
    the warnings for what sanitising removed. Tokens with ``meta["generated"]`` (HTML the
    renderer made) are left alone. HTML comments are dropped in every mode."""
    found = list(_raw_tokens(tokens))
    if not found:
        return []
    raw = [token for token, _ in found]
    if mode == "trust":
        for token in raw:
            if token.content.startswith(_COMMENT_START):
                token.content = _after_comment(token.content)
        return []
    if mode == "escape":
        for token in raw:
            token.content = _escaped(token.content, block=token.type == "html_block")
        return []
    fragments = [token.content for token in raw]
    warnings = []
    for removal in find_removals(fragments):
        index = found[removal.fragment][1] + removal.line - 1
        source_line = lines[index] if 0 <= index < len(lines) else ""
        # in the source line, where indentation and "> " may stand before the fragment
        at = source_line.find(removal.text) if removal.text else -1
        if at < 0:
            at = removal.offset
        warnings.append(
            SiteError(
                source, body_line + index, at + 1, removal.message, removal.hint, kind="warning"
            )
        )
    for token, text in zip(raw, sanitize_fragments(fragments), strict=True):
        token.content = text
    return warnings


def _raw_tokens(tokens: Sequence[Token]) -> Iterator[tuple[Token, int]]:
    """Each raw HTML token, in order, with the index in the body of its first line."""
    for block in tokens:
        if block.type == "html_block" and not block.meta.get("generated"):
            yield block, (block.map[0] if block.map else 0)
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else 0
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline" and not child.meta.get("generated"):
                yield child, line
                line += child.content.count("\n")  # a tag may span lines


def sanitize_fragments(fragments: Sequence[str]) -> list[str]:
    """Each fragment sanitised, read as the browser reads them: one after another, so that
    a ``<details>`` opened in one block and closed in a later one stays one element."""
    if len(fragments) > 1 and not any(
        _MARK_OPEN in f or _MARK_CLOSE in f for f in fragments
    ):
        joined = "".join(
            f"{text}{_MARK_OPEN}{n}{_MARK_CLOSE}" for n, text in enumerate(fragments[:-1])
        )
        pieces = _split(_CLEANER.clean(joined + fragments[-1]), len(fragments))
        if pieces is not None:
            return pieces
    # A mark that did not survive as text of its own (inside an element removed with its
    # content, or in an unclosed attribute): each fragment on its own, which is always safe.
    return [_CLEANER.clean(f) for f in fragments]


def _split(cleaned: str, count: int) -> list[str] | None:
    parts = _MARK.split(cleaned)
    pieces, numbers = parts[0::2], parts[1::2]
    if numbers != [str(n) for n in range(count - 1)]:
        return None
    if any(_MARK_OPEN in p or _MARK_CLOSE in p for p in pieces):
        return None
    text = _Text()
    text.feed(cleaned)
    text.close()
    if text.marks != count - 1:  # a mark inside an attribute value
        return None
    return pieces


class _Text(HTMLParser):
    """Counts the marks in text (not in attribute values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks = 0

    def handle_data(self, data: str) -> None:
        self.marks += data.count(_MARK_OPEN)


def _after_comment(text: str) -> str:
    end = text.find("-->", len(_COMMENT_START) - 2)
    rest = text[end + 3 :] if end >= 0 else ""
    return rest if rest.strip() else ""


_COMMENTS = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _escaped(text: str, *, block: bool) -> str:
    text = _COMMENTS.sub("", text)
    if not text.strip():
        return ""
    if block:
        return f"<p>{escapeHtml(text.strip(chr(10)))}</p>\n"
    return escapeHtml(text)


@dataclass(frozen=True, slots=True)
class Removal:
    """Something sanitising removes from one fragment, at its place in the fragment."""

    fragment: int  # index of the fragment
    line: int  # 1-based line in the fragment
    offset: int  # 0-based column in that line
    text: str  # the start tag's first line as written, to find its column in the source
    message: str
    hint: str


def find_removals(fragments: Sequence[str]) -> list[Removal]:
    """What the allowlist removes from the fragments of one body, in the author's words.
    They are read in order, as sanitize_fragments reads them (an <svg> opened in one
    fragment holds the next ones until it closes). Removed tags of one kind on one line
    are one removal. Comments are removed silently (the safety lint's suppressions live
    in them)."""
    starts, at = [], 0
    for text in fragments:
        starts.append(at)
        at += len(text) + 1
    joined = _MARK_OPEN.join(fragments)  # the renderer's HTML between them, as text
    finder = _RemovalFinder()
    finder.feed(joined)
    finder.close()
    line_starts = [0] + [m.end() for m in re.finditer("\n", joined)]
    merged: list[tuple[int, int, str, list[str], str]] = []  # index, line, kind, whats, tag
    for line, offset, kind, what, text in finder.found:
        last = merged[-1] if merged else None
        if last and last[1:3] == (line, kind) and what[0] == "<" and last[3][0][0] == "<":
            last[3].append(what)
            continue
        merged.append((line_starts[line - 1] + offset, line, kind, [what], text))
    removals = []
    for index, _, kind, what, text in merged:
        n = bisect.bisect_right(starts, index) - 1
        within = index - starts[n]
        fragment = fragments[n]
        reason, hint = _REASONS[kind]
        shown = ", ".join(what[:-1]) + " and " + what[-1] if len(what) > 1 else what[0]
        message = (
            f"removed {shown} from the raw HTML"
            if shown.startswith("<")
            else f"removed {shown} in the raw HTML"
        )
        removals.append(
            Removal(
                n,
                fragment.count("\n", 0, within) + 1,
                within - (fragment.rfind("\n", 0, within) + 1),
                text,
                f"{message}: {reason}",
                hint,
            )
        )
    return removals


class _RemovalFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, str, str, str]] = []  # line, offset, kind, what, tag
        self.inside: list[str] = []  # open CONTENT_TAGS elements: all inside goes with them

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # '/>' closes only foreign elements (<svg/>); <iframe/> is still open in HTML
        self._start(tag, attrs, closed=tag in ("svg", "math"))

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag == self.inside[-1]:
            self.inside.pop()

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        if self.inside:
            if tag == self.inside[-1] and not closed:
                self.inside.append(tag)
            return
        if tag not in TAGS:
            if tag in CONTENT_TAGS and tag not in _VOID and not closed:
                self.inside.append(tag)
            self._add(_KINDS.get(tag, "other"), f"<{tag}>")
            return
        removed: dict[str, list[str]] = {}
        for name, value in attrs:
            kind = _attribute_problem(tag, name, value or "")
            if kind is not None:
                removed.setdefault(kind, []).append(_shown(name, value))
        for kind, names in removed.items():
            self._add(kind, f"{' and '.join(names)} from <{tag}>")

    def _add(self, kind: str, what: str) -> None:
        line, offset = self.getpos()
        text = (self.get_starttag_text() or "").split("\n", 1)[0]
        self.found.append((line, offset, kind, what, text))


_VOID = frozenset({"embed", "frame"})


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    """Why the allowlist removes this attribute of an allowed tag (a _REASONS key), or None."""
    if name.startswith("on"):
        return "event"
    if name == "style":
        return "style"
    if name not in GENERIC_ATTRIBUTES and name not in ATTRIBUTES.get(tag, ()):
        return "other"
    if name in URL_ATTRIBUTES:
        scheme = _scheme(value)
        allowed = IMAGE_SCHEMES if tag == "img" and name == "src" else URL_SCHEMES
        if scheme is not None and scheme not in allowed:
            kind = "url:" + ("javascript" if scheme == "vbscript" else scheme)
            return kind if kind in _REASONS else "url"
    return None


def _shown(name: str, value: str | None) -> str:
    scheme = _scheme(value or "")
    if name in URL_ATTRIBUTES and scheme:
        return f'{name}="{scheme}:…"'
    return f"{name}="


_STRIPPED = re.compile(r"[\x00-\x20]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def _scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it (case, spaces and tabs do not hide it);
    None for a relative URL."""
    match = _SCHEME.match(_STRIPPED.sub("", url).lower())
    return match.group(1) if match else None
