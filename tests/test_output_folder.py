"""The output folder: dermsite replaces a folder only if it is missing, empty or marked as its
own output; anything else is refused with exit 2 and a reason, and left exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_cli, tree_digest, write_files

MARKER = ".dermsite-output"

USER_FILES = {
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/objects/ab/cdef": "blob",
    "README.md": "# My site\n",
    "docs/guide.md": "# Guide\n",
    "docs/img/diagram.svg": "<svg/>",
    "generator/tool.py": "print('mine')\n",
    "themes/custom/static/extra.css": "body{}\n",
    "notes/deep/todo.txt": "call the reviewer\n",
}


@pytest.fixture
def site(make_site) -> Path:
    """The test site with a repository's worth of files of the author's own."""
    return write_files(make_site(), USER_FILES)


def build(site: Path, *args: str | Path):
    return run_cli("build", "--site", site, *args)


def refused(result, *words: str) -> str:
    """Assert a refusal: exit 2, a message saying why and what to do, no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    err = result.stderr
    assert "Traceback" not in err
    assert "refusing to use this folder for output" in err, err
    assert "hint: choose an empty or new folder" in err, err
    assert "nothing was built or deleted" in err, err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.parametrize(
    ("out", "why"),
    [
        (".git", "a .git folder"),
        (".git/objects", "a .git folder, or inside one"),
        ("docs", "holds files dermsite did not write (guide.md, img/)"),
        ("generator", "holds files dermsite did not write (tool.py)"),
        ("notes", "holds files dermsite did not write (deep/)"),
        ("content", "the site's content/ folder"),
        ("content/posts", "inside the site's content/ folder"),
        ("themes", "the site's themes/ folder"),
        ("themes/custom/static", "inside the site's themes/ folder"),
        (".", "it is the site folder"),
        ("..", "it contains the site folder"),
        ("README.md", "it is a file, not a folder"),
        ("README.md/public", "is a file, not a folder"),
    ],
    ids=lambda value: value if "/" not in value or value.count("/") < 3 else None,
)
def test_errors_on_an_output_folder_it_did_not_make(site: Path, out: str, why: str) -> None:
    before = tree_digest(site)
    parent = tree_digest(site.parent) if out == ".." else None
    refused(build(site, "--out", site / out), why)
    assert tree_digest(site) == before
    assert (site / "README.md").is_file()
    if parent is not None:
        assert tree_digest(site.parent) == parent
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".dermsite-")]


def test_errors_on_a_link_to_a_folder_of_user_files(site: Path) -> None:
    os.symlink(site / "docs", site / "public")
    before = tree_digest(site / "docs")
    refused(build(site, "--out", site / "public"), "did not write")
    assert tree_digest(site / "docs") == before


def test_can_build_into_a_new_or_empty_folder_and_marks_it(site: Path) -> None:
    (site / "empty").mkdir()
    for out in ("empty", "new/public"):
        result = build(site, "--out", site / out)
        assert result.returncode == 0, result.stderr
        assert (site / out / "index.html").is_file()
        assert (site / out / MARKER).is_file()
    # and builds into it again: it is marked as dermsite's own
    (site / "content/posts/kp-care.md").write_text(
        (site / "content/posts/kp-care.md").read_text() + "\nMore.\n"
    )
    result = build(site, "--out", site / "new/public")
    assert result.returncode == 0, result.stderr


def test_the_marker_is_the_same_harmless_stamp_in_every_build(make_site) -> None:
    site = make_site()
    assert build(site, "--out", site / "a").returncode == 0
    assert build(site, "--out", site / "b", "--no-cache").returncode == 0
    stamp = (site / "a" / MARKER).read_bytes()
    assert stamp == (site / "b" / MARKER).read_bytes()
    assert len(stamp) < 200 and b"dermsite" in stamp
    assert str(site).encode() not in stamp and os.uname().nodename.encode() not in stamp
    # not a page: the sitemap and the link check leave it out, and a rebuild writes nothing
    assert MARKER not in (site / "a/sitemap.xml").read_text()
    again = build(site, "--out", site / "a")
    assert again.returncode == 0 and "0 written" in again.stdout, again.stdout


def test_errors_on_a_marked_folder_that_became_a_repository(make_site) -> None:
    site = make_site()
    assert build(site).returncode == 0
    write_files(site, {"output/.git/HEAD": "ref: refs/heads/gh-pages\n"})
    refused(build(site), "holds .git")
    assert (site / "output/.git/HEAD").is_file()


def test_accepts_an_unmarked_default_output_that_only_holds_generated_files(make_site) -> None:
    """An output/ an older dermsite built has no marker: the site's default output/ is replaced
    when everything in it is of a kind a build writes (pages, feeds, assets, host files)."""
    site = make_site()
    assert build(site).returncode == 0
    (site / "output" / MARKER).unlink()
    write_files(site, {"output/old-page/index.html": "<p>old</p>", "output/CNAME": "x.org\n"})
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert (site / "output" / MARKER).is_file()
    assert not (site / "output/old-page").exists()


def test_errors_on_an_unmarked_default_output_with_other_files(make_site) -> None:
    site = make_site()
    assert build(site).returncode == 0
    (site / "output" / MARKER).unlink()
    write_files(site, {"output/drafts/notes.md": "mine"})
    err = refused(build(site), "drafts/notes.md", "older dermsite", "delete it once")
    assert (site / "output/drafts/notes.md").is_file()
    assert "output/" in err


def test_errors_on_an_unmarked_folder_chosen_with_out_even_if_it_looks_generated(
    make_site,
) -> None:
    site = make_site()
    write_files(site, {"public/index.html": "<p>hand-made</p>"})
    refused(build(site, "--out", site / "public"), "index.html", "if an older dermsite built it")
    assert (site / "public/index.html").read_text() == "<p>hand-made</p>"
