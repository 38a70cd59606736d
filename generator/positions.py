"""Source positions: map YAML keys and list items to the file lines they start on.

Pure helpers over PyYAML nodes; no file I/O.
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from generator.yamlcheck import check_yaml

Loc = tuple[str | int, ...]

try:  # libyaml is several times faster; fall back to pure Python where it is missing
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loading that leaves dates as text, so validation reports a bad date at its key
    (YAML's own timestamp parsing raises without a position on '2024-13-45')."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


FrontmatterLoader = _Loader  # the one YAML reading of frontmatter (build and lint)


def load_yaml_with_positions(text: str) -> tuple[Any, dict[Loc, tuple[int, int]]]:
    """Parse one YAML document; return its value and ``loc -> (line0, col0)`` of every key.

    Lines and columns are 0-based and relative to ``text``. Raises ``yaml.YAMLError``, or
    ``FrontmatterLimit`` (before anything is built) for what ``check_yaml`` refuses.
    """
    check_yaml(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    positions: dict[Loc, tuple[int, int]] = {}
    if node is not None:
        _walk(node, (), positions)
    return value, positions


def _walk(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            out[(*loc, key)] = (key_node.start_mark.line, key_node.start_mark.column)
            _walk(value_node, (*loc, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*loc, index)] = (item.start_mark.line, item.start_mark.column)
            _walk(item, (*loc, index), out)


def position_of(loc: Loc, positions: dict[Loc, tuple[int, int]]) -> tuple[int, int] | None:
    """The position of ``loc``, or of its nearest ancestor that has one."""
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return None
