"""Exit status: 0 success, 1 content errors, 2 usage errors, 3 internal error. A bug in
dermsite prints one line and saves its traceback to a crash file; --debug prints it too."""

from __future__ import annotations

import tempfile

import pytest

import generator.build
from conftest import POST_B, run_cli
from generator.cli import main


@pytest.fixture
def broken_build(monkeypatch):
    """A bug in a build stage: an exception no stage expects (there is no input that makes
    one on purpose, which is the point; this stands in for the next real bug)."""

    def build_graph(*args, **kwargs):
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(generator.build, "build_graph", build_graph)


def test_an_internal_error_exits_3_with_one_line_and_a_crash_file(make_site, broken_build, capsys):
    site = make_site()
    assert main(["build", "--site", str(site)]) == 3
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert "dermsite: internal error (RuntimeError): this is a bug in dermsite" in err
    assert "Traceback" not in err
    [crash] = (site / ".dermsite-cache").glob("crash-*.txt")
    assert f"details are in {crash}" in err
    report = crash.read_text()
    assert "Traceback (most recent call last)" in report
    assert "RuntimeError: an unexpected bug" in report
    assert "command: dermsite build --site" in report


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_prints_the_traceback_too(make_site, broken_build, capsys, where):
    site = make_site()
    argv = ["build", "--site", str(site)]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: an unexpected bug" in err
    assert err.splitlines()[-1].startswith("dermsite: internal error (RuntimeError)")
    assert list((site / ".dermsite-cache").glob("crash-*.txt"))


def test_the_crash_file_goes_to_the_temp_folder_when_the_site_cannot_hold_it(
    make_site, broken_build, capsys, tmp_path, monkeypatch
):
    site = make_site({".dermsite-cache": "a file, so no folder can be made here\n"})
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert main(["build", "--site", str(site), "--no-cache"]) == 3
    [crash] = temp.glob("crash-*.txt")
    assert f"details are in {crash}" in capsys.readouterr().err
    assert "RuntimeError: an unexpected bug" in crash.read_text()


def test_content_and_usage_errors_keep_their_codes(make_site):
    site = make_site({"content/posts/kp-care.md": POST_B.replace("author: dana", "author: x")})
    assert run_cli("build", "--site", site).returncode == 1
    assert run_cli("build", "--site", site, "--no-such-flag").returncode == 2
    assert not list((site / ".dermsite-cache").glob("crash-*.txt"))


def test_lint_reports_an_undecodable_byte_at_its_line_and_column(make_site):
    site = make_site(
        {"content/posts/kp-care.md": POST_B.encode().replace(b"improves", b"impr\xffoves")}
    )
    path = site / "content/posts/kp-care.md"
    result = run_cli("lint", path)
    assert result.returncode == 2
    assert f"{path}:11:23: error: not valid UTF-8 (byte 0xff)" in result.stdout + result.stderr
