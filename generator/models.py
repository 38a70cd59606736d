"""The frontmatter schema: pydantic models for posts, terms and authors.

Declarative only; ``content.py`` applies them and ``dermsite schema`` prints them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
EVIDENCE_LEVELS = ("strong", "moderate", "limited", "anecdotal")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class SourceMeta(_Strict):
    """One reference: a title and at least one of url, doi, pmid."""

    model_config = ConfigDict(
        _Strict.model_config,
        json_schema_extra={"anyOf": [{"required": [key]} for key in ("url", "doi", "pmid")]},
    )
    title: str = Field(min_length=1, description="Title of the source")
    url: HttpUrl | None = Field(None, description="Link to the source")
    doi: str | None = Field(None, pattern=r"^10\.\d{4,9}/\S+$", description="DOI, e.g. 10.1000/xyz")
    pmid: str | None = Field(None, pattern=r"^\d{1,9}$", description="PubMed id (digits)")
    publisher: str | None = Field(None, description="Journal or publisher")
    year: int | None = Field(None, ge=1800, le=2200)

    @model_validator(mode="after")
    def _has_link(self) -> SourceMeta:
        if self.url is None and not self.doi and not self.pmid:
            raise PydanticCustomError(
                "source_without_link", "a source needs a link as well as a title: url, doi or pmid"
            )
        return self


class PostMeta(_Strict):
    """Frontmatter of a post in content/posts/."""

    title: str = Field(min_length=1, description="Post title")
    date: dt.date = Field(description="Publication date, YYYY-MM-DD")
    description: str = Field(
        min_length=1, description="One or two sentences; the page's meta description"
    )
    author: str = Field(min_length=1, description="Author id: content/authors/<id>.md")
    conditions: list[str] = Field(
        default_factory=list, description="Conditions discussed: name, slug or synonym"
    )
    treatments: list[str] = Field(
        default_factory=list, description="Treatments discussed: name, slug or synonym"
    )
    tags: list[str] = Field(default_factory=list, description="Free-form tags, e.g. Expert")
    updated: dt.date | None = Field(None, description="Date of the last substantive edit")
    draft: bool = Field(False, description="Drafts are built only with --drafts")
    slug: str | None = Field(None, pattern=SLUG_PATTERN, description="URL slug override")
    safety_warning: str | None = Field(
        None, description="A warning shown above the body; covers the whole post for the lint"
    )
    reviewed_by: str | None = Field(None, description="Author id of the medical reviewer")
    last_reviewed: dt.date | None = Field(None, description="Date of the last medical review")
    sources: list[SourceMeta] = Field(default_factory=list, description="References")
    aliases: list[str] = Field(
        default_factory=list, description="Old URL paths of this post, redirected to it"
    )


class TreatsMeta(_Strict):
    """A treatment's claim to treat a condition, with the strength of the evidence."""

    condition: str = Field(min_length=1)
    evidence: Literal["strong", "moderate", "limited", "anecdotal"] = "limited"
    note: str | None = None


class ContraindicationMeta(_Strict):
    condition: str = Field(min_length=1)
    note: str | None = None


class TermMeta(_Strict):
    """Frontmatter of content/conditions/<slug>.md and content/treatments/<slug>.md."""

    name: str = Field(min_length=1, description="Display name, e.g. Keratosis pilaris")
    synonyms: list[str] = Field(default_factory=list, description="Other names, e.g. KP")
    description: str = Field(min_length=1, description="One or two sentences")
    # conditions may list the treatments they are commonly treated with
    treatments: list[str] = Field(default_factory=list, description="(conditions) treatments")
    # treatments may declare typed relations to conditions
    treats: list[TreatsMeta | str] = Field(
        default_factory=list, description="(treatments) conditions treated, with evidence"
    )
    contraindicated_for: list[ContraindicationMeta | str] = Field(
        default_factory=list, description="(treatments) conditions it must not be used for"
    )


class AuthorMeta(_Strict):
    """Frontmatter of content/authors/<id>.md."""

    name: str = Field(min_length=1)
    credentials: str | None = Field(None, description='e.g. "MD, FAAD"')
    role: str | None = Field(None, description="e.g. Board-certified dermatologist")
    bio: str | None = Field(None, description="One-paragraph bio (the body may say more)")
    url: HttpUrl | None = None
