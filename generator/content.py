"""The content model: load posts, terms and authors from content/ and validate them.

Pure after reading files: returns frozen values or raises BuildFailed with every error.
Renders nothing; Markdown bodies stay Markdown.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import BaseModel, ValidationError

from generator.errors import BuildFailed, SiteError, did_you_mean, suggestion
from generator.fingerprint import digest_bytes
from generator.frontmatter import Document, parse_document
from generator.models import AuthorMeta, ContraindicationMeta, PostMeta, TermMeta, TreatsMeta
from generator.positions import position_of
from generator.settings import Settings
from generator.urls import author_path, post_path, slugify, term_path
from generator.validation import errors_from_validation

TERM_KINDS = {"conditions": "condition", "treatments": "treatment"}
_ALIAS = re.compile(r"^/[A-Za-z0-9._~%\-/]*$")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file read from content/: its site-relative POSIX path, raw bytes and their digest."""

    path: str
    data: bytes
    digest: str = ""


@dataclass(frozen=True, slots=True)
class SourceRef:
    title: str
    url: str | None = None
    doi: str | None = None
    pmid: str | None = None
    publisher: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    name: str
    source: str
    path: str
    credentials: str | None = None
    role: str | None = None
    bio: str | None = None
    url: str | None = None
    body: str = ""
    body_line: int = 1


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed link from a treatment to a condition (evidence level or a contraindication note)."""

    condition: str  # condition slug
    treatment: str  # treatment slug
    evidence: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """One condition or treatment, from its own page in content/."""

    taxonomy: str  # "conditions" or "treatments"
    slug: str
    name: str
    description: str
    source: str
    path: str
    synonyms: tuple[str, ...] = ()
    body: str = ""
    body_line: int = 1
    listed: tuple[str, ...] = ()  # a condition's own list of treatment slugs


@dataclass(frozen=True, slots=True)
class Post:
    """A post whose frontmatter passed validation; the body is still Markdown."""

    source: str
    slug: str
    path: str
    title: str
    published: dt.date
    description: str
    author: str
    conditions: tuple[str, ...] = ()  # term slugs
    treatments: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # tag slugs
    updated: dt.date | None = None
    draft: bool = False
    safety_warning: str | None = None
    reviewed_by: str | None = None
    last_reviewed: dt.date | None = None
    sources: tuple[SourceRef, ...] = ()
    aliases: tuple[str, ...] = ()
    body: str = ""
    body_line: int = 1

    @property
    def modified(self) -> dt.date:
        return max(d for d in (self.published, self.updated, self.last_reviewed) if d)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything in content/, validated and cross-referenced by slug."""

    posts: tuple[Post, ...]  # newest first
    terms: Mapping[str, Mapping[str, Term]]  # taxonomy -> slug -> term
    authors: Mapping[str, Author]
    tags: Mapping[str, str]  # tag slug -> display name
    relations: tuple[Relation, ...] = ()
    contraindications: tuple[Relation, ...] = ()
    pages_by_source: Mapping[str, str] = field(default_factory=dict)  # source -> page path


def read_sources(site_dir: Path) -> list[SourceFile]:
    """Every Markdown file under content/, sorted by path; hidden files and folders (a name
    that starts with '.') and symlinked folders are left out, and a linked file that leads
    outside the site folder is an error."""
    found: list[tuple[tuple[str, ...], str]] = []  # (path parts, file system path)
    pending: list[tuple[tuple[str, ...], str]] = [(("content",), str(site_dir / "content"))]
    errors = []
    site = os.path.realpath(site_dir)
    while pending:
        parts, folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(((*parts, entry.name), entry.path))
                    elif entry.name.endswith(".md") and entry.is_file():
                        if entry.is_symlink():
                            outside = _outside(site, entry.path)
                            if outside is not None:
                                errors.append(_linked_outside("/".join((*parts, entry.name)),
                                                              outside))
                                continue
                        found.append(((*parts, entry.name), entry.path))
        except OSError as exc:
            errors.append(_unreadable("/".join(parts) + "/", exc))
    files = []
    for parts, path in sorted(found):
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError as exc:
            errors.append(_unreadable("/".join(parts), exc))
            continue
        files.append(SourceFile("/".join(parts), data, digest_bytes(data)))
    if errors:
        raise BuildFailed(errors)
    return files


def _outside(site: str, path: str) -> str | None:
    """Where the link at ``path`` leads, when that is outside the folder ``site``."""
    target = os.path.realpath(path)
    return None if target.startswith(site.rstrip(os.sep) + os.sep) else target


def _linked_outside(path: str, target: str) -> SiteError:
    return SiteError(
        path,
        message=f"{path} is a link to a file outside the site ({target}); copy the file in instead",
        hint="a build reads only what the site folder holds, so a link cannot publish other files",
    )


def _unreadable(path: str, exc: OSError) -> SiteError:
    return SiteError(
        path,
        message=f"cannot read it: {exc.strerror or exc}",
        hint="check that the file or folder exists and that you may read it",
    )


class _TermIndex:
    """Case-insensitive lookup of a taxonomy's terms by name, slug or synonym."""

    def __init__(self, taxonomy: str, terms: Mapping[str, Term]):
        self.taxonomy = taxonomy
        self.kind = TERM_KINDS[taxonomy]
        self.terms = terms
        self.lookup: dict[str, str] = {}
        for term in terms.values():
            for key in (term.slug, term.name, *term.synonyms):
                self.lookup.setdefault(key.casefold(), term.slug)
                self.lookup.setdefault(slugify(key), term.slug)

    def resolve(self, name: str) -> str | None:
        return self.lookup.get(name.strip().casefold()) or self.lookup.get(slugify(name))

    def unknown(self, name: str, path: str, line: int, col: int) -> SiteError:
        names = {
            key: term.name
            for term in self.terms.values()
            for key in (term.name, term.slug, *term.synonyms)
        }
        hits = dict.fromkeys(names[hit] for hit in did_you_mean(name, sorted(names)))
        hint = ("did you mean " + " or ".join(f"'{h}'" for h in hits) + "?") if hits else ""
        create = f'to add it, run: dermsite new {self.kind} "{name}"'
        return SiteError(
            path,
            line,
            col,
            f"unknown {self.kind} '{name}'",
            f"{hint} {create}" if hint else create,
        )


class _Reader:
    """Collects errors while turning documents into values."""

    def __init__(self) -> None:
        self.errors: list[SiteError] = []
        self.valid: dict[str, BaseModel | None] = {}  # validated by parse_source, by path

    def validate(self, doc: Document, model: type[BaseModel]) -> BaseModel | None:
        if doc.path in self.valid:
            return self.valid[doc.path]
        try:
            return model.model_validate(doc.meta)
        except ValidationError as exc:
            self.errors.extend(
                errors_from_validation(
                    exc,
                    path=doc.path,
                    positions=doc.positions,
                    first_line=doc.meta_line,
                    fallback_line=1,
                    model=model,
                )
            )
            return None

    def at(self, doc: Document, *loc: str | int) -> tuple[int, int]:
        pos = position_of(tuple(loc), doc.positions)
        return (doc.meta_line + pos[0], pos[1] + 1) if pos else (1, 1)


SECTIONS = {
    "posts": PostMeta,
    "conditions": TermMeta,
    "treatments": TermMeta,
    "authors": AuthorMeta,
}


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """One content file read on its own: its document and validated frontmatter, or errors.

    Depends on the file alone, so a build may keep it for as long as the bytes are the same.
    """

    path: str
    section: str  # posts, conditions, treatments, authors; "" for other files (images, notes)
    doc: Document | None = None
    meta: BaseModel | None = None
    errors: tuple[SiteError, ...] = ()


def parse_source(source: SourceFile) -> ParsedSource:
    section = source.path.split("/")[1] if source.path.count("/") >= 2 else ""
    model = SECTIONS.get(section)
    if model is None:
        return ParsedSource(source.path, "")
    if section != "posts" and source.path.count("/") > 2:
        error = SiteError(
            source.path,
            message=f"{section} pages cannot be in subfolders",
            hint=f"move it to content/{section}/",
        )
        return ParsedSource(source.path, section, errors=(error,))
    doc, errors = parse_document(source.path, source.data)
    if doc is None:
        return ParsedSource(source.path, section, errors=tuple(errors))
    reader = _Reader()
    meta = reader.validate(doc, model)
    # the whole text is not needed past this point; dropping it halves what a build keeps
    return ParsedSource(
        source.path, section, replace(doc, text=""), meta, (*errors, *reader.errors)
    )


def load_content(
    sources: Iterable[ParsedSource], settings: Settings, *, drafts: bool = False
) -> Content:
    """Cross-reference the parsed files: terms, authors and posts; every error at once."""
    del settings  # reserved for settings that change validation
    reader = _Reader()
    docs: dict[str, list[Document]] = {section: [] for section in SECTIONS}
    for parsed in sources:
        reader.errors.extend(parsed.errors)
        if parsed.doc is not None:
            docs[parsed.section].append(parsed.doc)
            reader.valid[parsed.path] = parsed.meta

    authors = _load_authors(reader, docs["authors"])
    terms = {tax: _load_terms(reader, tax, docs[tax]) for tax in TERM_KINDS}
    indexes = {tax: _TermIndex(tax, terms[tax]) for tax in TERM_KINDS}
    terms["conditions"] = _link_condition_lists(reader, docs["conditions"], terms, indexes)
    relations, contraindications = _load_relations(reader, docs["treatments"], indexes)
    posts, tags = _load_posts(reader, docs["posts"], authors, indexes, drafts=drafts)

    pages_by_source: dict[str, str] = {}
    owners: dict[str, str] = {}
    for item in [*posts, *authors.values(), *(t for ts in terms.values() for t in ts.values())]:
        if item.path in owners:
            reader.errors.append(
                SiteError(
                    item.source,
                    message=(
                        f"{item.source} and {owners[item.path]} both map to the URL /{item.path}"
                    ),
                    hint="give one of them a different file name or 'slug:'",
                )
            )
        owners.setdefault(item.path, item.source)
        pages_by_source[item.source] = item.path
    for post in posts:
        for alias in post.aliases:
            path = alias.lstrip("/")
            path = path if path.endswith((".html", ".htm")) else path.rstrip("/") + "/"
            if path in owners:
                reader.errors.append(
                    SiteError(
                        post.source,
                        message=f"alias {alias} is already the URL of {owners[path]}",
                        hint="an alias must be an old path that no page uses now",
                    )
                )
            owners.setdefault(path, post.source)
    if reader.errors:
        raise BuildFailed(reader.errors)
    return Content(
        posts=tuple(sorted(posts, key=lambda p: (p.published, p.slug), reverse=True)),
        terms=terms,
        authors=authors,
        tags=tags,
        relations=relations,
        contraindications=contraindications,
        pages_by_source=pages_by_source,
    )


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _check_file_slug(reader: _Reader, doc: Document, what: str) -> str | None:
    stem = _stem(doc.path)
    if slugify(stem) != stem:
        reader.errors.append(
            SiteError(
                doc.path,
                message=f"{what} file name '{stem}.md' is not a slug",
                hint=f"rename it to '{slugify(stem) or 'name'}.md' (lowercase, hyphens)",
            )
        )
        return None
    return stem


def _load_authors(reader: _Reader, docs: list[Document]) -> dict[str, Author]:
    authors = {}
    for doc in docs:
        author_id = _check_file_slug(reader, doc, "author")
        meta = reader.validate(doc, AuthorMeta)
        if author_id is None or not isinstance(meta, AuthorMeta):
            continue
        authors[author_id] = Author(
            id=author_id,
            name=meta.name,
            source=doc.path,
            path=author_path(author_id),
            credentials=meta.credentials,
            role=meta.role,
            bio=meta.bio,
            url=str(meta.url) if meta.url else None,
            body=doc.body,
            body_line=doc.body_line,
        )
    return authors


def _load_terms(reader: _Reader, taxonomy: str, docs: list[Document]) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    claimed: dict[str, tuple[str, str]] = {}  # casefolded name -> (slug, source)
    for doc in docs:
        slug = _check_file_slug(reader, doc, TERM_KINDS[taxonomy])
        meta = reader.validate(doc, TermMeta)
        if slug is None or not isinstance(meta, TermMeta):
            continue
        wrong = "treats" if taxonomy == "conditions" else "treatments"
        if taxonomy == "conditions" and (meta.treats or meta.contraindicated_for):
            wrong = "treats" if meta.treats else "contraindicated_for"
        elif taxonomy == "treatments" and meta.treatments:
            wrong = "treatments"
        else:
            wrong = ""
        if wrong:
            line, col = reader.at(doc, wrong)
            fix = (
                "declare 'treats' and 'contraindicated_for' on the treatment's page"
                if taxonomy == "conditions"
                else "list conditions under 'treats:' on a treatment page"
            )
            reader.errors.append(
                SiteError(
                    doc.path,
                    line,
                    col,
                    f"'{wrong}' is not a field of a {TERM_KINDS[taxonomy]}",
                    fix,
                )
            )
        for index, key in enumerate((slug, meta.name, *meta.synonyms)):
            owner = claimed.get(key.casefold())
            if owner and owner[0] != slug:
                line, col = (
                    reader.at(doc, "synonyms", index - 2) if index >= 2 else reader.at(doc, "name")
                )
                reader.errors.append(
                    SiteError(
                        doc.path,
                        line,
                        col,
                        f"'{key}' already names {owner[0]} ({owner[1]})",
                        "a name or synonym can belong to one term only",
                    )
                )
            claimed.setdefault(key.casefold(), (slug, doc.path))
        terms[slug] = Term(
            taxonomy=taxonomy,
            slug=slug,
            name=meta.name,
            description=meta.description,
            source=doc.path,
            path=term_path(taxonomy, slug),
            synonyms=tuple(meta.synonyms),
            body=doc.body,
            body_line=doc.body_line,
            listed=tuple(meta.treatments),  # resolved in _link_condition_lists
        )
    return dict(sorted(terms.items()))


def _resolve_list(
    reader: _Reader, doc: Document, key: str, names: Iterable[str], index: _TermIndex
) -> tuple[str, ...]:
    slugs: list[str] = []
    for position, name in enumerate(names):
        slug = index.resolve(name)
        if slug is None:
            line, col = reader.at(doc, key, position)
            reader.errors.append(index.unknown(name, doc.path, line, col))
        elif slug not in slugs:
            slugs.append(slug)
    return tuple(slugs)


def _link_condition_lists(
    reader: _Reader,
    docs: list[Document],
    terms: Mapping[str, Mapping[str, Term]],
    indexes: Mapping[str, _TermIndex],
) -> dict[str, Term]:
    by_source = {doc.path: doc for doc in docs}
    linked = {}
    for slug, term in terms["conditions"].items():
        listed = _resolve_list(
            reader, by_source[term.source], "treatments", term.listed, indexes["treatments"]
        )
        linked[slug] = replace(term, listed=listed)
    return linked


def _load_relations(
    reader: _Reader, docs: list[Document], indexes: Mapping[str, _TermIndex]
) -> tuple[tuple[Relation, ...], tuple[Relation, ...]]:
    relations: list[Relation] = []
    contraindications: list[Relation] = []
    conditions = indexes["conditions"]
    for doc in docs:
        treatment = _stem(doc.path)
        if treatment not in indexes["treatments"].terms:
            continue
        for key, out in (("treats", relations), ("contraindicated_for", contraindications)):
            for position, entry in enumerate(doc.meta.get(key) or []):
                if isinstance(entry, str):
                    name, evidence, note = entry, None, None
                elif isinstance(entry, dict):
                    try:
                        model = TreatsMeta if key == "treats" else ContraindicationMeta
                        parsed = model.model_validate(entry)
                    except ValidationError:
                        continue  # already reported by the TermMeta validation
                    name, note = parsed.condition, parsed.note
                    evidence = getattr(parsed, "evidence", None)
                else:
                    continue
                slug = conditions.resolve(name)
                if slug is None:
                    line, col = reader.at(doc, key, position)
                    reader.errors.append(conditions.unknown(name, doc.path, line, col))
                    continue
                if key == "treats" and evidence is None:
                    evidence = "limited"
                out.append(Relation(slug, treatment, evidence, note))
    return tuple(relations), tuple(contraindications)


def _load_posts(
    reader: _Reader,
    docs: list[Document],
    authors: Mapping[str, Author],
    indexes: Mapping[str, _TermIndex],
    *,
    drafts: bool,
) -> tuple[list[Post], dict[str, str]]:
    posts = []
    tag_names: dict[str, dict[str, int]] = {}
    for doc in docs:
        meta = reader.validate(doc, PostMeta)
        if not isinstance(meta, PostMeta):
            continue
        if meta.draft and not drafts:
            continue
        for key in ("author", "reviewed_by"):
            author_id = getattr(meta, key)
            if author_id is not None and author_id not in authors:
                line, col = reader.at(doc, key)
                hint = suggestion(author_id, sorted(authors))
                create = f"create content/authors/{author_id}.md with name and credentials"
                reader.errors.append(
                    SiteError(
                        doc.path,
                        line,
                        col,
                        f"unknown author '{author_id}'",
                        f"{hint} or {create}" if hint else create,
                    )
                )
        conditions = _resolve_list(
            reader, doc, "conditions", meta.conditions, indexes["conditions"]
        )
        treatments = _resolve_list(
            reader, doc, "treatments", meta.treatments, indexes["treatments"]
        )
        tags: list[str] = []
        for position, tag in enumerate(meta.tags):
            tag_slug = slugify(tag)
            if not tag_slug:
                line, col = reader.at(doc, "tags", position)
                reader.errors.append(
                    SiteError(doc.path, line, col, f"tag '{tag}' has no letters or digits", "")
                )
                continue
            if tag_slug not in tags:
                tags.append(tag_slug)
            counts = tag_names.setdefault(tag_slug, {})
            counts[tag] = counts.get(tag, 0) + 1
        aliases = []
        for position, alias in enumerate(meta.aliases):
            if not _ALIAS.match(alias) or "/../" in alias + "/" or alias.rstrip("/") == "":
                line, col = reader.at(doc, "aliases", position)
                reader.errors.append(
                    SiteError(
                        doc.path,
                        line,
                        col,
                        f"alias '{alias}' is not a site path",
                        "write an old path of this site starting with '/', e.g. /2019/old-post/",
                    )
                )
                continue
            aliases.append(alias)
        if meta.last_reviewed and not meta.reviewed_by:
            line, col = reader.at(doc, "last_reviewed")
            reader.errors.append(
                SiteError(
                    doc.path,
                    line,
                    col,
                    "last_reviewed is set but reviewed_by is not",
                    "add 'reviewed_by: <author id>' naming the reviewer",
                )
            )
        slug = meta.slug or _stem(doc.path)
        if slugify(slug) != slug:
            reader.errors.append(
                SiteError(
                    doc.path,
                    message=f"post file name '{_stem(doc.path)}.md' is not a slug",
                    hint=f"rename it to '{slugify(slug)}.md' or set 'slug: {slugify(slug)}'",
                )
            )
            continue
        posts.append(
            Post(
                source=doc.path,
                slug=slug,
                path=post_path(slug),
                title=meta.title,
                published=meta.date,
                description=meta.description,
                author=meta.author,
                conditions=conditions,
                treatments=treatments,
                tags=tuple(tags),
                updated=meta.updated,
                draft=meta.draft,
                safety_warning=(meta.safety_warning or None),
                reviewed_by=meta.reviewed_by,
                last_reviewed=meta.last_reviewed,
                sources=tuple(
                    SourceRef(
                        title=s.title,
                        url=str(s.url) if s.url else None,
                        doi=s.doi,
                        pmid=s.pmid,
                        publisher=s.publisher,
                        year=s.year,
                    )
                    for s in meta.sources
                ),
                aliases=tuple(aliases),
                body=doc.body,
                body_line=doc.body_line,
            )
        )
    # Show each tag with the casing authors use most (ties: alphabetical, so builds are stable).
    tags = {
        slug: sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
        for slug, counts in sorted(tag_names.items())
    }
    return posts, tags
