"""The lint stage on small inputs: forms of §1 and §3, warnings, suppressions, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SiteError
from generator.lint import Finding, LintResult, lint_text

ROOT = Path(__file__).resolve().parents[2]

FM = "---\ntitle: T\n---\n"


def rules_of(body: str) -> list[str]:
    return [f.rule for f in lint_text(FM + body, "p.md").findings]


def where(text: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.rule) for f in lint_text(text, "p.md").findings]


# -- §1 instructions and §2 acts ------------------------------------------------

@pytest.mark.parametrize(("sentence", "rule"), [
    ("Use a sterilized needle to lift the skin.", "diy-puncture"),
    ("4. Prick the bump with a pin.", "diy-puncture"),
    ("You can pierce the milium with a sterile lancet.", "diy-puncture"),
    ("You should lance it with a clean needle.", "diy-puncture"),
    ("You'll need to nick the surface with a blade.", "diy-puncture"),
    ("You may want to squeeze out the keratin.", "diy-extraction"),
    ("Try lancing it with a safety pin.", "diy-puncture"),
    ("The trick is to pop them with a comedone extractor.", "diy-extraction"),
    ("Simply squeeze the cyst until the pus comes out.", "diy-extraction"),
    ("It's best to dig out the core with a pin.", "diy-extraction"),
    ("Apply 35% TCA to each scar.", "diy-caustic"),
    ("Apply apple cider vinegar to the mole to burn it off.", "diy-caustic"),
    ("Put black salve on the spot.", "diy-caustic"),
    ("Freeze the wart with a compressed-air duster.", "diy-burn-freeze"),
    ("Heat the needle with a lighter and touch it to the tag.", "diy-burn-freeze"),
    ("Tie dental floss around the base of the skin tag.", "diy-lesion-removal"),
    ("Cut off the mole with sterilized scissors.", "diy-lesion-removal"),
    ("Use a 1.5 mm derma roller at home.", "diy-deep-needling"),
    ("Use a 1,5 mm derma roller at home.", "diy-deep-needling"),
    ("Use a derma roller with 1.5 millimetres needles.", "diy-deep-needling"),
    ("Use a derma pen set to 1500 microns.", "diy-deep-needling"),
    ("Use a medical-grade derma pen on yourself.", "diy-deep-needling"),
    ("Don't be afraid to lance it with a sterile blade.", "diy-puncture"),
    ("If you must pop it, use a sterile needle.", "diy-puncture"),
    ("Avoid squeezing and prick it with a pin instead.", "diy-puncture"),
    ("Prick it with a pin, but don't squeeze it afterwards.", "diy-puncture"),
    ("If the tag is very small, snip it off with nail clippers.", "diy-lesion-removal"),
    ("Once you have lanced the boil, squeeze out the pus.", "diy-extraction"),
    ("Apply ointment after pricking the bump.", "diy-puncture"),
    ("You'll need a sterile needle and rubbing alcohol.", "diy-puncture"),
    ("A 1.0 mm derma roller is what you want for deep scars.", "diy-deep-needling"),
    ("Never use a dirty needle.", "diy-puncture"),
    ("Next, take a sterile lancet and make a tiny slit in the milium.", "diy-puncture"),
    ('1. "Sterilise a sewing needle and prick the top of the bump."', "diy-puncture"),
    ("Dab on a strong acid afterwards to dry it out.", "diy-caustic"),
])
def test_can_flag_each_instruction_form(sentence: str, rule: str) -> None:
    assert rule in rules_of(sentence + "\n")


@pytest.mark.parametrize("sentence", [
    "A dermatologist uses a sterile lancet to lift the skin.",
    "Dermatologists may prick the milium with a lancet.",
    "Milia are removed with a sterile needle.",
    "Some people use a lighter to heat the pin.",
    "According to some bloggers, you can pop milia with a needle.",
    "Do not use a needle.",
    "Never squeeze milia.",
    "Avoid picking.",
    "Don't ever pick at milia.",
    "Never squeeze, pick or pop a boil.",
    "Can I pop milia with a needle?",
    "If you squeeze them, you risk scarring.",
    "Pick at a milium and you'll end up with a scar.",
    "Squeezing a cyst can push the contents deeper.",
    "Ask your dermatologist to lance it.",
    "Have the skin tag removed by a professional.",
    "Apply a warm compress for ten minutes.",
    "Wash with a gentle cleanser and apply sunscreen.",
    "Use a retinoid cream as the label says.",
    "Use a 0.25 mm derma roller twice a week.",
    "Use a 0.5 mm roller at most.",
    "Use a 10% glycolic toner.",
    "Use an over-the-counter freezing kit as its label says.",
    "Take a dilute bleach bath twice a week.",
    "Trim your nails with clippers.",
    "Shave with a clean razor.",
    "Squeeze a pea-sized amount of cream onto your fingertip.",
    "Myth: you can pop milia like pimples.",
    "You can remove milia with a needle, but we don't recommend it.",
    "Pop a pimple patch on the spot before bed.",
    "We strongly advise against using a needle at home.",
    "Cut out dairy for a few weeks and see if your skin improves.",
    "Dry ice and liquid nitrogen can cause frostbite.",
    "Here's what your dermatologist will do: clean the skin and prick the milium.",
    "See a dermatologist, who can snip the tag off, freeze it or burn it off with a cautery.",
    '"Prick it with a pin," my aunt told me.',
    "If you use one at all, use only a device with needles of 0.5 mm or shorter.",
])
def test_never_flags_what_is_not_an_unsafe_instruction(sentence: str) -> None:
    assert rules_of(sentence + "\n") == []


def test_skips_code_blocks_code_spans_and_link_targets() -> None:
    body = (
        "```\nPrick the bump with a needle.\n```\n\n"
        "    Prick the bump with a needle.\n\n"
        "Read `prick it with a needle` in the [guide](https://x.org/prick-it-with-a-needle).\n\n"
        "See <https://x.org/lance-the-boil-with-a-needle>.\n"
    )
    assert rules_of(body) == []


def test_frontmatter_is_never_linted() -> None:
    text = "---\ntitle: Prick the bump with a needle\nsummary: Use a needle on it.\n---\nHi.\n"
    assert lint_text(text, "p.md").findings == ()


def test_finds_instructions_in_list_items_blockquotes_tables_and_headings() -> None:
    body = (
        "- Prick the bump with a pin.\n\n"
        "> Lance the boil with a needle.\n\n"
        "| Step | What |\n| --- | --- |\n| 1 | Nick the cyst with a blade |\n\n"
        "## Tie off the skin tag with floss\n"
    )
    assert where(FM + body) == [
        (4, 3, "diy-puncture"),
        (6, 3, "diy-puncture"),
        (10, 7, "diy-puncture"),
        (12, 4, "diy-lesion-removal"),
    ]


# -- positions -------------------------------------------------------------------

def test_line_and_column_point_at_the_sentence_start_mid_paragraph() -> None:
    body = "Milia are small.  They last for months. Then\nprick each one with a pin.\n"
    assert where(FM + body) == [(4, 41, "diy-puncture")]


def test_positions_are_exact_after_soft_breaks_and_indentation() -> None:
    body = ("Intro line.\n\n1. Milia are small. Soften the skin,\n"
            "   then use a sterile\n   needle.\n")
    assert where(FM + body) == [(6, 21, "diy-puncture")]


def test_crlf_and_bom_do_not_shift_positions() -> None:
    plain = FM + "Boils hurt.\n\n- Lance the boil with a sterile needle.\n"
    expected = where(plain)
    assert expected == [(6, 3, "diy-puncture")]
    assert where(plain.replace("\n", "\r\n")) == expected
    assert where("\ufeff" + plain.replace("\n", "\r\n")) == expected
    assert where(plain.replace("\n", "\r")) == expected


def test_columns_count_characters_not_bytes() -> None:
    body = "Für Milien: naïve? Non. Prick the bump with a pin.\n"
    assert where(FM + body) == [(4, 25, "diy-puncture")]


def test_excerpt_starts_at_the_instruction_and_is_short() -> None:
    body = ("After the milium has softened, use a sterilized needle or pin to gently lift the "
            "skin and then press out every bit of trapped keratin from under it.\n")
    finding = lint_text(FM + body, "p.md").findings[0]
    assert finding.excerpt.startswith("use a sterilized needle")
    assert finding.excerpt.endswith("…") and len(finding.excerpt) <= 61


# -- warnings ----------------------------------------------------------------------

STEP = "1. Prick the bump with a sterile pin.\n"


def test_frontmatter_warning_covers_the_whole_post() -> None:
    text = "---\nsafety_warning: Needles at home can scar.\n---\n" + STEP
    (finding,) = lint_text(text, "p.md").findings
    assert finding.covered and not lint_text(text, "p.md").blocking


@pytest.mark.parametrize("value", ['""', '"   "', "", "[]", "42", "true"])
def test_an_empty_or_non_text_frontmatter_warning_covers_nothing(value: str) -> None:
    text = f"---\nsafety_warning: {value}\n---\n" + STEP
    assert lint_text(text, "p.md").blocking


@pytest.mark.parametrize("alert", ["WARNING", "CAUTION", "warning"])
def test_a_body_alert_covers_instructions_after_it(alert: str) -> None:
    text = FM + f"> [!{alert}]\n> Needles at home can scar.\n\n" + STEP
    (finding,) = lint_text(text, "p.md").findings
    assert finding.covered


def test_a_body_alert_does_not_cover_instructions_before_it() -> None:
    text = FM + STEP + "\n> [!WARNING]\n> Needles at home can scar.\n"
    (finding,) = lint_text(text, "p.md").findings
    assert not finding.covered


@pytest.mark.parametrize("alert", [
    "> [!WARNING]\n>\n",
    "> [!WARNING]\n",
    "> [!NOTE]\n> Needles at home can scar.\n",
    "> [!TIP]\n> Needles at home can scar.\n",
    "> **Warning:** needles at home can scar.\n",
    "This can be risky.\n",
])
def test_empty_alerts_other_alerts_and_prose_are_not_warnings(alert: str) -> None:
    assert lint_text(FM + alert + "\n" + STEP, "p.md").blocking


def test_a_post_with_unreadable_frontmatter_is_still_linted() -> None:
    text = "---\ntitle: [unclosed\nsafety_warning: x\n---\n" + STEP
    result = lint_text(text, "p.md")
    assert [f.rule for f in result.blocking] == ["diy-puncture"]
    (error,) = result.errors
    assert isinstance(error, SiteError) and error.path == "p.md" and error.line >= 2


def test_an_unknown_condition_does_not_matter_to_the_lint() -> None:
    text = "---\nconditions: [not-a-real-condition]\n---\n" + STEP
    result = lint_text(text, "p.md")
    assert result.errors == () and len(result.blocking) == 1


# -- suppressions -----------------------------------------------------------------

def suppressed(comment: str, body: str = STEP) -> LintResult:
    return lint_text(FM + comment + "\n" + body, "p.md")


def test_a_matching_suppression_with_a_reason_suppresses() -> None:
    result = suppressed("<!-- safety-lint: allow diy-puncture -- quoted from a clinic leaflet -->")
    (finding,) = result.findings
    assert finding.suppressed and not result.blocking and result.unused_suppressions == ()
    assert result.suppressions[0].reason == "quoted from a clinic leaflet"


def test_a_suppression_may_name_several_rules() -> None:
    body = "- Lance the boil with a needle and squeeze out the pus.\n"
    result = suppressed("<!-- safety-lint: allow diy-puncture, diy-extraction -- clinic text -->",
                        body)
    assert [f.suppressed for f in result.findings] == [True, True]


@pytest.mark.parametrize(("comment", "problem"), [
    ("<!-- safety-lint: allow diy-extraction -- wrong rule -->", "suppresses nothing"),
    ("<!-- safety-lint: allow diy-puncture -->", "has no reason"),
    ("<!-- safety-lint: allow diy-puncture -- -->", "has no reason"),
    ("<!-- safety-lint: allow diy-pucture -- typo -->", "unknown rule diy-pucture"),
    ("<!-- safety-lint: please -->", "not understood"),
])
def test_a_suppression_that_suppresses_nothing_is_reported(comment: str, problem: str) -> None:
    result = suppressed(comment)
    assert result.blocking
    (unused,) = result.unused_suppressions
    assert unused.line == 4 and unused.column == 1
    assert problem in (unused.problem or "suppresses nothing")


def test_a_suppression_applies_only_to_the_block_directly_below() -> None:
    result = suppressed("<!-- safety-lint: allow diy-puncture -- reason -->\n", "Intro.\n\n" + STEP)
    assert result.blocking and len(result.unused_suppressions) == 1


def test_a_suppression_covers_one_list_item_only() -> None:
    body = "- Prick the bump with a pin.\n- Lance the boil with a needle.\n"
    result = suppressed("<!-- safety-lint: allow diy-puncture -- reason -->", body)
    assert [f.suppressed for f in result.findings] == [True, False]


# -- the result value --------------------------------------------------------------

def test_findings_are_sorted_and_frozen() -> None:
    body = "- Lance the boil with a needle and squeeze the pus out.\n- Prick it with a pin.\n"
    result = lint_text(FM + body, "p.md")
    keys = [(f.line, f.column, f.rule) for f in result.findings]
    assert keys == sorted(keys) and len(keys) == 3
    with pytest.raises(AttributeError):
        result.findings[0].line = 3  # type: ignore[misc]
    assert isinstance(result.findings, tuple) and isinstance(result.findings[0], Finding)


def test_the_same_text_gives_the_same_result() -> None:
    text = FM + "Prick it with a pin. Squeeze out the keratin.\n"
    assert lint_text(text, "p.md") == lint_text(text, "p.md")


def test_a_step_appended_to_a_post_about_dermatologists_still_blocks() -> None:
    # Issue 12's context leak: the paragraph before ("See a board-certified dermatologist…")
    # used to switch the finding off.
    post = ROOT / "content" / "posts" / "acne-scars-microneedling-peels-lasers.md"
    text = post.read_text("utf-8").rstrip("\n") + (
        "\n\n1. Use a sterilized needle to lift the skin over each bump and squeeze out the"
        " contents.\n")
    result = lint_text(text, "p.md")
    last = text.count("\n")
    assert {(f.line, f.rule) for f in result.blocking} >= {
        (last, "diy-puncture"), (last, "diy-extraction")}


def test_we_is_the_clinic_only_in_a_clinic_section() -> None:
    step = "For deep scars we apply 35% TCA to each scar with a fine applicator.\n"
    text = f"---\ntitle: T\n---\n\n## In the clinic\n\n{step}\n## At home\n\n{step}"
    assert [(f.line, f.rule) for f in lint_text(text, "p.md").blocking] == [(11, "diy-caustic")]
