"""Split a post into frontmatter and body, and read the one field the lint needs.

Only ``safety_warning`` is read, so a post that fails site validation can still be
linted. Problems become SiteErrors with the YAML line; nothing here raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from generator.errors import SiteError
from generator.yamlcheck import FrontmatterLimit, check_yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Header:
    """The frontmatter as the lint sees it."""

    body: str  # the Markdown after the frontmatter, newline-normalised
    body_line: int  # 0-based file line where the body starts
    safety_warning: str = ""
    errors: tuple[SiteError, ...] = ()


def normalize(text: str) -> str:
    """Drop a leading BOM and turn CRLF and lone CR into LF (columns are unchanged)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_header(text: str, path: str) -> Header:
    """Split normalised ``text`` at its ``---`` frontmatter fences and read ``safety_warning``."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Header(text, 0)
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        error = SiteError(path, 1, 1, "the frontmatter is not closed",
                          "end it with a line holding only '---'")
        return Header(text, 0, errors=(error,))
    body = "\n".join(lines[close + 1:])
    source = "\n".join(lines[1:close])
    try:
        check_yaml(source)  # the build's limits: nothing expands, nests deep or runs long
        if "safety_warning" not in source:
            # Nothing to read: only check that the YAML is well formed (no Python objects built).
            node = yaml.compose(source, Loader=_LOADER)
            if node is not None and not isinstance(node, yaml.MappingNode):
                error = SiteError(path, 2, 1, "the frontmatter must be a mapping of keys to values")
                return Header(body, close + 1, errors=(error,))
            return Header(body, close + 1)
        data = yaml.load(source, Loader=_LOADER)
    except FrontmatterLimit as exc:
        error = SiteError(path, exc.line + 2, exc.column + 1, exc.message, exc.hint)
        return Header(body, close + 1, errors=(error,))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 2, mark.column + 1) if mark else (2, 1)
        error = SiteError(path, line, col, f"frontmatter is not valid YAML: {exc.problem}")
        return Header(body, close + 1, errors=(error,))
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        error = SiteError(path, 2, 1, f"frontmatter is not valid YAML: {exc}")
        return Header(body, close + 1, errors=(error,))
    if data is None:
        return Header(body, close + 1)
    if not isinstance(data, dict):
        error = SiteError(path, 2, 1, "the frontmatter must be a mapping of keys to values")
        return Header(body, close + 1, errors=(error,))
    warning = data.get("safety_warning")
    text_warning = warning.strip() if isinstance(warning, str) else ""
    if not any(ch.isalnum() for ch in text_warning):
        text_warning = ""
    return Header(body, close + 1, text_warning)
