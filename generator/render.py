"""The render stage: Markdown bodies to HTML, then every page of the site as output files.

Pure apart from reading templates: returns OutputFile values; writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import jsonld
from generator.content import Content, Term
from generator.errors import BuildFailed, SiteError, suggestion
from generator.feeds import atom_feed, robots_txt, sitemap
from generator.graph import LinkGraph
from generator.markdown import Heading, RenderedBody, TermMatcher, render_markdown
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
class OutputFile:
    """One file of the built site: its path in the output folder and its bytes."""

    path: str
    data: bytes
    source: str = ""  # the content file it was made from, for error messages


@dataclass(frozen=True, slots=True)
class Bodies:
    """Rendered Markdown bodies by source path."""

    by_source: Mapping[str, RenderedBody]


def make_urls(settings: Settings) -> Urls:
    return Urls(settings.base_url, settings.base_path)


def term_matcher(content: Content) -> TermMatcher:
    phrases = []
    for taxonomy in ("conditions", "treatments"):
        for term in content.terms[taxonomy].values():
            for phrase in (term.name, *term.synonyms):
                phrases.append((phrase, taxonomy, term.slug, term.path))
    return TermMatcher.build(phrases)


_BODY_CACHE: dict = {}


def render_bodies(content: Content, settings: Settings) -> Bodies:
    """Render every body; check every internal link and anchor. Raises BuildFailed."""
    urls = make_urls(settings)
    matcher = term_matcher(content)
    bodies: dict[str, RenderedBody] = {}
    items: list[tuple[str, str, int, tuple[tuple[str, str], ...], int]] = [
        (p.source, p.body, p.body_line, (), len(p.sources)) for p in content.posts
    ]
    for taxonomy, terms in content.terms.items():
        items += [(t.source, t.body, t.body_line, ((taxonomy, t.slug),), 0) for t in terms.values()]
    items += [(a.source, a.body, a.body_line, (), 0) for a in content.authors.values()]
    # The same body, links and terms give the same HTML: later builds in this process (the
    # preview server) reuse it. The key holds everything render_markdown reads.
    context = (urls, tuple(sorted(content.pages_by_source.items())), matcher.signature)
    previous = dict(_BODY_CACHE) if _BODY_CACHE.get("context") == context else {}
    _BODY_CACHE.clear()
    _BODY_CACHE["context"] = context  # keeps only what this build used
    for source, body, line, skip, sources in items:
        key = (source, body, line, skip, sources)
        if key in previous:
            bodies[source] = _BODY_CACHE[key] = previous[key]
            continue
        bodies[source] = _BODY_CACHE[key] = render_markdown(
            body,
            source=source,
            body_line=line,
            urls=urls,
            pages_by_source=content.pages_by_source,
            matcher=matcher,
            skip_terms=skip,
            sources=sources,
        )
    errors: list[SiteError] = [e for b in bodies.values() for e in b.errors]
    for body in bodies.values():
        for link in body.links:
            if not link.anchor:
                continue
            target = bodies.get(link.target or link.source)
            if target is None or link.anchor in target.anchors or _footnote(link.anchor, target):
                continue
            known = sorted(target.anchors)
            errors.append(
                SiteError(
                    link.source,
                    link.line,
                    link.column,
                    f"broken link: no heading with anchor #{link.anchor} in "
                    f"{link.target or 'this file'}",
                    _anchor_hint(link.anchor, known),
                )
            )
    if errors:
        raise BuildFailed(errors)
    return Bodies(bodies)


def _footnote(anchor: str, body: RenderedBody) -> bool:
    return anchor.startswith(("fn", "fnref")) and f'id="{anchor}"' in body.html


def _anchor_hint(anchor: str, known: Sequence[str]) -> str:
    hint = suggestion(anchor, known)
    if hint:
        return hint
    if known:
        return "anchors there: " + ", ".join("#" + k for k in known[:12])
    return "that page has no headings to link to"


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
    ):
        self.content = content
        self.graph = graph
        self.bodies = bodies.by_source
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
        return self.content.terms[taxonomy][slug]

    def tag(self, slug: str) -> dict[str, str]:
        return {"name": self.content.tags[slug], "path": term_path("tags", slug), "slug": slug}

    def post_card(self, index: int) -> dict[str, Any]:
        post = self.content.posts[index]
        return {
            "title": post.title,
            "path": post.path,
            "description": post.description,
            "published": post.published,
            "updated": post.updated,
            "author": self.content.authors[post.author],
            "conditions": [self.term("conditions", s) for s in post.conditions],
            "treatments": [self.term("treatments", s) for s in post.treatments],
            "tags": [self.tag(s) for s in post.tags],
        }

    def page(
        self,
        template: str,
        path: str,
        *,
        title: str,
        description: str,
        trail: Sequence[tuple[str, str]],
        graph: list[dict[str, Any]],
        source: str = "",
        feed: str | None = None,
        noindex: bool = False,
        **context: Any,
    ) -> OutputFile:
        meta = {
            "title": title,
            "description": description,
            "path": path,
            "canonical": self.urls.absolute(path),
            "trail": list(trail),
            "jsonld": jsonld.dump(graph),
            "feed": feed,
            "noindex": noindex,
        }
        html = self.theme.render(template, {"page": meta, **context})
        return OutputFile(output_file(path), html.encode("utf-8"), source)

    def paginate(self, items: Sequence[int], path_for: Callable[[int], str]) -> list[dict]:
        per = self.settings.posts_per_page
        total = max(1, math.ceil(len(items) / per))
        pages = []
        for number in range(1, total + 1):
            pages.append(
                {
                    "number": number,
                    "total": total,
                    "items": [self.post_card(i) for i in items[(number - 1) * per : number * per]],
                    "path": path_for(number),
                    "prev": path_for(number - 1) if number > 1 else None,
                    "next": path_for(number + 1) if number < total else None,
                }
            )
        return pages

    # -- pages ---------------------------------------------------------------------

    def render_all(self) -> Iterator[OutputFile]:
        yield from self.render_posts()
        yield from self.render_terms()
        yield from self.render_tags()
        yield from self.render_authors()
        yield from self.render_indexes()
        yield from self.render_home()
        yield from self.render_extras()

    def render_posts(self, indices: Sequence[int] | None = None) -> Iterator[OutputFile]:
        for index in range(len(self.content.posts)) if indices is None else indices:
            yield self.render_post(index)

    def toc(self, headings: Sequence[Heading]) -> list[Heading]:
        shown = [h for h in headings if h.level in (2, 3)]
        return shown if len(shown) >= self.settings.toc_min_headings else []

    def render_post(self, index: int) -> OutputFile:
        post = self.content.posts[index]
        body = self.bodies[post.source]
        author = self.content.authors[post.author]
        reviewer = self.content.authors.get(post.reviewed_by) if post.reviewed_by else None
        conditions = [self.term("conditions", s) for s in post.conditions]
        treatments = [self.term("treatments", s) for s in post.treatments]
        tags = [self.tag(s) for s in post.tags]
        next_review = (
            add_months(post.last_reviewed, self.settings.review_interval_months)
            if post.last_reviewed
            else None
        )
        trail = [("Home", home_path())]
        if conditions:
            trail.append((conditions[0].name, conditions[0].path))
        trail.append((post.title, post.path))
        graph = jsonld.post_graph(
            self.urls,
            post,
            author=author,
            reviewer=reviewer,
            conditions=conditions,
            treatments=treatments,
            tags=[t["name"] for t in tags],
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
            body=body.html,
            toc=self.toc(body.headings),
            author=author,
            reviewer=reviewer,
            next_review=next_review,
            overdue=bool(next_review and self.today and next_review < self.today),
            conditions=conditions,
            treatments=treatments,
            tags=tags,
            related=[self.post_card(i) for i in self.graph.related[index]],
            citations={
                n: [ident for number, ident in body.citations if number == n]
                for n in range(1, len(post.sources) + 1)
            },
        )

    def render_terms(self, keys: Sequence[tuple[str, str]] | None = None) -> Iterator[OutputFile]:
        for taxonomy in ("conditions", "treatments"):
            for slug in self.content.terms[taxonomy]:
                if keys is None or (taxonomy, slug) in keys:
                    yield from self.render_term(taxonomy, slug)

    def render_term(self, taxonomy: str, slug: str) -> Iterator[OutputFile]:
        term = self.term(taxonomy, slug)
        body = self.bodies[term.source]
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
                "posts": [self.post_card(i) for i in e.posts],
            }
            for e in edges
        ]
        contraindications = [{"term": self.term(other, s), "note": note} for s, note in contra]
        trail = [(TAXONOMY_NAMES[taxonomy], index_path(taxonomy)), (term.name, term.path)]
        trail.insert(0, ("Home", home_path()))
        if taxonomy == "conditions":
            graph = jsonld.condition_graph(self.urls, term, [r["term"] for r in related], trail)
        else:
            graph = jsonld.treatment_graph(
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
                body=body.html if page["number"] == 1 else "",
                related=related if page["number"] == 1 else [],
                contraindications=contraindications if page["number"] == 1 else [],
                pagination=page,
            )
        yield OutputFile(
            term_feed_path(taxonomy, slug),
            atom_feed(
                self.urls,
                title=f"{term.name} · {self.settings.title}",
                path=term.path,
                feed_path=term_feed_path(taxonomy, slug),
                posts=[self.content.posts[i] for i in posts[:20]],
                authors=self.content.authors,
                language=self.settings.language,
            ),
            term.source,
        )

    def render_tags(self, slugs: Sequence[str] | None = None) -> Iterator[OutputFile]:
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
                    graph=jsonld.page_graph(
                        self.urls, "CollectionPage", title, page["path"], trail
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

    def render_authors(self) -> Iterator[OutputFile]:
        for author in self.content.authors.values():
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
                body=self.bodies[author.source].html,
                written=[self.post_card(i) for i in self.graph.by_author.get(author.id, ())],
                reviewed=[self.post_card(i) for i in self.graph.reviewed_by.get(author.id, ())],
            )

    def render_indexes(self) -> Iterator[OutputFile]:
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

    def _az_page(self, key: str, title: str, entries: list[dict[str, Any]]) -> OutputFile:
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
            graph=jsonld.page_graph(self.urls, "CollectionPage", title, path, trail),
            heading=title,
            key=key,
            groups=sorted(groups.items()),
        )

    def render_home(self) -> Iterator[OutputFile]:
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

    def render_extras(self) -> Iterator[OutputFile]:
        trail = [("Home", home_path()), ("Page not found", "404.html")]
        yield self.page(
            "404.html",
            "404.html",
            title="Page not found",
            description="This page does not exist.",
            trail=trail,
            graph=jsonld.page_graph(self.urls, "WebPage", "Page not found", "404.html", trail),
            noindex=True,
        )
        yield OutputFile(
            "feed.xml",
            atom_feed(
                self.urls,
                title=self.settings.title,
                path=home_path(),
                feed_path="feed.xml",
                posts=list(self.content.posts[:20]),
                authors=self.content.authors,
                language=self.settings.language,
            ),
        )
        yield OutputFile("robots.txt", robots_txt(self.urls))
        yield from self.render_redirects()
        for asset in self.theme.assets.values():
            yield OutputFile(asset.output, asset.data)

    def render_redirects(self) -> Iterator[OutputFile]:
        """Old paths of posts: Netlify's _redirects (301) and a small page at each old path
        that works on any host (canonical link and meta refresh)."""
        rules = []
        for post in self.content.posts:
            for alias in post.aliases:
                rules.append((self.urls.url(alias), self.urls.url(post.path)))
                target = alias.lstrip("/")
                if not target.endswith((".html", ".htm")):
                    target = target.rstrip("/") + "/index.html"
                html = self.theme.render(
                    "redirect.html",
                    {"target": self.urls.absolute(post.path), "title": post.title},
                )
                yield OutputFile(target, html.encode("utf-8"), post.source)
        # forced ('301!'): the redirect page at the old path would otherwise shadow the rule
        lines = [f"{old}  {new}  301!" for old, new in sorted(rules)]
        yield OutputFile("_redirects", ("\n".join(lines) + "\n" if lines else "").encode())

    def sitemap(self, files: Sequence[OutputFile]) -> OutputFile:
        return OutputFile("sitemap.xml", sitemap(self.urls, self.sitemap_entries(files)))

    def sitemap_entries(self, files: Sequence[OutputFile]) -> list[tuple[str, dt.date | None]]:
        modified: dict[str, dt.date] = {p.path: p.modified for p in self.content.posts}
        redirects = {
            alias.lstrip("/").rstrip("/") + "/index.html"
            for post in self.content.posts
            for alias in post.aliases
        }
        entries = []
        for file in files:
            if not file.path.endswith("index.html") or file.path in redirects:
                continue
            path = file.path.removesuffix("index.html")
            entries.append((path, modified.get(path)))
        return sorted(entries)
