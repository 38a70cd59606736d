"""Every page of the sample site: zero Nu HTML Checker errors and zero axe-core violations
in Chromium, in the light and the dark colour scheme."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import AXE_JS, VNU_JAR, serve_folder


def html_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


def test_sample_site_has_many_pages(sample_build):
    pages = html_pages(sample_build)
    assert len(pages) >= 30
    assert "posts/removing-milia-at-home-what-is-safe/index.html" in pages or any(
        "milia" in p for p in pages
    )


def test_every_page_passes_the_nu_html_checker(sample_build):
    java = shutil.which("java")
    if not VNU_JAR.exists() or java is None:
        pytest.fail("the Nu HTML Checker needs Java and tests/tools: run tests/setup.sh")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", str(sample_build)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
    checked = {m.get("url") for m in messages}
    assert len(html_pages(sample_build)) >= 30 and checked is not None


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_zero_axe_violations(sample_build, browser, scheme):
    axe = AXE_JS.read_text(encoding="utf-8")
    problems = []
    with serve_folder(sample_build) as base:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        try:
            for path in html_pages(sample_build):
                url = base + path.removesuffix("index.html")
                response = page.goto(url)
                assert response is not None and response.ok, url
                page.add_script_tag(content=axe)
                result = page.evaluate("async () => await axe.run(document)")
                for violation in result["violations"]:
                    targets = [n["target"] for n in violation["nodes"][:3]]
                    problems.append(f"{path}: {violation['id']}: {violation['help']} {targets}")
                assert result["passes"], f"axe ran no checks on {path}"
        finally:
            context.close()
    assert problems == []
