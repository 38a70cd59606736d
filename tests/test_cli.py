"""The command line: new, schema, --site, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json

import jsonschema
import yaml

from conftest import ROOT, run_cli


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def frontmatter(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def test_new_post_has_every_field_and_builds(make_site):
    site = make_site()
    result = run_cli("new", "post", "Milia: what now?", "--site", site)
    assert result.returncode == 0, result.stderr
    path = site / "content/posts/milia-what-now.md"
    meta = frontmatter(path)
    schema = json.loads(run_cli("schema").stdout)
    assert set(meta) == set(schema["properties"])
    assert meta["title"] == "Milia: what now?" and meta["author"] == "dana"
    assert meta["draft"] is True
    built = run_cli("build", "--site", site, "--drafts")
    assert built.returncode == 0, built.stderr
    assert (site / "output/posts/milia-what-now/index.html").is_file()


def test_new_term_then_use_it(make_site):
    site = make_site()
    assert run_cli("new", "condition", "Acne scars", "--site", site).returncode == 0
    assert run_cli("new", "treatment", "Laser therapy", "--site", site).returncode == 0
    assert (site / "content/conditions/acne-scars.md").is_file()
    make_site(
        {
            "content/posts/scars.md": "---\ntitle: Scars\ndate: 2024-02-02\ndescription: d\n"
            "author: dana\nconditions: [acne scars]\ntreatments: [laser therapy]\n"
            "sources:\n  - title: S\n    url: https://example.com/\n---\nText.\n"
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    html = (site / "output/conditions/acne-scars/index.html").read_text()
    assert "/treatments/laser-therapy/" in html


def test_new_refuses_to_overwrite(make_site):
    site = make_site()
    result = run_cli("new", "condition", "Milia", "--site", site)
    assert result.returncode == 1
    assert "already exists" in result.stderr


def test_schema_accepts_every_sample_post_and_rejects_unknown_keys():
    schema = json.loads(run_cli("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    posts = sorted((ROOT / "content/posts").rglob("*.md"))
    assert posts
    for path in posts:
        errors = list(validator.iter_errors(_jsonable(frontmatter(path))))
        assert errors == [], path
    bad = {"title": "t", "date": "2024-01-01", "description": "d", "author": "a", "tagz": []}
    assert list(validator.iter_errors(bad))


def test_schema_for_terms_and_authors():
    for kind in ("term", "author"):
        result = run_cli("schema", kind)
        assert result.returncode == 0
        assert "name" in json.loads(result.stdout)["properties"]


def test_site_flag_and_current_folder_are_equivalent(make_site):
    site = make_site()
    here = run_cli("build", cwd=site)
    assert here.returncode == 0, here.stderr
    assert "built " in here.stdout and "pages" in here.stdout
    first = (site / "output/index.html").read_bytes()
    there = run_cli("build", "--site", site)
    assert there.returncode == 0
    assert (site / "output/index.html").read_bytes() == first


def test_out_flag_writes_elsewhere(make_site, tmp_path):
    site = make_site()
    result = run_cli("build", "--site", site, "--out", tmp_path / "public")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "public/index.html").is_file()
    assert not (site / "output").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_for_long_builds():
    from generator.commands.build import ProgressBar

    terminal = _Terminal()
    bar = ProgressBar(terminal, threshold=100)
    for done in range(1, 301):
        bar(done, 300)
    bar.clear()
    text = terminal.getvalue()
    assert "\r[##########                    ] 100/300 pages" in text
    assert "300/300 pages" in text and text.endswith("\r")

    short = _Terminal()
    small = ProgressBar(short, threshold=100)
    for done in range(1, 51):
        small(done, 50)
    assert short.getvalue() == ""

    piped = io.StringIO()
    quiet = ProgressBar(piped, threshold=1)
    quiet(25, 50)
    assert piped.getvalue() == ""
