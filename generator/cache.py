"""The persistent build cache: what earlier builds computed, kept in ``<site>/.dermsite-cache/``
so that a rebuild redoes only what changed.

One SQLite file per site. It holds values by namespace and key: what each content file
gave (parsed frontmatter, lint findings) by path and digest, rendered-body facts, and for
each output folder its manifest (each file's fingerprint, size, time and links). Every
value carries its own digest, and the file is stamped with the dermsite code, the Python
version and the cache format: a cache that is truncated, corrupt or stamped otherwise is
deleted, never trusted, and the build runs clean and says why.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generator.fingerprint import BuildMemo, digest_bytes

CACHE_DIR = ".dermsite-cache"
FORMAT = 1


class CacheCorrupt(Exception):
    """A cache value failed its digest check or could not be read."""


def code_stamp() -> str:
    """Identifies the code that wrote a cache: the cache format, Python, and every file of
    the generator package (so an upgrade, or an edit in a checkout, is a different stamp)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{sys.version}\0{sys.implementation.cache_tag}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


class BuildCache:
    """Key-value store of one output folder's build state. Reads that fail raise CacheCorrupt."""

    def __init__(self, path: Path):
        self.path = path
        self._mirror: dict[str, dict[str, Any]] = {}
        # in memory only: helps a process that keeps the cache open across builds
        self.memo = BuildMemo()
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS kv (ns TEXT, key TEXT, digest TEXT, value BLOB,"
            " PRIMARY KEY (ns, key)) WITHOUT ROWID"
        )

    @classmethod
    def open(cls, site_dir: Path) -> tuple[BuildCache | None, str]:
        """The site's cache, and a notice when an existing cache was thrown away.

        Returns (None, reason) when no cache can be kept at all (a read-only site folder)."""
        folder = site_dir / CACHE_DIR
        path = folder / "build.sqlite"
        notice = ""
        if path.exists():
            try:
                cache = cls(path)
                stamp = cache.get("meta", "stamp")
                if stamp == code_stamp():
                    return cache, ""
                cache.close()
                notice = "the build cache is from another dermsite or Python version"
            except (CacheCorrupt, sqlite3.DatabaseError) as exc:
                notice = f"the build cache is unreadable ({exc})"
            remove(path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            cache = cls(path)
            cache.put("meta", "stamp", code_stamp())
        except (OSError, sqlite3.Error) as exc:
            return None, f"no build cache: {exc}"
        return cache, (notice + "; building clean") if notice else ""

    @staticmethod
    def output_ns(out_dir: Path) -> str:
        """The namespace of an output folder's manifest."""
        return "out:" + str(out_dir)

    def forget_output(self, out_dir: Path) -> None:
        """Drop an output folder's manifest (a preview server's folder, when it closes)."""
        self.clear(self.output_ns(out_dir))
        self.delete_many("meta", ["output:" + str(out_dir)])

    # -- values ----------------------------------------------------------------------

    def get(self, ns: str, key: str) -> Any:
        if ns in self._mirror:
            return self._mirror[ns].get(key)
        row = self._query("SELECT digest, value FROM kv WHERE ns=? AND key=?", (ns, key))
        found = next(row, None)
        return None if found is None else _load(*found)

    def get_many(self, ns: str) -> dict[str, Any]:
        """Every value of ``ns`` by key. They stay in memory after the first read, so a
        process that builds again (the preview server) does not read them again."""
        mirror = self._mirror.get(ns)
        if mirror is None:
            rows = self._query("SELECT key, digest, value FROM kv WHERE ns=?", (ns,))
            mirror = self._mirror[ns] = {key: _load(digest, value) for key, digest, value in rows}
        return dict(mirror)

    def put(self, ns: str, key: str, value: Any) -> None:
        self.put_many(ns, [(key, value)])

    def put_many(self, ns: str, items: Iterable[tuple[str, Any]]) -> None:
        items = list(items)
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?)",
                ((ns, key, *_dump(value)) for key, value in items),
            )
        if ns in self._mirror:
            self._mirror[ns].update(items)

    def replace_all(self, ns: str, items: Iterable[tuple[str, Any]]) -> None:
        """Make ``items`` the whole content of ``ns``."""
        self.clear(ns)
        self.put_many(ns, items)

    def delete_many(self, ns: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            with self.transaction():
                self.db.executemany("DELETE FROM kv WHERE ns=? AND key=?", ((ns, k) for k in keys))
            for key in keys:
                self._mirror.get(ns, {}).pop(key, None)

    def clear(self, ns: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM kv WHERE ns=?", (ns,))
        self._mirror[ns] = {}

    def current(self) -> bool:
        """Whether the code that wrote this cache is the code running now (a preview server
        keeps its cache open while the lint rules may be edited)."""
        return self.get("meta", "stamp") == code_stamp()

    def reset(self) -> None:
        """Forget everything: the code changed."""
        with self.transaction():
            self.db.execute("DELETE FROM kv")
        self._mirror = {}
        self.put("meta", "stamp", code_stamp())

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def _query(self, sql: str, args: tuple) -> Iterator[tuple]:
        try:
            return iter(self.db.execute(sql, args).fetchall())
        except sqlite3.DatabaseError as exc:
            raise CacheCorrupt(str(exc)) from None


def _dump(value: Any) -> tuple[str, bytes]:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return digest_bytes(data), data


def _load(digest: str, data: bytes) -> Any:
    if digest_bytes(data) != digest:
        raise CacheCorrupt("a value does not match its digest")
    try:
        return pickle.loads(data)
    except Exception as exc:  # a value pickled by other code; the stamp should have caught it
        raise CacheCorrupt(f"a value cannot be read: {exc}") from None


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()
