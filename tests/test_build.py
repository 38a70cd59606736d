"""Whole-site builds of tiny fixture sites: pages, cross-links, URLs, feeds, JSON-LD."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import POST_B, run_cli, tree_digest

HREF = re.compile(r'href="([^"]*)"')


def build(site: Path, *args: str) -> Path:
    result = run_cli("build", "--site", site, *args)
    assert result.returncode == 0, result.stderr
    return site / "output"


def page(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])["@graph"]


def test_can_build_every_kind_of_page(make_site):
    out = build(make_site())
    for path in [
        "index.html",
        "404.html",
        "posts/microneedling-for-milia/index.html",
        "posts/kp-care/index.html",
        "conditions/index.html",
        "conditions/milia/index.html",
        "conditions/milia/feed.xml",
        "conditions/keratosis-pilaris/index.html",
        "treatments/index.html",
        "treatments/microneedling/index.html",
        "treatments/microneedling/feed.xml",
        "treatments/chemical-peels/index.html",
        "tags/index.html",
        "tags/expert/index.html",
        "tags/routine/index.html",
        "authors/index.html",
        "authors/dana/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
    ]:
        assert (out / path).is_file(), path
    assert len(list((out / "assets").glob("style.*.css"))) == 1


def test_condition_and_treatment_pages_link_both_ways(make_site):
    out = build(make_site())
    pages = {
        f"/{kind}/{p.parent.name}/": set(HREF.findall(p.read_text()))
        for kind in ("conditions", "treatments")
        for p in (out / kind).glob("*/index.html")
    }
    pairs = 0
    for path, hrefs in pages.items():
        for other in pages:
            if other.split("/")[1] != path.split("/")[1] and other in hrefs:
                # every condition->treatment link is answered by a treatment->condition link
                assert path in pages[other], f"{other} does not link back to {path}"
                pairs += 1
    assert pairs >= 6  # milia<->peels (listed), milia<->microneedling (post), KP<->microneedling
    milia = page(out, "conditions/milia/index.html")
    assert "/treatments/chemical-peels/" in milia  # its own list
    assert "/treatments/microneedling/" in milia  # co-occurs in a post
    assert "/posts/microneedling-for-milia/" in milia
    kp_treat = page(out, "treatments/microneedling/index.html")
    assert "Limited evidence" in kp_treat


def test_terms_resolve_by_synonym_case_insensitively(make_site):
    out = build(make_site())
    kp = page(out, "conditions/keratosis-pilaris/index.html")
    assert "/posts/kp-care/" in kp  # the post names it "KP"


def test_tags_are_case_folded_and_keep_authors_casing(make_site):
    out = build(make_site())
    tag = page(out, "tags/expert/index.html")
    assert "/posts/kp-care/" in tag and "/posts/microneedling-for-milia/" in tag
    assert "Tagged “Expert”" in tag
    assert not (out / "tags/Expert").exists()


def test_internal_md_links_become_page_urls(make_site):
    out = build(make_site())
    html = page(out, "posts/microneedling-for-milia/index.html")
    assert 'href="/posts/kp-care/#daily-routine"' in html
    assert "kp-care.md" not in html


def test_first_mention_of_a_term_links_once_never_in_headings_links_or_code(make_site):
    site = make_site(
        {
            "content/posts/kp-care.md": """\
---
title: Caring for KP
date: 2024-05-01
description: A routine.
author: dana
---
## Milia and microneedling

Milia again, `milia` in code, [milia in a link](microneedling-for-milia.md), then milia
and Milk spots and MICRONEEDLING.

## Daily routine

Gentle care.
"""
        }
    )
    out = build(site)
    html = page(out, "posts/kp-care/index.html")
    body = html.split('<div class="post-body">')[1].split("</div>")[0]
    for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", body):
        assert "<a" not in heading
    assert body.count('href="/conditions/milia/"') == 1
    assert body.count('href="/treatments/microneedling/"') == 1
    assert "<code>milia</code>" in body
    first = body.index('class="term-link">Milia</a> again')
    assert first > 0
    assert 'class="term-link">MICRONEEDLING</a>' in body


def test_every_url_honours_the_base_path(make_site):
    out = build(make_site(), "--base-url", "https://user.github.io/blog/")
    for file in out.rglob("*.html"):
        for href in HREF.findall(file.read_text()):
            if href.startswith(("http://", "https://")):
                if "github.io" in href:
                    assert href.startswith("https://user.github.io/blog/"), (file, href)
                continue
            if href.startswith("#"):
                continue
            assert href.startswith("/blog/"), (file, href)
    feed = ET.parse(out / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for link in feed.iterfind(".//a:link", ns):
        assert link.get("href").startswith("https://user.github.io/blog/")
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter() if e.tag.endswith("loc")]
    assert locs and all(loc.startswith("https://user.github.io/blog/") for loc in locs)
    assert "Sitemap: https://user.github.io/blog/sitemap.xml" in page(out, "robots.txt")


def test_json_ld_on_every_page(make_site):
    out = build(make_site())
    for file in out.rglob("*.html"):
        types = {item["@type"] for item in jsonld(file.read_text())}
        assert "BreadcrumbList" in types, file
    post = jsonld(page(out, "posts/microneedling-for-milia/index.html"))
    by_type = {item["@type"]: item for item in post}
    assert by_type["BlogPosting"]["headline"] == "Microneedling for milia"
    assert by_type["MedicalWebPage"]["about"][0] == {
        "@type": "MedicalCondition",
        "name": "Milia",
        "url": "https://example.org/conditions/milia/",
    }
    condition = {i["@type"]: i for i in jsonld(page(out, "conditions/milia/index.html"))}
    treatments = {t["name"] for t in condition["MedicalCondition"]["possibleTreatment"]}
    assert treatments == {"Chemical peels", "Microneedling"}
    therapy = {i["@type"]: i for i in jsonld(page(out, "treatments/microneedling/index.html"))}
    assert therapy["MedicalTherapy"]["name"] == "Microneedling"


def test_feeds_and_sitemap_are_well_formed(make_site):
    out = build(make_site())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    site_feed = ET.parse(out / "feed.xml").getroot()
    titles = [e.text for e in site_feed.iterfind("a:entry/a:title", ns)]
    assert titles == ["Caring for KP", "Microneedling for milia"]  # newest first
    milia_feed = ET.parse(out / "conditions/milia/feed.xml").getroot()
    assert [e.text for e in milia_feed.iterfind("a:entry/a:title", ns)] == [
        "Microneedling for milia"
    ]
    locs = {e.text for e in ET.parse(out / "sitemap.xml").getroot().iter() if e.tag.endswith("loc")}
    assert "https://example.org/posts/kp-care/" in locs
    assert "https://example.org/conditions/milia/" in locs
    assert not any("404" in loc for loc in locs)


def test_drafts_are_left_out_unless_asked_for(make_site):
    site = make_site(
        {
            "content/posts/unfinished.md": """\
---
title: Unfinished
date: 2024-06-01
description: Not ready.
author: dana
draft: true
---
Draft text.
"""
        }
    )
    out = build(site)
    assert not (out / "posts/unfinished").exists()
    assert "Unfinished" not in page(out, "index.html")
    out = build(site, "--drafts")
    assert (out / "posts/unfinished/index.html").is_file()


def test_long_posts_get_a_table_of_contents(make_site):
    body = "\n\n".join(f"## Part {n}\n\nText {n}." for n in range(1, 5))
    site = make_site(
        {
            "content/posts/long.md": "---\ntitle: Long\ndate: 2024-01-01\n"
            "description: Long.\nauthor: dana\n---\n" + body + "\n"
        }
    )
    out = build(site)
    long = page(out, "posts/long/index.html")
    assert '<nav class="toc"' in long and 'href="#part-4"' in long and 'id="part-4"' in long
    short = page(out, "posts/kp-care/index.html")
    assert '<nav class="toc"' not in short


def test_safety_warning_box_and_alerts_render(make_site):
    site = make_site(
        {
            "content/posts/warned.md": """\
---
title: Warned
date: 2024-01-01
description: With a warning.
author: dana
safety_warning: Never open milia yourself; see a dermatologist.
---
> [!CAUTION]
> Infection and scarring are real risks.

Text.
"""
        }
    )
    out = build(site)
    html = page(out, "posts/warned/index.html")
    box = html.index('class="safety-warning"')
    assert box < html.index('class="post-body"')
    assert "Never open milia yourself; see a dermatologist." in html
    assert 'class="markdown-alert markdown-alert-caution"' in html


def test_pagination_of_home_and_term_pages(make_site):
    site = make_site()
    out = build(site, "--posts-per-page", "1")
    assert (out / "page/2/index.html").is_file()
    assert not (out / "page/3").exists()
    assert 'rel="next" href="/page/2/"' in page(out, "index.html")
    assert (out / "tags/expert/page/2/index.html").is_file()


def test_related_posts_listed(make_site):
    out = build(make_site())
    html = page(out, "posts/kp-care/index.html")
    related = html.split('id="related"')[1]
    assert "/posts/microneedling-for-milia/" in related  # shares the Expert tag


def test_builds_are_deterministic(make_site, tmp_path):
    site = make_site()
    first = tree_digest(build(site))
    second = tree_digest(build(site))
    assert first == second


def test_site_theme_overrides_one_template_and_falls_back(make_site):
    site = make_site(
        {
            "themes/mine/templates/404.html": '{% extends "base.html" %}'
            "{% block main %}<h1>Lost in the skin</h1>{% endblock %}",
        }
    )
    out = build(site, "--theme", "mine")
    assert "Lost in the skin" in page(out, "404.html")
    assert '<nav class="breadcrumbs' in page(out, "posts/kp-care/index.html")


def test_python_m_generator_works(make_site):
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("dermsite ")


def test_aliases_become_redirects(make_site):
    site = make_site(
        {
            "content/posts/kp-care.md": POST_B_WITH_ALIAS,
        }
    )
    out = build(site, "--base-url", "https://example.org/blog/")
    assert page(out, "_redirects") == "/blog/2019/kp/  /blog/posts/kp-care/  301!\n"
    redirect = page(out, "2019/kp/index.html")
    assert 'content="0; url=https://example.org/blog/posts/kp-care/"' in redirect
    assert '<link rel="canonical" href="https://example.org/blog/posts/kp-care/">' in redirect


def test_alias_that_shadows_a_page_is_an_error(make_site):
    site = make_site(
        {
            "content/posts/kp-care.md": POST_B_WITH_ALIAS.replace(
                "/2019/kp/", "/posts/microneedling-for-milia/"
            )
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "is already the URL of content/posts/microneedling-for-milia.md" in result.stderr


POST_B_WITH_ALIAS = POST_B.replace(
    "tags: [expert, Routine]", "tags: [expert, Routine]\naliases: [/2019/kp/]"
)
