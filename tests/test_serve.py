"""The preview server, end to end: the real ``dermsite serve`` process, real HTTP, real files,
and Debian's chromium driven by Playwright for live reload.

Every server runs on 127.0.0.1 on a free port and is always stopped (Ctrl-C) by its fixture.
Waits are bounded loops; nothing asserts how long anything took.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest

from conftest import ROOT, free_port

SERVE = (sys.executable, "-m", "generator", "serve")
POST = "content/posts/microneedling-for-milia.md"
POST_URL = "posts/microneedling-for-milia/"
BODY_LINE = "rarely respond to"  # plain words: term names in the body become links
UNSAFE = (
    "\n## At home\n\n1. Sterilise a sewing needle with alcohol.\n"
    "2. Prick each milium with the needle and squeeze out the core.\n"
)


@dataclass
class Served:
    """A running ``dermsite serve`` process."""

    process: subprocess.Popen[str]
    url: str  # ends with '/'
    site: Path
    stderr_path: Path

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def builds(self) -> list[str]:
        return re.findall(r"^build \d+.*$", self.stderr, flags=re.M)


def wait_for(check: Callable[[], object], what: str, timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
            raise
    return process.returncode


@contextlib.contextmanager
def running(site: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start ``dermsite serve`` on a free port; yields once it prints its URL; always stops it."""
    logs = site.parent / f"serve-{time.monotonic_ns()}"
    logs.mkdir()
    out, err = logs / "stdout", logs / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [*SERVE, "--site", str(site), "--port", str(free_port()), *args],
            stdout=stdout,
            stderr=stderr,
            text=True,
            cwd=site,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    try:

        def started() -> str | None:
            assert process.poll() is None, f"serve exited early:\n{err.read_text()}"
            match = re.search(r"^Serving (http://\S+)", out.read_text(), flags=re.M)
            return match and match.group(1)

        url = str(wait_for(started, "the server to print its URL", timeout=60))
        yield Served(process, url, site, err)
    finally:
        stop(process)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str) -> tuple[int, dict[str, str], str]:
    """GET without following redirects: status, headers (lower-case names), body."""
    try:
        response = build_opener(_NoRedirect).open(Request(url), timeout=20)
    except HTTPError as error:
        response = error
    with response:
        body = response.read().decode("utf-8")
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status, headers, body


def raw_get(url: str, path: str) -> tuple[int, str]:
    """A request with the path sent exactly as given (no client-side normalising)."""
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def edit(site: Path, name: str, old: str, new: str) -> None:
    path = site / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def site(make_site) -> Path:
    """The tiny test site, with its own copy of the default stylesheet (watched, editable)."""
    css = (ROOT / "themes/default/static/style.css").read_text(encoding="utf-8")
    return make_site({"themes/default/static/style.css": css})


@pytest.fixture
def server(site: Path) -> Iterator[Served]:
    with running(site) as served:
        yield served


# --- HTTP ---------------------------------------------------------------------------------


def test_serves_pretty_urls_with_content_types_and_live_reload(server: Served) -> None:
    status, headers, body = get(server.url + POST_URL)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert BODY_LINE in body
    assert body.index("LiveReloadPluginDermsite") < body.index("</head>")
    assert server.url.startswith("http://127.0.0.1:")

    status, headers, _ = get(server.url + POST_URL.rstrip("/"))
    assert (status, headers["location"]) == (301, "/" + POST_URL)

    css = re.search(r'href="/(assets/style\.[0-9a-f]+\.css)"', body).group(1)
    status, headers, text = get(server.url + css)
    assert (status, headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert ".site-title" in text
    assert get(server.url + "feed.xml")[1]["content-type"] == "application/xml; charset=utf-8"
    assert get(server.url + "livereload.js")[0] == 200


def test_missing_paths_get_the_sites_404_page(server: Served) -> None:
    status, headers, body = get(server.url + "posts/no-such-post/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "Page not found" in body
    assert get(server.url + "no/such/file.css")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/%2E%2E/%2e%2e/pyproject.toml",
        "/posts/../../pyproject.toml",
        "/posts/%2e%2e/%2e%2e/content/posts/kp-care.md",
        "/..%2fpyproject.toml",
        "/%2e%2e%2fpyproject.toml",
        "/..%5cpyproject.toml",
        "//etc/passwd",
    ],
)
def test_nothing_is_served_from_outside_the_output(server: Served, path: str) -> None:
    status, body = raw_get(server.url, path)
    assert status == 404
    assert "[tool.dermsite]" not in body and "root:" not in body
    assert "Page not found" in body


def test_a_site_under_a_sub_path_is_served_where_it_lives(site: Path) -> None:
    edit(
        site,
        "pyproject.toml",
        'base_url = "https://example.org/"',
        'base_url = "https://e.org/blog/"',
    )
    with running(site) as served:
        assert served.url.endswith("/blog/")
        root = served.url[: -len("blog/")]
        status, headers, _ = get(root)
        assert (status, headers["location"]) == (301, "/blog/")
        status, _, body = get(served.url + POST_URL)
        assert status == 200 and BODY_LINE in body
        css = re.search(r'href="(/blog/assets/style\.[0-9a-f]+\.css)"', body).group(1)
        assert get(root + css.lstrip("/"))[0] == 200
        assert get(root + POST_URL)[0] == 404


def test_settings_change_rebuilds(server: Served) -> None:
    edit(server.site, "pyproject.toml", 'title = "Test Skin Site"', 'title = "Renamed Site"')
    wait_for(lambda: "Renamed Site" in get(server.url)[2], "the new site title")


def test_failed_build_turns_every_html_page_into_the_error_page(server: Served) -> None:
    edit(server.site, "content/posts/kp-care.md", "conditions: [KP]", "conditions: [KPX]")
    edit(server.site, POST, "title: Microneedling for milia", "title: [unclosed")

    def failing() -> str | None:
        status, _, body = get(server.url + POST_URL)
        return body if status == 500 else None

    body = str(wait_for(failing, "the error page"))
    assert "<!doctype html>" in body and body.rstrip().endswith("</html>")
    assert re.search(r"content/posts/kp-care\.md:\d+:\d+", body)  # unknown term, at its line
    assert "KPX" in body and "hint:" in body
    assert re.search(r"content/posts/microneedling-for-milia\.md:\d+", body)  # bad YAML
    for other in ("", "conditions/milia/", "no-such-page/"):
        status, _, text = get(server.url + other)
        assert status == 500 and "Build failed: 2 errors" in text
    assert get(server.url + "feed.xml")[0] == 200  # not HTML: from the last good build
    wait_for(lambda: "kp-care.md" in server.stderr and "failed" in server.stderr, "terminal")
    assert re.search(r"content/posts/kp-care\.md:\d+:\d+: error: .*KPX", server.stderr)

    edit(server.site, "content/posts/kp-care.md", "conditions: [KPX]", "conditions: [KP]")
    edit(server.site, POST, "title: [unclosed", "title: Microneedling for milia")
    wait_for(lambda: get(server.url + POST_URL)[0] == 200, "the post to come back")
    assert BODY_LINE in get(server.url + POST_URL)[2]


def test_a_burst_of_changes_is_one_rebuild(server: Served) -> None:
    wait_for(server.builds, "the first build")
    before = len(server.builds())
    posts = server.site / "content" / "posts"
    template = (server.site / "content/posts/kp-care.md").read_text(encoding="utf-8")
    for n in range(200):  # as a git checkout would write them
        text = template.replace("Caring for KP", f"Burst post {n}")
        (posts / f"burst-{n:03}.md").write_text(text, encoding="utf-8")
    wait_for(lambda: len(server.builds()) > before, "a rebuild", timeout=60)
    time.sleep(1.5)  # a second build, if any, would start within this quiet time
    assert len(server.builds()) == before + 1, server.builds()
    assert "and 197 more" in server.builds()[-1]
    assert get(server.url + "posts/burst-199/")[0] == 200


def test_ctrl_c_stops_cleanly_and_removes_its_build_folders(site: Path) -> None:
    with running(site) as served:
        cache = site / ".dermsite-cache" / "serve"
        (session,) = cache.iterdir()
        assert session.name.startswith(f"{served.process.pid}-")
        assert (session / "site/posts/kp-care/index.html").is_file()
        assert stop(served.process) == 0
        assert not session.exists()
        assert "stopped" in (served.stderr_path.parent / "stdout").read_text()


@pytest.mark.parametrize("flag", [True, False], ids=["--open", "without --open"])
def test_open_asks_the_users_browser_to_show_the_site(site: Path, flag: bool) -> None:
    """``--open`` goes through Python's webbrowser, which runs $BROWSER: here a script that
    writes down the URL it was given."""
    opened = site.parent / "opened.txt"
    browser = site.parent / "browser"
    browser.write_text(
        f"#!{sys.executable}\nimport pathlib, sys\n"
        f"pathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n",
        encoding="utf-8",
    )
    browser.chmod(0o755)
    args = ["--open"] if flag else []
    with running(site, *args, env={"BROWSER": str(browser)}) as served:
        if flag:
            url = wait_for(lambda: opened.exists() and opened.read_text(), "the browser")
            assert url == served.url
            status, _, body = get(str(url))
            assert status == 200 and "Caring for KP" in body
        else:
            time.sleep(1.0)  # the browser is started at once, when it is asked for
            assert not opened.exists()


def test_busy_port_is_a_usage_error(site: Path) -> None:
    with running(site) as served:
        port = served.url.rsplit(":", 1)[1].strip("/")
        result = subprocess.run(
            [*SERVE, "--site", site, "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_requests_during_rebuilds_get_a_complete_page(server: Served) -> None:
    """Many readers while the post is rewritten: each page is one whole version."""
    edit(server.site, POST, "title: Microneedling for milia", "title: Version 0")
    edit(server.site, POST, "Milk spots " + BODY_LINE, "Body version 0.")
    wait_for(lambda: "Body version 0." in get(server.url + POST_URL)[2], "version 0")
    problems: list[str] = []
    seen: set[str] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            status, headers, body = get(server.url + POST_URL)
            titles = re.findall(r"<h1[^>]*>Version (\d+)</h1>", body)
            bodies = re.findall(r"Body version (\d+)\.", body)
            if status != 200 or not body.rstrip().endswith("</html>"):
                problems.append(f"{status}: incomplete page")
            elif int(headers["content-length"]) != len(body.encode()):
                problems.append("content-length mismatch")
            elif len(titles) != 1 or set(bodies) != set(titles):
                problems.append(f"mixed page: titles {titles}, bodies {bodies}")
            else:
                seen.add(titles[0])

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        for version in range(1, 6):
            text = (server.site / POST).read_text(encoding="utf-8")
            text = re.sub(r"Version \d+", f"Version {version}", text)
            text = re.sub(r"Body version \d+\.", f"Body version {version}.", text)
            (server.site / POST).write_text(text, encoding="utf-8")
            wait_for(lambda v=version: str(v) in seen, f"version {version} to be served")
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=30)
    assert not problems, problems[:5]
    assert {"0", "5"} <= seen


# --- in the browser -------------------------------------------------------------------------


@pytest.fixture
def page(browser, server: Served):
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab
    finally:
        context.close()


def open_live(page, url: str) -> None:
    """Open ``url`` and wait until livereload.js is connected to the server."""
    page.goto(url)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol")


def test_browser_shows_each_edit_without_a_manual_refresh(page, server: Served) -> None:
    from playwright.sync_api import expect

    open_live(page, server.url + POST_URL)
    expect(page.locator("main")).to_contain_text(BODY_LINE)
    edit(server.site, POST, BODY_LINE, "are best left to a dermatologist, not")
    expect(page.locator("main")).to_contain_text("are best left to a dermatologist, not")


def test_browser_ends_on_the_second_of_two_quick_saves(page, server: Served) -> None:
    from playwright.sync_api import expect

    open_live(page, server.url + POST_URL)
    edit(server.site, POST, BODY_LINE, "First save.")
    # the locator waits through reloads (page.content() raises while the page navigates)
    expect(page.locator("main")).to_contain_text("First save.", timeout=20_000)
    # Within livereload's own 3-second window: its guard would drop this reload.
    edit(server.site, POST, "First save.", "Second save.")
    expect(page.locator("main")).to_contain_text("Second save.")
    expect(page.locator("main")).not_to_contain_text("First save.")


def test_browser_shows_a_lint_finding_and_returns_once_fixed(page, browser, server: Served) -> None:
    from playwright.sync_api import expect

    open_live(page, server.url + POST_URL)
    original = (server.site / POST).read_text(encoding="utf-8")
    (server.site / POST).write_text(original + UNSAFE, encoding="utf-8")

    errors = page.locator("#dermsite-build-errors")
    expect(errors).to_contain_text("diy-puncture")
    expect(errors).to_contain_text(re.compile(r"content/posts/microneedling-for-milia\.md:\d+:\d+"))
    expect(errors).to_contain_text("hint:")
    fresh = page.context.new_page()  # a fresh tab shows the errors too
    fresh.goto(server.url + "conditions/milia/")
    expect(fresh.locator("#dermsite-build-errors")).to_contain_text("diy-puncture")
    wait_for(lambda: "diy-puncture" in server.stderr, "the finding in the terminal")

    (server.site / POST).write_text(original, encoding="utf-8")
    expect(page.locator("main")).to_contain_text(BODY_LINE)
    expect(page.locator("#dermsite-build-errors")).to_have_count(0)
    expect(fresh.locator("h1")).to_contain_text("Milia")


def test_browser_swaps_a_changed_stylesheet_without_reloading(page, server: Served) -> None:
    open_live(page, server.url + POST_URL)
    page.evaluate("() => { window.notReloaded = true; }")
    title = page.locator(".site-title")
    assert title.evaluate("e => getComputedStyle(e).color") != "rgb(1, 2, 3)"
    css = server.site / "themes/default/static/style.css"
    css.write_text(
        css.read_text(encoding="utf-8") + "\n.site-title { color: rgb(1, 2, 3); }\n",
        encoding="utf-8",
    )
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.site-title')).color === 'rgb(1, 2, 3)'"
    )
    assert page.evaluate("() => window.notReloaded") is True
    links = page.eval_on_selector_all('link[rel="stylesheet"]', "ls => ls.map(l => l.href)")
    assert len(links) == 1
    assert get(links[0])[0] == 200
