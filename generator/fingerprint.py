"""Stable digests of values: what a page was rendered from, so a rebuild can tell whether
rendering it again would give the same bytes.

Pure. A digest is the same in every process and every run (no ``hash()``, which is salted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Fingerprinter:
    """Digests nested values: str, numbers, None, dates, lists, tuples, dicts with str or int
    keys, sets and dataclasses, by content.

    Containers and scalars are serialised by the json module's C encoder; a dataclass
    instance (a post, a term, a post card shown on many pages) is digested once per build:
    it is remembered by identity, and kept alive so that an identity is never reused while
    the fingerprinter lives. Use one per build and drop it after.
    """

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Any, str]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._encode = json.JSONEncoder(
            default=self._default,
            ensure_ascii=False,
            check_circular=False,
            separators=(",", ":"),
        ).encode

    def digest(self, value: Any) -> str:
        data = self._encode(value).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def _default(self, value: Any) -> Any:
        """Values json has no form for, as tagged strings that begin with a NUL character,
        which no validated field or page value begins with."""
        seen = self._seen.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        kind = type(value)
        if kind is dt.date or kind is dt.datetime:
            return "\0" + kind.__name__ + value.isoformat()
        if isinstance(value, set | frozenset):
            return ["\0set", *sorted(self._encode(item) for item in value)]
        names = self._fields.get(kind)
        if names is None:
            if not dataclasses.is_dataclass(value) or isinstance(value, type):
                raise TypeError(f"cannot fingerprint a {kind.__name__}")
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        encoded = "\0" + kind.__qualname__ + self.digest([getattr(value, n) for n in names])
        self._seen[id(value)] = (value, encoded)
        return encoded
