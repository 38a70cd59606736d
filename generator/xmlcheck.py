"""The build's self-check of the XML it writes: every feed and the sitemap must parse.

Pure: takes an output path and its bytes, returns a SiteError or None; reads no files.
"""

from __future__ import annotations

import unicodedata
from xml.parsers import expat

from generator.errors import SiteError


def xml_error(path: str, data: bytes) -> SiteError | None:
    """Why the output file ``path`` (relative to the output folder) is not well-formed XML,
    at its line and column; None when it is, or when it is not an XML file."""
    if not path.endswith(".xml"):
        return None
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        line, column = exc.lineno, exc.offset + 1
        what = _character_at(data, line, exc.offset)
        return SiteError(
            f"output/{path}",
            line,
            column,
            f"the build wrote {path} as XML that does not parse ({what}); it was not published",
            "the text comes from your settings and frontmatter (titles, descriptions, author "
            "names): retype the text shown on this line; if it looks right, it is a bug in "
            "dermsite",
        )
    return None


def _character_at(data: bytes, line: int, offset: int) -> str:
    """What stands at the error: a character XML cannot hold, or a broken tag."""
    lines = data.split(b"\n")
    text = lines[line - 1].decode("utf-8", "replace") if 0 < line <= len(lines) else ""
    # expat counts bytes; find the first character XML refuses on the line
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\r\n":
            return f"a control character U+{ord(char):04X}"
        if char in "\ufffe\uffff":
            return f"the non-character U+{ord(char):04X}"
    return f"broken markup at column {offset + 1}"
