"""Reporters: the §6 JSON shape, SARIF 2.1.0 validity, GitHub annotation escaping, text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.errors import SiteError
from generator.lint import Finding, LintResult, lint_text
from generator.lint.report import (
    blocking_errors,
    escape_data,
    escape_property,
    format_github,
    format_json,
    format_sarif,
    format_text,
)

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "lint" / "sarif" / (
    "sarif-schema-2.1.0.json")
FM = "---\ntitle: T\n---\n"
# The contract's keys (§6), and "act", which it allows ("more keys may be added").
KEYS = {"path", "line", "column", "rule", "severity", "covered", "suppressed", "excerpt",
        "message", "hint", "act"}


@pytest.fixture(scope="module")
def results() -> list[LintResult]:
    return [
        lint_text(FM + "1. Prick the bump with a pin.\n", "content/posts/a, b.md"),
        lint_text(FM + "> [!WARNING]\n> Risky.\n\nLance the boil with a needle.\n", "c.md"),
        lint_text(FM + "<!-- safety-lint: allow diy-puncture -- clinic leaflet -->\n"
                  "Lance the boil with a needle.\n\n"
                  "<!-- safety-lint: allow diy-caustic -- wrong -->\nHello.\n", "d.md"),
        lint_text("---\ntitle: [\n---\nHello.\n", "e.md"),
        lint_text(FM + "Wash your face.\n", "f.md"),
    ]


def test_json_has_the_contract_shape(results: list[LintResult]) -> None:
    data = json.loads(format_json(results))
    assert data["version"] == 1 and data["files_checked"] == 5
    assert [set(f) for f in data["findings"]] == [KEYS] * 3
    first = data["findings"][0]
    assert (first["path"], first["line"], first["column"], first["rule"]) == (
        "content/posts/a, b.md", 4, 4, "diy-puncture")
    assert first["severity"] == "error" and first["covered"] is False
    assert [f["covered"] for f in data["findings"]] == [False, True, False]
    assert [f["suppressed"] for f in data["findings"]] == [False, False, True]
    assert data["unused_suppressions"][0]["rules"] == ["diy-caustic"]
    assert data["errors"][0]["path"] == "e.md"


def test_sarif_validates_against_the_2_1_0_schema(results: list[LintResult]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(format_sarif(results))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"diy-puncture"}
    levels = [(r["ruleId"], r["level"]) for r in run["results"]]
    assert levels == [("diy-puncture", "error"), ("diy-puncture", "note"),
                      ("diy-puncture", "error")]
    suppressed = run["results"][2]
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "clinic leaflet"}]
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (4, 4)
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "content/posts/a%2C%20b.md")


def test_sarif_of_nothing_is_valid() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(format_sarif([])), schema)


ANNOTATION = re.compile(
    r"^::(error|warning|notice) file=([^,:]+),line=(\d+)(?:,col=(\d+))?,title=([^,:]+)"
    r"::([^\r\n]*)$")


def test_github_annotations_are_well_formed_and_escaped(results: list[LintResult]) -> None:
    lines = format_github(results).splitlines()
    assert lines, "expected annotations"
    for line in lines:
        assert ANNOTATION.match(line), line
    first = ANNOTATION.match(lines[0])
    assert first.group(1) == "error"
    assert first.group(2) == "content/posts/a%2C b.md"
    assert (first.group(3), first.group(4)) == ("4", "4")
    assert first.group(5) == "safety-lint diy-puncture"
    assert "%0Ahint: " in first.group(6)
    kinds = [ANNOTATION.match(line).group(1) for line in lines]
    assert kinds.count("error") == 2 and kinds.count("warning") == 1


def test_github_shows_covered_findings_as_notices_on_request(results: list[LintResult]) -> None:
    lines = format_github(results, show_covered=True).splitlines()
    assert sum(line.startswith("::notice ") for line in lines) == 2


@pytest.mark.parametrize(("raw", "data", "prop"), [
    ("100%", "100%25", "100%25"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("x: y, z", "x: y, z", "x%3A y%2C z"),
])
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_text_report_is_clickable_and_summarised(results: list[LintResult]) -> None:
    text = format_text(results)
    assert "content/posts/a, b.md:4:4: error: unsafe at-home step: " in text
    assert "(diy-puncture) — “Prick the bump with a pin.”" in text
    assert "    hint: " in text
    assert "c.md:7:1" not in text  # covered: hidden unless asked
    assert "d.md:7:1: warning: safety-lint allow diy-caustic suppresses nothing" in text
    assert text.rstrip().endswith("5 files checked: 1 uncovered, 1 covered, 1 suppressed")
    audit = format_text(results, show_covered=True)
    assert "c.md:7:1: covered: unsafe at-home step: " in audit
    assert "d.md:5:1: suppressed: unsafe at-home step: " in audit


def test_blocking_errors_become_site_errors(results: list[LintResult]) -> None:
    (error,) = blocking_errors(results[0])
    assert isinstance(error, SiteError)
    assert (error.path, error.line, error.column) == ("content/posts/a, b.md", 4, 4)
    assert error.message.startswith("unsafe at-home step: pricking, lancing or cutting the skin")
    assert "(diy-puncture)" in error.message
    assert error.message.endswith("— “Prick the bump with a pin.”")
    assert "[!WARNING]" in error.hint and "bold “Warning:”" in error.hint
    assert blocking_errors(results[1]) == []


def test_finding_fields_are_the_json_keys() -> None:
    assert set(Finding.__dataclass_fields__) == KEYS


def test_text_report_names_every_rule_of_a_sentence_once() -> None:
    result = lint_text(FM + "\n1. Prick the bump with a needle and squeeze the contents out.\n",
                       "p.md")
    assert {f.rule for f in result.findings} == {"diy-puncture", "diy-extraction"}
    text = format_text([result])
    (entry,) = [line for line in text.splitlines() if ": error: " in line]
    assert entry.startswith("p.md:5:4: error: unsafe at-home step: ")
    assert "(diy-puncture)" in entry and "(diy-extraction)" in entry
    assert text.count("    hint: ") == 1
    assert text.rstrip().endswith("1 file checked: 1 uncovered, 0 covered, 0 suppressed")
    (error,) = blocking_errors(result)  # the build shows the same one entry
    assert "(diy-puncture)" in error.message and "(diy-extraction)" in error.message
    data = json.loads(format_json([result]))
    assert sorted(f["rule"] for f in data["findings"]) == ["diy-extraction", "diy-puncture"]
