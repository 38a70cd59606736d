"""Raw HTML in post bodies: sanitised by default (what is removed is a warning at its line),
escaped or trusted when the site says so. Real builds of a tiny site, asserting on the
output HTML files and on what the build prints."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PYPROJECT, ROOT, run_cli, tree_digest

POST = "content/posts/raw.md"
HEAD = """\
---
title: Raw HTML
date: 2024-06-01
description: A post with raw HTML in it.
author: dana
---
## Notes

Some Markdown first.

"""
FIRST = HEAD.count("\n") + 1  # the file line of the body's first raw HTML line below


def build(site: Path, *args: str, ok: bool = True):
    result = run_cli("build", "--site", site, *args)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def post_body(site: Path) -> str:
    """The post's rendered body, without the theme around it (the theme has its own JSON-LD
    script and inline SVG icons)."""
    page = (site / "output/posts/raw/index.html").read_text(encoding="utf-8")
    match = re.search(r'<div class="post-body">\n(.*?)\n  </div>\n', page, re.S)
    assert match, page
    return match.group(1)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": warning: removed" in line]


# (id, raw HTML, what must not reach the page, the warning's column and message)
HOSTILE = [
    (
        "script",
        '<script>alert("s1")</script>',
        ["<script", "s1"],
        1,
        "removed <script> from the raw HTML: scripts never run on this site",
    ),
    (
        "img-onerror",
        '<img src="https://img.example.net/a.png" alt="A" onerror="alert(2)">',
        ["onerror", "alert(2)"],
        1,
        "removed onerror= from <img> in the raw HTML: event handlers are scripts",
    ),
    (
        "svg-onload",
        '<svg onload="alert(3)"><circle r="4"/></svg>',
        ["<svg", "onload", "alert(3)", "<circle"],
        1,
        "removed <svg> from the raw HTML: inline SVG and MathML can carry scripts",
    ),
    (
        "iframe",
        '<iframe src="https://evil.example/frame"></iframe>',
        ["<iframe", "evil.example"],
        1,
        "removed <iframe> from the raw HTML: embedded frames",
    ),
    (
        "form",
        '<form action="https://evil.example/steal"><input name="q"><button>Send</button></form>',
        ["<form", "<input", "<button", "evil.example"],
        1,
        "removed <form>, <input> and <button> from the raw HTML: forms cannot send anything",
    ),
    (
        "javascript-href",
        'Click <a href="javascript:alert(4)">here</a> now.',
        ["javascript:", "alert(4)"],
        7,
        'removed href="javascript:…" from <a> in the raw HTML: javascript: and vbscript: URLs',
    ),
    (
        "javascript-href-disguised",
        'Click <a href="JaVa&#x09;ScRiPt&#58;alert(5)">here</a> now.',
        ["ScRiPt", "alert(5)"],
        7,
        'removed href="javascript:…" from <a> in the raw HTML',
    ),
    (
        "data-href",
        'Open <a href="data:text/html;base64,PHNjcmlwdD4=">this</a>.',
        ["data:", "PHNjcmlwdD4"],
        6,
        'removed href="data:…" from <a> in the raw HTML: data: URLs can hide any content',
    ),
    (
        "style-attribute",
        '<p style="position:fixed;top:0">Styled</p>',
        ["style=", "position:fixed"],
        1,
        "removed style= from <p> in the raw HTML: styles come from the theme only",
    ),
    (
        "style-block",
        "<style>\nbody { display: none }\n</style>",
        ["<style", "display: none"],
        1,
        "removed <style> from the raw HTML: styles come from the theme only",
    ),
]


@pytest.mark.parametrize(
    ("raw", "gone", "column", "message"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_removes_hostile_html_and_warns_at_its_line(make_site, raw, gone, column, message):
    site = make_site({POST: HEAD + raw + "\n\nAfter it.\n"})
    result = build(site)
    body = post_body(site)
    for text in gone:
        assert text not in body, (text, body)
    assert "Some Markdown first." in body and "<p>After it.</p>" in body
    found = warnings(result.stderr)
    assert len(found) == 1, result.stderr
    assert found[0].startswith(f"{POST}:{FIRST}:{column}: warning: {message}"), found
    hint = result.stderr.splitlines()[result.stderr.splitlines().index(found[0]) + 1]
    assert hint.startswith("    hint: ") and 'raw_html = "trust"' in hint


def test_warning_points_at_the_line_inside_a_block_and_a_paragraph(make_site):
    raw = (
        "<div class=\"box\">\n"
        "<p>fine</p>\n"
        "<p>still fine <img src=\"https://img.example.net/b.png\" alt=\"b\" onload=\"x()\"></p>\n"
        "</div>\n"
        "\n"
        "A paragraph\n"
        "over two lines, <span onclick=\"y()\">the second</span> with a handler.\n"
    )
    site = make_site({POST: HEAD + raw})
    found = warnings(build(site).stderr)
    assert [line.split(": warning: ")[0] for line in found] == [
        f"{POST}:{FIRST + 2}:15",
        f"{POST}:{FIRST + 6}:17",
    ]
    body = post_body(site)
    assert "onload" not in body and "onclick" not in body
    assert '<span>the second</span>' in body and '<div class="box">' in body


ALLOWED = """\
<table>
<thead><tr><th scope="col">Acid</th><th>Strength</th></tr></thead>
<tbody><tr><td>Glycolic</td><td colspan="2">up to 10%</td></tr></tbody>
</table>

<details>
<summary>What a peel feels like</summary>

Tingling, then **tightness** for a day.

</details>

<figure>
<img src="https://img.example.net/peel.png" alt="A peel being applied" width="320" height="200">
<figcaption>A superficial peel.</figcaption>
</figure>

<abbr title="Transepidermal water loss">TEWL</abbr> rises<sup>2</sup>; H<sub>2</sub>O.
Press <kbd>Ctrl</kbd> to <mark>highlight</mark>.<br>
<span class="note">A note</span> and <a href="https://peels.example.net/">a link</a>,
<a href="mailto:clinic@example.org">mail</a>, <a href="/posts/kp-care/">a post</a>.

<hr>

<div class="aside"><p lang="fr" title="en français">Peau</p></div>

<script>alert("the one thing removed")</script>
"""

KEPT = [
    '<table>\n<thead><tr><th scope="col">Acid</th><th>Strength</th></tr></thead>\n'
    '<tbody><tr><td>Glycolic</td><td colspan="2">up to 10%</td></tr></tbody>\n</table>',
    "<details>\n<summary>What a peel feels like</summary>\n"
    "<p>Tingling, then <strong>tightness</strong> for a day.</p>\n</details>",
    '<figure>\n<img src="https://img.example.net/peel.png" alt="A peel being applied" width="320" '
    'height="200">\n<figcaption>A superficial peel.</figcaption>\n</figure>',
    '<abbr title="Transepidermal water loss">TEWL</abbr>',
    "<sup>2</sup>",
    "H<sub>2</sub>O",
    "<kbd>Ctrl</kbd>",
    "<mark>highlight</mark>.<br>",
    '<span class="note">A note</span>',
    '<a href="https://peels.example.net/">a link</a>',
    '<a href="mailto:clinic@example.org">mail</a>',
    '<a href="/posts/kp-care/">a post</a>',
    "<hr>",
    '<div class="aside"><p lang="fr" title="en français">Peau</p></div>',
]


def test_allowed_markup_survives_intact_next_to_what_is_removed(make_site):
    site = make_site({POST: HEAD + ALLOWED})
    result = build(site)
    body = post_body(site)
    for kept in KEPT:
        assert kept in body, kept
    assert "alert" not in body and "<script" not in body
    found = warnings(result.stderr)
    assert len(found) == 1 and "removed <script>" in found[0], result.stderr


def test_the_renderers_own_html_is_not_sanitised(make_site):
    """Heading ids, term links, callouts, footnotes and citations are the renderer's: they
    keep their ids, classes and roles, though raw HTML may not have them."""
    post = (
        HEAD.replace("author: dana\n", "author: dana\nsources: [{title: A, url: https://a.example}]\n")
        + "> [!WARNING]\n> See a doctor about milia.\n\n"
        + "Cited[^1] and noted[^n]. <span id=\"mine\" class=\"ok\">mine</span>\n\n"
        + "[^n]: The note.\n"
    )
    site = make_site({POST: post})
    result = build(site)
    body = post_body(site)
    assert '<h2 id="notes">Notes</h2>' in body
    assert '<sup class="citation"><a href="#source-1" id="cite-1-1">[1]</a></sup>' in body
    assert 'id="fnref1"' in body and 'class="footnote-backref"' in body
    assert 'role="note"' in body
    assert 'class="term-link"' in body  # milia
    assert '<span class="ok">mine</span>' in body  # the author's id is removed, not theirs
    found = warnings(result.stderr)
    assert len(found) == 1 and "removed id= from <span>" in found[0], result.stderr


def test_html_comments_never_reach_the_page(make_site):
    raw = (
        "<!-- safety-lint: allow diy-puncture -- quoting a leaflet -->\n"
        "Text <!-- an inline note --> here.\n"
    )
    for flags in ([], ["--raw-html", "escape"], ["--raw-html", "trust"]):
        site = make_site({POST: HEAD + raw})
        result = build(site, *flags)
        mode = flags[-1] if flags else "sanitize"
        body = post_body(site)
        assert "safety-lint" not in body and "inline note" not in body, (mode, body)
        assert "<!--" not in body and "&lt;!--" not in body, (mode, body)
        assert "Text  here." in body, (mode, body)
        assert not warnings(result.stderr), (mode, result.stderr)


def test_escape_shows_raw_html_as_text(make_site):
    raw = '<script>alert("e")</script>\n\nAn <b onclick="x()">inline</b> tag.\n'
    site = make_site({"pyproject.toml": PYPROJECT + 'raw_html = "escape"\n', POST: HEAD + raw})
    result = build(site)
    body = post_body(site)
    assert "<p>&lt;script&gt;alert(&quot;e&quot;)&lt;/script&gt;</p>" in body
    assert "An &lt;b onclick=&quot;x()&quot;&gt;inline&lt;/b&gt; tag." in body
    assert "<script" not in body and "<b " not in body
    assert not warnings(result.stderr)


def test_trust_publishes_raw_html_as_written(make_site):
    raw = (
        '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video"></iframe>\n\n'
        '<p style="color:red" onclick="track()">As written</p>\n'
    )
    site = make_site({"pyproject.toml": PYPROJECT + 'raw_html = "trust"\n', POST: HEAD + raw})
    result = build(site)
    body = post_body(site)
    assert raw.splitlines()[0] in body
    assert '<p style="color:red" onclick="track()">As written</p>' in body
    assert not warnings(result.stderr)


def test_trust_still_fails_on_a_javascript_link(make_site):
    """The link check no longer skips javascript: URLs: the Content-Security-Policy would
    block them, so with trust they are broken links like any other."""
    raw = '<a href="javascript:alert(6)">run</a>\n'
    site = make_site({POST: HEAD + raw})
    result = build(site, "--raw-html", "trust", ok=False)
    assert result.returncode == 1
    assert (
        "output/posts/raw/index.html:" in result.stderr
        and "error: broken link 'javascript:alert(6)' is a script URL" in result.stderr
        and f"(made from {POST})" in result.stderr
    ), result.stderr
    assert not (site / "output").exists()


def test_unknown_raw_html_value_is_an_error_at_its_line(make_site):
    site = make_site({"pyproject.toml": PYPROJECT + 'raw_html = "sanitise"\n'})
    result = build(site, ok=False)
    assert result.returncode == 1
    line = PYPROJECT.count("\n") + 1
    assert f"pyproject.toml:{line}:1: error: raw_html:" in result.stderr, result.stderr
    assert "did you mean 'sanitize'?" in result.stderr


def test_warnings_come_back_on_rebuilds_from_the_cache(make_site):
    site = make_site({POST: HEAD + "<script>alert(7)</script>\n"})
    first = warnings(build(site).stderr)
    assert len(first) == 1
    assert warnings(build(site).stderr) == first  # nothing changed
    (site / "content/posts/kp-care.md").write_text(
        (site / "content/posts/kp-care.md").read_text() + "\nOne more line.\n"
    )
    again = build(site)
    assert warnings(again.stderr) == first  # the raw post's body came from the cache
    assert "(2 posts, 25 files, 25 written)" not in again.stdout


def test_changing_the_setting_renders_cached_bodies_again(make_site):
    raw = '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="V"></iframe>\n'
    site = make_site({POST: HEAD + raw})
    assert len(warnings(build(site).stderr)) == 1
    assert "<iframe" not in post_body(site)
    assert not warnings(build(site, "--raw-html", "trust").stderr)
    assert "<iframe" in post_body(site)
    assert len(warnings(build(site, "--raw-html", "sanitize").stderr)) == 1
    assert "<iframe" not in post_body(site)


def test_the_sample_site_is_the_same_sanitised_or_trusted(tmp_path):
    """The sample site's raw HTML (none) and the renderer's own HTML pass untouched."""
    outs = {}
    for mode in ("sanitize", "trust"):
        out = tmp_path / mode
        result = run_cli("build", "--site", ROOT, "--out", out, "--no-cache", "--raw-html", mode)
        assert result.returncode == 0, result.stderr
        assert not warnings(result.stderr)
        outs[mode] = tree_digest(out)
    assert outs["sanitize"] == outs["trust"]


# -- the fragments of one body, sanitised together ---------------------------------------


def test_an_element_opened_in_one_block_and_closed_in_another_stays_one():
    from generator.rawhtml import sanitize_fragments

    fragments = ["<details>\n<summary>More</summary>\n", "</details>\n"]
    assert sanitize_fragments(fragments) == fragments
    assert sanitize_fragments(["<span onclick='x()'>", "</span>"]) == ["<span>", "</span>"]


def test_fragments_are_sanitised_alone_when_the_markdown_between_would_not_be_text():
    """The Markdown between two fragments may not land inside an attribute value or inside
    an element removed with its content: then each fragment is sanitised on its own."""
    from generator.rawhtml import sanitize_fragments

    assert sanitize_fragments(['<div title="a', '">x</div>']) == ["", '"&gt;x']
    assert sanitize_fragments(["<svg onload='x()'>", "</svg>"]) == ["", ""]
    assert sanitize_fragments(["<iframe>", "</iframe>", "<b>ok</b>"]) == ["", "", "<b>ok</b>"]


class _Dangers(HTMLParser):
    """What a browser could run or be restyled by in a rendered body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "iframe", "svg", "math", "form", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            scheme = re.sub(r"[\x00-\x20]", "", value or "").lower().split(":", 1)[0]
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}=")
            elif name in ("href", "src") and scheme in ("javascript", "vbscript", "data"):
                self.found.append(f"{tag} {name}={value}")

    def handle_comment(self, data):
        self.found.append("<!--")


PIECES = [
    "<script>", "</script>", "alert(1)", '<a href="javascript:alert(1)">', "</a>",
    "<svg onload=alert(1)>", "</svg>", "<div>", "</div>", '<div title="', '">', "<span>",
    "</span>", '<img src="data:x" onerror="x()">', "<iframe>", "</iframe>", "<style>",
    "</style>", "<!-- note -->", "<!--", "-->", "<details>", "</details>", "<table>",
    "</table>", "<td>", "text", "**bold**", "[link](https://a.example)", "\n", "\n\n",
    "\n\n", "> ", "- ", "<p style=x>", "</p>", "<b>", "`code`", "<textarea>", "<template>",
    "<noscript>", "<math>", "\ue000", '<a href="JaVa&#x09;script:x">', "<xmp>", "&lt;",
]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_mix_of_raw_html_and_markdown_renders_anything_that_runs(pieces):
    from generator.markdown import render_markdown
    from generator.urls import Urls

    rendered = render_markdown(
        "".join(pieces),
        source="content/posts/x.md",
        body_line=1,
        urls=Urls("https://example.org/", "/"),
        pages_by_source={},
    )
    dangers = _Dangers()
    dangers.feed(rendered.html)
    dangers.close()
    assert dangers.found == [], rendered.html
