"""Markdown to HTML for post, term and author bodies: one function that returns a value.

Heading ids and a table of contents, internal ``.md`` links turned into page URLs,
the first mention of each known term linked to its page, GitHub alerts, footnotes; the
author's raw HTML sanitised, escaped or trusted (``generator.rawhtml``).
Never sees templates or the output folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from generator.errors import SiteError, did_you_mean
from generator.markdown_parser import make_parser
from generator.rawhtml import apply_raw_html
from generator.urls import Urls, slugify

# ids the theme uses itself; a heading never takes one of them
RESERVED_IDS = frozenset({"main", "toc", "references", "related", "disclaimer", "safety-warning"})
_FOOTNOTE_ID = re.compile(r"^fn(ref)?\d")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class InternalLink:
    """A link in a body to another content file (or an anchor), checked after all bodies render."""

    source: str  # the file the link is in
    line: int
    column: int
    target: str  # content file the link points to ('' for a same-page anchor)
    anchor: str  # '' when there is none


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    headings: tuple[Heading, ...] = ()
    links: tuple[InternalLink, ...] = ()
    mentions: tuple[tuple[str, str], ...] = ()  # (taxonomy, slug) of auto-linked terms
    errors: tuple[SiteError, ...] = ()
    citations: tuple[tuple[int, str], ...] = ()  # (source number, id of the citing <a>)
    hrefs: tuple[tuple[str, int, int], ...] = ()  # other site links: (href, line, column)
    warnings: tuple[SiteError, ...] = ()  # what sanitising removed from the raw HTML

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.id for h in self.headings)


@dataclass(frozen=True)
class TermMatcher:
    """Finds mentions of known terms (names and synonyms) in text, case-insensitively."""

    pattern: re.Pattern[str] | None
    keys: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    # casefolded phrase -> (taxonomy, slug, page path)

    @property
    def signature(self) -> tuple:
        return tuple(sorted(self.keys.items()))

    @classmethod
    def build(cls, phrases: Iterable[tuple[str, str, str, str]]) -> TermMatcher:
        """``phrases``: (phrase, taxonomy, slug, page path)."""
        keys: dict[str, tuple[str, str, str]] = {}
        for phrase, taxonomy, slug, path in phrases:
            folded = phrase.casefold().strip()
            if len(folded) >= 2:
                keys.setdefault(folded, (taxonomy, slug, path))
        if not keys:
            return cls(None, {})
        # A trie-shaped alternation keeps the regex fast with hundreds of phrases.
        body = _trie_regex(sorted(keys))
        return cls(re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE), keys)


def _trie_regex(words: list[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + walk(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{inner})?"
        return inner

    return walk(trie)


def _heading_ids(state: StateCore) -> None:
    used = set(RESERVED_IDS)
    headings: list[Heading] = []
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = "".join(
            child.content
            for child in inline.children or ()
            if child.type in ("text", "code_inline")
        ).strip()
        base = slugify(text) or "section"
        if _FOOTNOTE_ID.match(base):
            base = "section-" + base
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        token.attrSet("id", slug)
        headings.append(Heading(int(token.tag[1]), slug, text))
    state.env["headings"] = headings


def _inline_line_starts(inline: Token) -> list[int]:
    """Child index -> line offset within the block, counting soft and hard breaks."""
    offsets, line = [], 0
    for child in inline.children or ():
        offsets.append(line)
        if child.type in ("softbreak", "hardbreak"):
            line += 1
    return offsets


def _internal_links(state: StateCore) -> None:
    env = state.env
    source: str = env["source"]
    pages: Mapping[str, str] = env["pages_by_source"]
    urls: Urls = env["urls"]
    lines: list[str] = env["lines"]
    links: list[InternalLink] = env["links"]
    errors: list[SiteError] = env["errors"]
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        offsets = None
        for index, child in enumerate(block.children):
            if child.type not in ("link_open", "image"):
                continue
            attr = "href" if child.type == "link_open" else "src"
            href = str(child.attrGet(attr) or "")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href:
                continue
            if offsets is None:
                offsets = _inline_line_starts(block)
            line_index = (block.map[0] if block.map else 0) + offsets[index]
            line = env["body_line"] + line_index
            text_line = lines[line_index] if line_index < len(lines) else ""
            found = text_line.find(href)
            column = found + 1 if found >= 0 else 1
            if href.startswith("/") or (parts.path and not parts.path.endswith(".md")):
                # a site path or a relative asset: the output link check resolves it, and
                # reports it here, at its Markdown line
                env["hrefs"].append((href, line, column))
                continue
            anchor = unquote(parts.fragment)
            if not parts.path:
                links.append(InternalLink(source, line, column, "", anchor))
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(source), unquote(parts.path))
            )
            page = pages.get(target)
            if page is None:
                errors.append(
                    SiteError(
                        source,
                        line,
                        column,
                        f"broken link: {href} points to {target}, which does not exist",
                        _closest_source(target, pages),
                    )
                )
                continue
            child.attrSet(attr, urls.url(page) + (f"#{parts.fragment}" if parts.fragment else ""))
            links.append(InternalLink(source, line, column, target, anchor))


def _closest_source(target: str, pages: Mapping[str, str]) -> str:
    hits = did_you_mean(target, list(pages), n=1, cutoff=0.5)
    if hits:
        return f"did you mean {hits[0]}? (links use the source file's path relative to this file)"
    return "link to another content file by its path relative to this file, e.g. ../treatments/x.md"


def _autolink_terms(state: StateCore) -> None:
    env = state.env
    matcher: TermMatcher | None = env.get("matcher")
    if matcher is None or matcher.pattern is None:
        return
    urls: Urls = env["urls"]
    done: set[tuple[str, str]] = set(env.get("skip_terms", ()))
    mentions: list[tuple[str, str]] = env["mentions"]
    in_heading = False
    for block in state.tokens:
        if block.type == "heading_open":
            in_heading = True
        elif block.type == "heading_close":
            in_heading = False
        if block.type != "inline" or in_heading or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for child in block.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type != "text" or link_depth or not child.content:
                children.append(child)
                continue
            children.extend(_link_mentions(child, matcher, urls, done, mentions))
        block.children = children


def _link_mentions(
    token: Token,
    matcher: TermMatcher,
    urls: Urls,
    done: set[tuple[str, str]],
    mentions: list[tuple[str, str]],
) -> list[Token]:
    assert matcher.pattern is not None
    text = token.content
    out: list[Token] = []
    last = 0
    for match in matcher.pattern.finditer(text):
        taxonomy, slug, path = matcher.keys[match.group(0).casefold()]
        if (taxonomy, slug) in done:
            continue
        done.add((taxonomy, slug))
        mentions.append((taxonomy, slug))
        if match.start() > last:
            out.append(Token("text", "", 0, content=text[last : match.start()]))
        link_open = Token("link_open", "a", 1)
        link_open.attrs = {"href": urls.url(path), "class": "term-link"}
        out.extend(
            [
                link_open,
                Token("text", "", 0, content=match.group(0)),
                Token("link_close", "a", -1),
            ]
        )
        last = match.end()
    if not out:
        return [token]
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:]))
    return out


_CITATION = re.compile(r"\[\^([^\]\s]+)\]")


def _citations(state: StateCore) -> None:
    """``[^N]`` with no footnote definition cites source N of the post's ``sources``;
    the link goes to the reference list, and the reference links back."""
    env = state.env
    count: int = env.get("sources", 0)
    cited: list[tuple[int, str]] = env["citations"]
    lines: list[str] = env["lines"]
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        offsets = None
        for index, child in enumerate(block.children):
            if child.type != "text" or "[^" not in child.content:
                children.append(child)
                continue
            text, last = child.content, 0
            for match in _CITATION.finditer(text):
                label = match.group(1)
                if not label.isdigit() or not 1 <= int(label) <= count:
                    if offsets is None:
                        offsets = _inline_line_starts(block)
                    line_index = (block.map[0] if block.map else 0) + offsets[index]
                    source_line = lines[line_index] if line_index < len(lines) else ""
                    found = source_line.find(match.group(0))
                    env["errors"].append(
                        SiteError(
                            env["source"],
                            env["body_line"] + line_index,
                            found + 1 if found >= 0 else 1,
                            f"footnote {match.group(0)} has no definition"
                            + (f" and the post has {count} source(s)" if label.isdigit() else ""),
                            f"add a line '{match.group(0)}: text' or cite a source by its "
                            "number in 'sources:' ([^1] is the first)",
                        )
                    )
                    continue
                number = int(label)
                ident = f"cite-{number}-{sum(1 for n, _ in cited if n == number) + 1}"
                cited.append((number, ident))
                children.append(Token("text", "", 0, content=text[last : match.start()]))
                html = Token("html_inline", "", 0, meta={"generated": True})
                html.content = (
                    f'<sup class="citation"><a href="#source-{number}" id="{ident}">'
                    f"[{number}]</a></sup>"
                )
                children.append(html)
                last = match.end()
            children.append(Token("text", "", 0, content=text[last:]))
        block.children = [c for c in children if c.type != "text" or c.content]


def _alert_roles(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "alert_open":
            token.attrSet("role", "note")
        elif token.type == "table_open":
            # a wide table scrolls inside its own box rather than the page
            token.attrSet("class", "content-table")
        elif token.type in ("th_open", "td_open") and token.attrs.get("style"):
            # alignment as a class: the Content-Security-Policy forbids inline styles
            align = str(token.attrs.pop("style")).removeprefix("text-align:").strip()
            token.attrSet("class", f"align-{align}")


def make_markdown() -> MarkdownIt:
    """The site's parser (``make_parser``) with the renderer's own core rules."""
    md = make_parser()
    md.core.ruler.push("dermsite_heading_ids", _heading_ids)
    md.core.ruler.push("dermsite_internal_links", _internal_links)
    md.core.ruler.push("dermsite_autolink", _autolink_terms)
    md.core.ruler.push("dermsite_citations", _citations)
    md.core.ruler.push("dermsite_alerts", _alert_roles)
    return md


_MD: MarkdownIt | None = None


def render_markdown(
    body: str,
    *,
    source: str,
    body_line: int,
    urls: Urls,
    pages_by_source: Mapping[str, str],
    matcher: TermMatcher | None = None,
    skip_terms: Iterable[tuple[str, str]] = (),
    sources: int = 0,
    raw_html: str = "sanitize",
) -> RenderedBody:
    """Render one body. Errors (broken links) come back in the value, never raised."""
    global _MD
    if _MD is None:
        _MD = make_markdown()
    env = {
        "source": source,
        "body_line": body_line,
        "urls": urls,
        "pages_by_source": pages_by_source,
        "lines": body.split("\n"),
        "links": [],
        "errors": [],
        "mentions": [],
        "matcher": matcher,
        "skip_terms": tuple(skip_terms),
        "sources": sources,
        "citations": [],
        "hrefs": [],
        "docId": None,
    }
    tokens = _MD.parse(body, env)
    # the author's raw HTML only: the rules above made the rest, and made it safe
    warnings = apply_raw_html(
        tokens, raw_html, source=source, body_line=body_line, lines=env["lines"]
    )
    html = _MD.renderer.render(tokens, _MD.options, env)
    return RenderedBody(
        html=html,
        headings=tuple(env["headings"]),
        links=tuple(env["links"]),
        mentions=tuple(env["mentions"]),
        errors=tuple(env["errors"]),
        citations=tuple(env["citations"]),
        hrefs=tuple(env["hrefs"]),
        warnings=tuple(warnings),
    )
