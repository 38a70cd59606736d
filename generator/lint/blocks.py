"""Read a post body with markdown-it-py into the prose the lint checks, with exact positions.

Yields the plain text of paragraphs, headings, list items, blockquotes and table
cells (code, link targets, images and HTML left out), a map from every character
back to its source line and column, the warning alerts and the suppression
comments. Knows nothing of rules or grammar.
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token as MdToken

from generator.lint.grammar import column_context, heading_context, lead_in_context, table_context
from generator.markdown_parser import make_parser

_ALERT = re.compile(r"\s*\[!(WARNING|CAUTION)\]", re.IGNORECASE)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
# Characters that can start inline markup; text without them is its own plain text.
_MARKUP = re.compile(r"[`*_\[\]<>!&\\~]|https?:|  \n")
# Token types the walker tracks besides the inline tokens it reads.
_WALK_KINDS = frozenset({"bullet_list_open", "ordered_list_open", "bullet_list_close",
                         "ordered_list_close", "tr_open", "th_open", "td_open", "thead_open",
                         "blockquote_open", "alert_open", "html_block"})
_WARNING_KINDS = frozenset({"WARNING", "CAUTION"})
# Which block a suppression comment applies to when several start on its next line.
_SCOPE_PRIORITY = ("list_item_open", "paragraph_open", "heading_open", "table_open",
                   "blockquote_open", "alert_open", "bullet_list_open", "ordered_list_open",
                   "footnote_reference_open", "html_block")
# Raw HTML: what a reader never sees as text (comments, scripts, styles, declarations and
# processing instructions), the tags themselves, and character references.
_HTML_HIDDEN = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)"
                          r"|<![^>]*(?:>|\Z)|<\?.*?(?:\?>|\Z)", re.DOTALL | re.IGNORECASE)
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
_HTML_PIECE = re.compile(_HTML_HIDDEN.pattern + r"|" + _HTML_TAG.pattern + r"|&#?\w+;",
                         re.DOTALL | re.IGNORECASE)
# Elements a reader sees as boxes of their own: text on either side is not one sentence.
_HTML_BLOCK_LEVEL = frozenset("""
address article aside blockquote caption dd details dialog div dl dt fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table
tbody td tfoot th thead tr ul
""".split())
# Elements that hold nothing, or that a following block closes by itself: an alert after
# them is not inside them.
_HTML_NOT_CONTAINERS = frozenset("""
area base br col embed hr img input link meta source track wbr p
""".split())


@dataclass(frozen=True, slots=True)
class Block:
    """The prose of one paragraph, heading or table cell.

    ``position(i)`` gives the 0-based body line and column of ``text[i]``; a soft line
    break is ``"\\n"`` in ``text``. Positions are computed on demand, from each
    character's offset in the inline source and where each source line begins.
    """

    kind: str  # "paragraph", "heading" or "cell"
    text: str
    # Per character: offset in the inline token's content; a range for prose without markup.
    offsets: Sequence[int]
    row_starts: tuple[int, ...]  # content offset where each content line starts
    rows: tuple[tuple[int, int, int], ...]  # per content line: (body line, base column, lead)
    in_list: str | bool = False  # "ordered" in a numbered list, True in a bulleted one
    context: str | None = None
    section: str = ""  # the text of the heading the block stands under

    def position(self, i: int) -> tuple[int, int]:
        """(body line, column), both 0-based, of character ``i`` of ``text``."""
        off = self.offsets[i] if self.offsets else 0
        row = max(0, bisect_right(self.row_starts, off) - 1)
        line, base, lead = self.rows[row]
        return line, base + max(0, off - self.row_starts[row] - lead)


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment block: where its ``<!--`` stands and which lines it governs."""

    line: int
    col: int
    text: str  # between "<!--" and "-->"
    scope: tuple[int, int] | None  # body lines [start, end) of the block directly below


@dataclass(frozen=True, slots=True)
class Markup:
    """What the lint needs from one body."""

    blocks: tuple[Block, ...]
    warnings: tuple[tuple[int, int], ...]  # (line, col) of each non-empty WARNING/CAUTION alert
    comments: tuple[Comment, ...]


def _parser() -> MarkdownIt:
    """The renderer's parser (``make_parser``), stopped after the block stage.

    Inline parsing is the costly half; the walker runs it only for blocks worth reading.
    The walker reads the block tokens the renderer's later stages start from: footnote
    definitions stay where they stand (the renderer moves the ones cited to the end)."""
    return make_parser().disable(["inline", "footnote_tail", "text_join"])


_MD = _parser()

# markdown-it tries every enabled block rule at the start of every line (and again as a
# paragraph terminator; lheading rescans each paragraph), and most posts never use most
# of them. Each rule below can fire only where the body holds its marker: a table's
# header row a "|", a fence three backticks or tildes, indented code four columns of
# indentation (a tab or four spaces), a rule three "*", "-" or "_" apart only by blanks,
# a setext underline a line of "=" or "-" behind blockquote markers and indentation, the
# others their opening character. A parser without the rules a body cannot use gives the
# same tokens for that body in less time.
_HR = re.compile(r"([-*_])[ \t]*\1[ \t]*\1")
# Searched in "\n" + body: a literal "\n" first is several times faster than "^" with MULTILINE.
_UNDERLINE = re.compile(r"\n[ \t>]*(?:=+|-+)[ \t]*(?:\n|\Z)")
_RULE_NEEDS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("table", lambda body: "|" in body),
    ("code", lambda body: "\t" in body or "    " in body),
    ("fence", lambda body: "```" in body or "~~~" in body),
    ("blockquote", lambda body: ">" in body),
    ("hr", _HR.search),
    ("reference", lambda body: "[" in body),
    ("html_block", lambda body: "<" in body),
    ("footnote_def", lambda body: "[^" in body),
    ("heading", lambda body: "#" in body),
    ("lheading", lambda body: _UNDERLINE.search("\n" + body)),
)


@functools.cache
def _block_parser(unused: tuple[str, ...]) -> MarkdownIt:
    return _parser().disable(list(unused)) if unused else _MD


def read_markup(body: str, wanted: Callable[[str], bool] = lambda text: True) -> Markup:
    """Parse a newline-normalised body into blocks, warning alerts and comments.

    Only blocks whose raw text passes ``wanted`` are read into Blocks (a cheap pre-check).
    """
    tokens, env = parse_blocks(body)
    return _Walker(body.split("\n"), tokens, wanted, env).walk()


def parse_blocks(body: str) -> tuple[list[MdToken], dict]:
    """The block tokens of a body as the renderer's parser makes them, and the parse's env
    (link references, footnote labels). Rules the body has no marker for are left out."""
    env: dict = {}
    unused = tuple(rule for rule, possible in _RULE_NEEDS if not possible(body))
    return _block_parser(unused).parse(body, env), env


class _Walker:
    def __init__(self, source: list[str], tokens: list[MdToken],
                 wanted: Callable[[str], bool], env: dict):
        self.source = source
        self.tokens = tokens
        self.wanted = wanted
        self.env = env
        self.blocks: list[Block] = []
        self.warnings: list[tuple[int, int]] = []
        self.comments: list[Comment] = []
        self.section = ""  # the last heading's text, for the blocks under it
        self.html_open: list[str] = []  # raw HTML elements open at this point of the body

    def walk(self) -> Markup:
        scopes: dict[int, tuple[int, int]] | None = None  # built at the first HTML block
        stack: list[MdToken] = []
        list_contexts: list[str | None] = []
        heading_ctx: str | None = None
        header_cells: list[str] = []
        cell_index = 0
        row_cursor: dict[int, int] = {}
        last_paragraph = ""
        tokens = self.tokens
        for i, tok in enumerate(tokens):
            kind = tok.type
            if kind not in _WALK_KINDS:
                pass  # most tokens (paragraphs, items, headings) need none of the checks below
            elif kind in ("bullet_list_open", "ordered_list_open"):
                lead = last_paragraph if i and tokens[i - 1].type == "paragraph_close" else ""
                ctx = lead_in_context(lead) if lead.rstrip().endswith(":") else None
                outer = list_contexts[-1] if list_contexts else heading_ctx
                list_contexts.append(ctx or outer)
            elif kind in ("bullet_list_close", "ordered_list_close") and list_contexts:
                list_contexts.pop()
            elif kind == "tr_open":
                cell_index = 0
            elif kind in ("th_open", "td_open"):
                cell_index += 1
            elif kind == "thead_open":
                header_cells = []
            elif kind == "blockquote_open" and not stack:
                self._alert(i)
            elif kind == "alert_open" and not stack:
                self._github_alert(i)
            elif kind == "html_block":
                if scopes is None:
                    scopes = self._scopes()
                self._comments(tok, scopes)
                in_list = _list_kind(stack)
                ctx = list_contexts[-1] if in_list and list_contexts else None
                self.blocks.extend(self._html(tok, in_list, ctx))
            if tok.nesting == 1:
                stack.append(tok)
            elif tok.nesting == -1 and stack:
                stack.pop()
            if kind != "inline" or not tok.map:
                continue
            parent = stack[-1].type if stack else ""
            in_list = _list_kind(stack)
            wanted = self.wanted(tok.content)
            block = None
            if parent == "heading_open":
                heading_ctx = heading_context(tok.content)
                self.section = tok.content
                if wanted:
                    block = self._block(tok, "heading", False, None)
            elif parent in ("th_open", "td_open"):
                line = tok.map[0]
                cursor = row_cursor.get(line, 0)
                ctx = list_contexts[-1] if list_contexts else heading_ctx
                if parent == "th_open":
                    header_cells.append(tok.content)
                elif wanted and cell_index - 1 < len(header_cells):  # unread cells need none
                    ctx = (table_context(header_cells)
                           or column_context(header_cells[cell_index - 1]) or ctx)
                block, cursor = self._cell(tok, cursor, in_list, ctx, wanted)
                row_cursor[line] = cursor
            else:
                ctx = list_contexts[-1] if in_list and list_contexts else None
                last_paragraph = tok.content
                if wanted:
                    block = self._block(tok, "paragraph", in_list, ctx)
            if block is not None and block.text.strip():
                self.blocks.append(block)
        return Markup(tuple(self.blocks), tuple(self.warnings), tuple(self.comments))

    # -- positions -----------------------------------------------------------

    def _line_base(self, line: int, content_line: str) -> int:
        """Column in the source line where ``content_line`` (a suffix of it) begins."""
        src = self.source[line] if 0 <= line < len(self.source) else ""
        stripped = content_line.strip()
        if not stripped:
            return len(src) - len(src.lstrip())
        tail = src.rstrip()
        if tail.endswith(stripped):
            return len(tail) - len(stripped)
        found = src.find(stripped)
        return found if found >= 0 else len(src) - len(src.lstrip())

    def _prose(self, content: str) -> tuple[str, Sequence[int]]:
        """Plain text and offsets; prose without any inline markup skips the inline parser."""
        if not _MARKUP.search(content):
            return content, range(len(content))  # its own offsets: no per-character tuple
        children: list[MdToken] = []
        _MD.inline.parse(content, _MD, self.env, children)
        text, offsets = _plain(children, content)
        return text, tuple(offsets)

    def _block(self, tok: MdToken, kind: str, in_list: str | bool, ctx: str | None) -> Block:
        content = tok.content
        text, offsets = self._prose(content)
        starts, rows = self._rows(tok.map[0], content)
        return Block(kind, text, offsets, starts, rows, in_list, ctx, self.section)

    def _rows(self, first_line: int, content: str
              ) -> tuple[tuple[int, ...], tuple[tuple[int, int, int], ...]]:
        """Where each line of ``content`` starts in it, and its (body line, column, lead)."""
        starts, rows = [], []
        pos = 0
        for n, cline in enumerate(content.split("\n")):
            starts.append(pos)
            lead = len(cline) - len(cline.lstrip())
            rows.append((first_line + n, self._line_base(first_line + n, cline), lead))
            pos += len(cline) + 1
        return tuple(starts), tuple(rows)

    def _cell(self, tok: MdToken, cursor: int, in_list: str | bool, ctx: str | None,
              wanted: bool):
        line = tok.map[0]
        src = self.source[line] if 0 <= line < len(self.source) else ""
        content = tok.content
        base = src.find(content, cursor) if content else -1
        if base < 0:
            base = cursor
        else:
            cursor = base + len(content)
        if not wanted:
            return Block("cell", "", (), (0,), ((line, base, 0),)), cursor
        text, offsets = self._prose(content)
        return Block("cell", text, offsets, (0,), ((line, base, 0),), in_list,
                     ctx), cursor

    # -- alerts and comments -------------------------------------------------

    def _html(self, tok: MdToken, in_list: str | bool, ctx: str | None) -> list[Block]:
        """The text a reader sees in a raw HTML block, with its positions: one Block per
        run of text between block-level tags (a cell, a paragraph, a list item). Tracks
        which elements stay open after it (an alert inside one does not count)."""
        content = tok.content
        pieces: list[tuple[list[str], list[int]]] = [([], [])]
        pos = 0
        for m in _HTML_PIECE.finditer(content):
            start = m.start()
            chars, offsets = pieces[-1]
            chars.append(content[pos:start])
            offsets.extend(range(pos, start))
            piece = m.group(0)
            if piece[0] == "&":
                decoded = html.unescape(piece)
                chars.append(decoded)
                offsets.extend([start] * len(decoded))
            else:
                name = m.group(3)
                if name is not None:
                    name = name.lower()
                    self._track(name, bool(m.group(2)), bool(m.group(4)))
                if name is None or name in _HTML_BLOCK_LEVEL:
                    pieces.append(([], []))
                else:
                    chars.append(" ")
                    offsets.append(start)
            pos = m.end()
        pieces[-1][0].append(content[pos:])
        pieces[-1][1].extend(range(pos, len(content)))
        texts = [("".join(chars), offsets) for chars, offsets in pieces]
        texts = [(text, offsets) for text, offsets in texts if text.strip() and self.wanted(text)]
        if not tok.map or not texts:
            return []
        starts, rows = self._rows(tok.map[0], content)
        return [Block("paragraph", text, tuple(offsets), starts, rows, in_list, ctx)
                for text, offsets in texts]

    def _track(self, name: str, closing: bool, empty: bool) -> None:
        if empty or name in _HTML_NOT_CONTAINERS:
            return
        if not closing:
            self.html_open.append(name)
        elif name in self.html_open:
            while self.html_open.pop() != name:
                pass

    def _github_alert(self, i: int) -> None:
        """A top-level GitHub alert, as the renderer draws it, of a warning kind and with
        some text; none counts inside raw HTML (a closed <details>, a hidden <div>)."""
        first = self.tokens[i]
        if first.info.upper() not in _WARNING_KINDS or self.html_open or not first.map:
            return
        depth = 0
        for tok in self.tokens[i:]:
            if tok.type in ("alert_open", "alert_close"):
                depth += tok.nesting
            # the title paragraph the renderer adds ("Warning") has no source map
            elif tok.type == "inline" and tok.map and any(ch.isalnum() for ch in tok.content):
                line = first.map[0]
                src = self.source[line] if line < len(self.source) else ""
                self.warnings.append((line, max(0, src.find("["))))
                return
            if depth == 0:
                return

    def _alert(self, i: int) -> None:
        """A top-level blockquote opening with [!WARNING] or [!CAUTION] and some text on the
        marker line (the renderer shows it as a quote); none counts inside raw HTML."""
        if self.html_open:
            return
        depth = 0
        marker: tuple[int, int] | None = None
        for tok in self.tokens[i:]:
            depth += tok.nesting if tok.type.startswith("blockquote") else 0
            if tok.type == "inline":
                if marker is None:
                    m = _ALERT.match(tok.content)
                    if not m or not tok.map:
                        return
                    line = tok.map[0]
                    src = self.source[line] if line < len(self.source) else ""
                    marker = (line, max(0, src.find("[")))
                    rest = tok.content[m.end():]
                else:
                    rest = tok.content
                if any(ch.isalnum() for ch in rest):
                    self.warnings.append(marker)
                    return
            if depth == 0:
                return

    def _scopes(self) -> dict[int, tuple[int, int]]:
        best: dict[int, tuple[int, tuple[int, int]]] = {}
        for tok in self.tokens:
            if tok.nesting != 1 or not tok.map or tok.type not in _SCOPE_PRIORITY:
                continue
            rank = _SCOPE_PRIORITY.index(tok.type)
            start = tok.map[0]
            if start not in best or rank < best[start][0]:
                best[start] = (rank, (tok.map[0], tok.map[1]))
        return {start: scope for start, (_, scope) in best.items()}

    def _comments(self, tok: MdToken, scopes: dict[int, tuple[int, int]]) -> None:
        if not tok.map:
            return
        for m in _COMMENT.finditer(tok.content):
            line = tok.map[0] + tok.content.count("\n", 0, m.start())
            end_line = tok.map[0] + tok.content.count("\n", 0, m.end())
            src = self.source[line] if line < len(self.source) else ""
            col = max(0, src.find("<!--"))
            self.comments.append(Comment(line, col, m.group(1), scopes.get(end_line + 1)))


def _list_kind(stack: list[MdToken]) -> str | bool:
    """"ordered" inside a numbered list item, True inside a bulleted one, else False."""
    for tok in reversed(stack):
        if tok.type == "ordered_list_open":
            return "ordered"
        if tok.type == "bullet_list_open":
            return True
    return False


def _plain(children: list[MdToken], content: str) -> tuple[str, list[int]]:
    """The prose of an inline token and, per character, its offset in ``content``.

    Child tokens carry no offsets, so each piece is found in ``content`` from a
    cursor; code spans, images, HTML and autolinks become a single space.
    """
    chars: list[str] = []
    offsets: list[int] = []
    cursor = 0
    limit = max(0, len(content) - 1)
    skipping = 0

    def find(piece: str) -> int:
        nonlocal cursor
        idx = content.find(piece, cursor) if piece else -1
        if idx < 0:
            return min(cursor, limit)
        cursor = idx + len(piece)
        return idx

    for child in children:
        kind = child.type
        if kind == "link_open" and child.markup == "autolink":
            skipping += 1
        elif kind == "link_close" and skipping:
            skipping -= 1
        elif kind == "text":
            piece = child.content
            idx = find(piece)
            if not skipping:
                chars.append(piece)
                if idx + len(piece) <= len(content):
                    offsets.extend(range(idx, idx + len(piece)))
                else:
                    offsets.extend(min(idx + k, limit) for k in range(len(piece)))
        elif kind in ("softbreak", "hardbreak"):
            idx = find("\n")
            chars.append("\n")
            offsets.append(idx)
        elif kind in ("code_inline", "html_inline", "image"):
            idx = find(child.content) if kind != "image" else min(cursor, limit)
            chars.append(" ")
            offsets.append(idx)
    return "".join(chars), offsets
