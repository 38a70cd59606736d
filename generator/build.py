"""The build pipeline: load → validate → lint → graph → render → write, one way.

Returns a report or raises BuildFailed with every error found; prints nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.cache import BuildCache
from generator.content import (
    Content,
    ParsedSource,
    SourceFile,
    load_content,
    parse_source,
    read_sources,
)
from generator.errors import BuildFailed, SiteError
from generator.fingerprint import Fingerprinter
from generator.graph import build_graph
from generator.linkcheck import LinkChecker, PageLinks, extract_links
from generator.parallel import map_items
from generator.render import BodyRecord, PageJob, SiteRenderer, make_urls, render_bodies
from generator.review import review_status
from generator.settings import Settings, load_settings
from generator.theme import Theme, theme_digest, theme_dirs
from generator.write import MARKER, Staging, check_output_dir
from generator.xmlcheck import xml_error

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    drafts: bool = False
    out: Path | None = None  # default: <site>/output
    overrides: dict[str, Any] = field(default_factory=dict)  # settings from CLI flags
    today: dt.date | None = None  # for review-due checks; None means the real date
    cache: bool = True  # keep and use <site>/.dermsite-cache/ to rebuild only what changed


@dataclass(frozen=True, slots=True)
class BuildReport:
    output: Path
    pages: int
    files: int
    posts: int
    seconds: float
    warnings: tuple[SiteError, ...] = ()
    rendered: int = 0  # output files rendered and written by this build; the rest were kept
    notice: str = ""  # why the build cache was not used, when it was not


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """What a build keeps of one content file: the digest of its bytes, and what they gave."""

    digest: str
    parsed: ParsedSource
    findings: tuple[SiteError, ...]  # blocking lint findings and the lint's input errors


def analyze_source(source: SourceFile) -> SourceRecord:
    """Parse, validate and lint one content file: everything that depends on it alone.

    Every lint problem with a file the build publishes fails the build: its blocking
    findings and its input errors (a fence, YAML the lint cannot read). An input error at
    the place of the build's own reading error is the same problem, reported once."""
    from generator.lint import lint_text
    from generator.lint.report import blocking_errors

    parsed = parse_source(source)
    try:
        text = source.data.decode("utf-8")
    except UnicodeDecodeError:
        return SourceRecord(source.digest, parsed, ())  # reported by parse_source
    result = lint_text(text, source.path)
    findings = blocking_errors(result)
    if parsed.section:
        if parsed.doc is None:
            # the build could not read the file; the lint read it with the same splitter
            # and YAML loader, so an error at the same place says the same thing again
            own = {(e.line, e.column) for e in parsed.errors}
            findings.extend(e for e in result.errors if (e.line, e.column) not in own)
        else:
            findings.extend(result.errors)
    return SourceRecord(source.digest, parsed, tuple(findings))


def analyze_sources(
    sources: Sequence[SourceFile], known: dict[str, SourceRecord]
) -> dict[str, SourceRecord]:
    """A record for every source: kept from ``known`` when the bytes are the same, else made
    anew (across processes when there are many)."""
    todo = [s for s in sources if getattr(known.get(s.path), "digest", None) != s.digest]
    fresh = dict(zip([s.path for s in todo], map_items(analyze_source, todo), strict=True))
    return {s.path: fresh[s.path] if s.path in fresh else known[s.path] for s in sources}


def load_site(
    site_dir: Path, options: BuildOptions, cache: BuildCache | None = None
) -> tuple[Settings, list[SourceFile], Content]:
    """Settings, sources and validated content, with lint findings; raises BuildFailed."""
    settings, sources = read_site(site_dir, options)
    return settings, sources, load_sources(sources, settings, options, cache)


def read_site(site_dir: Path, options: BuildOptions) -> tuple[Settings, list[SourceFile]]:
    """The site's settings and the bytes of its content files; raises BuildFailed."""
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
    return settings, read_sources(site_dir)


def load_sources(
    sources: Sequence[SourceFile],
    settings: Settings,
    options: BuildOptions,
    cache: BuildCache | None = None,
) -> Content:
    """Validated content, with lint findings; raises BuildFailed."""
    known = _cached(cache, "source", SourceRecord)
    records = analyze_sources(sources, known)
    if cache is not None:
        cache.put_many("source", [(p, r) for p, r in records.items() if known.get(p) is not r])
        cache.delete_many("source", set(known) - set(records))
    errors = [finding for record in records.values() for finding in record.findings]
    try:
        content = load_content(
            [r.parsed for r in records.values()], settings, drafts=options.drafts
        )
    except BuildFailed as failed:
        raise BuildFailed([*failed.errors, *errors]) from None
    if errors:
        raise BuildFailed(errors)
    return content


def _cached(cache: BuildCache | None, ns: str, kind: type) -> dict:
    """The values of ``ns`` in the cache; none when it has none or cannot read them."""
    return {} if cache is None else cache.get_many(ns, kind)


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
    site_dir: Path,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
    cache: BuildCache | None = None,
) -> BuildReport:
    """Build the site in ``site_dir`` into its output folder. Raises BuildFailed.

    With the build cache (``<site>/.dermsite-cache/``), only the output files whose inputs
    changed are rendered and replaced; the result is the same as a clean build's. A caller
    that builds again and again (the preview server) may pass the cache it keeps open."""
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    out_dir = (options.out if options.out is not None else site_dir / "output").resolve()
    check_output_dir(out_dir, site_dir, default=out_dir == site_dir / "output")
    notice = ""
    kept_open = cache is not None
    if cache is None:
        cache, notice = BuildCache.open(site_dir) if options.cache else (None, "")
    elif cache.failed:  # a cache kept open that failed in an earlier build
        cache.repair()
    elif not cache.current():
        cache.reset()
        notice = "the dermsite code or lint rules changed; building clean"
    try:
        report = _build(site_dir, out_dir, options, cache, progress)
    finally:
        if cache is not None:
            notice = _settle(cache) or notice
            if not kept_open:
                cache.close()
    return replace(report, seconds=time.perf_counter() - started, notice=notice)


def _settle(cache: BuildCache) -> str:
    """After a build: when the cache failed, write it anew if possible; the note to print."""
    if not cache.failed:
        return ""
    note = cache.note()
    return note + ("; it is written anew" if cache.repair() else "")


def _build(
    site_dir: Path,
    out_dir: Path,
    options: BuildOptions,
    cache: BuildCache | None,
    progress: Progress | None,
) -> BuildReport:
    settings, sources = read_site(site_dir, options)
    today = options.today or dt.date.today()
    inputs = _inputs_key(site_dir, settings, sources, options, today)
    unchanged = _unchanged(cache, out_dir, inputs)
    if unchanged is not None:
        return unchanged
    content = load_sources(sources, settings, options, cache)
    del sources  # their bytes (the whole content folder) are not needed past this point
    notes = review_warnings(content, settings, today)
    blocking = [n for n in notes if n.kind == "error"]
    if blocking:
        raise BuildFailed(blocking)
    theme = Theme(site_dir, settings.theme, filters={})
    graph = build_graph(content, settings.related_posts)
    memo = cache.memo if cache is not None else None
    if memo is not None:
        memo.next_build()
    known_bodies = _cached(cache, "body", BodyRecord)
    bodies = render_bodies(content, settings, known_bodies, memo)
    if cache is not None:
        cache.put_many(
            "body", [(s, r) for s, r in bodies.records.items() if known_bodies.get(s) is not r]
        )
        cache.delete_many("body", set(known_bodies) - set(bodies.records))
    renderer = SiteRenderer(content, graph, bodies, settings, theme, today=today, memo=memo)
    jobs = list(renderer.render_all())
    jobs.append(renderer.sitemap([job.path for job in jobs]))
    _refuse_duplicates(jobs)

    manifest = _manifest(cache, out_dir)
    todo = [
        job
        for job in jobs
        if manifest is None
        or job.path not in manifest
        or manifest[job.path].fingerprint != job.fingerprint
    ]
    staging = Staging(out_dir)
    try:
        total = sum(1 for job in todo if job.path.endswith(".html"))
        written = _render_jobs(todo, staging.root, progress, total)
        checker = LinkChecker(
            make_urls(settings),
            positions={
                source: {href: (line, column) for href, line, column in body.hrefs}
                for source, body in bodies.by_source.items()
                if body.hrefs
            },
        )
        paths = {job.path for job in jobs}
        removed = sorted(set(manifest or ()) - paths)
        # Unchanged pages passed the last build's check. With the same files there, and the
        # same ids in the pages written again, their links would pass again: check only the
        # links of the pages written.
        if written or removed:
            again = manifest is None or removed or _targets_changed(manifest, written)
            for job in jobs:
                if job.path in written:
                    checker.add_links(job.path, written[job.path], job.source)
                elif again:
                    checker.add_links(job.path, manifest[job.path].links, job.source)
                else:
                    checker.add_target(job.path, manifest[job.path].links.ids)
            errors = checker.check()
            if errors:
                raise BuildFailed(errors)
        _forget_output(cache, out_dir)
        if manifest is not None:  # the new tree: the files written, and the others kept
            staging.keep(sorted(path for path in manifest if path in paths and path not in written))
        staging.publish()
        done = [job for job in jobs if job.path in written]
        entries = _entries(out_dir, done, written) if cache is not None else {}
    except BaseException:
        staging.discard()
        raise
    if cache is not None:
        ns = cache.output_ns(out_dir)
        if manifest is None:
            cache.replace_all(ns, sorted(entries.items()))
        else:
            cache.put_many(ns, sorted(entries.items()))
            cache.delete_many(ns, removed)
    pages = sum(1 for path in paths if path.endswith(".html"))
    report = BuildReport(
        output=out_dir,
        pages=pages,
        files=len(jobs),
        posts=len(content.posts),
        seconds=0.0,
        warnings=tuple(sorted([*notes, *bodies.warnings()])),
        rendered=len(todo),
    )
    if cache is not None:
        cache.put("meta", "output:" + str(out_dir), "complete")
        cache.put("meta", "inputs:" + str(out_dir), (inputs, report))
    return report


def _inputs_key(
    site_dir: Path,
    settings: Settings,
    sources: Sequence[SourceFile],
    options: BuildOptions,
    today: dt.date,
) -> str | None:
    """A digest of everything a build reads: the same key, the same output."""
    try:
        theme = theme_digest(theme_dirs(site_dir, settings.theme))
    except BuildFailed:
        return None  # the build will say why
    return Fingerprinter().digest(
        [
            settings.model_dump(mode="json"),
            options.drafts,
            today,
            theme,
            [(source.path, source.digest) for source in sources],
        ]
    )


def _unchanged(cache: BuildCache | None, out_dir: Path, inputs: str | None) -> BuildReport | None:
    """The last build's report when nothing it read has changed and its output is intact."""
    if cache is None or inputs is None:
        return None
    last = cache.get("meta", "inputs:" + str(out_dir), tuple[str, BuildReport])
    if last is None or last[0] != inputs or _manifest(cache, out_dir) is None:
        return None
    return replace(last[1], rendered=0)


@dataclass(frozen=True, slots=True)
class OutputEntry:
    """What the cache knows of one output file: what it was made from and its links, and
    its size and time, to tell whether anyone has touched it since."""

    fingerprint: str
    size: int
    mtime_ns: int
    links: PageLinks


def _targets_changed(manifest: Mapping[str, OutputEntry], written: Mapping[str, PageLinks]) -> bool:
    """Whether a file written is new, or has other ids than before (so links may now fail)."""
    for path, links in written.items():
        entry = manifest.get(path)
        if entry is None or entry.links.ids != links.ids:
            return True
    return False


def _refuse_duplicates(jobs: Sequence[PageJob]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if job.path in seen:
            raise BuildFailed(
                [
                    SiteError(
                        job.path, message=f"two pages were written to {job.path}", hint="rename one"
                    )
                ]
            )
        seen.add(job.path)


def _render_jobs(
    jobs: Sequence[PageJob], root: Path, progress: Progress | None, total: int
) -> dict[str, PageLinks]:
    """Render and write each job's file under ``root``; the links of each, by path.

    Across processes for large batches: each worker writes the files it renders and sends
    back only their links."""

    def render(job: PageJob) -> PageLinks:
        data = job.render()
        malformed = xml_error(job.path, data)  # a feed readers cannot read is not published
        if malformed is not None:
            raise BuildFailed([malformed])
        target = root / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return extract_links(job.path, data)

    links = {}
    pages = 0
    for job, found in zip(jobs, map_items(render, jobs), strict=True):
        links[job.path] = found
        if progress and job.path.endswith(".html"):
            pages += 1
            progress(pages, total)
    return links


def _manifest(cache: BuildCache | None, out_dir: Path) -> dict[str, OutputEntry] | None:
    """The cache's record of the output folder, if the folder is exactly as the last build
    left it; None means a full build."""
    if cache is None:
        return None
    if cache.get("meta", "output:" + str(out_dir), str) != "complete":
        return None
    manifest = cache.get_many(cache.output_ns(out_dir), OutputEntry)
    on_disk = _scan(out_dir)
    if on_disk.keys() != manifest.keys():
        return None
    for path, (size, mtime_ns) in on_disk.items():
        entry = manifest[path]
        if entry.size != size or entry.mtime_ns != mtime_ns:
            return None
    return manifest


def _scan(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` by relative path: (size, modification time)."""
    found: dict[str, tuple[int, int]] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = os.scandir(path)
        except FileNotFoundError:
            continue
        with entries:
            for entry in entries:
                if not prefix and entry.name == MARKER:
                    continue  # not an output file: written by every build, in no manifest
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                else:
                    stat = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def _forget_output(cache: BuildCache | None, out_dir: Path) -> None:
    """Before the output folder changes: if the build stops half-way, the next is full."""
    if cache is not None:
        cache.put("meta", "output:" + str(out_dir), "changing")


def _entries(
    out_dir: Path, jobs: Sequence[PageJob], written: Mapping[str, PageLinks]
) -> dict[str, OutputEntry]:
    """Manifest entries for the files just written."""
    entries = {}
    for job in jobs:
        stat = (out_dir / job.path).stat()
        entries[job.path] = OutputEntry(
            job.fingerprint, stat.st_size, stat.st_mtime_ns, written[job.path]
        )
    return entries
