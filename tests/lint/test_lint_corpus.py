"""The labelled corpus: every post gives exactly the findings its ``.expected`` file lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.lint import lint_text

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "lint" / "corpus"
POSTS = sorted(CORPUS.glob("*.md"))


def describe(finding) -> str:
    status = " covered" if finding.covered else ""
    status += " suppressed" if finding.suppressed else ""
    return f"{finding.line}:{finding.column} {finding.rule}{status}"


def expected(case: Path) -> tuple[str, list[str]]:
    lines = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    label = lines[0].removeprefix("# post:").strip()
    return label, [line for line in lines[1:] if line.strip()]


def test_corpus_is_big_enough_and_labelled() -> None:
    assert len(POSTS) >= 60
    labels = [expected(case)[0] for case in POSTS]
    assert set(labels) == {"blocked", "clean"}
    assert labels.count("clean") >= 25


@pytest.mark.parametrize("case", POSTS, ids=lambda p: p.stem)
def test_findings_match_expected(case: Path) -> None:
    label, want = expected(case)
    result = lint_text(case.read_bytes().decode("utf-8"), str(case))
    assert [describe(f) for f in result.findings] == want
    assert bool(result.blocking) == (label == "blocked")
    assert result.errors == ()


def test_corpus_covers_every_rule_blocked_and_clean() -> None:
    from generator.lint import load_rules

    rules_seen = set()
    for case in POSTS:
        rules_seen.update(line.split()[1] for line in expected(case)[1])
    assert rules_seen == set(load_rules().ids)
