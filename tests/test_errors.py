"""Bad input: a clear message at path:line:col with a fix, exit 1, output/ untouched."""

from __future__ import annotations

import pytest

from conftest import POST_B, run_cli, tree_digest

GOOD_HEAD = "---\ntitle: Bad\ndate: 2024-01-01\ndescription: d\nauthor: dana\n"


def post(extra: str = "", head: str = GOOD_HEAD, body: str = "Body.\n") -> str:
    return head + extra + "---\n" + body


CASES = {
    "malformed_yaml": (
        {"content/posts/bad.md": post("tags: [Expert\n")},
        "content/posts/bad.md:7:1: error: malformed YAML",
    ),
    "wrong_type": (
        {"content/posts/bad.md": post("conditions: 5\n")},
        "content/posts/bad.md:6:1: error: conditions: Input should be a valid list",
    ),
    "missing_required_field": (
        {"content/posts/bad.md": "---\ntitle: Bad\ndate: 2024-01-01\nauthor: dana\n---\nx\n"},
        "content/posts/bad.md:1:1: error: missing required field 'description'",
    ),
    "unknown_field": (
        {"content/posts/bad.md": post("condtions: [Milia]\n")},
        "content/posts/bad.md:6:1: error: unknown field 'condtions'\n"
        "    hint: did you mean 'conditions'?",
    ),
    "unknown_term": (
        {"content/posts/bad.md": post("conditions:\n  - Milia\n  - keratosis pilari\n")},
        "content/posts/bad.md:8:5: error: unknown condition 'keratosis pilari'\n"
        "    hint: did you mean 'Keratosis pilaris'? to add it, run: "
        'dermsite new condition "keratosis pilari"',
    ),
    "unknown_treatment": (
        {"content/posts/bad.md": post("treatments: [microneedle]\n")},
        "error: unknown treatment 'microneedle'\n    hint: did you mean 'Microneedling'?",
    ),
    "unknown_author": (
        {"content/posts/bad.md": post(head=GOOD_HEAD.replace("dana", "dan"))},
        "content/posts/bad.md:5:1: error: unknown author 'dan'\n    hint: did you mean 'dana'?",
    ),
    "invalid_date": (
        {"content/posts/bad.md": post(head=GOOD_HEAD.replace("2024-01-01", "2024-13-45"))},
        "content/posts/bad.md:3:1: error: date: Input should be a valid date",
    ),
    "empty_file": ({"content/posts/bad.md": ""}, "content/posts/bad.md:1:1: error: empty file"),
    "no_frontmatter": (
        {"content/posts/bad.md": "# Just a heading\n\nText.\n"},
        "content/posts/bad.md:1:1: error: no frontmatter",
    ),
    "unclosed_frontmatter": (
        {"content/posts/bad.md": "---\ntitle: x\n"},
        "content/posts/bad.md:1:1: error: the frontmatter block is never closed",
    ),
    "not_utf8": (
        {"content/posts/bad.md": post(body="caf\xe9\n").encode("latin-1")},
        "content/posts/bad.md:7:4: error: not valid UTF-8 (byte 0xe9)",
    ),
    "bom_and_crlf_keep_positions": (
        {
            "content/posts/bad.md": (
                "\ufeff" + post("tags: Expert\n").replace("\n", "\r\n")
            ).encode("utf-8")
        },
        "content/posts/bad.md:6:1: error: tags: Input should be a valid list",
    ),
    "duplicate_slug": (
        {"content/posts/2023/kp-care.md": POST_B},
        "content/posts/kp-care.md and content/posts/2023/kp-care.md both map to the URL "
        "/posts/kp-care/",
    ),
    "slug_override_collision": (
        {"content/posts/other.md": post("slug: kp-care\n")},
        "both map to the URL /posts/kp-care/",
    ),
    "broken_internal_link": (
        {"content/posts/bad.md": post(body="Intro.\n\nSee [care](kp-cares.md) today.\n")},
        "content/posts/bad.md:9:12: error: broken link: kp-cares.md points to "
        "content/posts/kp-cares.md, which does not exist\n"
        "    hint: did you mean content/posts/kp-care.md?",
    ),
    "broken_anchor": (
        {"content/posts/bad.md": post(body="See [care](kp-care.md#daily-routin).\n")},
        "content/posts/bad.md:7:12: error: broken link: no heading with anchor #daily-routin "
        "in content/posts/kp-care.md\n    hint: did you mean 'daily-routine'?",
    ),
    "missing_template": (
        {"themes/default/templates/404.html": '{% include "partials/nope.html" %}'},
        "error: missing template 'partials/nope.html'",
    ),
    "template_syntax_error": (
        {"themes/default/templates/404.html": "line one\n{% if %}\n"},
        "themes/default/templates/404.html:2: error: template syntax error",
    ),
    "unknown_setting": (
        {
            "pyproject.toml": "[tool.dermsite]\ntitle = 'x'\nbase_url = 'https://e.org/'\n"
            "post_per_page = 3\n"
        },
        "pyproject.toml:4:1: error: unknown setting 'post_per_page'\n"
        "    hint: did you mean 'posts_per_page'?",
    ),
    "bad_setting_type": (
        {"pyproject.toml": "[tool.dermsite]\ntitle = 'x'\nbase_url = 'example.org'\n"},
        "pyproject.toml:3:1: error: base_url: Value error, base_url must be an absolute",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES), ids=str)
def test_errors_on_bad_input(case, make_site):
    site = make_site()
    good = run_cli("build", "--site", site)
    assert good.returncode == 0, good.stderr
    before = tree_digest(site / "output")
    files, expected = CASES[case]
    make_site(files)
    result = run_cli("build", "--site", site)
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert "output/ was left as it was" in result.stderr
    assert tree_digest(site / "output") == before
    left = [*site.glob(".dermsite-staging-*"), *site.glob(".dermsite-old-*")]
    assert not left, "staging folders must not be left behind"


def test_bom_and_crlf_files_build(make_site):
    site = make_site(
        {
            "content/posts/windows.md": (
                "\ufeff"
                + GOOD_HEAD.replace("Bad", "Windows")
                + "---\r\n## Heading\r\n\r\nText.\r\n"
            )
            .replace("\n", "\r\n")
            .replace("\r\r\n", "\r\n")
            .encode("utf-8")
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    html = (site / "output/posts/windows/index.html").read_text()
    assert "<h1>Windows</h1>" in html and 'id="heading"' in html


def test_all_errors_of_a_build_are_reported_at_once_sorted(make_site):
    site = make_site(
        {
            "content/posts/b.md": post("condtions: [x]\n"),
            "content/posts/a.md": post("tags: 3\n"),
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert lines[0].startswith("content/posts/a.md:6:1")
    assert lines[1].startswith("content/posts/b.md:6:1")
    assert "build failed: 2 error(s)" in result.stderr


def test_usage_errors_exit_2(make_site):
    assert run_cli("build", "--no-such-flag").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli().returncode == 2


def test_not_a_site_folder_is_a_clear_error(tmp_path):
    result = run_cli("build", "--site", tmp_path)
    assert result.returncode == 1
    assert "no pyproject.toml here" in result.stderr


def test_refuses_to_replace_the_site_folder_itself(make_site):
    site = make_site()
    result = run_cli("build", "--site", site, "--out", site)
    assert result.returncode == 2  # a usage error (issue 13), not a content error
    assert "refusing to use this folder for output" in result.stderr
    assert (site / "pyproject.toml").exists()
