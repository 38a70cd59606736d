"""Schema.org JSON-LD for every page: built as plain dicts, serialised safely for <script>.

Pure: takes values, returns strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from generator.content import Author, Post, Term
from generator.urls import Urls


def dump(graph: Sequence[dict[str, Any]]) -> str:
    """Serialise for an inline <script type="application/ld+json"> (no '</script>' breakout)."""
    text = json.dumps(
        {"@context": "https://schema.org", "@graph": list(graph)},
        ensure_ascii=False,
        sort_keys=False,
        separators=(",", ":"),
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def breadcrumbs(urls: Urls, trail: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``trail``: (name, site path) from the home page down to the current page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": urls.absolute(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def person(urls: Urls, author: Author) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "Person",
        "name": author.name,
        "url": urls.absolute(author.path),
    }
    if author.credentials:
        data["honorificSuffix"] = author.credentials
    if author.role:
        data["jobTitle"] = author.role
    return data


def term_ref(urls: Urls, term: Term) -> dict[str, Any]:
    kind = "MedicalCondition" if term.taxonomy == "conditions" else "MedicalTherapy"
    return {"@type": kind, "name": term.name, "url": urls.absolute(term.path)}


def post_graph(
    urls: Urls,
    post: Post,
    *,
    author: Author,
    reviewer: Author | None,
    conditions: Sequence[Term],
    treatments: Sequence[Term],
    tags: Sequence[str],
    trail: Sequence[tuple[str, str]],
    language: str,
) -> list[dict[str, Any]]:
    page_url = urls.absolute(post.path)
    posting: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": page_url + "#article",
        "headline": post.title,
        "description": post.description,
        "datePublished": post.published.isoformat(),
        "dateModified": post.modified.isoformat(),
        "author": person(urls, author),
        "mainEntityOfPage": page_url,
        "inLanguage": language,
    }
    if tags:
        posting["keywords"] = list(tags)
    if conditions or treatments:
        posting["about"] = [term_ref(urls, t) for t in (*conditions, *treatments)]
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": post.title,
        "description": post.description,
        "inLanguage": language,
        "audience": "https://schema.org/Patient",
        "specialty": "https://schema.org/Dermatology",
        "mainEntity": {"@id": page_url + "#article"},
    }
    if conditions:
        page["about"] = [term_ref(urls, t) for t in conditions]
    if reviewer is not None:
        page["reviewedBy"] = person(urls, reviewer)
    if post.last_reviewed:
        page["lastReviewed"] = post.last_reviewed.isoformat()
    return [posting, page, breadcrumbs(urls, trail)]


def _term_entity(urls: Urls, term: Term) -> dict[str, Any]:
    """A condition or treatment page's main entity, without its relations."""
    url = urls.absolute(term.path)
    data: dict[str, Any] = {
        **term_ref(urls, term),
        "@id": url + ("#condition" if term.taxonomy == "conditions" else "#therapy"),
        "description": term.description,
    }
    if term.synonyms:
        data["alternateName"] = list(term.synonyms)
    return data


def condition_graph(
    urls: Urls,
    term: Term,
    treatments: Sequence[Term],
    trail: Sequence[tuple[str, str]],
) -> list[dict[str, Any]]:
    data = _term_entity(urls, term)
    if treatments:
        data["possibleTreatment"] = [term_ref(urls, t) for t in treatments]
    return [data, breadcrumbs(urls, trail)]


def treatment_graph(
    urls: Urls,
    term: Term,
    conditions: Sequence[Term],
    contraindications: Sequence[Term],
    trail: Sequence[tuple[str, str]],
) -> list[dict[str, Any]]:
    data = _term_entity(urls, term)
    if conditions:
        data["relevantSpecialty"] = "https://schema.org/Dermatology"
    if contraindications:
        data["contraindication"] = [
            {"@type": "MedicalContraindication", "name": c.name, "url": urls.absolute(c.path)}
            for c in contraindications
        ]
    return [data, breadcrumbs(urls, trail)]


def page_graph(
    urls: Urls, kind: str, name: str, path: str, trail: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    return [
        {"@type": kind, "name": name, "url": urls.absolute(path)},
        breadcrumbs(urls, trail),
    ]
