"""Limits on frontmatter YAML, checked on the event stream before any value is built.

Refuses what could expand, recurse or run long (anchors and aliases, deep nesting, huge
numbers, a huge block) and text that would break pages and feeds (control characters).
Builds no Python values; knows nothing of what the fields mean.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

import yaml

MAX_BYTES = 64 * 1024  # of one frontmatter block, UTF-8
MAX_DEPTH = 20  # lists and mappings inside each other; real frontmatter needs three
MAX_DIGITS = 30  # of a number; more is a typo, and 5,000 digits make int() refuse

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ALLOWED_TAGS = (None, "!", "tag:yaml.org,2002:str")
# characters YAML or XML cannot carry: C0 and C1 controls (tab and newline are fine), and
# the non-characters U+FFFE and U+FFFF (YAML rejects them with its own wording)
_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_BAD_IN_VALUE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ufffe\uffff]")  # newline too
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0abtnvfreN])")
_SIMPLE_ESCAPES = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b",
    "f": "\x0c", "r": "\r", "e": "\x1b", "N": "\x85",
}
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

ANCHORS = (
    "YAML anchors and aliases (&name, *name) aren't supported in frontmatter; "
    "write the value out"
)


class FrontmatterLimit(Exception):
    """Frontmatter YAML that dermsite refuses to load, at a 0-based line and column of it."""

    def __init__(self, line: int, column: int, message: str, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint


def check_yaml(text: str) -> None:
    """Raise FrontmatterLimit at the first thing in ``text`` dermsite refuses to load.

    Reads YAML events only, so nothing is composed or expanded; time and memory are
    linear in ``text``, which is at most MAX_BYTES. YAML syntax errors are left to the
    loader (they raise ``yaml.YAMLError`` here too, unless the text holds a control
    character, which is then the error)."""
    _check_size(text)
    lines = _LineStarts(text)
    raw = [m.start() for m in _BAD.finditer(text)]
    scanned = _BAD.sub("\ue000", text) if raw else text  # same length, so marks stay put
    try:
        _check_events(scanned, text, lines, raw)
    except yaml.YAMLError:
        if raw:
            raise _bad_character(text, lines, raw[0], "") from None
        raise
    if raw:
        raise _bad_character(text, lines, raw[0], "")


def _check_size(text: str) -> None:
    if len(text) * 4 <= MAX_BYTES:  # cannot be over, whatever it holds
        return
    size = 0
    for number, line in enumerate(text.split("\n")):
        size += len(line.encode("utf-8", "surrogatepass")) + 1
        if size > MAX_BYTES:
            raise FrontmatterLimit(
                number,
                0,
                f"the frontmatter block is over {MAX_BYTES // 1024} KB; it passes "
                f"{MAX_BYTES:,} bytes on this line",
                "keep frontmatter to short fields; move long text into the body after the "
                "closing '---'",
            )


class _LineStarts:
    """Turns a (line, column) mark into an offset of the text, and back."""

    def __init__(self, text: str):
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def offset(self, line: int, column: int) -> int:
        return self.starts[min(line, len(self.starts) - 1)] + column

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]


def _check_events(scanned: str, text: str, lines: _LineStarts, raw: list[int]) -> None:
    loader = _LOADER(scanned)
    # one frame per open collection: [is_mapping, expecting_key, key or index]
    frames: list[list] = []
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise FrontmatterLimit(
                    event.start_mark.line,
                    event.start_mark.column,
                    ANCHORS,
                    "repeat the value where it is needed instead of '&name' and '*name'",
                )
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                tag = event.tag
                if tag not in _ALLOWED_TAGS and not (
                    isinstance(event, yaml.CollectionStartEvent) and event.implicit
                ):
                    raise FrontmatterLimit(
                        event.start_mark.line,
                        event.start_mark.column,
                        f"YAML tags ({_short_tag(tag)}) aren't supported in frontmatter; "
                        "write the plain value",
                        "delete the tag; quote the value if it must stay text",
                    )
            if isinstance(event, yaml.ScalarEvent):
                is_key = bool(frames) and frames[-1][0] and frames[-1][1]
                where = _name(frames, is_key)
                _check_scalar(loader, event, where, text, lines, raw)
                _advance(frames, event.value if is_key else None)
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(frames) >= MAX_DEPTH:
                    raise FrontmatterLimit(
                        event.start_mark.line,
                        event.start_mark.column,
                        f"the frontmatter nests lists and mappings more than {MAX_DEPTH} "
                        "levels deep",
                        "frontmatter fields need at most three levels; write this value flat",
                    )
                frames.append([isinstance(event, yaml.MappingStartEvent), True, 0])
            elif isinstance(event, yaml.CollectionEndEvent):
                frames.pop()
                _advance(frames, None)
    finally:
        loader.dispose()


def _advance(frames: list[list], key: str | None) -> None:
    """After a node: a mapping now expects its next key or value, a list its next item."""
    if not frames:
        return
    frame = frames[-1]
    if frame[0]:
        if frame[1]:
            frame[2] = key if key is not None else "?"
        frame[1] = not frame[1]
    else:
        frame[2] += 1


def _name(frames: list[list], is_key: bool) -> str:
    """How an author names the field being read: 'title', 'sources[0].title'."""
    if is_key:
        return "a key"
    if not frames:
        return "the frontmatter"
    name = ""
    for is_mapping, _expecting, part in frames:
        name += f".{part}" if is_mapping else f"[{part}]"
    return "the " + name.lstrip(".")


def _check_scalar(
    loader: yaml.BaseLoader,
    event: yaml.ScalarEvent,
    where: str,
    text: str,
    lines: _LineStarts,
    raw: list[int],
) -> None:
    start = lines.offset(event.start_mark.line, event.start_mark.column)
    end = lines.offset(event.end_mark.line, event.end_mark.column)
    inside = [offset for offset in raw if start <= offset < end]
    if inside:
        raise _bad_character(text, lines, inside[0], where)
    value = event.value
    block = event.style in ("|", ">") or event.end_mark.line > event.start_mark.line
    bad = (_BAD if block else _BAD_IN_VALUE).search(value)
    if bad:  # from an escape such as "\0" or "\x1b" in a double-quoted string
        for match in _ESCAPE.finditer(text, start, end):
            code = match.group()[1:]
            char = _SIMPLE_ESCAPES.get(code) or chr(int(code[1:], 16))
            if (_BAD if block else _BAD_IN_VALUE).match(char):
                line, column = lines.position(match.start())
                raise _character_error(line, column, where, char)
        raise _character_error(event.start_mark.line, event.start_mark.column, where, bad.group())
    if event.style in ("", None) and event.implicit[0]:
        tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
        digits = _digits(value)
        if tag in _NUMBER_TAGS and digits > MAX_DIGITS:
            raise FrontmatterLimit(
                event.start_mark.line,
                event.start_mark.column,
                f"{where} is a number with {digits:,} digits; frontmatter numbers have at "
                f"most {MAX_DIGITS}",
                "write a shorter number, or put it in quotes if it is text",
            )


def _digits(number: str) -> int:
    """The digits of a YAML int or float: '0x' + 40 hex digits has 40."""
    number = number.lstrip("+-").lower()
    if number.startswith("0x"):
        return sum(c in "0123456789abcdef" for c in number[2:])
    if number.startswith("0b"):
        number = number[2:]
    return sum(c.isdigit() for c in number)


def _bad_character(text: str, lines: _LineStarts, offset: int, where: str) -> FrontmatterLimit:
    line, column = lines.position(offset)
    return _character_error(line, column, where or _guess_field(text, lines, line), text[offset])


def _guess_field(text: str, lines: _LineStarts, line: int) -> str:
    """The top-level key a line belongs to, for a character YAML could not place."""
    for number in range(line, -1, -1):
        start = lines.starts[number]
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", text[start : start + 200])
        if match:
            return "the " + match.group(1)
    return "the frontmatter"


def _character_error(line: int, column: int, where: str, char: str) -> FrontmatterLimit:
    code = f"U+{ord(char):04X}"
    kind = "a control character" if unicodedata.category(char) == "Cc" else "a non-character"
    if char == "\n":
        kind = "a line break"
    return FrontmatterLimit(
        line,
        column,
        f"{where} holds {kind} ({code}) at column {column + 1}; delete it",
        "such characters are invisible in editors and break feeds and pages; "
        "retype the text around it" if char != "\n" else
        "a line break belongs only in a block value ('|' or '>'); write the text on one line",
    )


def _short_tag(tag: str | None) -> str:
    tag = tag or ""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag
