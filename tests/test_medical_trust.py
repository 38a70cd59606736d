"""Medical trust: reviews, references and citations, disclaimers, typed relations, JSON-LD."""

from __future__ import annotations

import json

import extruct

from conftest import POST_A, POST_B, run_cli

REVIEWER = """\
---
name: Sam Okafor
credentials: MD
role: Medical reviewer
---
"""

REVIEWED = POST_B.replace(
    "tags: [expert, Routine]",
    "tags: [expert, Routine]\nreviewed_by: sam\nlast_reviewed: 2024-06-01\nupdated: 2026-01-05",
)


def build(site, *args):
    result = run_cli("build", "--site", site, *args)
    assert result.returncode == 0, result.stderr
    return site / "output", result


def test_byline_shows_writer_reviewer_and_review_dates(make_site):
    site = make_site({"content/authors/sam.md": REVIEWER, "content/posts/kp-care.md": REVIEWED})
    out, _ = build(site)
    html = (out / "posts/kp-care/index.html").read_text()
    assert 'Written by <a href="/authors/dana/">Dana Reyes, MD, FAAD</a>' in html
    assert 'Medically reviewed by <a href="/authors/sam/">Sam Okafor, MD</a>' in html
    assert 'Last reviewed <time datetime="2024-06-01">1 June 2024</time>' in html
    assert 'Next review due <time datetime="2025-06-01">1 June 2025</time>' in html
    # `updated` is later than the review, and never moves the review date
    assert 'Updated <time datetime="2026-01-05">' in html
    sam = (out / "authors/sam/index.html").read_text()
    assert "Articles medically reviewed" in sam and "/posts/kp-care/" in sam


def test_review_interval_setting(make_site):
    site = make_site({"content/authors/sam.md": REVIEWER, "content/posts/kp-care.md": REVIEWED})
    out, _ = build(site, "--review-interval-months", "6")
    html = (out / "posts/kp-care/index.html").read_text()
    assert 'Next review due <time datetime="2024-12-01">' in html


def test_review_command_lists_overdue_and_missing_by_due_date(make_site):
    current = REVIEWED.replace("2024-06-01", "2026-01-01").replace("Caring for KP", "Fresh")
    site = make_site(
        {
            "content/authors/sam.md": REVIEWER,
            "content/posts/kp-care.md": REVIEWED,
            "content/posts/fresh.md": current,
        }
    )
    result = run_cli("review", "--site", site, "--today", "2026-03-01")
    assert result.returncode == 1  # one review is overdue
    lines = result.stdout.splitlines()
    assert lines == [
        "content/posts/microneedling-for-milia.md: missing: never reviewed: "
        "Microneedling for milia",
        "content/posts/kp-care.md: overdue: overdue since 2025-06-01 (273 days), last by sam: "
        "Caring for KP",
    ]
    assert "3 posts: 1 overdue, 1 never reviewed" in result.stderr
    data = json.loads(
        run_cli(
            "review", "--site", site, "--today", "2026-03-01", "--format", "json", "--all"
        ).stdout
    )
    assert [p["state"] for p in data["posts"]] == ["missing", "overdue", "current"]
    ok = run_cli("review", "--site", site, "--today", "2025-01-01")
    assert ok.returncode == 0


def test_overdue_review_warns_or_fails_the_build(make_site):
    site = make_site({"content/authors/sam.md": REVIEWER, "content/posts/kp-care.md": REVIEWED})
    _, result = build(site)
    assert "content/posts/kp-care.md: warning: medical review overdue since 2025-06-01" in (
        result.stderr
    )
    failed = run_cli("build", "--site", site, "--overdue-reviews", "error")
    assert failed.returncode == 1
    assert "content/posts/kp-care.md: error: medical review overdue" in failed.stderr


def test_unsourced_treatment_advice_warns_or_fails(make_site):
    unsourced = POST_A.split("sources:")[0] + "---\nText.\n"
    site = make_site({"content/posts/microneedling-for-milia.md": unsourced})
    _, result = build(site)
    assert "recommends treatments but cites no sources" in result.stderr
    failed = run_cli("build", "--site", site, "--unsourced-treatments", "error")
    assert failed.returncode == 1
    assert "content/posts/microneedling-for-milia.md: error: the post recommends" in failed.stderr


def test_sources_are_numbered_and_citations_link_both_ways(make_site):
    post = """\
---
title: Cited
date: 2024-02-01
description: With citations.
author: dana
sources:
  - title: First study
    url: https://example.com/one
  - title: Second study
    doi: "10.1000/xyz123"
    pmid: "12345678"
---
Claim one.[^1] Claim two.[^2] Again one.[^1] A note.[^n]

[^n]: A plain footnote.
"""
    site = make_site({"content/posts/cited.md": post})
    out, _ = build(site)
    html = (out / "posts/cited/index.html").read_text()
    assert '<a href="#source-1" id="cite-1-1">[1]</a>' in html
    assert '<a href="#source-1" id="cite-1-2">[1]</a>' in html
    assert '<a href="#source-2" id="cite-2-1">[2]</a>' in html
    refs = html.split('id="references"')[1]
    assert '<li id="source-1">' in refs and '<li id="source-2">' in refs
    assert 'href="#cite-1-1"' in refs and 'href="#cite-1-2"' in refs and 'href="#cite-2-1"' in refs
    assert 'href="https://doi.org/10.1000/xyz123"' in refs
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/12345678/"' in refs
    assert 'class="footnote-item"' in html  # defined footnotes still work


def test_citing_a_missing_source_is_an_error(make_site):
    post = "---\ntitle: C\ndate: 2024-02-01\ndescription: d\nauthor: dana\n---\nOne.\n\nTwo.[^3]\n"
    site = make_site({"content/posts/cited.md": post})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert (
        "content/posts/cited.md:9:5: error: footnote [^3] has no definition and the post has "
        "0 source(s)" in result.stderr
    )


def test_disclaimer_on_every_post(make_site):
    site = make_site()
    out, _ = build(site, "--disclaimer", "Not medical advice; see your doctor.")
    for post in (out / "posts").glob("*/index.html"):
        html = post.read_text()
        assert '<aside class="disclaimer"' in html
        assert "Not medical advice; see your doctor." in html


def test_condition_pages_group_treatments_by_evidence_and_show_contraindications(make_site):
    site = make_site(
        {
            "content/treatments/microneedling.md": """\
---
name: Microneedling
description: Fine needles.
treats:
  - condition: Keratosis pilaris
    evidence: limited
  - condition: milia
    evidence: anecdotal
contraindicated_for:
  - condition: milk spots
    note: can cause new milia
---
Body.
""",
            "content/treatments/chemical-peels.md": """\
---
name: Chemical peels
description: Acids.
treats:
  - condition: keratosis pilaris
    evidence: moderate
---
Body.
""",
        }
    )
    out, _ = build(site)
    kp = (out / "conditions/keratosis-pilaris/index.html").read_text()
    moderate = kp.index("Moderate evidence")
    limited = kp.index("Limited evidence")
    assert moderate < kp.index("/treatments/chemical-peels/", moderate) < limited
    assert limited < kp.index("/treatments/microneedling/", limited)
    milia = (out / "conditions/milia/index.html").read_text()
    assert "Treatments to avoid with Milia" in milia and "can cause new milia" in milia
    treatment = (out / "treatments/microneedling/index.html").read_text()
    assert "Not for" in treatment and "/conditions/milia/" in treatment
    assert "Anecdotal evidence only" in treatment


def test_relation_to_unknown_condition_is_an_error(make_site):
    site = make_site(
        {
            "content/treatments/chemical-peels.md": "---\nname: Chemical peels\n"
            "description: Acids.\ntreats:\n  - condition: melasmaa\n    evidence: strong\n---\n"
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "content/treatments/chemical-peels.md:5:5: error: unknown condition 'melasmaa'" in (
        result.stderr
    )


def structured(html: str, url: str) -> list[dict]:
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)
    items = []
    for block in data["json-ld"]:
        items.extend(block.get("@graph", [block]))
    return items


def test_json_ld_medical_types_read_back_with_extruct(make_site):
    site = make_site(
        {
            "content/authors/sam.md": REVIEWER,
            "content/posts/kp-care.md": REVIEWED,
            "content/treatments/microneedling.md": """\
---
name: Microneedling
description: Fine needles.
treats:
  - condition: Keratosis pilaris
    evidence: limited
contraindicated_for:
  - condition: milia
---
Body.
""",
        }
    )
    out, _ = build(site)
    post = {
        i["@type"]: i
        for i in structured(
            (out / "posts/kp-care/index.html").read_text(), "https://example.org/posts/kp-care/"
        )
    }
    page = post["MedicalWebPage"]
    assert page["reviewedBy"]["name"] == "Sam Okafor"
    assert page["lastReviewed"] == "2024-06-01"
    assert page["audience"] == "https://schema.org/Patient"
    assert page["specialty"] == "https://schema.org/Dermatology"
    assert page["about"][0]["@type"] == "MedicalCondition"
    condition = {
        i["@type"]: i
        for i in structured(
            (out / "conditions/keratosis-pilaris/index.html").read_text(), "https://example.org/"
        )
    }
    assert [t["name"] for t in condition["MedicalCondition"]["possibleTreatment"]] == [
        "Microneedling"
    ]
    therapy = {
        i["@type"]: i
        for i in structured(
            (out / "treatments/microneedling/index.html").read_text(), "https://example.org/"
        )
    }
    assert therapy["MedicalTherapy"]["contraindication"][0]["name"] == "Milia"
    assert "BreadcrumbList" in therapy
