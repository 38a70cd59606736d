"""Read the one frontmatter field the lint needs, through the build's own splitter.

The post is cut by ``generator.frontmatter.split_frontmatter`` (the same fences, body and
body line as the build) and its YAML read with the build's loader; only
``safety_warning`` is read, so a post that fails site validation can still be linted.
Problems become SiteErrors with the YAML line; nothing here raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from generator.errors import SiteError
from generator.frontmatter import normalize_text, not_a_mapping, split_frontmatter, yaml_error
from generator.positions import FrontmatterLoader
from generator.yamlcheck import FrontmatterLimit, check_yaml

_WHAT = "frontmatter is not valid YAML"


@dataclass(frozen=True, slots=True)
class Header:
    """The frontmatter as the lint sees it."""

    body: str  # the Markdown after the frontmatter, newline-normalised
    body_line: int  # 0-based file line where the body starts
    safety_warning: str = ""
    errors: tuple[SiteError, ...] = ()


def normalize(text: str) -> str:
    """Drop a leading BOM and turn CRLF and lone CR into LF (columns are unchanged)."""
    return normalize_text(text)


def read_header(text: str, path: str) -> Header:
    """Split normalised ``text`` at its ``---`` frontmatter fences and read ``safety_warning``.

    A fence problem is an error, and the body is still linted (as if the post had no
    ``safety_warning``), like unreadable YAML.
    """
    split = split_frontmatter(path, text)
    offset = split.body_line - 1
    if split.error is not None:
        return Header(split.body, offset, errors=(split.error,))
    if not split.fenced:
        return Header(split.body, offset)
    body, source = split.body, split.yaml
    try:
        if "&" in source or "*" in source or "!" in source:
            check_yaml(source)  # anchors, aliases and tags: refused as the build does
        if "safety_warning" not in source:
            # Nothing to read: only check that the YAML is well formed (no Python objects built).
            node = yaml.compose(source, Loader=FrontmatterLoader)
            if node is not None and not isinstance(node, yaml.MappingNode):
                return Header(body, offset, errors=(not_a_mapping(path, split.meta_line),))
            return Header(body, offset)
        # Composing builds no values, so aliases cannot expand; loading does, so the build's
        # limits come first: nothing expands, nests deep or runs long.
        check_yaml(source)
        data = yaml.load(source, Loader=FrontmatterLoader)
    except FrontmatterLimit as exc:
        error = SiteError(path, split.meta_line + exc.line, exc.column + 1, exc.message, exc.hint)
        return Header(body, offset, errors=(error,))
    except yaml.YAMLError as exc:
        return Header(body, offset, errors=(yaml_error(path, exc, split.meta_line, _WHAT),))
    except (ValueError, RecursionError) as exc:
        error = SiteError(path, split.meta_line, 1, f"{_WHAT}: {exc}",
                          "check indentation and quoting; a value containing ': ' needs quotes")
        return Header(body, offset, errors=(error,))
    if data is None:
        return Header(body, offset)
    if not isinstance(data, dict):
        return Header(body, offset, errors=(not_a_mapping(path, split.meta_line),))
    warning = data.get("safety_warning")
    text_warning = warning.strip() if isinstance(warning, str) else ""
    if not any(ch.isalnum() for ch in text_warning):
        text_warning = ""
    return Header(body, offset, text_warning)
