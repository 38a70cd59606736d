"""The build and the safety lint read a post the same way (issue 12, "one reader").

One frontmatter splitter (fences, BOM, CRLF/CR, body and body line), every lint problem
with a published file failing the build, one markdown-it configuration, text in raw HTML
linted and alerts inside raw HTML not counting as warnings.
"""

from __future__ import annotations

import pytest

from conftest import run_cli
from generator.build import BuildOptions, build_site
from generator.errors import BuildFailed, SiteError
from generator.frontmatter import parse_document
from generator.lint import LintResult, lint_text
from generator.lint.frontmatter import normalize, read_header

HEAD = (
    'title: "Whitehead routine"\n'
    "date: 2025-05-01\n"
    'description: "A routine."\n'
    "author: dana\n"
)
STEPS = (
    "\n"
    "1. Wash your hands and the area with warm water.\n"
    "2. Prick the head of the bump with a pin.\n"
)
# The reproducer of issue 12: a "----" closer, and a "---" line at the end of the file.
REPRODUCER = "---\n" + HEAD + "----\n" + STEPS + "---\n"
FENCE_ERROR = "a frontmatter fence is exactly three hyphens '---'"


def build(site) -> list[SiteError]:
    """The errors of a clean build of ``site`` (none when it builds)."""
    try:
        build_site(site, BuildOptions(cache=False))
    except BuildFailed as failed:
        return list(failed.errors)
    return []


# -- 1. one frontmatter splitter ------------------------------------------------------------


def test_errors_on_the_four_hyphen_closer_of_issue_12(make_site) -> None:
    site = make_site({"content/posts/whitehead.md": REPRODUCER})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1, result.stderr
    assert (
        "content/posts/whitehead.md:6:1: error: a frontmatter fence is exactly three hyphens "
        "'---'; this line has 4\n    hint: close the frontmatter with a line holding only '---'"
    ) in result.stderr
    assert "content/posts/whitehead.md:9:4: error: diy-puncture" in result.stderr
    assert result.stderr.count(FENCE_ERROR) == 1  # the build's and the lint's, said once
    assert "Traceback" not in result.stderr
    assert not (site / "output").exists()
    lint = run_cli("lint", site / "content/posts/whitehead.md")
    assert lint.returncode == 2, lint.stdout
    assert "whitehead.md:6:1: error: a frontmatter fence is exactly three hyphens" in lint.stdout
    assert "whitehead.md:9:4: error: diy-puncture" in lint.stdout


BODY = "Intro line.\n\n1. Prick the bump with a pin.\n---\n"
VARIANTS = {
    "plain": "---\n" + HEAD + "---\n" + BODY,
    "dots_closer": "---\n" + HEAD + "...\n" + BODY,
    "four_hyphen_closer": "---\n" + HEAD + "----\n" + BODY,
    "five_hyphen_opener": "-----\n" + HEAD + "---\n" + BODY,
    "bom": "\ufeff---\n" + HEAD + "---\n" + BODY,
    "crlf": ("---\n" + HEAD + "---\n" + BODY).replace("\n", "\r\n"),
    "cr": ("---\n" + HEAD + "---\n" + BODY).replace("\n", "\r"),
    "bom_crlf_dots": ("\ufeff---\n" + HEAD + "...\n" + BODY).replace("\n", "\r\n"),
    "trailing_spaces_on_fences": "--- \t\n" + HEAD + "---   \n" + BODY,
    "missing_closing_fence": "---\n" + HEAD + BODY.replace("---\n", ""),
    "no_frontmatter": BODY,
    "blank_line_first": "\n---\n" + HEAD + "---\n" + BODY,
    "closer_is_last_line": "---\n" + HEAD + "---",
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_build_and_lint_cut_a_post_the_same_way(name: str) -> None:
    text = VARIANTS[name]
    doc, build_errors = parse_document("p.md", text.encode("utf-8"))
    header = read_header(normalize(text), "p.md")
    if doc is not None:  # the build would publish it: the lint reads the same body
        assert header.errors == ()
        assert header.body == doc.body
        assert header.body_line + 1 == doc.body_line
    else:
        # Every reading problem the lint has, the build has at the same place, in the same
        # words (the build adds its own: "no frontmatter" for a post without any).
        lint_errors = {(e.line, e.column, e.message) for e in header.errors}
        assert lint_errors <= {(e.line, e.column, e.message) for e in build_errors}
    findings = lint_text(text, "p.md").findings
    if doc is not None and "Prick" in doc.body:
        step = doc.body_line + doc.body.split("\n").index("1. Prick the bump with a pin.")
        assert [(f.line, f.column) for f in findings] == [(step, 4)]


@pytest.mark.parametrize(("name", "line", "message"), [
    ("dots_closer", 6, f"{FENCE_ERROR}; this line is '...'"),
    ("four_hyphen_closer", 6, f"{FENCE_ERROR}; this line has 4"),
    ("five_hyphen_opener", 1, f"{FENCE_ERROR}; this line has 5"),
    ("bom_crlf_dots", 6, f"{FENCE_ERROR}; this line is '...'"),
    ("missing_closing_fence", 1, "the frontmatter block is never closed"),
])
def test_errors_on_a_fence_that_is_not_three_hyphens(name: str, line: int, message: str) -> None:
    text = VARIANTS[name]
    _, build_errors = parse_document("p.md", text.encode("utf-8"))
    assert [(e.line, e.column, e.message) for e in build_errors] == [(line, 1, message)]
    result = lint_text(text, "p.md")
    assert [(e.line, e.column, e.message) for e in result.errors] == [(line, 1, message)]
    assert all(e.hint for e in result.errors)
    assert [f.rule for f in result.findings] == ["diy-puncture"]  # the body is still linted


# -- 2. a lint problem with a published file fails the build ---------------------------------


def test_a_lint_input_error_on_a_published_file_fails_the_build(make_site, monkeypatch) -> None:
    site = make_site()
    assert build(site) == []
    problem = SiteError("content/posts/kp-care.md", 3, 1, "the lint could not read this", "fix")

    def lint_with_an_input_error(text: str, path: str, rules=None) -> LintResult:
        errors = (problem,) if path == problem.path else ()
        return LintResult(path, errors=errors)

    monkeypatch.setattr("generator.lint.lint_text", lint_with_an_input_error)
    assert build(site) == [problem]


def test_a_reading_error_is_reported_once_with_the_lint_findings(make_site) -> None:
    broken = "---\n" + HEAD + "tags: [Expert\n---\n" + STEPS
    site = make_site({"content/posts/whitehead.md": broken})
    errors = build(site)
    got = [(e.line, e.column, e.message.split(":")[0]) for e in sorted(errors)]
    assert got == [(7, 1, "malformed YAML in frontmatter"), (10, 4, "diy-puncture")]
