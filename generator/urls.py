"""The URL scheme: where every page lives, relative to the site root (no leading slash).

Pure string functions; the base path is applied by ``Urls`` at render time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from slugify import slugify as _slugify

TAXONOMIES = ("conditions", "treatments", "tags")


@lru_cache(maxsize=65536)  # called for every tag and term name of every build
def slugify(text: str) -> str:
    """A URL slug: lowercase ASCII and hyphens ('Keratosis pilaris' -> 'keratosis-pilaris')."""
    return _slugify(text)


def post_path(slug: str) -> str:
    return f"posts/{slug}/"


def term_path(taxonomy: str, slug: str, page: int = 1) -> str:
    base = f"{taxonomy}/{slug}/"
    return base if page == 1 else f"{base}page/{page}/"


def term_feed_path(taxonomy: str, slug: str) -> str:
    return f"{taxonomy}/{slug}/feed.xml"


def author_path(author_id: str) -> str:
    return f"authors/{author_id}/"


def home_path(page: int = 1) -> str:
    return "" if page == 1 else f"page/{page}/"


def index_path(taxonomy: str) -> str:
    return f"{taxonomy}/"


def output_file(path: str) -> str:
    """The file a page path is written to: 'posts/x/' -> 'posts/x/index.html'."""
    return path + "index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True, slots=True)
class Urls:
    """Turns site-root paths into URLs that honour the base path of base_url."""

    base_url: str  # absolute, ends with '/'
    base_path: str  # starts and ends with '/'

    def url(self, path: str) -> str:
        """Root-relative URL, e.g. '/blog/posts/x/'."""
        return self.base_path + path.lstrip("/")

    def absolute(self, path: str) -> str:
        return self.base_url + path.lstrip("/")
