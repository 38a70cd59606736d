"""``dermsite lint [PATH...]``: run the safety lint on Markdown files and folders and report.

Exit status: 0 clean (covered findings are fine), 1 uncovered findings, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import add_site_argument
from generator.errors import BuildFailed, SiteError
from generator.frontmatter import decode_source
from generator.lint import LintResult, lint_text, load_rules
from generator.lint.report import format_github, format_json, format_sarif, format_text

FORMATS = ("text", "json", "sarif", "github")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="check posts for unsafe DIY instructions without a warning",
        description=(
            "Lint Markdown posts for unsafe do-it-yourself instructions (needles, "
            "extraction, corrosives, burning or freezing, lesion removal, deep needling) "
            "that no safety warning covers. Only 'safety_warning' is read from the "
            "frontmatter. Exit status: 0 clean, 1 uncovered findings, 2 usage or input error."
        ),
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH",
        help="Markdown files or folders to lint (default: content/ in the site folder)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="report format (default: text)")
    parser.add_argument("--show-covered", action="store_true",
                        help="also list covered and suppressed findings (for editors' audits)")
    add_site_argument(parser)
    parser.set_defaults(func=run)


def collect_posts(paths: list[Path]) -> tuple[list[Path], list[SiteError]]:
    """Every Markdown file under ``paths`` (files as given, folders searched), sorted."""
    files: list[Path] = []
    errors: list[SiteError] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(SiteError(str(path), message="no such file or folder"))
    unique = list(dict.fromkeys(files))
    return unique, errors


def lint_paths(files: list[Path]) -> list[LintResult]:
    """Read and lint each file; unreadable files become results carrying an input error."""
    results = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            error = SiteError(str(path), message=f"cannot read: {exc.strerror or exc}")
            results.append(LintResult(str(path), errors=(error,)))
            continue
        text, errors = decode_source(str(path), data)  # as the build decodes: same positions
        if text is None:
            results.append(LintResult(str(path), errors=tuple(errors)))
            continue
        results.append(lint_text(text, str(path)))
    return results


def run(args: argparse.Namespace) -> int:
    paths = list(args.paths) or [args.site / "content"]
    try:
        rules = load_rules()
    except BuildFailed as exc:
        print(f"dermsite lint: broken rule file\n{exc}", file=sys.stderr)
        return 2
    files, missing = collect_posts(paths)
    for error in missing:
        print(f"dermsite lint: {error.path}: {error.message}", file=sys.stderr)
    if missing:
        return 2
    results = lint_paths(files)
    if args.format == "json":
        output = format_json(results, show_covered=True)
    elif args.format == "sarif":
        output = format_sarif(results, show_covered=True, rules=rules)
    elif args.format == "github":
        output = format_github(results, show_covered=args.show_covered)
    else:
        output = format_text(results, show_covered=args.show_covered)
    sys.stdout.write(output)
    if any(r.errors for r in results):
        if args.format != "text":
            for r in results:
                for error in r.errors:
                    print(error.format(), file=sys.stderr)
        return 2
    return 1 if any(r.blocking for r in results) else 0
