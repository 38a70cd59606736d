"""Stable digests of values: what a page was rendered from, so a rebuild can tell whether
rendering it again would give the same bytes.

Pure. A digest is the same in every process and every run (no ``hash()``, which is salted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Fingerprinter:
    """Digests nested values: str, numbers, dates, None, lists, tuples, dicts, sets and
    dataclasses, by type and content.

    Dataclass instances (a post, a term, a post card shown on many pages) are digested once
    per build: they are remembered by identity, and kept alive so that an identity is never
    reused while the fingerprinter lives. Containers are encoded each time, so the
    temporary values of one page are not kept. Use one per build and drop it after.
    """

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def digest(self, value: Any) -> str:
        return hashlib.blake2b(self._encode(value), digest_size=16).hexdigest()

    def _encode(self, value: Any) -> bytes:
        kind = type(value)
        encode = _SCALARS.get(kind)
        if encode is not None:
            return encode(value)
        if isinstance(value, str):  # Markup and other str subclasses
            return _SCALARS[str](value)
        if kind is list or kind is tuple:
            return b"L%d:" % len(value) + b"".join([self._encode(item) for item in value])
        if isinstance(value, dict):
            parts = [self._encode(k) + self._encode(v) for k, v in value.items()]
            return b"D%d:" % len(parts) + b"".join(parts)
        if isinstance(value, set | frozenset):
            parts = sorted(self._encode(item) for item in value)
            return b"S%d:" % len(parts) + b"".join(parts)
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            raise TypeError(f"cannot fingerprint a {kind.__name__}")
        seen = self._seen.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        encoded = b"".join([self._encode(getattr(value, name)) for name in names])
        encoded = (
            b"C" + kind.__qualname__.encode() + hashlib.blake2b(encoded, digest_size=16).digest()
        )
        self._seen[id(value)] = (value, encoded)
        return encoded


def _text(value: str) -> bytes:
    data = value.encode("utf-8", "surrogatepass")
    if len(data) > 256:
        return b"h" + hashlib.blake2b(data, digest_size=16).digest()
    return b"s%d:" % len(data) + data


_SCALARS: dict[type, Callable[[Any], bytes]] = {
    str: _text,
    int: lambda v: b"i%d;" % v,
    float: lambda v: b"f" + repr(v).encode() + b";",
    bool: lambda v: b"T" if v else b"F",
    type(None): lambda v: b"N",
    dt.date: lambda v: b"d" + v.isoformat().encode() + b";",
    dt.datetime: lambda v: b"t" + v.isoformat().encode() + b";",
}
