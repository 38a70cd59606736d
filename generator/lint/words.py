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
    tokens = spelled_numbers(tokens)
    for i, tok in enumerate(tokens):
        if tok.kind == "num":
            pending.append(i)
            continue
        if tok.norm == _SPELLED:
            continue  # the rest of "three quarters of a"
        if tok.norm in _MM_PER_UNIT and pending:
            scale = _MM_PER_UNIT[tok.norm]
            found.extend((j, number_value(tokens[j].text) * scale) for j in pending)
            pending = []
        elif not (pending and tok.norm in _RANGE_WORDS):
            pending = []
    return found


_UNITS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90, "hundred": 100}
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
_SPELLED = "~"  # the norm of a word that belongs to the spelled number before it


def spelled_numbers(tokens: list[Token]) -> list[Token]:
    """``tokens`` with numbers in words read as numbers, token for token: "thirty percent",
    "three-quarters of a millimetre", "half a millimetre", "a millimetre"."""
    if not any(t.kind == "word" and (t.norm in _UNITS or t.norm in _TENS or t.norm in _FRACTIONS
                                     or t.norm in ("a", "an")) for t in tokens):
        return tokens
    out = list(tokens)
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        norm = t.norm if t.kind == "word" else ""
        value: float | None = None
        j = i + 1
        if norm in _TENS or norm in _UNITS:
            value = _TENS.get(norm, _UNITS.get(norm))
            unit = _UNITS.get(tokens[j].norm, 0) if j < n else 0
            if norm in _TENS and 0 < unit < 10:
                value += unit
                j += 1
            if j < n and tokens[j].norm in _FRACTIONS and tokens[j].norm != "half":
                value *= _FRACTIONS[tokens[j].norm]
                j += 1
        elif norm in _FRACTIONS or norm in ("a", "an"):
            value = _FRACTIONS.get(norm, 1.0)
        if value is None:
            i += 1
            continue
        while j < n and tokens[j].norm in ("of", "a", "an") and value is not None:
            j += 1
        if norm in ("a", "an") and not (j < n and tokens[j].norm in _MM_PER_UNIT):
            i += 1
            continue  # only "a millimetre" is a number; "a roller" is not
        out[i] = Token("num", repr(float(value)), repr(float(value)), t.start, t.end)
        for k in range(i + 1, j):
            out[k] = tokens[k]._replace(kind="punct", norm=_SPELLED)
        i = j
    return out


def percents(tokens: list[Token]) -> list[tuple[int, float]]:
    """Every percentage in ``tokens`` ("30%", "30 %", "30 percent", "30 per cent")."""
    found = []
    tokens = spelled_numbers(tokens)
    for i, tok in enumerate(tokens):
        if tok.kind != "num" or i + 1 >= len(tokens):
            continue
        nxt = tokens[i + 1].norm
        if nxt == "%" or nxt in _PERCENT_WORDS or (
            nxt == "per" and i + 2 < len(tokens) and tokens[i + 2].norm == "cent"
        ):
            found.append((i, number_value(tok.text)))
    return found


_IRREGULAR = {"took": "take", "stuck": "stick", "dug": "dig", "held": "hold", "made": "make",
              "got": "get", "tore": "tear", "froze": "freeze", "burnt": "burn", "broke": "break",
              "ran": "run", "bit": "bite", "wound": "wind", "slit": "slit", "cut": "cut",
              "put": "put", "shaved": "shave"}


def base_forms(word: str) -> tuple[str, ...]:
    """Possible base forms of a finite verb: "pushes" → push, "popped" → pop, "tied" → tie."""
    if word in _IRREGULAR:
        return (_IRREGULAR[word],)
    out = []
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    if word.endswith("ed"):
        out += [word[:-2], word[:-1]]
        if len(word) > 4 and word[-3] == word[-4]:
            out.append(word[:-3])  # "popped"
        if word.endswith("ied"):
            out.append(word[:-3] + "y")
    return tuple(b for b in out if len(b) > 1)
