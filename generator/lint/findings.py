"""The lint's values: findings, suppressions and the result for one file.

Values only; nothing here parses Markdown or prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import SiteError


@dataclass(frozen=True, slots=True)
class Finding:
    """One unsafe instruction: where it starts in the file, which rule, and how it stands.

    ``line``/``column`` are 1-based and count the frontmatter lines; the keys are
    those of the JSON report (contract §6).
    """

    path: str
    line: int
    column: int
    rule: str
    severity: str
    covered: bool
    suppressed: bool
    excerpt: str
    message: str
    hint: str
    act: str = ""  # the unsafe act in a few words (the rule's ``act``), for reports

    @property
    def blocking(self) -> bool:
        """Uncovered and not suppressed: this finding fails the build."""
        return not self.covered and not self.suppressed

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.rule)


@dataclass(frozen=True, slots=True)
class Suppression:
    """A ``<!-- safety-lint: allow RULE -- reason -->`` comment: where it is, what it allows.

    ``problem`` says why it cannot suppress anything (no reason, unknown rule); empty if valid.
    """

    path: str
    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    problem: str = ""


@dataclass(frozen=True, slots=True)
class LintResult:
    """Everything the lint found in one file."""

    path: str
    findings: tuple[Finding, ...] = ()
    unused_suppressions: tuple[Suppression, ...] = ()
    errors: tuple[SiteError, ...] = ()
    suppressions: tuple[Suppression, ...] = ()

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """Findings that are neither covered by a warning nor suppressed."""
        return tuple(f for f in self.findings if f.blocking)
