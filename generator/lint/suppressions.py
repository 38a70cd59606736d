"""Suppression comments (contract §5): parse them and apply them to findings.

``<!-- safety-lint: allow RULE[, RULE] -- reason -->`` on the line directly above a
paragraph or list item suppresses those rules there. Pure; no Markdown parsing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from generator.lint.blocks import Comment
from generator.lint.findings import Finding, Suppression

_DIRECTIVE = re.compile(r"^\s*safety-lint\s*:?\s*(?P<body>.*?)\s*$", re.DOTALL | re.IGNORECASE)
_ALLOW = re.compile(r"^allow\s+(?P<rules>.*?)(?:\s+--\s*(?P<reason>.*))?$", re.DOTALL)


def parse_suppressions(comments: Sequence[Comment], path: str, known: Sequence[str],
                       line_offset: int) -> list[tuple[Suppression, tuple[int, int] | None]]:
    """Every safety-lint comment, with the body lines it governs (``None``: nothing below)."""
    out = []
    for comment in comments:
        m = _DIRECTIVE.match(comment.text)
        if not m:
            continue
        line, col = comment.line + line_offset + 1, comment.col + 1
        allow = _ALLOW.match(m.group("body"))
        if not allow:
            out.append((Suppression(path, line, col, (), "",
                                    "not understood: write 'safety-lint: allow RULE -- reason'"),
                        None))
            continue
        rules = tuple(r for r in re.split(r"[\s,]+", allow.group("rules").strip()) if r)
        reason = " ".join((allow.group("reason") or "").split())
        problem = ""
        unknown = [r for r in rules if r not in known]
        if not rules:
            problem = "names no rule"
        elif unknown:
            problem = f"unknown rule {', '.join(unknown)}"
        elif not reason:
            problem = "has no reason: add '-- why this is safe'"
        elif comment.scope is None:
            problem = "is not directly above a paragraph or list item"
        out.append((Suppression(path, line, col, rules, reason, problem), comment.scope))
    return out


def apply_suppressions(findings: Sequence[Finding],
                       suppressions: Sequence[tuple[Suppression, tuple[int, int] | None]],
                       line_offset: int) -> tuple[list[Finding], list[Suppression]]:
    """Mark the findings each valid suppression covers; return them and the unused suppressions."""
    used: set[int] = set()
    out = []
    for finding in findings:
        for n, (sup, scope) in enumerate(suppressions):
            if sup.problem or scope is None or finding.rule not in sup.rules:
                continue
            start, end = scope[0] + line_offset + 1, scope[1] + line_offset + 1
            if start <= finding.line < end:
                finding = replace(finding, suppressed=True)
                used.add(n)
        out.append(finding)
    unused = [sup for n, (sup, _) in enumerate(suppressions) if n not in used]
    return out, unused
