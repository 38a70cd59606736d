"""Split a source file into YAML frontmatter and Markdown body, keeping exact positions.

Decodes bytes, reports bad encodings and malformed YAML at their line and column. The
splitter here is the only one: the build and the safety lint both cut a post with
``split_frontmatter``. Knows nothing of what the fields mean (that is ``content.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import SiteError
from generator.positions import Loc, load_yaml_with_positions
from generator.yamlcheck import FrontmatterLimit

# A line that looks like a fence: hyphens or YAML's "..." document end, and blanks after.
# Only "---" is one; "----" or "..." where a fence could stand is an error at that line.
_FENCE_LIKE = re.compile(r"^(-{3,}|\.\.\.)[^\S\n]*$", re.MULTILINE)
FENCE = "---"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed source file: frontmatter values with key positions, and the body."""

    path: str
    text: str  # decoded, BOM removed, line endings normalised to \n
    meta: dict[str, Any] = field(default_factory=dict)
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    meta_line: int = 2  # 1-based file line of the first frontmatter line
    body: str = ""
    body_line: int = 1  # 1-based file line where the body starts


@dataclass(frozen=True, slots=True)
class Split:
    """A normalised text cut at its frontmatter fences.

    ``fenced`` is False for a text that does not open with a ``---`` line (the body is
    then the whole text). ``error`` is the fence problem, if any; the body is still the
    text after the line the author meant as the closing fence, so it can be linted.
    """

    fenced: bool
    yaml: str = ""  # the lines between the fences
    meta_line: int = 2  # 1-based file line of the first YAML line
    body: str = ""
    body_line: int = 1  # 1-based file line where the body starts
    error: SiteError | None = None


def normalize_text(text: str) -> str:
    """Drop one leading BOM; CRLF and lone CR become LF (columns are unchanged)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_frontmatter(path: str, text: str) -> Split:
    """Cut normalised ``text`` at its fences: lines of exactly ``---`` (blanks may follow).

    The frontmatter opens on the first line and closes at the next fence-like line; a
    line of four or more hyphens, or ``...``, in either place is an error at that line.
    """
    first_end = text.find("\n")
    opening_end = len(text) if first_end < 0 else first_end + 1
    first = text[:opening_end].rstrip()
    if first != FENCE:
        if first.startswith("----") and not first.strip("-"):
            return Split(False, body=text, error=_fence_error(path, 1, first, opening=True))
        return Split(False, body=text)
    match = _FENCE_LIKE.search(text, opening_end)
    if match is None:
        error = SiteError(
            path,
            1,
            1,
            "the frontmatter block is never closed",
            "add a line '---' after the last frontmatter field",
        )
        return Split(False, body=text, error=error)
    closing_line = text.count("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    body_start = len(text) if line_end < 0 else line_end + 1
    error = None
    if match.group(1) != FENCE:
        error = _fence_error(path, closing_line, match.group(1), opening=False)
    return Split(
        True,
        yaml=text[opening_end : match.start()],
        body=text[body_start:],
        body_line=closing_line + 1,
        error=error,
    )


def _fence_error(path: str, line: int, fence: str, *, opening: bool) -> SiteError:
    found = f"this line has {len(fence)}" if fence.startswith("-") else f"this line is '{fence}'"
    where = "start the file with" if opening else "close the frontmatter with"
    return SiteError(
        path,
        line,
        1,
        f"a frontmatter fence is exactly three hyphens '---'; {found}",
        f"{where} a line holding only '---'",
    )


def yaml_error(path: str, exc: yaml.YAMLError, meta_line: int, what: str) -> SiteError:
    """A YAML problem at its own line and column, counted from the file's first line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = meta_line + (mark.line if mark else 0)
    column = (mark.column + 1) if mark else 1
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    return SiteError(
        path,
        line,
        column,
        f"{what}: {problem}",
        "check indentation and quoting; a value containing ': ' needs quotes",
    )


def decode_source(path: str, data: bytes) -> tuple[str | None, list[SiteError]]:
    """Decode UTF-8 (a BOM is accepted and dropped); CRLF and CR become LF."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            SiteError(
                path,
                line,
                column,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                "save the file with UTF-8 encoding (most editors: 'Save with encoding')",
            )
        ]
    return normalize_text(text), []


def parse_document(
    path: str, data: bytes, *, need_frontmatter: bool = True
) -> tuple[Document | None, list[SiteError]]:
    """Parse one Markdown source file. Returns the document or the errors that stop it."""
    text, errors = decode_source(path, data)
    if text is None:
        return None, errors
    if not text.strip():
        return None, [
            SiteError(
                path,
                1,
                1,
                "empty file",
                "start the file with a '---' frontmatter block; 'dermsite new post \"Title\"' "
                "writes one for you",
            )
        ]
    split = split_frontmatter(path, text)
    if split.error is not None:
        return None, [split.error]
    if not split.fenced:
        if not need_frontmatter:
            return Document(path, text, body=text), []
        return None, [
            SiteError(
                path,
                1,
                1,
                "no frontmatter: the file must start with a '---' line",
                "add a frontmatter block: '---', then 'title: …' and the other fields, then '---'",
            )
        ]
    meta_line = split.meta_line
    try:
        meta, positions = load_yaml_with_positions(split.yaml)
    except FrontmatterLimit as exc:
        return None, [
            SiteError(path, meta_line + exc.line, exc.column + 1, exc.message, exc.hint)
        ]
    except yaml.YAMLError as exc:
        return None, [yaml_error(path, exc, meta_line, "malformed YAML in frontmatter")]
    except (ValueError, RecursionError) as exc:  # a constructor's or a deep nesting's
        return None, [
            SiteError(
                path,
                meta_line,
                1,
                f"malformed YAML in frontmatter: {exc}",
                "check indentation and quoting; a value containing ': ' needs quotes",
            )
        ]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, [not_a_mapping(path, meta_line)]
    return (
        Document(
            path=path,
            text=text,
            meta=meta,
            positions=positions,
            meta_line=meta_line,
            body=split.body,
            body_line=split.body_line,
        ),
        [],
    )


def not_a_mapping(path: str, meta_line: int) -> SiteError:
    return SiteError(
        path,
        meta_line,
        1,
        "the frontmatter must be a mapping of 'key: value' lines",
        "write one 'key: value' per line between the '---' lines",
    )
