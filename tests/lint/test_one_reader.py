"""The build and the safety lint read a post the same way (issue 12, "one reader").

One frontmatter splitter (fences, BOM, CRLF/CR, body and body line), every lint problem
with a published file failing the build, one markdown-it configuration, text in raw HTML
linted and alerts inside raw HTML not counting as warnings.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    assert "content/posts/whitehead.md:9:4: error: unsafe at-home step: " in result.stderr
    assert "(diy-puncture)" in result.stderr
    assert result.stderr.count(FENCE_ERROR) == 1  # the build's and the lint's, said once
    assert "Traceback" not in result.stderr
    assert not (site / "output").exists()
    lint = run_cli("lint", site / "content/posts/whitehead.md")
    assert lint.returncode == 2, lint.stdout
    assert "whitehead.md:6:1: error: a frontmatter fence is exactly three hyphens" in lint.stdout
    assert "whitehead.md:9:4: error: unsafe at-home step: " in lint.stdout


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
    if doc is None:  # a page that may go without frontmatter: the whole text is the body
        doc = parse_document("p.md", text.encode("utf-8"), need_frontmatter=False)[0]
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


_PIECES = ["---\n", "--- \n", "----\n", "...\n", "title: x\n", "safety_warning: w\n", "tags: [\n",
           "x: |\n  ---\n", "\n", "Prick the bump with a pin.\n", "> [!WARNING]\n", "<div>\n"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "\ufeff"]), st.lists(st.sampled_from(_PIECES), max_size=12),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_build_and_lint_never_disagree_on_any_text(bom: str, pieces: list, newline: str) -> None:
    text = bom + "".join(pieces).replace("\n", newline)
    doc, build_errors = parse_document("p.md", text.encode("utf-8"))
    header = read_header(normalize(text), "p.md")
    if doc is not None:
        assert (header.body, header.body_line + 1, header.errors) == (doc.body, doc.body_line, ())
    else:  # the lint's reading errors stand where the build's do (the same problem)
        assert {(e.line, e.column) for e in header.errors} <= {
            (e.line, e.column) for e in build_errors}


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
    assert got == [(7, 1, "malformed YAML in frontmatter"), (10, 4, "unsafe at-home step")]


# -- 3. one markdown-it configuration -------------------------------------------------------

TRICKY_BODIES = {
    "warning_alert": "> [!WARNING]\n> Needles at home can scar.\n\n1. Prick the bump.\n",
    "caution_alert_lowercase": "> [!caution]\n> Risky.\n",
    "note_alert": "> [!NOTE]\n> Just a note.\n",
    "empty_alert": "> [!WARNING]\n\nText.\n",
    "alert_text_on_marker_line": "> [!WARNING] Needles scar.\n",
    "alert_in_a_list": "- item\n\n  > [!WARNING]\n  > Inside a list.\n",
    "html_div": "<div>\nPrick the bump with a pin.\n</div>\n\nAfter.\n",
    "html_details": "<details><summary>Steps</summary>\n\n1. Prick it.\n\n</details>\n",
    "html_comment_and_script": "<!-- a note -->\n<script>\nvar x = 1;\n\nx++;\n</script>\n",
    "html_interrupts_paragraph": "Text\n<div>inside</div>\nmore\n",
    "table": "| Do | Don't |\n| :-- | --: |\n| rest | pick \\| squeeze |\n| a |\n",
    "table_after_paragraph": "Lead-in:\n| a | b |\n| - | - |\n| c | d |\n",
    "footnotes": "A claim.[^1] Another.[^note]\n\n[^1]: First.\n[^note]: Second\n\n    more.\n",
    "footnote_never_cited": "Text.\n\n[^x]: Prick it with a pin.\n",
    "list_in_blockquote": "> 1. Wash.\n>    - gently\n> 2. Dry.\n>\n> Lazy\ncontinuation.\n",
    "setext_headings": "Title\n=====\n\nSub\n---\n\nText\n- - -\n",
    "hr_not_setext": "Text\n\n---\n\n***\n",
    "code": "```md\n> [!WARNING]\n```\n\n    indented code\n\n~~~\nx\n~~~\n",
    "references": "[a link][ref]\n\n[ref]: https://example.org \"t\"\n",
    "strikethrough_and_html_inline": "~~Prick~~ <b>it</b> with a pin.\n",
    "deep_nesting": "".join("> " * n + "x\n" for n in range(1, 26)),
    "tabs": "-\tone\n\t- two\n\n\tcode\n",
}


def _key(tok) -> tuple:
    return (tok.type, tok.tag, tok.nesting, tok.level, tuple(tok.map or ()), tok.info, tok.markup,
            tok.content if tok.type != "inline" or tok.map else "")


def _renderer_tokens(body: str, *, block_stage: bool) -> list:
    from generator.markdown import make_markdown
    from generator.urls import Urls

    md = make_markdown()
    if block_stage:  # the tokens the renderer's inline and core rules start from
        md.core.ruler.enableOnly(["normalize", "block"])
    env = {"source": "p.md", "body_line": 1, "urls": Urls("https://example.org/", "/"),
           "pages_by_source": {}, "lines": body.split("\n"), "links": [], "errors": [],
           "mentions": [], "matcher": None, "skip_terms": (), "sources": 0, "citations": [],
           "hrefs": [], "docId": None}
    return md.parse(body, env)


@pytest.mark.parametrize("name", sorted(TRICKY_BODIES))
def test_lint_reads_the_block_tokens_the_renderer_renders(name: str) -> None:
    from generator.lint.blocks import parse_blocks

    body = TRICKY_BODIES[name]
    lint = [_key(t) for t in parse_blocks(body)[0]]
    assert lint == [_key(t) for t in _renderer_tokens(body, block_stage=True)]
    rendered = _renderer_tokens(body, block_stage=False)
    if "[^" not in body:  # the renderer's later rules change no block token
        assert lint == [_key(t) for t in rendered]
    else:  # ... but footnote_tail moves the cited definitions to the end
        assert {_key(t) for t in rendered if t.map} <= set(lint)


# -- 4. raw HTML: its text is linted; an alert inside it is no warning ----------------------

FM = "---\ntitle: T\n---\n"  # the body starts on line 4
WARN = "> [!WARNING]\n> Needles at home can scar.\n"


def found(body: str) -> list[tuple[int, int, str, bool]]:
    return [(f.line, f.column, f.rule, f.covered) for f in lint_text(FM + body, "p.md").findings]


@pytest.mark.parametrize(("body", "expected"), [
    ("<div>\nPrick the bump with a pin.\n</div>\n", [(5, 1, "diy-puncture", False)]),
    ("<details><summary>Steps</summary>\n\n1. Prick it with a pin.\n\n</details>\n",
     [(6, 4, "diy-puncture", False)]),
    ("<details><summary>Steps</summary>\nPrick it with a pin.\n</details>\n",
     [(5, 1, "diy-puncture", False)]),
    ("<p>Then <b>prick</b> the bump with a pin&nbsp;now.</p>\n", [(4, 4, "diy-puncture", False)]),
    ("Intro.\n\n<div class=\"step\">\n  <p>Squeeze out the cyst.</p> <p>Prick it with a pin.</p>\n"
     "</div>\n", [(7, 6, "diy-extraction", False), (7, 35, "diy-puncture", False)]),
    ("- Wash.\n- <span>dry</span>\n\n  <div>Prick the bump with a pin.</div>\n",
     [(7, 8, "diy-puncture", False)]),
    ("> <div>\n> Prick the bump with a pin.\n> </div>\n", [(5, 3, "diy-puncture", False)]),
])
def test_lints_text_inside_raw_html_at_its_source_position(body: str, expected: list) -> None:
    assert found(body) == expected


@pytest.mark.parametrize("body", [
    "<!-- Prick the bump with a pin. -->\n",
    "<script>\n// Prick the bump with a pin.\n</script>\n",
    "<style>\n/* Prick the bump with a pin. */\n</style>\n",
    '<img alt="Prick the bump with a pin." src="x.png">\n',
])
def test_leaves_out_what_a_reader_never_reads_in_raw_html(body: str) -> None:
    assert found(body) == []


@pytest.mark.parametrize("opening", ["<details>\n<summary>Read first</summary>\n", "<div hidden>\n",
                                     "<div>\n", '<div class="note">\n<div>\n</div>\n'])
def test_an_alert_inside_raw_html_is_no_warning(opening: str) -> None:
    close = "</div>\n" if opening.startswith("<div") else "</details>\n"
    body = opening + "\n" + WARN + "\n" + close + "\n1. Prick the bump with a pin.\n"
    step = 4 + body.split("\n").index("1. Prick the bump with a pin.")
    assert found(body) == [(step, 4, "diy-puncture", False)]


@pytest.mark.parametrize("before", ["<details>\n<summary>Steps</summary>\n</details>\n",
                                    "<div><br>\n<p>A photo: <img src=\"a.png\">\n</div>\n",
                                    "<p>An open paragraph\n"])
def test_an_alert_after_closed_raw_html_still_covers(before: str) -> None:
    body = before + "\n" + WARN + "\n1. Prick the bump with a pin.\n"
    step = 4 + body.split("\n").index("1. Prick the bump with a pin.")
    assert found(body) == [(step, 4, "diy-puncture", True)]


def test_reads_each_box_of_raw_html_on_its_own() -> None:
    body = "<table><tr><td>Needle</td><td>Prick the bump with it.</td></tr></table>\n"
    # one sentence across the cells would read "Needle Prick the bump with it." from column 16
    assert found(body) == [(4, 31, "diy-puncture", False)]
