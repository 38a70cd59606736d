"""The build pipeline: load → validate → lint → graph → render → write, one way.

Returns a report or raises BuildFailed with every error found; prints nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.content import Content, SourceFile, load_content, read_sources
from generator.errors import BuildFailed, SiteError
from generator.graph import build_graph
from generator.linkcheck import LinkChecker
from generator.render import OutputFile, SiteRenderer, make_urls, render_bodies
from generator.review import review_status
from generator.settings import Settings, load_settings
from generator.theme import Theme
from generator.write import Staging, check_output_dir

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    drafts: bool = False
    out: Path | None = None  # default: <site>/output
    overrides: dict[str, Any] = field(default_factory=dict)  # settings from CLI flags
    today: dt.date | None = None  # for review-due checks; None means the real date


@dataclass(frozen=True, slots=True)
class BuildReport:
    output: Path
    pages: int
    files: int
    posts: int
    seconds: float
    warnings: tuple[SiteError, ...] = ()


_LINT_CACHE: dict = {}


def lint_sources(sources: Sequence[SourceFile]) -> list[SiteError]:
    """Run the safety lint over every content file (posts, drafts included, and term and
    author pages, which are published too); blocking findings as errors.

    Results are kept for the life of the process, keyed by file bytes and the rule set, so
    a rebuild in the preview server lints only what changed."""
    from generator.lint import lint_text, load_rules
    from generator.lint.report import blocking_errors

    rules = load_rules()
    previous = _LINT_CACHE if _LINT_CACHE.get("rules") is rules else {}
    fresh: dict = {"rules": rules}
    errors: list[SiteError] = []
    for source in sources:
        key = (source.path, source.data)
        found = previous.get(key)
        if found is None:
            try:
                text = source.data.decode("utf-8")
            except UnicodeDecodeError:
                found = []  # reported by validation
            else:
                found = blocking_errors(lint_text(text, source.path))
        fresh[key] = found
        errors.extend(found)
    _LINT_CACHE.clear()
    _LINT_CACHE.update(fresh)
    return errors


def load_site(site_dir: Path, options: BuildOptions) -> tuple[Settings, list[SourceFile], Content]:
    """Settings, sources and validated content, with lint findings; raises BuildFailed."""
    settings = load_settings(site_dir, options.overrides)
    content_dir = site_dir / "content"
    if not content_dir.is_dir():
        raise BuildFailed(
            [
                SiteError(
                    str(content_dir),
                    message="no content/ folder",
                    hint="create content/posts/, content/conditions/, content/treatments/ "
                    "and content/authors/",
                )
            ]
        )
    sources = read_sources(site_dir)
    errors = lint_sources(sources)
    try:
        content = load_content(sources, settings, drafts=options.drafts)
    except BuildFailed as failed:
        raise BuildFailed([*failed.errors, *errors]) from None
    if errors:
        raise BuildFailed(errors)
    return settings, sources, content


def review_warnings(content: Content, settings: Settings, today: dt.date) -> list[SiteError]:
    """Overdue medical reviews and unsourced treatment advice, as warnings or errors."""
    warnings = []
    if settings.overdue_reviews != "ignore":
        kind = "error" if settings.overdue_reviews == "error" else "warning"
        for status in review_status(content.posts, settings.review_interval_months, today):
            if status.state != "overdue":
                continue
            post = status.post
            warnings.append(
                SiteError(
                    post.source,
                    message=f"medical review overdue since {status.due} "
                    f"(last reviewed {post.last_reviewed})",
                    hint="have a reviewer check the post, then update last_reviewed",
                    kind=kind,
                )
            )
    if settings.unsourced_treatments != "ignore":
        kind = "error" if settings.unsourced_treatments == "error" else "warning"
        for post in content.posts:
            if post.treatments and not post.sources:
                warnings.append(
                    SiteError(
                        post.source,
                        message="the post recommends treatments but cites no sources",
                        hint="add a 'sources:' list with the studies or guidelines it relies on",
                        kind=kind,
                    )
                )
    return warnings


def build_site(
    site_dir: Path, options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildReport:
    """Build the site in ``site_dir`` into its output folder. Raises BuildFailed."""
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    out_dir = (options.out if options.out is not None else site_dir / "output").resolve()
    check_output_dir(out_dir, site_dir)
    settings, _sources, content = load_site(site_dir, options)
    today = options.today or dt.date.today()
    notes = review_warnings(content, settings, today)
    blocking = [n for n in notes if n.kind == "error"]
    if blocking:
        raise BuildFailed(blocking)
    theme = Theme(site_dir, settings.theme, filters={})
    graph = build_graph(content, settings.related_posts)
    bodies = render_bodies(content, settings)
    renderer = SiteRenderer(content, graph, bodies, settings, theme, today=today)

    staging = Staging(out_dir)
    try:
        checker = LinkChecker(
            make_urls(settings),
            positions={
                source: {href: (line, column) for href, line, column in body.hrefs}
                for source, body in bodies.by_source.items()
                if body.hrefs
            },
        )
        written: list[OutputFile] = []
        pages = 0
        total = _count_pages(content, settings)
        for file in renderer.render_all():
            staging.write(file.path, file.data)
            checker.add(file.path, file.data, file.source)
            written.append(OutputFile(file.path, b"", file.source))
            if file.path.endswith(".html"):
                pages += 1
                if progress:
                    progress(pages, total)
        for file in (renderer.sitemap(written),):
            staging.write(file.path, file.data)
            checker.add(file.path, file.data)
            written.append(file)
        errors = checker.check()
        if errors:
            raise BuildFailed(errors)
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    return BuildReport(
        output=out_dir,
        pages=pages,
        files=len(written),
        posts=len(content.posts),
        seconds=time.perf_counter() - started,
        warnings=tuple(sorted(notes)),
    )


def _count_pages(content: Content, settings: Settings) -> int:
    """An estimate of the HTML pages to render, for the progress bar."""
    per = settings.posts_per_page
    terms = sum(len(t) for t in content.terms.values()) + len(content.tags)
    return len(content.posts) * 2 // per + len(content.posts) + terms + len(content.authors) + 6
