"""The built site as a host serves it: crawled over real HTTP at the root and under a
sub-path, with netlify.toml's headers applied, and opened in Chromium under its CSP.

The host here behaves as Netlify and GitHub Pages do for a static site: pretty URLs
(`/posts/x/` serves `posts/x/index.html`), the site's own 404.html with status 404 for a
missing path, and (for Netlify) the headers of every netlify.toml rule that matches.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import BASE_FILES, POST_A, POST_B, ROOT, run_cli, tree_digest, write_files

NETLIFY = ROOT / "netlify.toml"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# A fixture site with everything a deploy has to get right: an alias (redirect page and
# _redirects line), a draft, a cross-post anchor link and term feeds.
DEPLOY_FILES = {
    **BASE_FILES,
    "content/posts/kp-care.md": POST_B.replace(
        "tags: [expert, Routine]", "tags: [expert, Routine]\naliases: [/2019/kp-care/]"
    ),
    "content/posts/draft-idea.md": POST_A.replace("title: Microneedling for milia", "title: Idea")
    .replace("date: 2024-03-01", "date: 2024-06-01\ndraft: true")
    .replace("kp-care.md#daily-routine", "kp-care.md"),
}


# -- the host ----------------------------------------------------------------------------


def netlify_rules() -> list[dict]:
    return tomllib.loads(NETLIFY.read_text(encoding="utf-8")).get("headers", [])


def netlify_headers(path: str, rules: list[dict] | None = None) -> dict[str, list[str]]:
    """The custom headers Netlify sends for a request path (relative to the publish folder):
    every rule whose `for` matches applies; `*` matches anything, slashes included.
    Values of one header from several rules are all sent (Netlify joins them)."""
    headers: dict[str, list[str]] = {}
    for rule in netlify_rules() if rules is None else rules:
        pattern = ".*".join(re.escape(part) for part in rule["for"].split("*"))
        if re.fullmatch(pattern, path):
            for name, value in rule["values"].items():
                headers.setdefault(name.lower(), []).append(" ".join(value.split()))
    return headers


@dataclass
class Host:
    folder: Path
    prefix: str
    origin: str = ""
    with_headers: bool = True
    log: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.origin + self.prefix


@contextlib.contextmanager
def serve_site(folder: Path, prefix: str = "/", *, with_headers: bool = True) -> Iterator[Host]:
    """Serve ``folder`` under ``prefix`` on 127.0.0.1 as a static host would; always stops."""
    host = Host(folder, prefix, with_headers=with_headers)
    rules = netlify_rules()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.respond(body=False)

        def do_GET(self) -> None:
            self.respond(body=True)

        def respond(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            status, file = 404, None
            if path.startswith(host.prefix):
                site_path = "/" + path[len(host.prefix) :]
                target = (host.folder / site_path.lstrip("/")).resolve()
                inside = target == host.folder.resolve() or host.folder.resolve() in target.parents
                if inside and target.is_dir():
                    if not path.endswith("/"):
                        self.send_response(301)
                        self.send_header("Location", path + "/")
                        self.end_headers()
                        return
                    target = target / "index.html"
                if inside and target.is_file():
                    status, file = 200, target
            else:
                site_path = "/__outside_the_base_path__"
            if file is None:  # Netlify and GitHub Pages both answer with the site's 404.html
                file = host.folder / "404.html"
            data = file.read_bytes() if file.is_file() else b"not found"
            self.send_response(status)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            self.send_header("Content-Type", kind + ("; charset=utf-8" if "text" in kind else ""))
            self.send_header("Content-Length", str(len(data)))
            if host.with_headers:
                for name, values in netlify_headers(site_path, rules).items():
                    self.send_header(name, ", ".join(values))
            self.end_headers()
            if body:
                self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, Mapping[str, str], bytes]:
    try:
        with _OPENER.open(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def build_into(site: Path, out: Path, base_url: str, *args: str) -> None:
    result = run_cli("build", "--site", site, "--out", out, "--base-url", base_url, *args)
    assert result.returncode == 0, result.stdout + result.stderr


# -- reading pages -----------------------------------------------------------------------


class PageLinks(HTMLParser):
    """Every href/src/srcset of a page, with its line, and every id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str, str]] = []  # (line, tag.attr, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src"):
                self.links.append((line, f"{tag}.{name}", value))
            elif name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((line, f"{tag}.srcset", candidate.split()[0]))
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                self.links.append((line, "meta.refresh", value.split("=", 1)[1].strip()))


def read_page(data: bytes) -> PageLinks:
    parser = PageLinks()
    parser.feed(data.decode("utf-8"))
    return parser


@dataclass
class Crawl:
    pages: dict[str, PageLinks] = field(default_factory=dict)  # url without fragment
    fetched: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    feeds: set[str] = field(default_factory=set)


def crawl(host: Host) -> Crawl:
    """Follow every internal link from the home page; report broken ones, links that leave
    the base path, and #fragments with no such id in their page."""
    seen = Crawl()
    queue = [host.base]
    anchors: list[tuple[str, str, str]] = []  # (where, url, fragment)
    while queue:
        url = queue.pop()
        if url in seen.fetched:
            continue
        status, headers, data = fetch(url)
        seen.fetched[url] = status
        if status != 200 or "text/html" not in headers.get("Content-Type", ""):
            continue
        page = seen.pages[url] = read_page(data)
        for line, attr, value in page.links:
            where = f"{url[len(host.origin) :]}:{line} {attr}={value!r}"
            target = urljoin(url, value)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https"):
                continue
            if f"{parts.scheme}://{parts.netloc}" != host.origin:
                continue  # another site
            if not parts.path.startswith(host.prefix):
                seen.problems.append(f"{where} leaves the base path {host.prefix}")
                continue
            plain = target.split("#", 1)[0]
            if parts.fragment:
                anchors.append((where, plain, unquote(parts.fragment)))
            if plain.endswith(".xml"):
                seen.feeds.add(plain)
            if plain not in seen.fetched:
                queue.append(plain)
    for url, status in seen.fetched.items():
        if status != 200:
            seen.problems.append(f"{url[len(host.origin) :]} answers {status}")
    for where, url, fragment in anchors:
        page = seen.pages.get(url)
        if page is not None and fragment not in page.ids:
            seen.problems.append(f"{where}: no id {fragment!r} in that page")
    return seen


def absolute_urls_in(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)
    urls = [e.get("href", "") for e in root.iter(f"{ATOM}link")]
    urls += [e.text or "" for e in root.iter() if e.tag in (f"{ATOM}id", f"{ATOM}uri")]
    urls += [e.text or "" for e in root.iter(f"{SITEMAP}loc")]
    return urls


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def deploy_site(tmp_path: Path) -> Path:
    return write_files(tmp_path / "deploy-site", DEPLOY_FILES)


SAMPLE = ROOT  # the repository's own sample site
SITES = {"fixture": None, "sample": SAMPLE}


# -- tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/", "/blog/"], ids=["root", "sub-path"])
@pytest.mark.parametrize("which", ["fixture", "sample"])
def test_crawl_finds_no_broken_link_and_none_leaving_the_base_path(
    which: str, prefix: str, deploy_site: Path, tmp_path: Path
) -> None:
    site = SITES[which] or deploy_site
    out = tmp_path / "served"
    out.mkdir()
    with serve_site(out, prefix) as host:
        build_into(site, out, host.base)
        found = crawl(host)

        assert found.problems == []
        html_files = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
        redirect_pages = {
            line.split()[0][len(prefix) :].lstrip("/") + "index.html"
            for line in (out / "_redirects").read_text().splitlines()
            if line.strip()
        }
        crawled = {u[len(host.base) :] or "index.html" for u in found.pages}
        crawled = {c + "index.html" if c.endswith("/") else c for c in crawled}
        # every page a reader can reach is reached; only redirect pages and 404.html are
        # reached by typing an address
        assert html_files - crawled <= redirect_pages | {"404.html"}
        assert len(crawled) >= 12

        # feeds and the sitemap: absolute URLs under the base URL, each one served
        feeds = found.feeds | {host.base + "sitemap.xml"}
        assert host.base + "feed.xml" in feeds and len(feeds) >= 4
        for feed in sorted(feeds):
            status, _, xml = fetch(feed)
            assert status == 200, feed
            urls = absolute_urls_in(xml)
            assert urls, feed
            for url in urls:
                assert url.startswith(host.base), f"{feed}: {url} is not under {host.base}"
                assert fetch(url)[0] == 200, f"{feed}: {url} is not served"
        sitemap = set(absolute_urls_in(fetch(host.base + "sitemap.xml")[2]))
        assert {u for u in found.pages if not u.endswith(".html")} <= sitemap
        status, _, robots = fetch(host.base + "robots.txt")
        assert status == 200
        assert f"Sitemap: {host.base}sitemap.xml" in robots.decode()


@pytest.mark.parametrize("prefix", ["/", "/blog/"], ids=["root", "sub-path"])
def test_missing_path_gets_the_404_page_whose_links_work_at_any_depth(
    prefix: str, deploy_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "served"
    out.mkdir()
    with serve_site(out, prefix) as host:
        build_into(deploy_site, out, host.base)
        missing = host.base + "no/such/deep/page/"
        status, _, data = fetch(missing)
        assert status == 404
        page = read_page(data)
        assert "Page not found" in data.decode()
        checked = 0
        for _, attr, value in page.links:
            if value.startswith("#"):  # the skip link, on this very page
                assert value[1:] in page.ids, f"{attr}={value!r} has no target"
                continue
            target = urljoin(missing, value).split("#", 1)[0]
            if target.startswith(host.origin):
                assert target.startswith(host.base), f"{attr}={value!r} leaves {host.base}"
                assert fetch(target)[0] == 200, f"{attr}={value!r} is broken on the 404 page"
                checked += 1
        assert checked >= 5


@pytest.mark.parametrize("prefix", ["/", "/blog/"], ids=["root", "sub-path"])
def test_old_urls_from_aliases_lead_to_the_post(
    prefix: str, deploy_site: Path, tmp_path: Path, browser
) -> None:
    out = tmp_path / "served"
    out.mkdir()
    with serve_site(out, prefix) as host:
        build_into(deploy_site, out, host.base)
        rules = [line.split() for line in (out / "_redirects").read_text().splitlines()]
        assert rules == [[f"{prefix}2019/kp-care/", f"{prefix}posts/kp-care/", "301!"]]
        # the redirect page works on any host, here in a real browser
        page = browser.new_page()
        try:
            page.goto(host.base + "2019/kp-care/")
            page.wait_for_url(host.base + "posts/kp-care/", timeout=10_000)
            assert page.title().startswith("Caring for KP")
        finally:
            page.close()


def test_netlify_answers_old_urls_with_a_301(deploy_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_into(deploy_site, out, "https://example.org/")
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for line in (out / "_redirects").read_text().splitlines():
        source, _target, status = line.split()
        shadowed = source.lstrip("/") in files or source.lstrip("/") + "index.html" in files
        # Netlify's shadowing: a file at the old path wins over a rule unless it is forced
        assert status.endswith("!") or not shadowed, line


def test_sitemap_lists_only_canonical_pages(deploy_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_into(deploy_site, out, "https://example.org/blog/")
    for url in absolute_urls_in((out / "sitemap.xml").read_bytes()):
        path = url.removeprefix("https://example.org/blog/") + "index.html"
        html = (out / path).read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{url}">' in html, url
        assert 'name="robots" content="noindex"' not in html, url


def test_fingerprinted_assets_are_immutable_and_pages_revalidate(
    deploy_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_into(deploy_site, out, "https://example.org/")
    checked = {"immutable": 0, "revalidate": 0}
    for file in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "_redirects"):
        rel = file.relative_to(out).as_posix()
        paths = ["/" + rel]
        if rel.endswith("index.html"):  # pretty URL too
            paths.append("/" + rel.removesuffix("index.html"))
        for path in paths:
            cache = netlify_headers(path).get("cache-control", [])
            # Netlify joins the values of every matching rule: two policies mean neither
            assert len(cache) <= 1, f"{path} gets {cache}"
            policy = cache[0] if cache else ""
            fingerprint = re.fullmatch(r"assets/.+\.([0-9a-f]{8,})\.(css|js)", rel)
            if rel.endswith((".css", ".js")):
                # immutable is only safe if the name changes whenever the bytes do
                assert fingerprint, f"{rel} is not named by its content hash"
                digest = hashlib.sha256(file.read_bytes()).hexdigest()
                assert digest.startswith(fingerprint[1]), f"{rel} is not named by its content"
                assert "immutable" in policy and "max-age=31536000" in policy, path
                checked["immutable"] += 1
            elif rel.endswith((".html", ".xml")):
                assert "max-age=0" in policy and "must-revalidate" in policy, path
                checked["revalidate"] += 1
            else:  # e.g. favicon.svg keeps its name when it changes: never immutable
                assert "immutable" not in policy, path
    assert checked["immutable"] >= 1 and checked["revalidate"] >= 20


def test_output_is_byte_identical_across_builds(tmp_path: Path) -> None:
    digests = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = _run_with_env(env, "build", "--site", SAMPLE, "--out", out, "--drafts")
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]
    assert len(digests[0]) >= 40


def _run_with_env(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


# -- the browser under the Content-Security-Policy ---------------------------------------

WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""

CANARY = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>canary</title>
<style>body { color: red }</style>
<script>document.title = 'ran';</script>
</head><body><p style="color: blue">x</p></body></html>
"""


def _visit(page, url: str) -> tuple[list[str], list[str]]:
    messages: list[str] = []
    listener = lambda m: messages.append(f"{m.type}: {m.text}")  # noqa: E731
    page.on("console", listener)
    try:
        page.goto(url)
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__violations")
    finally:
        page.remove_listener("console", listener)
    return violations, [m for m in messages if m.startswith(("error", "warning"))]


def test_pages_load_under_the_netlify_csp_with_no_violation(browser, tmp_path: Path) -> None:
    out = tmp_path / "served"
    out.mkdir()
    with serve_site(out, "/blog/") as host:
        build_into(SAMPLE, out, host.base)
        (out / "csp-canary.html").write_bytes(CANARY)
        status, headers, _ = fetch(host.base)
        assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]

        context = browser.new_context(color_scheme="light")
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            # the check can fail: inline style, script and style attribute are all refused
            violations, messages = _visit(page, host.base + "csp-canary.html")
            assert len(violations) >= 3, violations
            assert page.title() == "canary"  # the inline script did not run

            pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
            urls = [host.base + p.removesuffix("index.html") for p in pages]
            urls.append(host.base + "missing/page/")  # the 404 page, served at a deep path
            with_jsonld = 0
            for url in urls:
                violations, messages = _visit(page, url)
                assert violations == [], url
                assert messages == [] or url.endswith("missing/page/"), (url, messages)
                if url.endswith("missing/page/"):  # Chrome logs the 404 status itself
                    assert all("404" in m for m in messages), messages
                # the stylesheet applied: the theme's background, not the browser's white
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert background == "rgb(253, 252, 250)", url
                # JSON-LD blocks are data: present, parseable, and caused no violation
                with_jsonld += page.evaluate(
                    """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
                        .filter((s) => JSON.parse(s.textContent)['@graph']).length"""
                )
            assert errors == []
            assert with_jsonld >= len(urls) - 1 >= 30
        finally:
            context.close()


def test_without_the_headers_the_canary_runs(browser, tmp_path: Path) -> None:
    """The CSP, not the page, is what blocked the canary's inline script above."""
    out = tmp_path / "served"
    out.mkdir()
    (out / "csp-canary.html").write_bytes(CANARY)
    shutil.copy(out / "csp-canary.html", out / "404.html")
    with serve_site(out, "/", with_headers=False) as host:
        page = browser.new_page()
        try:
            page.goto(host.base + "csp-canary.html")
            assert page.title() == "ran"
        finally:
            page.close()
