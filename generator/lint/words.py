"""Words of one sentence: tokens with offsets, and the quantities they spell (mm, %).

Pure string work; knows nothing of Markdown, rules or grammar.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Letters with inner apostrophes ("don't", "you'll"), numbers with one decimal
# separator ("1.5", "1,5"), and the punctuation that bounds clauses.
_TOKEN = re.compile(
    r"(\d+(?:[.,]\d+)?)"
    r"|([^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(%)"
    r"|([;:,.!?()\[\]\"“”«»—–]|(?<=\s)-(?=\s)|--)"
)


class Token(NamedTuple):
    """One token of a sentence; ``start``/``end`` are offsets in the sentence text."""

    kind: str  # "word", "num", "pct" or "punct"
    text: str
    norm: str  # lower case, curly apostrophe straightened; "—" for every dash
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split a sentence into tokens; characters outside any token (spaces, '-', '/') are dropped."""
    tokens = []
    pos = 0
    find = text.find
    # findall (in C) then one str.find per token is several times faster than finditer.
    for num, word, pct, punct in _TOKEN.findall(text):
        if word:
            kind, raw, norm = "word", word, word.lower().replace("’", "'")
        elif num:
            kind, raw, norm = "num", num, num
        elif pct:
            kind, raw, norm = "pct", pct, pct
        else:
            kind, raw = "punct", punct
            norm = "—" if punct in _DASHES else punct
        start = find(raw, pos)
        pos = start + len(raw)
        tokens.append(Token(kind, raw, norm, start, pos))
    return tokens


_DASHES = frozenset({"-", "–", "—", "--"})


# _TOKEN for lower-case ASCII text, as one group: findall then returns the tokens
# themselves, already normalised but for dashes, without a Python step per token.
_ASCII_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)?"
    r"|[a-z]+(?:'[a-z]+)*"
    r"|%"
    r"|[;:,.!?()\[\]\"]|(?<=\s)-(?=\s)|--"
)


def token_norms(text: str) -> list[str]:
    """Just the ``norm`` of every token of ``tokenize(text)``: the cheap form the grammar reads."""
    if text.isascii():
        # ASCII lowers letter by letter, so lowering first leaves every token's bounds alone.
        norms = _ASCII_TOKEN.findall(text.lower())
        if "-" in text:
            norms = ["—" if norm in _DASHES else norm for norm in norms]
        return norms
    return [
        word.lower().replace("’", "'") if word else
        num or pct or ("—" if punct in _DASHES else punct)
        for num, word, pct, punct in _TOKEN.findall(text)
    ]


def number_value(text: str) -> float:
    """'1.5' → 1.5, '1,5' → 1.5, '1,000' → 1000.0 (a comma before exactly three digits groups)."""
    if "," in text:
        whole, frac = text.split(",", 1)
        text = whole + frac if len(frac) == 3 else f"{whole}.{frac}"
    return float(text)


_MM_PER_UNIT = {
    "mm": 1.0,
    "millimetre": 1.0,
    "millimetres": 1.0,
    "millimeter": 1.0,
    "millimeters": 1.0,
    "cm": 10.0,
    "centimetre": 10.0,
    "centimetres": 10.0,
    "centimeter": 10.0,
    "centimeters": 10.0,
    "µm": 0.001,
    "μm": 0.001,
    "um": 0.001,
    "micron": 0.001,
    "microns": 0.001,
    "micrometre": 0.001,
    "micrometres": 0.001,
    "micrometer": 0.001,
    "micrometers": 0.001,
}
_RANGE_WORDS = {"to", "or", "and", "—"}
_PERCENT_WORDS = {"percent", "pc"}


def lengths_mm(tokens: list[Token]) -> list[tuple[int, float]]:
    """Every length written in ``tokens``, as (token index of the number, millimetres).

    A range or list shares its unit: "0.5 to 1.5 mm" gives both numbers in mm.
    """
    found: list[tuple[int, float]] = []
    pending: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "num":
            pending.append(i)
            continue
        if tok.norm in _MM_PER_UNIT and pending:
            scale = _MM_PER_UNIT[tok.norm]
            found.extend((j, number_value(tokens[j].text) * scale) for j in pending)
            pending = []
        elif not (pending and tok.norm in _RANGE_WORDS):
            pending = []
    return found


def percents(tokens: list[Token]) -> list[tuple[int, float]]:
    """Every percentage in ``tokens`` ("30%", "30 %", "30 percent", "30 per cent")."""
    found = []
    for i, tok in enumerate(tokens):
        if tok.kind != "num" or i + 1 >= len(tokens):
            continue
        nxt = tokens[i + 1].norm
        if nxt == "%" or nxt in _PERCENT_WORDS or (
            nxt == "per" and i + 2 < len(tokens) and tokens[i + 2].norm == "cent"
        ):
            found.append((i, number_value(tok.text)))
    return found
