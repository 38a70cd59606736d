"""The render stage: Markdown bodies to HTML, then every page of the site as output files.

Pure apart from reading templates: returns page jobs (a path, a fingerprint of what the
page is made from, and a function that renders it); writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from generator import jsonld
from generator.content import Author, Content, Post, Term
from generator.errors import BuildFailed, SiteError, suggestion
from generator.feeds import atom_feed, robots_txt, sitemap
from generator.fingerprint import BuildMemo, Fingerprinter, digest_bytes
from generator.graph import LinkGraph
from generator.markdown import Heading, RenderedBody, TermMatcher, render_markdown
from generator.parallel import map_items
from generator.review import add_months
from generator.settings import Settings
from generator.theme import Theme
from generator.urls import (
    Urls,
    home_path,
    index_path,
    output_file,
    term_feed_path,
    term_path,
)

TAXONOMY_NAMES = {"conditions": "Conditions", "treatments": "Treatments", "tags": "Tags"}
SINGULAR = {"conditions": "condition", "treatments": "treatment", "tags": "tag"}


@dataclass(frozen=True, slots=True)
class PageJob:
    """One output file still to be made: its path, and a fingerprint of everything its bytes
    are made from, so a rebuild can keep the file written before when nothing changed."""

    path: str
    source: str
    fingerprint: str
    render: Callable[[], bytes]


@dataclass(frozen=True, slots=True)
class TagLink:
    name: str
    path: str
    slug: str


@dataclass(frozen=True, slots=True)
class PostCard:
    """What a list of posts shows of each."""

    title: str
    path: str
    description: str
    published: dt.date
    updated: dt.date | None
    author: Author
    conditions: tuple[Term, ...]
    treatments: tuple[Term, ...]
    tags: tuple[TagLink, ...]


@dataclass(frozen=True, slots=True)
class BodyRecord:
    """What a build keeps of a rendered body between builds: its facts, not its HTML."""

    key: str  # digest of everything render_markdown reads, but the page paths it looked up
    lookups: tuple[tuple[str, str], ...]  # (linked source, its page path) when rendered
    body: RenderedBody  # with html=""
    html_digest: str
    footnotes: frozenset[str]  # ids of footnote anchors in the HTML


@dataclass(frozen=True, slots=True)
class Bodies:
    """Rendered Markdown bodies by source path. HTML that came from the cache is rendered
    again only when a page that shows it is rendered (same inputs, same HTML)."""

    by_source: Mapping[str, RenderedBody]
    digests: Mapping[str, str]  # source -> digest of its HTML
    inputs: Mapping[str, dict[str, Any]]  # source -> render_markdown arguments
    records: Mapping[str, BodyRecord]  # to keep for the next build

    def html(self, source: str) -> str:
        body = self.by_source[source]
        if body.html or self.digests[source] == _EMPTY:
            return body.html
        return render_markdown(**self.inputs[source]).html

    def warnings(self) -> list[SiteError]:
        """What rendering warns about in every body (kept with the cached ones, too)."""
        return [w for body in self.by_source.values() for w in body.warnings]


_EMPTY = digest_bytes(b"")
_FOOTNOTE_ID = re.compile(r'\sid="(fn[^"]*)"')


def make_urls(settings: Settings) -> Urls:
    return Urls(settings.base_url, settings.base_path)


def term_matcher(content: Content) -> TermMatcher:
    phrases = []
    for taxonomy in ("conditions", "treatments"):
        for term in content.terms[taxonomy].values():
            for phrase in (term.name, *term.synonyms):
                phrases.append((phrase, taxonomy, term.slug, term.path))
    return TermMatcher.build(phrases)


def render_bodies(
    content: Content,
    settings: Settings,
    known: Mapping[str, BodyRecord] | None = None,
    memo: BuildMemo | None = None,
) -> Bodies:
    """Render every body; check every internal link and anchor. Raises BuildFailed.

    ``known``: records of an earlier build. A body whose inputs are the same, and whose
    links still lead to the same pages, is not rendered again."""
    urls = make_urls(settings)
    matcher = term_matcher(content)
    known = known or {}
    inputs: dict[str, dict[str, Any]] = {}
    for post in content.posts:
        inputs[post.source] = _inputs(post.source, post.body, post.body_line, (), len(post.sources))
    for taxonomy, terms in content.terms.items():
        for t in terms.values():
            inputs[t.source] = _inputs(t.source, t.body, t.body_line, ((taxonomy, t.slug),), 0)
    for a in content.authors.values():
        inputs[a.source] = _inputs(a.source, a.body, a.body_line, (), 0)
    shared = {
        "urls": urls,
        "pages_by_source": content.pages_by_source,
        "matcher": matcher,
        "raw_html": settings.raw_html,
    }
    context = Fingerprinter().digest(
        [urls.base_url, urls.base_path, matcher.signature, settings.raw_html]
    )
    fingerprint = Fingerprinter(memo)
    keys = {s: fingerprint.digest([context, _BodyInputs(**args)]) for s, args in inputs.items()}
    records: dict[str, BodyRecord] = {}
    bodies: dict[str, RenderedBody] = {}
    todo = []
    pages = content.pages_by_source
    for source, key in keys.items():
        record = known.get(source)
        if (
            record is not None
            and record.key == key
            and not record.body.errors  # their hints name other files: render them again
            and all(pages.get(target) == path for target, path in record.lookups)
        ):
            records[source], bodies[source] = record, record.body
        else:
            todo.append(source)
        inputs[source].update(shared)
    for source, body in zip(
        todo, map_items(lambda s: render_markdown(**inputs[s]), todo), strict=True
    ):
        bodies[source] = body
        lookups = tuple(
            sorted({(link.target, pages[link.target]) for link in body.links if link.target})
        )
        records[source] = BodyRecord(
            keys[source],
            lookups,
            replace(body, html=""),
            digest_bytes(body.html.encode()),
            frozenset(_FOOTNOTE_ID.findall(body.html)),
        )
    errors: list[SiteError] = [e for b in bodies.values() for e in b.errors]
    for body in bodies.values():
        for link in body.links:
            if not link.anchor:
                continue
            target = bodies.get(link.target or link.source)
            if target is None or link.anchor in target.anchors:
                continue
            if link.anchor in records[link.target or link.source].footnotes:
                continue
            known_anchors = sorted(target.anchors)
            errors.append(
                SiteError(
                    link.source,
                    link.line,
                    link.column,
                    f"broken link: no heading with anchor #{link.anchor} in "
                    f"{link.target or 'this file'}",
                    _anchor_hint(link.anchor, known_anchors),
                )
            )
    if errors:
        raise BuildFailed(errors)
    return Bodies(bodies, {s: r.html_digest for s, r in records.items()}, inputs, records)


@dataclass(frozen=True, slots=True)
class _BodyInputs:
    """What a body's HTML is made from, besides the site's URLs and terms."""

    body: str
    source: str
    body_line: int
    skip_terms: tuple[tuple[str, str], ...]
    sources: int


def _inputs(
    source: str, body: str, line: int, skip: tuple[tuple[str, str], ...], sources: int
) -> dict[str, Any]:
    return {
        "body": body,
        "source": source,
        "body_line": line,
        "skip_terms": skip,
        "sources": sources,
    }


def _anchor_hint(anchor: str, known: Sequence[str]) -> str:
    hint = suggestion(anchor, known)
    if hint:
        return hint
    if known:
        return "anchors there: " + ", ".join("#" + k for k in known[:12])
    return "that page has no headings to link to"


def _itself(value: Any) -> Any:
    return value


def format_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


class SiteRenderer:
    """Renders every page of one site from its content, graph and bodies."""

    def __init__(
        self,
        content: Content,
        graph: LinkGraph,
        bodies: Bodies,
        settings: Settings,
        theme: Theme,
        *,
        today: dt.date | None = None,
        memo: BuildMemo | None = None,
    ):
        self.content = content
        self.graph = graph
        self.bodies = bodies
        self.settings = settings
        self.theme = theme
        self.urls = make_urls(settings)
        self.today = today
        posts = content.posts
        newest = posts[0].modified if posts else dt.date(2000, 1, 1)
        self.site = {
            "title": settings.title,
            "description": settings.description,
            "language": settings.language,
            "base_url": settings.base_url,
            "disclaimer": settings.disclaimer,
            "year": newest.year,
            "feed": "feed.xml",
            "nav": [
                ("Articles", home_path()),
                ("Conditions", index_path("conditions")),
                ("Treatments", index_path("treatments")),
                ("Tags", index_path("tags")),
                ("Authors", index_path("authors")),
            ],
        }
        self.theme.env.globals.update(
            url=self.urls.url,
            absolute=self.urls.absolute,
            asset=self.asset_url,
            date=format_date,
            site=self.site,
        )
        self.fingerprint = Fingerprinter(memo)
        # what every page depends on besides its own context
        self.common = self.fingerprint.digest(
            [settings.model_dump(mode="json"), self.site, theme.digest]
        )
        # The values pages are made of, one per post, term, author and tag; with a memo,
        # those equal to the last build's are the last build's, so that comparing what a
        # page is made from with what it was made from last time is mostly identity checks.
        same = memo.intern if memo is not None else _itself
        self.posts = [same(post) for post in posts]
        self.authors = {key: same(author) for key, author in content.authors.items()}
        self.terms = {
            taxonomy: {slug: same(term) for slug, term in terms.items()}
            for taxonomy, terms in content.terms.items()
        }
        self.tags = {
            slug: same(TagLink(name, term_path("tags", slug), slug))
            for slug, name in content.tags.items()
        }
        self.cards = [same(self._card(post)) for post in self.posts]

    # -- helpers used by templates -------------------------------------------------

    def asset_url(self, name: str) -> str:
        asset = self.theme.assets.get(name)
        if asset is None:
            raise BuildFailed(
                [
                    SiteError(
                        "themes/",
                        message=f"missing theme asset '{name}'",
                        hint="add it under the theme's static/ folder",
                    )
                ]
            )
        return self.urls.url(asset.output)

    def term(self, taxonomy: str, slug: str) -> Term:
        return self.terms[taxonomy][slug]

    def _card(self, post: Post) -> PostCard:
        terms = self.terms
        return PostCard(
            title=post.title,
            path=post.path,
            description=post.description,
            published=post.published,
            updated=post.updated,
            author=self.authors[post.author],
            conditions=tuple(terms["conditions"][s] for s in post.conditions),
            treatments=tuple(terms["treatments"][s] for s in post.treatments),
            tags=tuple(self.tags[s] for s in post.tags),
        )

    def page(
        self,
        template: str,
        path: str,
        *,
        title: str,
        description: str,
        trail: Sequence[tuple[str, str]],
        graph: list[dict[str, Any]] | partial[list[dict[str, Any]]],
        source: str = "",
        feed: str | None = None,
        noindex: bool = False,
        body_source: str | None = None,
        **context: Any,
    ) -> PageJob:
        """A page from a template. ``body_source``: the content file whose rendered body the
        page shows as ``body``. ``graph``: its JSON-LD, or a ``partial`` of a pure function
        of ``generator.jsonld`` that makes it, called only if the page is rendered."""
        meta = {
            "title": title,
            "description": description,
            "path": path,
            "canonical": self.urls.absolute(path),
            "trail": list(trail),
            "jsonld": "",
            "feed": feed,
            "noindex": noindex,
        }
        context = {"page": meta, **context}
        if "body" in context or body_source is not None:
            context["body"] = ""
        body_digest = self.bodies.digests[body_source] if body_source else None
        if isinstance(graph, partial):
            # a pure function: its name and arguments stand for what it returns
            ld_from = [graph.func.__module__, graph.func.__qualname__, graph.args, graph.keywords]
        else:
            ld_from = graph

        def render() -> bytes:
            ld = jsonld.dump(graph() if isinstance(graph, partial) else graph)
            values = {**context, "page": {**meta, "jsonld": ld}}
            if body_source is not None:
                values["body"] = self.bodies.html(body_source)
            return self.theme.render(template, values).encode("utf-8")

        key = self.fingerprint.digest_for(
            path, (self.common, template, body_digest, ld_from, context)
        )
        return PageJob(output_file(path), source, key, render)

    def feed(self, title: str, path: str, feed_path: str, posts: list[Post], source: str = ""):
        """An Atom feed of ``posts``, made only when the fingerprint of its inputs changed."""
        # what atom_feed reads of each post (the whole post would count its body too)
        entries = [
            (
                p.title,
                p.path,
                p.description,
                p.published,
                p.modified,
                self.authors[p.author],
            )
            for p in posts
        ]
        return PageJob(
            feed_path,
            source,
            self.fingerprint.digest_for(
                feed_path, (self.common, "atom", title, path, feed_path, entries)
            ),
            lambda: atom_feed(
                self.urls,
                title=title,
                path=path,
                feed_path=feed_path,
                posts=posts,
                authors=self.content.authors,
                language=self.settings.language,
            ),
        )

    def file(self, path: str, data: bytes, source: str = "") -> PageJob:
        return PageJob(path, source, digest_bytes(data), lambda: data)

    def paginate(self, items: Sequence[int], path_for: Callable[[int], str]) -> list[dict]:
        """Pages of post cards; each page's 'items' are the cards shown on it."""
        per = self.settings.posts_per_page
        total = max(1, math.ceil(len(items) / per))
        pages = []
        for number in range(1, total + 1):
            pages.append(
                {
                    "number": number,
                    "total": total,
                    "items": [self.cards[i] for i in items[(number - 1) * per : number * per]],
                    "path": path_for(number),
                    "prev": path_for(number - 1) if number > 1 else None,
                    "next": path_for(number + 1) if number < total else None,
                }
            )
        return pages

    # -- pages ---------------------------------------------------------------------

    def render_all(self) -> Iterator[PageJob]:
        yield from self.render_posts()
        yield from self.render_terms()
        yield from self.render_tags()
        yield from self.render_authors()
        yield from self.render_indexes()
        yield from self.render_home()
        yield from self.render_extras()

    def render_posts(self, indices: Sequence[int] | None = None) -> Iterator[PageJob]:
        for index in range(len(self.content.posts)) if indices is None else indices:
            yield self.render_post(index)

    def toc(self, headings: Sequence[Heading]) -> list[Heading]:
        shown = [h for h in headings if h.level in (2, 3)]
        return shown if len(shown) >= self.settings.toc_min_headings else []

    def render_post(self, index: int) -> PageJob:
        post = self.posts[index]
        body = self.bodies.by_source[post.source]
        author = self.authors[post.author]
        reviewer = self.authors[post.reviewed_by] if post.reviewed_by else None
        conditions = [self.term("conditions", s) for s in post.conditions]
        treatments = [self.term("treatments", s) for s in post.treatments]
        tags = [self.tags[s] for s in post.tags]
        next_review = (
            add_months(post.last_reviewed, self.settings.review_interval_months)
            if post.last_reviewed
            else None
        )
        trail = [("Home", home_path())]
        if conditions:
            trail.append((conditions[0].name, conditions[0].path))
        trail.append((post.title, post.path))
        graph = partial(
            jsonld.post_graph,
            self.urls,
            post,
            author=author,
            reviewer=reviewer,
            conditions=conditions,
            treatments=treatments,
            tags=[t.name for t in tags],
            trail=trail,
            language=self.settings.language,
        )
        return self.page(
            "post.html",
            post.path,
            title=post.title,
            description=post.description,
            trail=trail,
            graph=graph,
            source=post.source,
            post=post,
            body_source=post.source,
            toc=self.toc(body.headings),
            author=author,
            reviewer=reviewer,
            next_review=next_review,
            overdue=bool(next_review and self.today and next_review < self.today),
            conditions=conditions,
            treatments=treatments,
            tags=tags,
            related=[self.cards[i] for i in self.graph.related[index]],
            citations={
                n: [ident for number, ident in body.citations if number == n]
                for n in range(1, len(post.sources) + 1)
            },
        )

    def render_terms(self, keys: Sequence[tuple[str, str]] | None = None) -> Iterator[PageJob]:
        for taxonomy in ("conditions", "treatments"):
            for slug in self.content.terms[taxonomy]:
                if keys is None or (taxonomy, slug) in keys:
                    yield from self.render_term(taxonomy, slug)

    def render_term(self, taxonomy: str, slug: str) -> Iterator[PageJob]:
        term = self.term(taxonomy, slug)
        posts = self.graph.posts_for(taxonomy, slug)
        other = "treatments" if taxonomy == "conditions" else "conditions"
        if taxonomy == "conditions":
            edges = self.graph.edges_by_condition.get(slug, ())
            contra = self.graph.contraindications_by_condition.get(slug, ())
        else:
            edges = self.graph.edges_by_treatment.get(slug, ())
            contra = self.graph.contraindications_by_treatment.get(slug, ())
        related = [
            {
                "term": self.term(other, e.treatment if taxonomy == "conditions" else e.condition),
                "evidence": e.evidence,
                "listed": e.listed,
                "posts": [self.cards[i] for i in e.posts],
            }
            for e in edges
        ]
        contraindications = [{"term": self.term(other, s), "note": note} for s, note in contra]
        trail = [(TAXONOMY_NAMES[taxonomy], index_path(taxonomy)), (term.name, term.path)]
        trail.insert(0, ("Home", home_path()))
        if taxonomy == "conditions":
            graph = partial(
                jsonld.condition_graph, self.urls, term, [r["term"] for r in related], trail
            )
        else:
            graph = partial(
                jsonld.treatment_graph,
                self.urls,
                term,
                [r["term"] for r in related],
                [c["term"] for c in contraindications],
                trail,
            )
        for page in self.paginate(posts, lambda n: term_path(taxonomy, slug, n)):
            title = term.name if page["number"] == 1 else f"{term.name} (page {page['number']})"
            yield self.page(
                "term.html",
                page["path"],
                title=title,
                description=term.description,
                trail=trail,
                graph=graph,
                source=term.source,
                feed=term_feed_path(taxonomy, slug),
                taxonomy=taxonomy,
                kind=SINGULAR[taxonomy],
                other=other,
                term=term,
                body_source=term.source if page["number"] == 1 else None,
                body="",
                related=related if page["number"] == 1 else [],
                contraindications=contraindications if page["number"] == 1 else [],
                pagination=page,
            )
        yield self.feed(
            f"{term.name} · {self.settings.title}",
            term.path,
            term_feed_path(taxonomy, slug),
            [self.posts[i] for i in posts[:20]],
            term.source,
        )

    def render_tags(self, slugs: Sequence[str] | None = None) -> Iterator[PageJob]:
        for slug, name in self.content.tags.items():
            if slugs is not None and slug not in slugs:
                continue
            posts = self.graph.posts_for("tags", slug)
            trail = [
                ("Home", home_path()),
                ("Tags", index_path("tags")),
                (name, term_path("tags", slug)),
            ]
            for page in self.paginate(posts, lambda n, s=slug: term_path("tags", s, n)):
                title = f"Tagged “{name}”"
                if page["number"] > 1:
                    title += f" (page {page['number']})"
                yield self.page(
                    "term.html",
                    page["path"],
                    title=title,
                    description=f"Articles tagged {name} on {self.settings.title}.",
                    trail=trail,
                    graph=partial(
                        jsonld.page_graph, self.urls, "CollectionPage", title, page["path"], trail
                    ),
                    taxonomy="tags",
                    kind="tag",
                    other=None,
                    term={"name": name, "slug": slug, "description": "", "synonyms": ()},
                    body="",
                    related=[],
                    contraindications=[],
                    pagination=page,
                )

    def render_authors(self) -> Iterator[PageJob]:
        for author in self.authors.values():
            trail = [
                ("Home", home_path()),
                ("Authors", index_path("authors")),
                (author.name, author.path),
            ]
            graph = [
                {**jsonld.person(self.urls, author), "description": author.bio or ""},
                jsonld.breadcrumbs(self.urls, trail),
            ]
            yield self.page(
                "author.html",
                author.path,
                title=author.name + (f", {author.credentials}" if author.credentials else ""),
                description=author.bio or f"Articles by {author.name}.",
                trail=trail,
                graph=graph,
                source=author.source,
                author=author,
                body_source=author.source,
                written=[self.cards[i] for i in self.graph.by_author.get(author.id, ())],
                reviewed=[self.cards[i] for i in self.graph.reviewed_by.get(author.id, ())],
            )

    def render_indexes(self) -> Iterator[PageJob]:
        for taxonomy in ("conditions", "treatments", "tags"):
            if taxonomy == "tags":
                entries = [
                    {
                        "name": name,
                        "path": term_path("tags", slug),
                        "count": len(self.graph.posts_for("tags", slug)),
                        "synonyms": (),
                        "description": "",
                    }
                    for slug, name in self.content.tags.items()
                ]
            else:
                entries = [
                    {
                        "name": t.name,
                        "path": t.path,
                        "count": len(self.graph.posts_for(taxonomy, t.slug)),
                        "synonyms": t.synonyms,
                        "description": t.description,
                    }
                    for t in self.content.terms[taxonomy].values()
                ]
            yield self._az_page(taxonomy, TAXONOMY_NAMES[taxonomy], entries)
        entries = [
            {
                "name": a.name + (f", {a.credentials}" if a.credentials else ""),
                "path": a.path,
                "count": len(self.graph.by_author.get(a.id, ())),
                "synonyms": (),
                "description": a.role or "",
            }
            for a in self.content.authors.values()
        ]
        yield self._az_page("authors", "Authors", entries)

    def _az_page(self, key: str, title: str, entries: list[dict[str, Any]]) -> PageJob:
        groups: dict[str, list[dict[str, Any]]] = {}
        for entry in sorted(entries, key=lambda e: e["name"].casefold()):
            letter = entry["name"][:1].upper()
            letter = letter if letter.isalpha() else "#"
            groups.setdefault(letter, []).append(entry)
        path = index_path(key)
        trail = [("Home", home_path()), (title, path)]
        return self.page(
            "index_az.html",
            path,
            title=f"{title} A–Z",
            description=f"All {title.lower()} on {self.settings.title}, A to Z.",
            trail=trail,
            graph=partial(jsonld.page_graph, self.urls, "CollectionPage", title, path, trail),
            heading=title,
            key=key,
            groups=sorted(groups.items()),
        )

    def render_home(self) -> Iterator[PageJob]:
        indices = list(range(len(self.content.posts)))
        for page in self.paginate(indices, home_path):
            trail = [("Home", home_path())]
            title = self.settings.title
            if page["number"] > 1:
                title = f"Articles, page {page['number']} · {self.settings.title}"
            graph = [
                {
                    "@type": "WebSite",
                    "name": self.settings.title,
                    "url": self.urls.absolute(""),
                    "description": self.settings.description,
                    "inLanguage": self.settings.language,
                },
                jsonld.breadcrumbs(self.urls, trail),
            ]
            yield self.page(
                "home.html",
                page["path"],
                title=title,
                description=self.settings.description,
                trail=trail,
                graph=graph,
                feed="feed.xml",
                pagination=page,
            )

    def render_extras(self) -> Iterator[PageJob]:
        trail = [("Home", home_path()), ("Page not found", "404.html")]
        yield self.page(
            "404.html",
            "404.html",
            title="Page not found",
            description="This page does not exist.",
            trail=trail,
            graph=partial(
                jsonld.page_graph, self.urls, "WebPage", "Page not found", "404.html", trail
            ),
            noindex=True,
        )
        yield self.feed(
            self.settings.title,
            home_path(),
            "feed.xml",
            self.posts[:20],
        )
        yield self.file("robots.txt", robots_txt(self.urls))
        yield from self.render_redirects()
        for asset in self.theme.assets.values():
            yield self.file(asset.output, asset.data)

    def render_redirects(self) -> Iterator[PageJob]:
        """Old paths of posts: Netlify's _redirects (301) and a small page at each old path
        that works on any host (canonical link and meta refresh)."""
        rules = []
        for post in self.content.posts:
            for alias in post.aliases:
                rules.append((self.urls.url(alias), self.urls.url(post.path)))
                target = alias.lstrip("/")
                if not target.endswith((".html", ".htm")):
                    target = target.rstrip("/") + "/index.html"
                context = {"target": self.urls.absolute(post.path), "title": post.title}
                yield PageJob(
                    target,
                    post.source,
                    self.fingerprint.digest([self.common, "redirect.html", context]),
                    lambda context=context: self.theme.render("redirect.html", context).encode(),
                )
        # forced ('301!'): the redirect page at the old path would otherwise shadow the rule
        lines = [f"{old}  {new}  301!" for old, new in sorted(rules)]
        yield self.file("_redirects", ("\n".join(lines) + "\n" if lines else "").encode())

    def sitemap(self, paths: Sequence[str]) -> PageJob:
        entries = self.sitemap_entries(paths)
        return PageJob(
            "sitemap.xml",
            "",
            self.fingerprint.digest_for("sitemap.xml", (self.common, "sitemap", entries)),
            lambda: sitemap(self.urls, entries),
        )

    def sitemap_entries(self, paths: Sequence[str]) -> list[tuple[str, dt.date | None]]:
        modified: dict[str, dt.date] = {p.path: p.modified for p in self.content.posts}
        redirects = {
            alias.lstrip("/").rstrip("/") + "/index.html"
            for post in self.content.posts
            for alias in post.aliases
        }
        entries = []
        for file in paths:
            if not file.endswith("index.html") or file in redirects:
                continue
            path = file.removesuffix("index.html")
            entries.append((path, modified.get(path)))
        return sorted(entries)
