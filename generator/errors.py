"""Errors with positions: one hierarchy rooted in SiteError, collected per stage.

Nothing here prints or exits; the CLI decides how to show errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class SiteError:
    """One problem in the site's input, at a position an editor can jump to.

    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    path: str
    line: int = 0
    column: int = 0
    message: str = ""
    hint: str = ""
    kind: str = "error"  # "error" or "warning"

    def location(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path

    def format(self) -> str:
        """GCC/Vale style: ``path:line:col: message (hint)``."""
        text = f"{self.location()}: {self.kind}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class BuildFailed(Exception):
    """Raised by a stage that collected errors; carries all of them, sorted."""

    def __init__(self, errors: Iterable[SiteError]):
        self.errors: tuple[SiteError, ...] = tuple(sorted(errors))
        super().__init__(f"{len(self.errors)} error(s)")

    def __reduce__(self) -> tuple:  # so a worker process can send it back
        return (BuildFailed, (self.errors,))

    def __str__(self) -> str:
        return "\n".join(e.format() for e in self.errors)


class OutputRefused(BuildFailed):
    """The output folder is not dermsite's to replace: a usage error (exit 2), not content."""

    def __reduce__(self) -> tuple:
        return (OutputRefused, (self.errors,))


def did_you_mean(word: str, choices: Sequence[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Closest matches of ``word`` among ``choices``, best first (case-insensitive)."""
    lowered = {c.casefold(): c for c in choices}
    hits = difflib.get_close_matches(word.casefold(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[h] for h in hits]


def suggestion(word: str, choices: Sequence[str]) -> str:
    """A 'did you mean …?' sentence, or '' when nothing is close."""
    hits = did_you_mean(word, choices)
    if not hits:
        return ""
    return "did you mean " + " or ".join(f"'{h}'" for h in hits) + "?"
