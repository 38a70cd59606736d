"""The build's own link check: extract_links reduces an output file to a picklable PageLinks,
LinkChecker checks them all, and the result is the check as it always was, one error per
distinct broken href of a page (at its first line)."""

from __future__ import annotations

import html
import pickle
import posixpath
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.linkcheck import (
    _ATTR,
    _ID,
    _LOC,
    _SKIP_SCHEMES,
    LinkChecker,
    PageLinks,
    _scan_exact,
    _scan_html,
    _scan_sitemap,
    extract_links,
)
from generator.urls import Urls

ROOT = Urls("https://example.org/", "/")
BLOG = Urls("https://example.org/blog/", "/blog/")


def page(body: str) -> bytes:
    return f'<!doctype html>\n<html>\n<body id="top">\n{body}\n</body>\n</html>\n'.encode()


def errors(urls: Urls, files: dict[str, bytes], sources=None, positions=None) -> list[str]:
    checker = LinkChecker(urls, positions=positions or {})
    for path, data in files.items():
        checker.add(path, data, (sources or {}).get(path, ""))
    return [e.format().splitlines()[0] for e in checker.check()]


# -- extract_links ---------------------------------------------------------------------------


def test_page_links_hold_distinct_hrefs_at_their_first_line_and_the_ids():
    data = page(
        '<a href="/a/">one</a>\n'
        "<a href='/b/' id=\"here\">two</a>\n"
        '<img src="/img/x.png" alt="">\n'
        '<a href="/a/">one again</a>\n'
        '<a href=" /a/ ">padded</a> <a href="/c/?x=1&amp;y=2">amp</a>\n'
        "<h2 id='h&amp;2'>x</h2>"
    )
    links = extract_links("posts/x/index.html", data)
    assert links.hrefs == ("/a/", "/b/", "/img/x.png", "/c/?x=1&y=2")
    assert links.lines == (4, 5, 6, 8)
    assert links.ids == {"top", "here", "h&2"}


def test_a_line_break_before_the_attribute_counts_as_the_line_before():
    links = extract_links("index.html", b'<p>\n<a\nhref="/x/">x</a>\n<img\n\tsrc="/y.png">')
    assert links.hrefs == ("/x/", "/y.png")
    assert links.lines == (2, 5)  # where the whitespace before the name is, as before


def test_attributes_need_whitespace_before_and_quotes():
    links = extract_links("index.html", b'<a data-href="/no/" href=/no/ xhref="/no/" src="/yes/">')
    assert links.hrefs == ("/yes/",)


def test_an_attribute_inside_another_ones_value_is_read_as_before():
    # the href scan and the id scan are separate: an href inside an id's value is a link,
    # and an id inside an href's value an id; an href inside an href's value is not a link
    data = b'<a href=\'/outer/ href="/inner/" id="i"\'>\n<p id=\'x href="/in-id/"\'>'
    links = extract_links("index.html", data)
    assert links == _scan_exact(data, xml=False)
    assert links.hrefs == ('/outer/ href="/inner/" id="i"', "/in-id/")
    assert links.ids == {"i", 'x href="/in-id/"'}


def test_feeds_and_the_sitemap_have_links_but_no_ids():
    feed = b'<feed>\n<link href="https://example.org/posts/a/"/>\n<id>x</id></feed>'
    sitemap = b"<urlset>\n<url><loc>https://example.org/</loc></url>\n</urlset>"
    assert extract_links("feed.xml", feed) == PageLinks(("https://example.org/posts/a/",), (2,))
    assert extract_links("sitemap.xml", sitemap) == PageLinks(("https://example.org/",), (2,))


def test_other_files_have_no_links_but_are_known():
    assert extract_links("robots.txt", b'href="/x/" id="y"') == PageLinks()
    assert extract_links("assets/site.css", b"a { }") == PageLinks()
    files = {"index.html": page('<a href="/robots.txt">r</a>'), "robots.txt": b"User-agent: *"}
    assert errors(ROOT, files) == []


def test_page_links_survive_pickling():
    links = extract_links("index.html", page('<a href="/a/#b">x</a><a href="#top">t</a>'))
    again = pickle.loads(pickle.dumps(links, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == links and isinstance(again, PageLinks)
    assert not hasattr(again, "__dict__")  # slotted
    with pytest.raises(AttributeError):
        again.hrefs = ()  # frozen


# -- check -----------------------------------------------------------------------------------


def test_same_broken_href_twice_on_a_page_is_one_error_at_its_first_line():
    files = {"index.html": page('<a href="/gone/">a</a>\n<a href="/gone/">b</a>\n<a href="/x/">')}
    assert errors(ROOT, files) == [
        "output/index.html:4: error: broken link '/gone/' points to a page that was not built",
        "output/index.html:6: error: broken link '/x/' points to a page that was not built",
    ]


def test_fragments_are_checked_against_the_target_pages_ids():
    files = {
        "index.html": page(
            '<a href="#top">ok</a> <a href="#nope">same page</a>\n'
            '<a href="/posts/a/#intro">ok</a> <a href="/posts/a/#outro">other page</a>\n'
            '<a href="/posts/a/#a%20b">encoded</a> <a href="/feed.xml#x">feeds are not checked</a>'
        ),
        "posts/a/index.html": page('<h2 id="intro">x</h2><h2 id="a b">y</h2>'),
        "feed.xml": b"<feed></feed>",
    }
    assert errors(ROOT, files) == [
        "output/index.html:4: error: broken link '#nope' has no target: no id 'nope' in "
        "/index.html",
        "output/index.html:5: error: broken link '/posts/a/#outro' has no target: no id 'outro' "
        "in /posts/a/index.html",
    ]


def test_relative_links_resolve_from_the_pages_folder():
    files = {
        "index.html": page('<a href="posts/a/">ok</a> <a href="posts/b/">missing</a>'),
        "posts/a/index.html": page(
            '<a href="../../">home</a> <a href="./">self</a> <a href="index.html#top">self</a>\n'
            '<a href="../c/">missing</a> <a href="../../../">above</a> <a href="?q">q</a>\n'
            '<a href="../../posts/a/#nope">no id</a> <a href="../a/#top">ok</a>'
        ),
    }
    expected = [
        "output/index.html:4: error: broken link 'posts/b/' points to a page that was not built",
        "output/posts/a/index.html:5: error: broken link '../c/' points to a page that was not "
        "built",
        "output/posts/a/index.html:6: error: broken link '../../posts/a/#nope' has no target: "
        "no id 'nope' in /posts/a/index.html",
    ]
    assert errors(ROOT, files) == expected  # '../../../' stops at the root
    assert errors(BLOG, files) == [
        *expected[:2],
        "output/posts/a/index.html:5: error: broken link '../../../' escapes the base path /blog/",
        expected[2],
    ]


def test_a_site_under_a_base_path():
    files = {
        "index.html": page(
            '<a href="/blog/posts/a/">ok</a> <a href="https://example.org/blog/posts/a/">ok</a>\n'
            '<a href="/posts/a/">root</a> <a href="https://example.org/posts/a/">origin</a>\n'
            '<a href="https://example.org/blog/posts/z/">absolute</a> <a href="../">up</a>\n'
            '<a href="https://other.example/posts/z/">elsewhere</a> <a href="mailto:a@b">mail</a>'
            ' <a href="//example.org/blog/">ok</a> <a href="/blog/">ok</a> <a href="/blog">no</a>'
        ),
        "posts/a/index.html": page('<a href="../../">home</a> <a href="../../../">up</a>'),
    }
    assert errors(BLOG, files) == [
        "output/index.html:5: error: broken link '/posts/a/' escapes the base path /blog/",
        "output/index.html:5: error: broken link 'https://example.org/posts/a/' escapes the "
        "base path /blog/",
        "output/index.html:6: error: broken link 'https://example.org/blog/posts/z/' points to "
        "a page that was not built",
        "output/index.html:6: error: broken link '../' escapes the base path /blog/",
        "output/index.html:7: error: broken link '/blog' escapes the base path /blog/",
        "output/posts/a/index.html:4: error: broken link '../../../' escapes the base path /blog/",
    ]


def test_script_urls_are_broken_links_however_they_are_written():
    """The Content-Security-Policy blocks javascript: URLs, so they cannot work; sanitised
    raw HTML never has one, so only a theme or raw_html = "trust" can make one."""
    files = {
        "index.html": page(
            '<a href="javascript:alert(1)">a</a>\n<a href="JavaScript:void(0)">b</a>\n'
            '<a href="java&#9;script:x">c</a>\n<a href=" vbscript:x ">d</a>\n'
            '<a href="javascript:alert(\'é\')">e</a>\n<a href="mailto:a@b">fine</a>'
        )
    }
    found = errors(ROOT, files, sources={"index.html": "content/posts/x.md"})
    assert [line.split(": error: ")[1] for line in found] == [
        f"broken link {href!r} is a script URL, and scripts never run on this site "
        "(made from content/posts/x.md)"
        for href in (
            "javascript:alert(1)", "JavaScript:void(0)", "java\tscript:x", "vbscript:x",
            "javascript:alert('é')",
        )
    ]


def test_errors_point_at_the_markdown_link_when_its_position_is_known():
    files = {"posts/a/index.html": page('<a href="/gone/">x</a> <a href="/lost/">y</a>')}
    found = errors(
        ROOT,
        files,
        sources={"posts/a/index.html": "content/posts/a.md"},
        positions={"content/posts/a.md": {"/gone/": (7, 12)}},
    )
    assert found == [
        "content/posts/a.md:7:12: error: broken link '/gone/' points to a page that was not built",
        "output/posts/a/index.html:4: error: broken link '/lost/' points to a page that was not "
        "built (made from content/posts/a.md)",
    ]


def test_links_saved_from_an_earlier_build_give_the_same_errors():
    files = {
        "index.html": page('<a href="/posts/a/#x">a</a>\n<a href="/posts/b/">b</a>'),
        "posts/a/index.html": page('<a href="../../#top">home</a> <a href="#y">y</a>'),
        "feed.xml": b'<feed><link href="https://example.org/posts/c/"/></feed>',
    }
    saved = pickle.dumps({path: extract_links(path, data) for path, data in files.items()})
    checker = LinkChecker(ROOT)
    for path, links in pickle.loads(saved).items():
        checker.add_links(path, links, "content/x.md" if path == "index.html" else "")
    direct = LinkChecker(ROOT)
    for path, data in files.items():
        direct.add(path, data, "content/x.md" if path == "index.html" else "")
    assert checker.check() == direct.check()
    assert len(direct.check()) == 4


# -- the same errors as the check before PageLinks -------------------------------------------


def old_errors(urls: Urls, files: dict[str, bytes]) -> list[tuple[str, int, str, str]]:
    """The check as it was: every occurrence read and resolved, in order. (page, line, href,
    problem), with later occurrences of an href in the same page dropped."""
    refs, ids = [], {}
    for path, data in files.items():
        if path.endswith(".html"):
            ids[path] = frozenset(
                html.unescape((m.group(1) or m.group(2) or b"").decode())
                for m in _ID.finditer(data)
            )
        elif not path.endswith(".xml"):
            continue
        matches = [(m.start(), m.group(2) or m.group(3) or b"") for m in _ATTR.finditer(data)]
        if path.endswith(".xml"):
            matches += [(m.start(), m.group(1)) for m in _LOC.finditer(data)]
        for start, raw in sorted(matches):
            line = data.count(b"\n", 0, start) + 1
            refs.append((path, line, html.unescape(raw.decode()).strip()))

    def resolve(target):
        for candidate in (target, posixpath.join(target, "index.html"), target + "index.html"):
            if candidate.lstrip("/") in files:
                return candidate.lstrip("/")
        return "index.html" if target == "" and "index.html" in files else None

    found, seen = [], set()
    base, base_url = urls.base_path, urls.base_url
    origin = base_url[: -len(base)] if base != "/" else base_url[:-1]
    for page_path, line, href in refs:
        if (page_path, href) in seen:
            continue
        seen.add((page_path, href))
        parts = urlsplit(href)
        problem = None
        if parts.scheme in _SKIP_SCHEMES:
            continue
        if parts.scheme or parts.netloc:
            if not href.startswith(base_url):
                if href.startswith(origin + "/"):
                    found.append((page_path, line, href, "escapes the base path " + base))
                continue
            path = parts.path
        elif href.startswith("/"):
            path = parts.path
        elif not parts.path:
            path = base + page_path
        else:
            path = posixpath.normpath(
                posixpath.join(posixpath.dirname(base + page_path), parts.path)
            )
            path += "/" if parts.path.endswith("/") else ""
        path = unquote(path)
        if not path.startswith(base):
            problem = "escapes the base path " + base
        elif (target := resolve(path[len(base) :])) is None:
            problem = "points to a page that was not built"
        elif (
            (fragment := unquote(parts.fragment)) and target in ids and fragment not in ids[target]
        ):
            problem = f"has no target: no id '{fragment}' in /{target}"
        if problem:
            found.append((page_path, line, href, problem))
    return found


# fmt: off
PIECES = [
    ' href="', " href='", '\nhref="', '\thref="', ' src="', "\nsrc='", ' id="', " id='", '\nid="',
    ' data-href="', ' title="', '"', "'", '"', "'", ">", "<a", "<img", "<p", "</a>", "<loc>",
    "</loc>", "/", "/", "/blog/", "posts/a/", "posts/b/", "index.html", "feed.xml", "../", "./",
    "#", "#", "top", "x", "a b", "?q=1", "%20", "&amp;", "&#35;", "&quot;", "https://example.org",
    "https://example.org/blog/", "https://other.example/", "//example.org/", "mailto:a", "tel:1",
    "HTTP://example.org/", " ", " ", "\n", "\n", "\t", "=", "é", "[", "\r\n",
    # whole attributes, for more links that resolve
    ' href="/posts/a/#x"', ' href="#top"', ' href="/blog/posts/b/"', " href='../index.html#x'",
    ' id="x"', ' src="/feed.xml#x"', ' href="https://example.org/blog/posts/a/#top"',
    ' href="posts/a/"', ' href=" /robots.txt "', ' href="/blog/posts/a/?a=1&amp;b#x"',
    ' href="/a%20b/#top"', ' href="a b/"', ' href="/b%C3%A9/posts/a/"', "/bé/",
]
PATHS = [
    "index.html", "posts/a/index.html", "posts/b/index.html", "feed.xml", "robots.txt",
    "a%20b/index.html",  # a page whose URL unquote changes
]
# fmt: on
ODD = Urls("http://example.org/b%C3%A9/", "/b%C3%A9/")  # a base path unquote changes
markup = st.lists(st.sampled_from(PIECES), max_size=40).map("".join).map(str.encode)
RELAXED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(
    st.lists(markup, min_size=len(PATHS), max_size=len(PATHS)),
    st.sampled_from([ROOT, BLOG, ODD]),
)
def test_random_pages_give_the_errors_of_the_old_check(bodies, urls):
    files = dict(zip(PATHS, bodies, strict=True))
    try:
        expected = old_errors(urls, files)
    except ValueError as exc:  # urlsplit refuses some hosts: the new check must too
        with pytest.raises(type(exc)):
            errors(urls, files)
        return
    checker = LinkChecker(urls)
    for path, data in files.items():
        checker.add(path, data)
    found = checker.check()
    assert [(e.path, e.line, e.message) for e in found] == [
        (f"output/{p}", line, f"broken link {href!r} {problem}")
        for p, line, href, problem in expected
    ]


@RELAXED
@given(markup)
def test_the_fast_readings_are_the_exact_ones_or_none(data):
    fast = _scan_html(data)
    assert fast is None or fast == _scan_exact(data, xml=False)
    assert extract_links("x.html", data) == _scan_exact(data, xml=False)
    fast = _scan_sitemap(data)
    assert fast is None or fast == _scan_exact(data, xml=True)
    assert extract_links("x.xml", data) == _scan_exact(data, xml=True)
