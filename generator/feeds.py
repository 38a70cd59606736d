"""Machine-readable files: Atom feeds, sitemap.xml and robots.txt.

Pure: values in, bytes out. Dates come from the content, never the clock, so builds repeat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from xml.etree import ElementTree as ET

from generator.content import Author, Post
from generator.urls import Urls

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(
    urls: Urls,
    *,
    title: str,
    path: str,
    feed_path: str,
    posts: Sequence[Post],
    authors: Mapping[str, Author],
    language: str,
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": language})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urls.absolute(feed_path)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": urls.absolute(feed_path)})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": urls.absolute(path)})
    newest = max((p.modified for p in posts), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    for post in posts:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = post.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = urls.absolute(post.path)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": urls.absolute(post.path)})
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(post.published)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(post.modified)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = authors[post.author].name
        ET.SubElement(author, f"{{{ATOM}}}uri").text = urls.absolute(authors[post.author].path)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = post.description
    ET.indent(feed)
    return _xml(feed)


def sitemap(urls: Urls, entries: Sequence[tuple[str, dt.date | None]]) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, modified in entries:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = urls.absolute(path)
        if modified:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.isoformat()
    ET.indent(root)
    return _xml(root)


def _xml(root: ET.Element) -> bytes:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def robots_txt(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n".encode()
