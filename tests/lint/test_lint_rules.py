"""Rules are data: the shipped file loads, and a broken rule file is reported at its own line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import BuildFailed
from generator.lint import load_rules
from generator.lint.rules import DEFAULT_RULES, parse_rules

RULE_IDS = {"diy-puncture", "diy-extraction", "diy-caustic", "diy-burn-freeze",
            "diy-lesion-removal", "diy-deep-needling"}

GOOD = """\
version: 1
rules:
  diy-test:
    message: says something
    hint: fix it
    groups:
      verb:
        kind: verb
        terms:
          prick: [pricking]
    patterns:
      - all: [verb]
"""


def errors_of(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(BuildFailed) as info:
        parse_rules(text, "rules.yaml")
    return [(e.line, e.column, e.message) for e in info.value.errors]


def test_shipped_rules_define_the_contract_rule_ids() -> None:
    rules = load_rules()
    assert set(rules.ids) == RULE_IDS
    for rule in rules.rules:
        assert rule.message and rule.hint and rule.severity == "error"


def test_default_rules_are_loaded_once_per_process() -> None:
    assert load_rules() is load_rules()


def test_can_load_a_rule_file_by_path(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(GOOD)
    rules = load_rules(path)
    assert rules.ids == ("diy-test",)
    assert "prick" in rules.base_verbs


def test_shipped_terms_are_lower_case_words() -> None:
    rules = load_rules()
    for word in rules.index:
        assert word == word.lower()


def test_errors_on_yaml_syntax_at_its_line() -> None:
    text = GOOD.replace("      - all: [verb]", "      - all: [verb\n  bad: {")
    (line, _, message), = errors_of(text)
    assert line >= 12 and "invalid YAML" in message


def test_errors_on_unknown_group_at_the_pattern_line() -> None:
    text = GOOD.replace("all: [verb]", "all: [verb, tool]")
    assert errors_of(text) == [(12, 21, "unknown group 'tool'")]


def test_errors_on_bad_kind_and_missing_hint_each_at_own_line() -> None:
    text = GOOD.replace("kind: verb", "kind: adverb").replace("    hint: fix it\n", "")
    got = errors_of(text)
    assert (7, 15, "unknown kind 'adverb'") in got
    assert any(line == 3 and "needs 'hint'" in msg for line, _, msg in got)


def test_errors_on_bad_rule_id_and_unknown_key() -> None:
    text = GOOD.replace("diy-test:", "DIY Test:").replace("version: 1", "version: 1\nextra: 2")
    got = errors_of(text)
    assert any(line == 2 and "unknown top-level key" in msg for line, _, msg in got)
    assert any(line == 4 and "bad rule id" in msg for line, _, msg in got)


def test_errors_on_a_term_that_is_not_words() -> None:
    text = GOOD.replace("prick: [pricking]", "prick: [pricking, 'p?ck']")
    assert errors_of(text) == [(10, 29, "term 'p?ck': 'p?ck' is not a word")]


def test_errors_on_an_empty_file() -> None:
    assert errors_of("") == [(1, 1, "the rule file is empty")]


def test_unreadable_rule_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as info:
        load_rules(tmp_path / "missing.yaml")
    assert "cannot read rule file" in info.value.errors[0].message


def test_shipped_rule_file_is_package_data() -> None:
    assert DEFAULT_RULES.name == "rules.yaml"
    assert DEFAULT_RULES.parent.name == "lint"
