"""``dermsite build``: build the site into output/ (all errors at once, exit 1 on any)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from generator.build import BuildOptions, build_site
from generator.commands import add_site_argument
from generator.errors import BuildFailed, OutputRefused
from generator.rawhtml import MODES as RAW_HTML_MODES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="build the site into output/")
    add_site_argument(parser)
    add_setting_arguments(parser)
    parser.add_argument("--drafts", action="store_true", help="include posts with draft: true")
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output)")
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="build everything, without reading or writing .dermsite-cache/",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.set_defaults(func=run)


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """One flag per site setting, overriding [tool.dermsite]."""
    group = parser.add_argument_group("site settings (override [tool.dermsite])")
    group.add_argument("--base-url", dest="base_url", metavar="URL")
    group.add_argument("--title", metavar="TEXT")
    group.add_argument("--description", metavar="TEXT")
    group.add_argument("--language", metavar="CODE")
    group.add_argument("--theme", metavar="NAME")
    group.add_argument("--posts-per-page", dest="posts_per_page", type=int, metavar="N")
    group.add_argument("--related-posts", dest="related_posts", type=int, metavar="N")
    group.add_argument("--toc-min-headings", dest="toc_min_headings", type=int, metavar="N")
    group.add_argument(
        "--review-interval-months", dest="review_interval_months", type=int, metavar="N"
    )
    group.add_argument("--overdue-reviews", choices=("ignore", "warn", "error"))
    group.add_argument("--unsourced-treatments", choices=("ignore", "warn", "error"))
    group.add_argument("--disclaimer", metavar="TEXT")
    group.add_argument(
        "--raw-html",
        dest="raw_html",
        choices=RAW_HTML_MODES,
        help="raw HTML in posts: sanitize (default), escape, or trust (unsafe)",
    )


SETTING_FLAGS = (
    "base_url",
    "title",
    "description",
    "language",
    "theme",
    "posts_per_page",
    "related_posts",
    "toc_min_headings",
    "review_interval_months",
    "overdue_reviews",
    "unsourced_treatments",
    "disclaimer",
    "raw_html",
)


def overrides_from(args: argparse.Namespace) -> dict[str, object]:
    return {k: getattr(args, k) for k in SETTING_FLAGS if getattr(args, k, None) is not None}


class ProgressBar:
    """A one-line progress bar on stderr, shown only on a terminal and for long builds."""

    def __init__(self, stream=None, threshold: int = 200):
        self.stream = stream or sys.stderr  # at call time: sys.stderr may have been replaced
        self.enabled = self.stream.isatty()
        self.threshold = threshold
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.threshold or done % 25:
            return
        total = max(total, done)
        width = 30
        filled = width * done // total
        self.stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} pages")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def print_errors(failed: BuildFailed, stream=None) -> None:
    stream = stream or sys.stderr
    for error in failed.errors:
        print(error.format(), file=stream)
    count = sum(1 for e in failed.errors if e.kind == "error")
    print(f"build failed: {count} error(s); output/ was left as it was", file=stream)


def run(args: argparse.Namespace) -> int:
    options = BuildOptions(
        drafts=args.drafts, out=args.out, overrides=overrides_from(args), cache=args.cache
    )
    bar = ProgressBar()
    try:
        report = build_site(args.site, options, progress=bar)
    except OutputRefused as refused:
        bar.clear()
        for error in refused.errors:
            print(error.format(), file=sys.stderr)
        print("build refused: nothing was built or deleted", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        bar.clear()
        print_errors(failed)
        return 1
    bar.clear()
    if report.notice:
        print(f"note: {report.notice}", file=sys.stderr)
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    if not args.quiet:
        where = report.output
        with contextlib.suppress(ValueError):
            where = report.output.relative_to(Path.cwd())
        print(
            f"built {report.pages} pages ({report.posts} posts, {report.files} files, "
            f"{report.rendered} written) into {where}/ in {report.seconds:.2f}s"
            + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
        )
    return 0
