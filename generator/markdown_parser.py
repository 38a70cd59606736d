"""The one markdown-it configuration: the renderer and the safety lint both parse with it.

CommonMark with raw HTML, tables, strikethrough, GitHub alerts and footnotes. Holds no
rendering rules (those are ``markdown.py``'s) and no lint logic (``lint/blocks.py``).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin


def make_parser() -> MarkdownIt:
    """A new parser with the site's Markdown: the same block structure for every reader."""
    md = MarkdownIt(
        "commonmark", {"alerts": True, "html": True, "typographer": False, "xhtmlOut": False}
    )
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    return md
