"""Stable digests of values: what a page was rendered from, so a rebuild can tell whether
rendering it again would give the same bytes.

Pure. A digest is the same in every process and every run (no ``hash()``, which is salted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any, TypeVar

T = TypeVar("T")


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_MISSING = object()


class _TwoBuilds:
    """A dict that keeps what the current build used and what the last one did."""

    def __init__(self) -> None:
        self.current: dict[Any, Any] = {}
        self.previous: dict[Any, Any] = {}

    def rotate(self) -> None:
        self.previous, self.current = self.current, {}

    def get(self, key: Any) -> Any:
        found = self.current.get(key, _MISSING)
        if found is _MISSING:
            found = self.previous.pop(key, _MISSING)
            if found is not _MISSING:
                self.current[key] = found
        return found


class BuildMemo:
    """What a process that builds over and over (the preview server) carries in memory from
    one build to the next, so that what did not change is neither serialised nor digested
    again. Holds what the last two builds used, no more.

    Values are keyed by themselves: equal frozen dataclasses of one class have equal fields,
    and so the same digest and the same rendering.
    """

    def __init__(self) -> None:
        self._digests = _TwoBuilds()  # frozen dataclass -> its encoded digest
        self._values = _TwoBuilds()  # value -> the equal value first seen
        self._pages = _TwoBuilds()  # output path -> (what it was made from, its fingerprint)
        self._unhashable: set[type] = set()

    def next_build(self) -> None:
        """Forget what the build before last used but the last one did not."""
        for generations in (self._digests, self._values, self._pages):
            generations.rotate()

    def _lookup(self, generations: _TwoBuilds, value: Any) -> Any:
        if type(value) in self._unhashable:
            return _MISSING
        try:
            return generations.get(value)
        except TypeError:  # a field holds a list or a dict: no value to key on
            self._unhashable.add(type(value))
            return _MISSING

    def digest_of(self, value: Any) -> str | None:
        found = self._lookup(self._digests, value)
        return None if found is _MISSING else found

    def remember_digest(self, value: Any, encoded: str) -> None:
        if type(value) not in self._unhashable:
            self._digests.current[value] = encoded

    def intern(self, value: T) -> T:
        """An equal value seen before, if any, else ``value``: with unchanged values shared
        between builds, comparing what a page is made from is mostly identity checks."""
        found = self._lookup(self._values, value)
        if found is _MISSING:
            if type(value) not in self._unhashable:
                self._values.current[value] = value
            return value
        return found

    def fingerprint_of(self, path: str, made_of: tuple[Any, ...]) -> str | None:
        """The fingerprint of ``path`` when it was last made from values equal to these."""
        found = self._pages.get(path)
        if found is _MISSING or found[0] != made_of:
            return None
        return found[1]

    def remember_fingerprint(self, path: str, made_of: tuple[Any, ...], fingerprint: str) -> None:
        self._pages.current[path] = (made_of, fingerprint)


class Fingerprinter:
    """Digests nested values: str, numbers, None, dates, lists, tuples, dicts with str or int
    keys, sets and dataclasses, by content.

    Containers and scalars are serialised by the json module's C encoder; a dataclass
    instance (a post, a term, a post card shown on many pages) is digested once per build:
    it is remembered by identity, and kept alive so that an identity is never reused while
    the fingerprinter lives. Use one per build and drop it after. With a ``memo`` it also
    looks frozen dataclasses up by value among those of earlier builds.
    """

    def __init__(self, memo: BuildMemo | None = None) -> None:
        self._memo = memo
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

    def digest_for(self, path: str, made_of: tuple[Any, ...]) -> str:
        """The digest of ``made_of``, what the output file ``path`` is made from; with a memo
        that saw an equal recipe for it in the last build, that build's, without serialising
        it again."""
        memo = self._memo
        if memo is not None:
            found = memo.fingerprint_of(path, made_of)
            if found is not None:
                return found
        key = self.digest(made_of)
        if memo is not None:
            memo.remember_fingerprint(path, made_of, key)
        return key

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
        memo = self._memo
        encoded = memo.digest_of(value) if memo is not None else None
        if encoded is None:
            encoded = "\0" + kind.__qualname__ + self.digest([getattr(value, n) for n in names])
            if memo is not None:
                memo.remember_digest(value, encoded)
        self._seen[id(value)] = (value, encoded)
        return encoded
