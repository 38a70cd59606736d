"""Medical review status of posts: when each was last reviewed and when the next review is due.

Pure: takes content, settings and today's date; prints nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.content import Post


def add_months(value: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clamped to the month's last day)."""
    month = value.month - 1 + months
    year = value.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    post: Post
    state: str  # "missing", "overdue" or "current"
    due: dt.date | None  # None when the post was never reviewed
    days_overdue: int = 0


def review_status(
    posts: Iterable[Post], interval_months: int, today: dt.date
) -> list[ReviewStatus]:
    """Every post's review state; never-reviewed first, then by due date, then by path."""
    statuses = []
    for post in posts:
        if post.last_reviewed is None:
            statuses.append(ReviewStatus(post, "missing", None))
            continue
        due = add_months(post.last_reviewed, interval_months)
        state = "overdue" if due < today else "current"
        statuses.append(ReviewStatus(post, state, due, max(0, (today - due).days)))
    return sorted(statuses, key=lambda s: (s.due is not None, s.due or dt.date.min, s.post.source))
