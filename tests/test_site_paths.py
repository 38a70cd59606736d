"""Paths outside the site: a content file linked from elsewhere is an error at the link,
and a theme is a folder name under themes/, never a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import POST_B, PYPROJECT, run_cli, tree_digest


def test_errors_on_a_post_that_links_outside_the_site(make_site, tmp_path):
    outside = tmp_path / "elsewhere" / "secret.md"
    outside.parent.mkdir()
    outside.write_text(POST_B.replace("Caring for KP", "Secret"))
    site = make_site()
    (site / "content/posts/x.md").symlink_to(outside)
    result = run_cli("build", "--site", site)
    assert result.returncode == 1, result.stderr
    assert (
        f"content/posts/x.md: error: content/posts/x.md is a link to a file outside the site "
        f"({outside.resolve()}); copy the file in instead"
    ) in result.stderr
    assert not (site / "output").exists()


def test_a_link_to_a_file_inside_the_site_builds(make_site):
    site = make_site({"drafts/kp.md": POST_B.replace("Caring for KP", "Linked")})
    (site / "content/posts/linked.md").symlink_to(site / "drafts/kp.md")
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    assert "<h1>Linked</h1>" in (site / "output/posts/linked/index.html").read_text()


def _evil_theme(root: Path) -> Path:
    """A theme folder outside themes/ whose static file would be published."""
    theme = root / "evil"
    (theme / "static").mkdir(parents=True)
    (theme / "static" / "stolen.txt").write_text("not the site's\n")
    return theme


def _published(site: Path) -> list[str]:
    return [p for p in tree_digest(site / "output") if "stolen" in p]


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_errors_on_a_theme_flag_that_is_a_path(make_site, tmp_path, how):
    site = make_site({"themes/dark/templates/.keep": ""})  # so themes/../.. resolves
    theme = _evil_theme(tmp_path)
    name = "../../evil" if how == "relative" else str(theme)
    result = run_cli("build", "--site", site, "--theme", name)
    assert result.returncode == 1, result.stderr
    assert f"error: theme '{name}' is not a folder name under themes/" in result.stderr
    assert "themes here: default, dark" in result.stderr
    assert "Traceback" not in result.stderr
    assert not _published(site)


def test_errors_on_a_root_theme_setting(make_site):
    site = make_site({"pyproject.toml": PYPROJECT + 'theme = "/"\n'})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1, result.stderr
    assert "error: theme '/' is not a folder name under themes/" in result.stderr


def test_a_theme_path_suggests_the_theme_it_names(make_site):
    site = make_site({"themes/dark/templates/.keep": ""})
    result = run_cli("build", "--site", site, "--theme", "themes/dark")
    assert result.returncode == 1
    assert "hint: did you mean 'dark'? themes here: default, dark" in result.stderr
    assert run_cli("build", "--site", site, "--theme", "dark").returncode == 0
