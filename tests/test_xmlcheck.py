"""The build's self-check parses every feed and the sitemap as XML, and fails on the first
error: a file readers cannot parse is never published."""

from __future__ import annotations

from conftest import PYPROJECT, run_cli, tree_digest
from generator.xmlcheck import xml_error


def test_errors_on_a_feed_that_is_not_well_formed(make_site):
    site = make_site()
    assert run_cli("build", "--site", site).returncode == 0
    before = tree_digest(site / "output")
    # a control character that TOML allows, written into every feed's <title>
    make_site({"pyproject.toml": PYPROJECT.replace("Test Skin Site", "Test\\u0001Site")})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1, result.stderr
    assert "feed.xml:3:" in result.stderr
    assert "as XML that does not parse (a control character U+0001); it was not published" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "output") == before


def test_a_broken_sitemap_is_an_error_at_its_line():
    data = b'<?xml version="1.0"?>\n<urlset>\n  <url><loc>x</loc></ur>\n</urlset>\n'
    error = xml_error("sitemap.xml", data)
    assert error is not None
    assert (error.path, error.line, error.column) == ("output/sitemap.xml", 3, 22)
    assert "broken markup at column 22" in error.message


def test_well_formed_xml_and_other_files_pass():
    assert xml_error("feed.xml", b'<?xml version="1.0"?>\n<feed><title>a</title></feed>\n') is None
    assert xml_error("index.html", b"<p>not xml<br></p>") is None
