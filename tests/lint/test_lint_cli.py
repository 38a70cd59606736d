"""``dermsite lint``: paths, formats and exit status (0 clean, 1 uncovered, 2 input error)."""

from __future__ import annotations

import json

import pytest

from conftest import write_files as write
from generator.cli import main

SAFE = "---\ntitle: Safe\n---\nApply a warm compress.\n"
UNSAFE = "---\ntitle: Unsafe\n---\n1. Prick the bump with a pin.\n"
COVERED = "---\ntitle: Covered\nsafety_warning: Needles can scar.\n---\n1. Prick it with a pin.\n"




def test_exits_0_on_clean_posts_and_covered_findings(tmp_path, capsys) -> None:
    write(tmp_path, {"content/posts/a.md": SAFE, "content/posts/b.md": COVERED})
    assert main(["lint", "--site", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 files checked: 0 uncovered, 1 covered" in out


def test_exits_1_on_an_uncovered_finding(tmp_path, capsys) -> None:
    write(tmp_path, {"a.md": SAFE, "b.md": UNSAFE})
    assert main(["lint", str(tmp_path / "a.md"), str(tmp_path / "b.md")]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'b.md'}:4:4: error: unsafe at-home step: " in out
    assert "(diy-puncture)" in out


def test_default_path_is_content_in_the_site_folder(tmp_path, capsys, monkeypatch) -> None:
    write(tmp_path, {"content/x.md": UNSAFE, "other/y.md": UNSAFE})
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    assert "content/x.md:4:4" in out and "other/y.md" not in out


def test_folders_are_searched_for_markdown_only(tmp_path, capsys) -> None:
    write(tmp_path, {"c/a.md": SAFE, "c/notes.txt": "Prick the bump with a pin.", "c/d/b.md": SAFE})
    assert main(["lint", "--format", "json", str(tmp_path / "c")]) == 0
    assert json.loads(capsys.readouterr().out)["files_checked"] == 2


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_every_format_keeps_the_exit_status(tmp_path, capsys, fmt) -> None:
    write(tmp_path, {"b.md": UNSAFE})
    assert main(["lint", "--format", fmt, str(tmp_path / "b.md")]) == 1
    out = capsys.readouterr().out
    if fmt in ("json", "sarif"):
        json.loads(out)
    if fmt == "github":
        assert out.startswith("::error file=")


def test_show_covered_lists_covered_findings(tmp_path, capsys) -> None:
    write(tmp_path, {"b.md": COVERED})
    assert main(["lint", "--show-covered", str(tmp_path / "b.md")]) == 0
    assert ": covered: unsafe at-home step: " in capsys.readouterr().out


def test_exits_2_on_a_missing_path(tmp_path, capsys) -> None:
    assert main(["lint", str(tmp_path / "nope.md")]) == 2
    err = capsys.readouterr().err
    assert "nope.md: no such file or folder" in err and "Traceback" not in err


def test_exits_2_without_a_content_folder(tmp_path, capsys) -> None:
    assert main(["lint", "--site", str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_exits_2_on_a_file_that_is_not_utf8(tmp_path, capsys) -> None:
    write(tmp_path, {"bad.md": b"\xff\xfe\x00P\x00r", "b.md": UNSAFE})
    assert main(["lint", str(tmp_path)]) == 2
    assert "not valid UTF-8" in capsys.readouterr().out


def test_exits_2_on_unreadable_frontmatter_but_still_lints(tmp_path, capsys) -> None:
    write(tmp_path, {"b.md": "---\ntitle: [\n---\n1. Prick the bump with a pin.\n"})
    assert main(["lint", str(tmp_path / "b.md")]) == 2
    out = capsys.readouterr().out
    assert "frontmatter is not valid YAML" in out and "diy-puncture" in out


def test_exits_2_on_a_bad_option(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["lint", "--format", "yaml"])
    assert info.value.code == 2


def test_help_mentions_formats_and_exit_status(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["lint", "--help"])
    out = capsys.readouterr().out
    assert "--format" in out and "--show-covered" in out and "--site" in out
    assert "Exit status" in out
