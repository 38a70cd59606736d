"""``dermsite review``: posts whose medical review is overdue or missing, by due date.

Exit status 1 when any review is overdue (for a scheduled CI job), else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from generator.build import BuildOptions, load_site
from generator.commands import add_site_argument
from generator.commands.build import print_errors
from generator.errors import BuildFailed
from generator.review import review_status


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review", help="list posts whose medical review is overdue or missing"
    )
    add_site_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--all", action="store_true", help="list current reviews too")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="pretend it is this day"
    )
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    today = args.today or dt.date.today()
    try:
        settings, _sources, content = load_site(args.site, BuildOptions(drafts=args.drafts))
    except BuildFailed as failed:
        print_errors(failed)
        return 1
    statuses = review_status(content.posts, settings.review_interval_months, today)
    shown = [s for s in statuses if args.all or s.state != "current"]
    overdue = sum(1 for s in statuses if s.state == "overdue")
    missing = sum(1 for s in statuses if s.state == "missing")
    if args.format == "json":
        print(
            json.dumps(
                {
                    "today": today.isoformat(),
                    "interval_months": settings.review_interval_months,
                    "posts": [
                        {
                            "path": s.post.source,
                            "title": s.post.title,
                            "state": s.state,
                            "last_reviewed": s.post.last_reviewed
                            and s.post.last_reviewed.isoformat(),
                            "reviewed_by": s.post.reviewed_by,
                            "due": s.due and s.due.isoformat(),
                            "days_overdue": s.days_overdue,
                        }
                        for s in shown
                    ],
                },
                indent=2,
            )
        )
    else:
        for s in shown:
            if s.state == "missing":
                when = "never reviewed"
            elif s.state == "overdue":
                when = f"overdue since {s.due} ({s.days_overdue} days)"
            else:
                when = f"due {s.due}"
            reviewer = f", last by {s.post.reviewed_by}" if s.post.reviewed_by else ""
            print(f"{s.post.source}: {s.state}: {when}{reviewer}: {s.post.title}")
        print(
            f"{len(statuses)} posts: {overdue} overdue, {missing} never reviewed "
            f"(reviews are due {settings.review_interval_months} months after the last one)",
            file=sys.stderr,
        )
    return 1 if overdue else 0
