"""Hostile and careless frontmatter: anchors, deep nesting, huge numbers, huge blocks and
control characters are errors at their line, in bounded time and memory, for the build
and the lint alike; a source needs a link."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import tree_digest

TIMEOUT = 30  # seconds: each of these answers in well under one; a hang fails the test
MEMORY = 1536 * 1024 * 1024  # bytes of address space: an expanding document fails the test

HEAD = "---\ntitle: Caring for KP\ndate: 2024-05-01\ndescription: A routine.\nauthor: dana\n"
POST = "content/posts/kp-care.md"


def post(extra: str, head: str = HEAD) -> str:
    """A post whose ``extra`` frontmatter lines start at line 6."""
    return head + extra + "\n---\n## Daily routine\n\nGentle care.\n"


def run_bounded(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real CLI, killed after TIMEOUT seconds and refused more than MEMORY bytes."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=limit,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


LAUGHS = "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
)
DEEP_FLOW = "tags: " + "{a: " * 500 + "x" + "}" * 500
DEEP_BLOCK = "".join("  " * i + f"k{i}:\n" for i in range(30)) + "  " * 30 + "v"
ANCHORS = "error: YAML anchors and aliases (&name, *name) aren't supported in frontmatter"

# name -> (frontmatter lines from line 6, the error's start as printed)
LIMITS = {
    "recursive_list": ("tags: &a [*a]", f"{POST}:6:7: {ANCHORS}"),
    "recursive_mapping": ("tags: &a {x: *a}", f"{POST}:6:7: {ANCHORS}"),
    "billion_laughs": (LAUGHS, f"{POST}:6:7: {ANCHORS}"),
    "merge_key_alias": ("base: &b {x: 1}\nother: {<<: *b}", f"{POST}:6:7: {ANCHORS}"),
    "huge_integer": (
        "draft: " + "9" * 5000,
        f"{POST}:6:8: error: the draft is a number with 5,000 digits",
    ),
    "huge_hex_integer": (
        "draft: 0x" + "f" * 40,
        f"{POST}:6:8: error: the draft is a number with 40 digits",
    ),
    "mapping_500_deep": (
        DEEP_FLOW,
        # the 21st level: the top mapping, then 20 of the '{a: ' at 4 columns each
        f"{POST}:6:{7 + 4 * 19}: error: the frontmatter nests lists and mappings more than "
        "20 levels deep",
    ),
    "block_mapping_30_deep": (
        DEEP_BLOCK,
        f"{POST}:{6 + 20}:{2 * 20 + 1}: error: the frontmatter nests lists and mappings",
    ),
    "huge_value": (
        "safety_warning: " + "a" * 70_000,
        f"{POST}:6:1: error: the frontmatter block is over 64 KB",
    ),
    "many_lines": (
        # 1,000 lines of 100 bytes (with the newline) after 75 bytes of HEAD: byte 65,537
        # is on the 655th of them
        "\n".join(f"k{i:04d}: " + "a" * 92 for i in range(1000)),
        f"{POST}:{6 + 654}:1: error: the frontmatter block is over 64 KB",
    ),
    "timestamp_tag": (
        "updated: !!timestamp 2024-13-45",
        f"{POST}:6:10: error: YAML tags (!!timestamp) aren't supported in frontmatter",
    ),
    "python_tag": (
        "updated: !!python/object/apply:os.system [echo hi]",
        f"{POST}:6:10: error: YAML tags (!!python/object/apply:os.system) aren't supported",
    ),
}


@pytest.mark.parametrize("case", sorted(LIMITS), ids=str)
def test_errors_on_frontmatter_beyond_the_limits(case, make_site):
    extra, expected = LIMITS[case]
    site = make_site({POST: post(extra)})
    result = run_bounded("build", "--site", site)  # with the cache, which pickles values
    assert result.returncode == 1, result.stderr[-2000:]
    assert expected in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not (site / "output").exists()


@pytest.mark.parametrize("case", sorted(LIMITS), ids=str)
def test_lint_applies_the_same_limits(case, make_site):
    extra, expected = LIMITS[case]
    # the lint builds values only when there is a safety_warning to read
    extra = extra if "safety_warning" in extra else extra + "\nsafety_warning: Be careful."
    site = make_site({POST: post(extra)})
    result = run_bounded("lint", "--site", site, site / POST)
    assert result.returncode == 2, result.stdout + result.stderr
    shown = expected.replace(POST, str(site / POST))
    assert shown in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# name -> (the file and its text, the error's start as printed)
CONTROLS = {
    "nul_escape_in_title": (
        {POST: post("", head=HEAD.replace("title: Caring for KP", 'title: "Caring\\0 for KP"'))},
        f"{POST}:2:15: error: the title holds a control character (U+0000) at column 15; "
        "delete it",
    ),
    "raw_nul_in_description": (
        {POST: post("", head=HEAD.replace("A routine.", "A rou\x00tine.")).encode()},
        f"{POST}:4:19: error: the description holds a control character (U+0000) at "
        "column 19; delete it",
    ),
    "escape_in_a_source_title": (
        {POST: post('sources:\n  - title: "A \\x1b review"\n    url: https://example.com/')},
        f"{POST}:7:15: error: the sources[0].title holds a control character (U+001B)",
    ),
    "bell_in_an_author_name": (
        {"content/authors/dana.md": "---\nname: Dana\x07 Reyes\n---\nBio.\n"},
        "content/authors/dana.md:2:11: error: the name holds a control character (U+0007)",
    ),
    "escaped_newline_in_a_title": (
        {POST: post("", head=HEAD.replace("title: Caring for KP", 'title: "Caring\\nfor KP"'))},
        f"{POST}:2:15: error: the title holds a line break (U+000A)",
    ),
    "non_character": (
        {POST: post("tags: [a\ufffeb]")},
        f"{POST}:6:9: error: the tags[0] holds a non-character (U+FFFE)",
    ),
}


@pytest.mark.parametrize("case", sorted(CONTROLS), ids=str)
def test_errors_on_control_characters_in_frontmatter_text(case, make_site):
    files, expected = CONTROLS[case]
    site = make_site(files)
    result = run_bounded("build", "--site", site)
    assert result.returncode == 1, result.stderr[-2000:]
    assert expected in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not (site / "output").exists()


def test_tabs_and_block_newlines_are_fine(make_site):
    site = make_site(
        {POST: post("safety_warning: |\n  Patch test first.\n  Stop if it stings.\ntags: [a\tb]")}
    )
    result = run_bounded("build", "--site", site)
    assert result.returncode == 0, result.stderr


def test_a_source_without_a_link_is_an_error_at_the_source(make_site):
    site = make_site({POST: post("sources: [{title: x}]")})
    result = run_bounded("build", "--site", site)
    assert result.returncode == 1
    assert (
        f"{POST}:6:11: error: sources[0]: a source needs a link as well as a title: "
        "url, doi or pmid\n    hint: add 'url: https://…'"
    ) in result.stderr


def test_a_source_with_only_a_doi_or_pmid_is_fine(make_site):
    site = make_site(
        {POST: post('sources:\n  - {title: x, doi: "10.1000/xyz"}\n  - {title: y, pmid: "123"}')}
    )
    result = run_bounded("build", "--site", site)
    assert result.returncode == 0, result.stderr
    assert tree_digest(site / "output")


def test_the_schema_says_a_source_needs_a_link():
    import jsonschema

    from generator.models import PostMeta

    schema = PostMeta.model_json_schema()
    head = {"title": "t", "date": "2024-01-01", "description": "d", "author": "a"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**head, "sources": [{"title": "x"}]}, schema)
    jsonschema.validate({**head, "sources": [{"title": "x", "pmid": "1"}]}, schema)
