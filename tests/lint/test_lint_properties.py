"""The lint never crashes, whatever the input, and its output is deterministic and in bounds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.lint import lint_text
from generator.lint.report import format_github, format_json, format_sarif, format_text

PIECES = [
    "---\n", "safety_warning: x\n", "title: [\n", "> [!WARNING]\n", "> [!CAUTION] ", "> ", ">> ",
    "- ", "1. ", "  ", "\t", "\n", "\r\n", "\r", "\ufeff", "| a | b |\n", "|---|---|\n", "|",
    "```\n", "`", "**", "_", "[", "](", ")", "<!-- ", "-->", "<!-- safety-lint: allow diy-puncture",
    " -- why ", "Prick the bump with a pin. ", "Use a 1,5 mm roller. ", "Apply 35% TCA. ",
    "Never squeeze milia. ", "Can I use a needle? ", "you can ", "lance ", "it ", "with ",
    "a needle", ".", ",", ";", ":", "!", "?", "—", "0.5", "mm", "%", "\\", "&amp;", "#", "## ",
    "é", "👍", "\x00", "\u2028", "\u0301", "İ", "ß",
]
markdownish = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=60).map("".join)
RELAXED = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])


def check(text: str) -> None:
    result = lint_text(text, "p.md")
    again = lint_text(text, "p.md")
    assert result == again
    n_lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    keys = [(f.line, f.column, f.rule) for f in result.findings]
    assert keys == sorted(keys)
    for f in result.findings:
        assert 1 <= f.line <= n_lines and f.column >= 1
        assert f.excerpt and f.message and f.hint
    for error in result.errors:
        assert "internal" not in error.message
    for fmt in (format_text, format_json, format_sarif, format_github):
        assert isinstance(fmt([result]), str)


@RELAXED
@given(markdownish)
def test_never_crashes_on_random_markdown(text: str) -> None:
    check(text)


@RELAXED
@given(st.text())
def test_never_crashes_on_random_unicode(text: str) -> None:
    check(text)


def test_empty_and_blank_files() -> None:
    for text in ("", "\n", "\ufeff", "---\n", "---\n---\n", "   \n\t\n", "\r\n\r\n"):
        check(text)
        assert lint_text(text, "p.md").findings == ()


def test_huge_file_is_linted_linearly() -> None:
    post = "Milia are small. Never squeeze them.\n\n1. Prick the bump with a pin.\n\n"
    result = lint_text(post * 3000, "big.md")
    assert len(result.findings) == 3000
    assert result.findings[-1].line == 4 * 2999 + 3


def test_deep_nesting_and_long_lines_do_not_crash() -> None:
    check(">" * 5000 + " Prick it with a pin.\n")
    check("- " * 3000 + "Prick it with a pin.\n")
    check("[" * 5000 + "Prick it with a pin" + "]" * 5000 + "\n")
    check("word " * 50000 + "\n")


# Unsafe acts as a verb phrase the reader could be told to do (contract §2), one per rule.
ACTS = [
    "prick the bump with a sterilised needle",
    "lance the boil with a safety pin",
    "squeeze the contents out of the cyst",
    "tie dental floss around the skin tag",
    "apply 40% TCA to the mole",
    "freeze the wart with a compressed-air duster",
    "roll a 1.5 mm derma roller over your scars",
    "cut the skin tag off with nail scissors",
]
NOT_INSTRUCTIONS = [
    "Never {act}.", "Do not {act}.", "Don't {act}.", "You should never {act}.",  # negation
    "A dermatologist will {act}.", "Your doctor may {act}.",  # clinician
    "Dermatologists sometimes {act} in the clinic.",
    "Should you {act}?", "Can I {act}?", "Is it safe to {act}?",  # question
    "If you {act}, you risk scarring.", "If you {act}, you could get an infection.",  # consequence
    "Some people {act}, which often ends in scarring.",  # reported behaviour
]
HEADINGS = ["## When to see a dermatologist", "## What your doctor does", "## Risks",
            "## Myths", "## Aftercare", "### In the clinic", "## Mistakes to avoid", ""]
PARAGRAPHS = [
    "See a board-certified dermatologist for anything that bleeds or changes.",
    "Dermatologists do this with sterile instruments, in the clinic.",
    "Never pick at milia.", "Many people simply pop them.", "",
]
STEPS = ["{Act}.", "1. {Act}.", "- {Act}.", "You can {act}.", "Then {act}."]
STRICT = settings(max_examples=120, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


def blocked(body: str) -> bool:
    return bool(lint_text("---\ntitle: T\n---\n\n" + body + "\n", "p.md").blocking)


def form(template: str, act: str) -> str:
    return template.format(act=act, Act=act[0].upper() + act[1:])


@pytest.mark.parametrize("act", ACTS)
def test_each_unsafe_act_blocks_as_a_plain_step(act: str) -> None:
    assert blocked(form("{Act}.", act))


@STRICT
@given(st.sampled_from(ACTS), st.sampled_from(NOT_INSTRUCTIONS))
def test_negated_clinician_question_and_consequence_variants_pass(act: str, template: str) -> None:
    assert not blocked(form(template, act)), form(template, act)


@STRICT
@given(st.sampled_from(ACTS), st.sampled_from(STEPS), st.sampled_from(HEADINGS),
       st.sampled_from(PARAGRAPHS))
def test_a_step_blocks_under_any_heading_and_after_any_paragraph(
        act: str, step: str, heading: str, paragraph: str) -> None:
    body = "\n\n".join(part for part in (heading, paragraph, form(step, act)) if part)
    assert blocked(body), body
