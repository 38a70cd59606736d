"""Turn pydantic validation errors into positioned SiteErrors with fix hints.

Pure: takes an exception and a position map, returns errors.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ValidationError

from generator.errors import SiteError, suggestion
from generator.positions import Loc, position_of

_HINTS = {
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD, for example 2024-05-01",
    "date_parsing": "write dates as YYYY-MM-DD, for example 2024-05-01",
    "date_type": "write dates as YYYY-MM-DD, for example 2024-05-01",
    "date_from_datetime_inexact": "write a date without a time, as YYYY-MM-DD",
    "string_type": "write this as text (put it in quotes if YAML reads it as something else)",
    "list_type": "write a YAML list: one '- item' per line, or [a, b]",
    "bool_type": "use true or false",
    "bool_parsing": "use true or false",
    "int_type": "write a whole number",
    "int_parsing": "write a whole number",
    "string_too_short": "this field must not be empty",
    "string_pattern_mismatch": "use lowercase letters, digits and hyphens",
    "dict_type": "write a mapping of 'key: value' lines",
    "model_type": "write a mapping of 'key: value' lines",
    "url_parsing": "write a full URL such as https://example.org/page",
    "url_scheme": "write a full URL such as https://example.org/page",
    "literal_error": "use one of the values listed",
    "source_without_link": "add 'url: https://…', 'doi: \"10.…\"' or 'pmid: \"12345678\"' "
    "under the source's title, so readers can find it",
}


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that holds the fields found at ``loc`` (None if not a model)."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _find_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _find_model(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _find_model(arg)
            if found is not None:
                return found
    return None


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def errors_from_validation(
    exc: ValidationError,
    *,
    path: str,
    positions: Mapping[Loc, tuple[int, int]],
    first_line: int,
    fallback_line: int,
    model: type[BaseModel] | None = None,
    fields: Sequence[str] = (),
    what: str = "field",
) -> list[SiteError]:
    """One SiteError per pydantic error, at the line of the YAML key (or item) concerned.

    ``first_line`` is the 1-based file line of the document's first line.
    """
    errors = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(p for p in error["loc"] if not isinstance(p, str) or "[" not in p)
        kind = error["type"]
        # Union members add their type name to loc (e.g. "str"); drop parts we cannot place.
        while len(loc) > 1 and loc not in positions and (*loc[:-1],) in positions:
            loc = loc[:-1]
        pos = position_of(loc, positions)
        line, col = (
            (first_line + pos[0], pos[1] + 1) if pos else (fallback_line, 1 if fallback_line else 0)
        )
        name = _dotted(loc)
        if kind == "missing":
            message = f"missing required {what} '{name}'"
            hint = f"add '{loc[-1]}: …'"
        elif kind == "extra_forbidden":
            known = list(fields)
            if model is not None:
                holder = _model_at(model, loc[:-1])
                known = list(holder.model_fields) if holder else known
            message = f"unknown {what} '{name}'"
            hint = suggestion(str(loc[-1]), known) or ""
            hint = (hint + " " if hint else "") + "known: " + ", ".join(known)
        else:
            message = f"{name}: {error['msg']}"
            if kind not in ("value_error", "assertion_error"):
                shown = error.get("input")
                if isinstance(shown, str | int | float | bool) and len(str(shown)) < 60:
                    message += f" (got {shown!r})"
            hint = _HINTS.get(kind, "")
            if kind == "literal_error":
                choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
                hint = suggestion(str(error.get("input")), choices) or hint
        errors.append(SiteError(path, line, col, message, hint))
    return errors
