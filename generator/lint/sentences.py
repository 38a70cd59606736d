"""Split the plain text of one block into sentences, as character spans.

Knows abbreviations, decimals and soft line breaks; nothing about rules or Markdown.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset("""
dr mr mrs ms st vs etc e.g eg i.e ie approx no fig inc ltd jr sr prof ca cf al min max hr hrs
mins sec a.m p.m u.s u.k dept est vol
""".split())
_NEXT = re.compile(r"\s*(\S)")
_END = re.compile(r"[.!?…]+[\"'”’)\]*_]*")
# A soft break ends a sentence when the line looked like a title ("How to do it")
# and the next line starts a new one; these words never end a title line.
_CONTINUES = frozenset("""
a an the with to and or of your for in on at by from into onto as that this these is are was be
than then but so if when while use using my our their its
""".split())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences in ``text``, leading/trailing spaces excluded.

    Line breaks in ``text`` are soft breaks of the source: a sentence may run across them.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if end < n and not text[end].isspace():
            continue  # "1.5mm", "e.g.x", "milia.Next" without a space
        if text[m.start()] == "." and len(m.group().rstrip("\"'”’)]*_")) == 1:
            word = text[max(start, m.start() - 12):m.start()].rsplit(None, 1)
            word = word[-1].lstrip("(\"'“‘") if word else ""
            if word and (word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())):
                continue
        nxt = _NEXT.match(text, end)
        if nxt and nxt.group(1).islower():
            continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, n)
    return _split_titles(text, spans)


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        spans.append((start, start + len(stripped)))


def _split_titles(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split at a line break after a title-like line: no end punctuation, next line capitalised."""
    if "\n" not in text:
        return spans
    out: list[tuple[int, int]] = []
    for start, end in spans:
        cut = start
        pos = text.find("\n", start, end)
        while pos != -1:
            before = text[cut:pos].rstrip()
            after = text[pos + 1:end].lstrip()
            last = before.rsplit(None, 1)[-1].lower() if before.split() else ""
            if (before and after and after[0].isupper() and not after.startswith("I ")
                    and before[-1] not in ".,;:!?-–—(" and last not in _CONTINUES):
                _add(out, text, cut, pos)
                cut = pos + 1
            pos = text.find("\n", pos + 1, end)
        _add(out, text, cut, end)
    return out
