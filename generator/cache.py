"""The persistent build cache: what earlier builds computed, kept in ``<site>/.dermsite-cache/``
so that a rebuild redoes only what changed. It holds data and never runs code.

One SQLite file per site, of rows (namespace, key, digest, value). A value is MessagePack,
decoded by msgspec into the one type its reader names (the project's frozen dataclasses,
strings, numbers, tuples; frontmatter models are validated again by pydantic): nothing in
the file can name a class or a function to call. The file is stamped with the cache format,
dermsite's version, Python's version and a digest of the generator package. A cache that
is stamped otherwise, or that fails in any way while a build reads or writes it (damaged,
malformed, locked, read-only, full), is not used past that point: the build goes on with
what it has in memory, says so in one note, and writes the cache anew when it can.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import secrets
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from pydantic import BaseModel

from generator import __version__
from generator.fingerprint import BuildMemo
from generator.models import AuthorMeta, PostMeta, TermMeta

CACHE_DIR = ".dermsite-cache"
FORMAT = 2  # 1: pickled values; 2: MessagePack values (SQLite's user_version)
BUSY_TIMEOUT = 5.0  # seconds to wait for another process's write to end
T = TypeVar("T")

# The only models a value may hold, by name; each is validated again when read.
MODELS: dict[str, type[BaseModel]] = {m.__name__: m for m in (PostMeta, TermMeta, AuthorMeta)}


class CacheCorrupt(Exception):
    """A cache value failed its digest check or does not decode into its type."""


# What reading or writing the file may raise: SQLite's errors, the OS's, and what a damaged
# file gives the sqlite3 module (text that is not UTF-8 raises UnicodeDecodeError).
_FAILURES = (sqlite3.Error, OSError, ValueError, OverflowError, MemoryError, CacheCorrupt)


@dataclass(frozen=True, slots=True)
class Stamp:
    """What wrote a cache. A cache with another stamp is thrown away."""

    format: int
    dermsite: str
    python: str
    code: str  # digest of the generator package's files (code and lint rules)


def code_stamp() -> str:
    """A digest of every file of the generator package (so an upgrade, or an edit in a
    checkout, is a different stamp)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.implementation.cache_tag}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def current_stamp() -> Stamp:
    return Stamp(FORMAT, __version__, sys.version, code_stamp())


class BuildCache:
    """Typed key-value store of a site's build state, mirrored in memory.

    Never raises for a cache problem: the first one is kept in ``problem``, and from then on
    the cache lives in memory only, until ``repair`` writes it to a new file.
    """

    def __init__(self, path: Path):
        self.path = path
        self.problem = ""  # the first error this cache met, for the build's note
        self.notice = ""  # why an existing cache was thrown away when it was opened
        self.stamp: Stamp | None = None
        # in memory only: helps a process that keeps the cache open across builds
        self.memo = BuildMemo()
        self._mirror: dict[str, dict[str, Any]] = {}  # whole namespaces, once read
        self._singles: dict[tuple[str, str], Any] = {}  # values read or written one by one
        self._locked = False
        self.db: sqlite3.Connection | None = None

    @classmethod
    def open(cls, site_dir: Path) -> tuple[BuildCache, str]:
        """The site's cache, and a notice when an existing cache was thrown away or none
        can be kept (then the cache lives in memory for this build)."""
        cache = cls(site_dir / CACHE_DIR / "build.sqlite")
        cache._connect()
        return cache, cache.note()

    def note(self) -> str:
        """One line on what went wrong with the cache, or ''."""
        if self.problem and self.notice:
            return f"{self.notice}, and a new one failed ({self.problem}); built without it"
        if self.problem:
            return f"the build cache failed ({self.problem}); this build ran without it"
        return (self.notice + "; building clean") if self.notice else ""

    @property
    def failed(self) -> bool:
        return bool(self.problem)

    # -- the file --------------------------------------------------------------------

    def _connect(self) -> None:
        stamp = current_stamp()
        try:
            if _exists(self.path):
                try:
                    self.db = _connect(self.path)
                    found = self._read_stamp()
                except _FAILURES as exc:
                    if _is_lock(exc):
                        raise
                    self.notice = f"the build cache is unreadable ({_one_line(exc)})"
                else:
                    if found == stamp:
                        self.stamp = stamp
                        return
                    self.notice = "the build cache is from another dermsite or Python version"
                self._drop_file()
            self._create(stamp)
        except _FAILURES as exc:
            self._fail(exc)

    def _read_stamp(self) -> Stamp | None:
        assert self.db is not None
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version != FORMAT:
            return None
        (check,) = self.db.execute("PRAGMA quick_check(1)").fetchone()
        if check != "ok":
            raise CacheCorrupt(check)
        row = self.db.execute("SELECT digest, value FROM kv WHERE ns='meta' AND key='stamp'")
        found = row.fetchone()
        return None if found is None else _decode("meta", "stamp", *found, Stamp)

    def _create(self, stamp: Stamp) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = _connect(self.path)
        with self.db:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS kv (ns TEXT, key TEXT, digest TEXT, value BLOB,"
                " PRIMARY KEY (ns, key)) WITHOUT ROWID"
            )
            self.db.execute(f"PRAGMA user_version={FORMAT}")
        self._write([("meta", "stamp", _encode("meta", "stamp", stamp))])
        self.stamp = stamp

    def _drop_file(self) -> None:
        if self.db is not None:
            with contextlib.suppress(*_FAILURES):
                self.db.close()
            self.db = None
        remove(self.path)

    def _fail(self, exc: BaseException) -> None:
        """Stop using the file: keep going in memory, and say why once."""
        if not self.problem:
            self.problem = _one_line(exc)
        self._locked = self._locked or _is_lock(exc)
        if self.db is not None:
            with contextlib.suppress(*_FAILURES):
                self.db.close()
            self.db = None

    def repair(self) -> bool:
        """After a failure, write what this process knows to the cache file again: over the
        old rows when the file was locked, else to a new file. Whether it is written."""
        if not self.failed:
            return True
        stamp = current_stamp()
        rows = [("meta", "stamp", _encode("meta", "stamp", stamp))]
        known = [(ns, key, v) for ns, values in self._mirror.items() for key, v in values.items()]
        known += [(ns, key, v) for (ns, key), v in self._singles.items() if ns not in self._mirror]
        for ns, key, value in known:
            if (ns, key) != ("meta", "stamp") and value is not None:
                with contextlib.suppress(CacheCorrupt):
                    rows.append((ns, key, _encode(ns, key, value)))
        try:
            if self._locked:  # the file is sound, another process held it: replace ours only
                self.db = _connect(self.path)
                with self.db:
                    if self._read_stamp() == stamp:
                        self.db.executemany(
                            "DELETE FROM kv WHERE ns=?", ((ns,) for ns in self._mirror)
                        )
                    else:  # written by other code, or never read: none of it is kept
                        self.db.execute("DELETE FROM kv")
                        self.db.execute(f"PRAGMA user_version={FORMAT}")
                    self._insert(rows)
            else:  # damaged, or never made: a new file
                remove(self.path)
                self._create(stamp)
                self._write(rows)
        except _FAILURES as exc:
            if self.db is not None:
                with contextlib.suppress(*_FAILURES):
                    self.db.close()
                self.db = None
            self._locked = _is_lock(exc)
            return False
        self.stamp, self.problem, self.notice, self._locked = stamp, "", "", False
        return True

    # -- values ----------------------------------------------------------------------

    @staticmethod
    def output_ns(out_dir: Path) -> str:
        """The namespace of an output folder's manifest."""
        return "out:" + str(out_dir)

    def forget_output(self, out_dir: Path) -> None:
        """Drop an output folder's manifest (a preview server's folder, when it closes)."""
        self.clear(self.output_ns(out_dir))
        self.delete_many("meta", ["output:" + str(out_dir)])

    def get(self, ns: str, key: str, kind: type[T]) -> T | None:
        """The value of ``ns``/``key`` as a ``kind``; None when there is none or it is bad."""
        if ns in self._mirror:
            return self._mirror[ns].get(key)
        if (ns, key) in self._singles:
            return self._singles[ns, key]
        value = None
        if self.db is not None:
            try:
                found = self.db.execute(
                    "SELECT digest, value FROM kv WHERE ns=? AND key=?", (ns, key)
                ).fetchone()
                if found is not None:
                    value = _decode(ns, key, *found, kind)
            except _FAILURES as exc:
                self._fail(exc)
        self._singles[ns, key] = value
        return value

    def get_many(self, ns: str, kind: type[T]) -> dict[str, T]:
        """Every value of ``ns`` by key, each a ``kind``. They stay in memory after the first
        read, so a process that builds again (the preview server) does not read them again."""
        mirror = self._mirror.get(ns)
        if mirror is None:
            mirror = {}
            if self.db is not None:
                try:
                    rows = self.db.execute(
                        "SELECT key, digest, value FROM kv WHERE ns=?", (ns,)
                    ).fetchall()
                    decoder = _decoder(kind)
                    for key, digest, data in rows:
                        mirror[key] = _decode(ns, key, digest, data, kind, decoder)
                except _FAILURES as exc:
                    self._fail(exc)
                    mirror = {}  # what was read before the bad value is dropped too
            self._mirror[ns] = mirror
        return dict(mirror)

    def put(self, ns: str, key: str, value: Any) -> None:
        self.put_many(ns, [(key, value)])

    def put_many(self, ns: str, items: Iterable[tuple[str, Any]]) -> None:
        """Keep each value; one that cannot be written as data is dropped (its key deleted),
        so that the next build computes it again."""
        items = list(items)
        values = self._mirror.get(ns)
        for key, value in items:
            if values is not None:
                values[key] = value
            else:
                self._singles[ns, key] = value
        if self.db is None or not items:
            return  # repair() leaves out what cannot be encoded
        dropped: list[str] = []

        def rows() -> Iterator[tuple[str, str, str, bytes]]:  # encoded one by one, not all held
            for key, value in items:
                try:
                    digest, data = _encode(ns, key, value)
                except CacheCorrupt:
                    dropped.append(key)
                    continue
                yield ns, key, digest, data

        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?)", rows())
        except _FAILURES as exc:
            self._fail(exc)
        if dropped:
            self.delete_many(ns, dropped)

    def replace_all(self, ns: str, items: Iterable[tuple[str, Any]]) -> None:
        """Make ``items`` the whole content of ``ns``."""
        self.clear(ns)
        self.put_many(ns, items)

    def delete_many(self, ns: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        for key in keys:
            self._mirror.get(ns, {}).pop(key, None)
            self._singles.pop((ns, key), None)
        if self.db is not None:
            try:
                with self.db:
                    self.db.executemany(
                        "DELETE FROM kv WHERE ns=? AND key=?", ((ns, k) for k in keys)
                    )
            except _FAILURES as exc:
                self._fail(exc)

    def clear(self, ns: str) -> None:
        self._mirror[ns] = {}
        for single in [s for s in self._singles if s[0] == ns]:
            del self._singles[single]
        if self.db is not None:
            try:
                with self.db:
                    self.db.execute("DELETE FROM kv WHERE ns=?", (ns,))
            except _FAILURES as exc:
                self._fail(exc)

    def current(self) -> bool:
        """Whether the code that wrote this cache is the code running now (a preview server
        keeps its cache open while the lint rules may be edited)."""
        return self.stamp == current_stamp()

    def reset(self) -> None:
        """Forget everything: the code changed."""
        self._mirror, self._singles = {}, {}
        stamp = current_stamp()
        self.stamp = stamp
        if self.db is not None:
            try:
                with self.db:
                    self.db.execute("DELETE FROM kv")
                    self._insert([("meta", "stamp", _encode("meta", "stamp", stamp))])
            except _FAILURES as exc:
                self._fail(exc)

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(*_FAILURES):
                self.db.close()
            self.db = None

    def _write(self, rows: list[tuple[str, str, tuple[str, bytes]]]) -> None:
        assert self.db is not None
        with self.db:
            self._insert(rows)

    def _insert(self, rows: list[tuple[str, str, tuple[str, bytes]]]) -> None:
        assert self.db is not None
        self.db.executemany(
            "INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?)",
            ((ns, key, digest, data) for ns, key, (digest, data) in rows),
        )


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _exists(path: Path) -> bool:
    try:
        return path.exists() or Path(str(path) + "-wal").exists()
    except OSError:
        return True  # cannot tell: let connecting say why


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).replace("*", " ").split()) or type(exc).__name__


def _is_lock(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


# -- values as data ------------------------------------------------------------------------


def _enc_hook(value: Any) -> Any:
    if isinstance(value, BaseModel) and MODELS.get(type(value).__name__) is type(value):
        fields = value.model_dump(mode="json", exclude_unset=True)
        return {"model": type(value).__name__, "fields": fields}
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(f"a {type(value).__name__} is not kept in the build cache")


def _dec_hook(kind: type, value: Any) -> Any:
    if kind is Path and isinstance(value, str):
        return Path(value)
    if kind is BaseModel and isinstance(value, dict):
        model = MODELS.get(value.get("model"))
        fields = value.get("fields")
        if model is not None and isinstance(fields, dict):
            return model.model_validate(fields)  # a ValidationError is a ValueError
    raise TypeError(f"expected {kind.__name__}")


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_enc_hook)
_DECODERS: dict[Any, msgspec.msgpack.Decoder] = {}


def _decoder(kind: Any) -> msgspec.msgpack.Decoder:
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.msgpack.Decoder(kind, dec_hook=_dec_hook)
    return decoder


def _digest(ns: str, key: str, data: bytes) -> str:
    digest = hashlib.blake2b(f"{ns}\0{key}\0".encode(), digest_size=16, key=_secret())
    digest.update(data)
    return digest.hexdigest()


@functools.cache
def _secret() -> bytes:
    """The key every cache value's digest is made with: this user's, kept outside the site.

    A cache file that comes with the site (committed, or from a pull request built on a
    deploy preview) was not made with it, so its values fail their digests and the build
    runs clean: a crafted cache can neither run code nor claim a post has no lint findings.
    Where no key can be kept, each process makes its own (the cache then lives one process).
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "dermsite" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
    except FileExistsError:  # another build made it first, or it is damaged: use what is there
        with contextlib.suppress(OSError):
            key = path.read_bytes()[:32].ljust(32, b"\0")
    except OSError:
        pass  # this process's key only
    return key


def _encode(ns: str, key: str, value: Any) -> tuple[str, bytes]:
    try:
        data = _ENCODER.encode(value)
    except (TypeError, ValueError, OverflowError, RecursionError, NotImplementedError) as exc:
        raise CacheCorrupt(f"{ns} {key}: {exc}") from None
    return _digest(ns, key, data), data


def _decode(
    ns: str,
    key: str,
    digest: Any,
    data: Any,
    kind: Any,
    decoder: msgspec.msgpack.Decoder | None = None,
) -> Any:
    if not isinstance(data, bytes) or digest != _digest(ns, key, data):
        raise CacheCorrupt("a value does not match its digest")
    try:
        return (decoder or _decoder(kind)).decode(data)
    except (msgspec.MsgspecError, ValueError, TypeError, RecursionError) as exc:
        raise CacheCorrupt(f"a value does not decode: {exc}") from None


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()
