"""Split a source file into YAML frontmatter and Markdown body, keeping exact positions.

Decodes bytes, reports bad encodings and malformed YAML at their line and column.
Knows nothing of what the fields mean (that is ``content.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import frontmatter as _frontmatter
import yaml

from generator.errors import SiteError
from generator.positions import Loc, load_yaml_with_positions
from generator.yamlcheck import FrontmatterLimit

_BOUNDARY = _frontmatter.YAMLHandler.FM_BOUNDARY  # ^-{3,}\s*$, multiline


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


def decode_source(path: str, data: bytes) -> tuple[str | None, list[SiteError]]:
    """Decode UTF-8 (a BOM is accepted and dropped); CRLF and CR become LF."""
    try:
        text = data.decode("utf-8-sig")
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
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


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
    first = _BOUNDARY.match(text)
    if not first or not text.startswith("---"):
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
    opening_end = text.index("\n", 0) + 1 if "\n" in text else len(text)
    closing = None
    for match in _BOUNDARY.finditer(text, opening_end):
        closing = match
        break
    if closing is None:
        return None, [
            SiteError(
                path,
                1,
                1,
                "the frontmatter block is never closed",
                "add a line '---' after the last frontmatter field",
            )
        ]
    fm_text = text[opening_end : closing.start()]
    line_end = text.find("\n", closing.start())
    body_start = len(text) if line_end < 0 else line_end + 1
    meta_line = 2
    body_line = text.count("\n", 0, body_start) + 1
    try:
        meta, positions = load_yaml_with_positions(fm_text)
    except FrontmatterLimit as exc:
        return None, [
            SiteError(path, meta_line + exc.line, exc.column + 1, exc.message, exc.hint)
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = meta_line + (mark.line if mark else 0)
        column = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "malformed YAML"
        return None, [
            SiteError(
                path,
                line,
                column,
                f"malformed YAML in frontmatter: {problem}",
                "check indentation and quoting; a value containing ': ' needs quotes",
            )
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, [SiteError(path, meta_line, 1, f"malformed YAML in frontmatter: {exc}")]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, [
            SiteError(
                path,
                meta_line,
                1,
                "the frontmatter must be a mapping of 'key: value' lines",
                "write one 'key: value' per line between the '---' lines",
            )
        ]
    return (
        Document(
            path=path,
            text=text,
            meta=meta,
            positions=positions,
            meta_line=meta_line,
            body=text[body_start:],
            body_line=body_line,
        ),
        [],
    )
