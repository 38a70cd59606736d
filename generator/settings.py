"""Site settings: the ``[tool.dermsite]`` table of pyproject.toml, typed and validated.

Reads pyproject.toml; overrides come from the CLI. Never touches content or output.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from generator.errors import BuildFailed, SiteError
from generator.validation import errors_from_validation

PYPROJECT = "pyproject.toml"


class Settings(BaseModel):
    """Everything a site can configure; every field has a CLI override."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field("A dermsite blog", min_length=1, description="Site title")
    description: str = Field("", description="Site description (home page meta description)")
    base_url: str = Field(
        "http://localhost:8000/",
        description="Absolute URL the site is served from; its path is honoured everywhere",
    )
    language: str = Field("en", pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    theme: str = Field("default", min_length=1, description="Theme folder under themes/")
    posts_per_page: int = Field(10, ge=1, le=1000)
    related_posts: int = Field(4, ge=0, le=50, description="Related posts shown on a post")
    toc_min_headings: int = Field(
        3, ge=1, description="A post with at least this many headings gets a table of contents"
    )
    review_interval_months: int = Field(
        12, ge=1, le=120, description="Next review is due this long after the last review"
    )
    overdue_reviews: Literal["ignore", "warn", "error"] = "warn"
    unsourced_treatments: Literal["ignore", "warn", "error"] = "warn"
    raw_html: Literal["sanitize", "escape", "trust"] = Field(
        "sanitize",
        description="Raw HTML in bodies: sanitize (an allowlist), escape (shown as text) or "
        "trust (published as written: unsafe)",
    )
    disclaimer: str = Field(
        "This article is for general information and is not a substitute for advice from a "
        "doctor who has examined you. See a dermatologist about any new, changing or "
        "worrying spot.",
        description="Medical disclaimer shown on every post",
    )
    build_timestamp: bool = Field(
        False, description="Show the build time in page footers (off keeps output deterministic)"
    )

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "base_url must be an absolute http(s) URL such as https://example.org/blog/"
            )
        if parts.query or parts.fragment:
            raise ValueError("base_url must not have a query or fragment")
        return value if value.endswith("/") else value + "/"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def _key_lines(text: str) -> dict[str, int]:
    """1-based line of each key inside the [tool.dermsite] table (tomllib keeps no positions)."""
    lines: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[tool.dermsite]"
            continue
        match = re.match(r"([A-Za-z0-9_\-\"']+)\s*=", stripped)
        if inside and match:
            lines[match.group(1).strip("\"'")] = number
    return lines


def table_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().replace(" ", "") == "[tool.dermsite]":
            return number
    return 0


def load_settings(site_dir: Path, overrides: dict[str, Any] | None = None) -> Settings:
    """Read ``[tool.dermsite]`` from the site's pyproject.toml and apply CLI overrides.

    Raises BuildFailed with every problem, each at its pyproject.toml line.
    """
    path = site_dir / PYPROJECT
    shown = PYPROJECT
    if not path.is_file():
        raise BuildFailed(
            [
                SiteError(
                    str(path),
                    message="no pyproject.toml here, so this is not a dermsite site",
                    hint="run dermsite in the site folder, or pass --site DIR",
                )
            ]
        )
    text = path.read_text(encoding="utf-8-sig")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        raise BuildFailed(
            [SiteError(shown, line, col, f"invalid TOML: {exc}", "fix the syntax of this line")]
        ) from None
    table = document.get("tool", {}).get("dermsite")
    if table is None:
        raise BuildFailed(
            [
                SiteError(
                    shown,
                    message="pyproject.toml has no [tool.dermsite] table",
                    hint="add a [tool.dermsite] table with at least title and base_url",
                )
            ]
        )
    values = {**table, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    try:
        return Settings(**values)
    except ValidationError as exc:
        key_lines = _key_lines(text)
        positions = {(key,): (line - 1, 0) for key, line in key_lines.items()}
        errors = errors_from_validation(
            exc,
            path=shown,
            positions=positions,
            first_line=1,
            fallback_line=table_line(text),
            fields=list(Settings.model_fields),
            what="setting",
        )
        raise BuildFailed(errors) from None
