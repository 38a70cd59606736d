"""The build cache is data: a crafted file never runs code, and no cache failure (damaged,
malformed, locked, unwritable, full) fails a build or makes its output differ from a build
without the cache. Each failure is one ``note:`` line, and the cache is written anew."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

import generator.cache as cache_module
from conftest import ROOT, run_cli, tree_digest
from generator.build import BuildOptions, SourceRecord, analyze_source, build_site
from generator.cache import CACHE_DIR, BuildCache
from generator.content import read_sources
from generator.serve.builds import Builder

TODAY = dt.date(2026, 11, 23)
POST = "content/posts/kp-care.md"


def build(site: Path, **options: object):
    return build_site(site, BuildOptions(today=TODAY, **options))


def clean_build(site: Path, out: Path, **options: object) -> dict[str, str]:
    """The output of a build of ``site`` without any cache, into ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    build(site, out=out, cache=False, **options)
    return tree_digest(out)


def edit(site: Path, words: str) -> None:
    post = site / POST
    post.write_text(post.read_text(encoding="utf-8") + f"\n{words}\n", "utf-8")


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("note:")]


class _System:
    """Pickles into a call of os.system: what a crafted pickle in the cache could do."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self) -> tuple:
        return (os.system, (self.command,))


@pytest.mark.parametrize("where", ["stamp", "records"])
def test_a_cache_value_that_pickles_a_command_never_runs_it(make_site, tmp_path, where):
    site = make_site()
    assert run_cli("build", "--site", site).returncode == 0
    marker = tmp_path / "the-cache-ran-code"
    payload = pickle.dumps(_System(f"touch {marker}"))
    with sqlite3.connect(site / CACHE_DIR / "build.sqlite") as db:
        if where == "stamp":
            rows = [("meta", "stamp")]
        else:  # records are read when a content file changed
            rows = db.execute("SELECT ns, key FROM kv WHERE ns IN ('source', 'body')").fetchall()
            edit(site, "An edit, so that the records are read.")
        for index, (ns, key) in enumerate(rows):
            # the digest each version of the reader checks: of the value, or of ns, key, value;
            # and every third value is well-formed MessagePack of the wrong shape
            value = payload if index % 3 < 2 else msgspec.msgpack.encode({"digest": [1, 2]})
            digest = hashlib.blake2b(digest_size=16)
            if index % 3:
                digest.update(f"{ns}\0{key}\0".encode())
            digest.update(value)
            db.execute(
                "UPDATE kv SET digest=?, value=? WHERE ns=? AND key=?",
                (digest.hexdigest(), value, ns, key),
            )
    reference = site.parent / "reference"
    shutil.copytree(site, reference, ignore=shutil.ignore_patterns(CACHE_DIR, "output"))
    assert run_cli("build", "--no-cache", "--site", reference).returncode == 0

    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert len(notes(result.stderr)) == 1, result.stderr
    assert tree_digest(site / "output") == tree_digest(reference / "output")
    again = run_cli("build", "--site", site)
    assert again.returncode == 0 and notes(again.stderr) == [], again.stderr
    assert " 0 written" in again.stdout
    assert not marker.exists()


def test_every_record_reads_back_as_the_value_written(tmp_path):
    """The format keeps a record exactly: frontmatter, its validated model, positions, lint
    findings. The sample site's content files and a few odd ones."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    (site / "content/posts/odd.md").write_text(
        "---\ntitle: Odd\ndate: 2024-01-02\ndescription: x\nauthor: nobody\n"
        "tags: [1, 2.5, true, null, {a: [b]}]\nextra: {1: x}\n---\nBody.\n",
        "utf-8",
    )
    cache, _ = BuildCache.open(site)
    records = [analyze_source(source) for source in read_sources(site)]
    assert any(r.parsed.meta is not None for r in records)
    assert any(r.parsed.errors for r in records)
    cache.put_many("source", [(r.parsed.path, r) for r in records])
    cache.close()
    again, _ = BuildCache.open(site)
    assert again.get_many("source", SourceRecord) == {r.parsed.path: r for r in records}
    assert not again.failed
    again.close()


def test_random_damage_never_fails_a_build_and_the_next_build_is_incremental(make_site, tmp_path):
    """3 x 512 random bytes at random offsets of the cache file, 30 seeds."""
    site = make_site()
    build(site)
    database = site / CACHE_DIR / "build.sqlite"
    noted = 0
    for seed in range(30):
        rng = random.Random(seed)
        if seed % 2:
            edit(site, f"Edit {seed}.")  # the build reads the records too, not only the manifest
        expected = clean_build(site, tmp_path / "clean")
        assert not Path(f"{database}-wal").exists()  # all of the cache is in the file
        data = bytearray(database.read_bytes())
        for _ in range(3):
            offset = rng.randrange(len(data) - 512)
            data[offset : offset + 512] = rng.randbytes(512)
        database.write_bytes(bytes(data))

        report = build(site)
        assert tree_digest(site / "output") == expected, f"seed {seed}"
        assert "\n" not in report.notice
        noted += bool(report.notice)
        again = build(site)
        assert (again.rendered, again.notice) == (0, ""), f"seed {seed}: {again.notice}"
    assert noted >= 5  # the damage was seen, not only written where nothing reads


def _limit_file_size(size: int):
    def limit() -> None:  # writes past ``size`` fail (EFBIG) like writes on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize(
    "obstacle", ["database-is-a-folder", "log-is-a-folder", "writes-fail-mid-build"]
)
def test_a_cache_that_cannot_be_written_is_one_note_and_written_once_it_can(
    make_site, tmp_path, obstacle
):
    """As root, like CI: a read-only mode would not stop root, so the cache is made
    unwritable in ways that do."""
    site = make_site()
    folder = site / CACHE_DIR
    assert run_cli("build", "--site", site).returncode == 0
    limit = None
    if obstacle == "database-is-a-folder":
        shutil.rmtree(folder)
        (folder / "build.sqlite").mkdir(parents=True)
    elif obstacle == "log-is-a-folder":  # SQLite's write-ahead log
        (folder / "build.sqlite-wal").mkdir()
    else:  # every post changes and output/ is gone: the build writes the whole cache again
        for post in (site / "content/posts").iterdir():
            post.write_text(post.read_text("utf-8") + "\nAgain.\n", "utf-8")
        biggest = max(p.stat().st_size for p in (site / "output").rglob("*") if p.is_file())
        assert biggest < 36_000
        limit = _limit_file_size(36_000)  # every output file fits, the cache does not
        shutil.rmtree(site / "output")
    reference = site.parent / "reference"
    shutil.copytree(site, reference, ignore=shutil.ignore_patterns(CACHE_DIR, "output"))
    assert run_cli("build", "--no-cache", "--site", reference).returncode == 0

    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
    )
    assert result.returncode == 0, result.stderr
    assert len(notes(result.stderr)) == 1, result.stderr
    assert tree_digest(site / "output") == tree_digest(reference / "output")

    if obstacle != "writes-fail-mid-build":
        shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    assert run_cli("build", "--site", site).returncode == 0
    again = run_cli("build", "--site", site)
    assert again.returncode == 0 and notes(again.stderr) == [], again.stderr
    assert " 0 written" in again.stdout
    assert tree_digest(site / "output") == tree_digest(reference / "output")


def test_a_locked_cache_is_built_without_and_used_again_once_free(
    make_site, tmp_path, monkeypatch
):
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT", 0.2, raising=False)
    site = make_site()
    build(site)
    edit(site, "Written while another process holds the cache.")
    holder = sqlite3.connect(site / CACHE_DIR / "build.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        report = build(site)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked" in report.notice
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")
    edit(site, "And once it is free.")
    report = build(site)
    assert report.notice == ""
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")
    assert build(site).rendered == 0


@pytest.mark.parametrize("damage", ["locked", "full"])
def test_the_preview_server_survives_its_cache_breaking_between_builds(
    make_site, tmp_path, monkeypatch, damage
):
    """The preview keeps its cache open across builds; the file breaks under it."""
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT", 0.2, raising=False)
    site = make_site()
    origin = "http://127.0.0.1:9"
    base = {"overrides": {"base_url": origin + "/"}}
    builder = Builder(site, origin)
    database = site / CACHE_DIR / "build.sqlite"
    try:
        first = builder.build(None)
        assert first.ok, first.errors
        edit(site, "An edit while the cache is broken.")
        holder = None
        limit = resource.getrlimit(resource.RLIMIT_FSIZE)
        handler = signal.getsignal(signal.SIGXFSZ)
        if damage == "locked":
            holder = sqlite3.connect(database, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
        else:  # no file may grow: the cache's log cannot take one more page
            sizes = [p.stat().st_size for p in database.parent.glob("build.sqlite*")]
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (max(*sizes, 36_000), limit[1]))
        try:
            second = builder.build(first, [site / POST])
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, limit)
            signal.signal(signal.SIGXFSZ, handler)
            if holder is not None:
                holder.execute("ROLLBACK")
                holder.close()
        assert second.ok and not second.crash, second.crash or second.errors
        assert tree_digest(second.root) == clean_build(site, tmp_path / "clean", **base)
        edit(site, "And another.")
        third = builder.build(second, [site / POST])
        assert third.ok and not third.crash, third.crash or third.errors
        assert tree_digest(third.root) == clean_build(site, tmp_path / "clean", **base)
        assert third.report.rendered < third.report.files  # incremental again
    finally:
        builder.close()
    with sqlite3.connect(database) as db:  # the file is sound again
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_frontmatter_value_the_cache_cannot_hold_is_reported_not_a_crash(make_site):
    """Nesting deeper than the encoder goes and integers wider than 64 bits never reach the
    cache: the frontmatter limits refuse them first, at their line, on every build."""
    site = make_site()
    post = site / POST
    text = post.read_text("utf-8")
    deep = "extra: " + "{a: " * 500 + "1" + "}" * 500
    post.write_text(text.replace("---\n", f"---\n{deep}\nbig: {'9' * 100}\n", 1), "utf-8")
    for _ in range(2):
        result = run_cli("build", "--site", site)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert f"{POST}:2:" in result.stderr
        assert "more than 20 levels deep" in result.stderr


def test_a_forged_cache_cannot_claim_an_unsafe_post_is_clean(make_site, tmp_path, monkeypatch):
    # A cache that comes with the site (committed, or in a pull request a deploy preview
    # builds) whose records say an unsafe post has no lint findings, each row's digest
    # recomputed the way anyone reading the code can: the build must lint the post anyway.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-users-cache"))
    site = make_site()
    edit(site, "1. Prick the bump with a sterilised needle.")
    first = run_cli("build", "--site", site)
    assert first.returncode == 1 and "(diy-puncture)" in first.stderr, first.stderr
    decoder = msgspec.msgpack.Decoder(SourceRecord, dec_hook=cache_module._dec_hook)
    with sqlite3.connect(site / CACHE_DIR / "build.sqlite") as db:
        (data,) = db.execute("SELECT value FROM kv WHERE ns='source' AND key=?",
                             (POST,)).fetchone()
        record = decoder.decode(data)
        assert record.findings
        forged = msgspec.msgpack.encode(
            msgspec.structs.replace(record, findings=()) if isinstance(record, msgspec.Struct)
            else type(record)(record.digest, record.parsed, ()),
            enc_hook=cache_module._enc_hook)
        db.execute("UPDATE kv SET value=? WHERE ns='source' AND key=?", (forged, POST))
        for ns, key, value in db.execute("SELECT ns, key, value FROM kv").fetchall():
            digest = hashlib.blake2b(f"{ns}\0{key}\0".encode(), digest_size=16)
            digest.update(value)
            db.execute("UPDATE kv SET digest=? WHERE ns=? AND key=?",
                       (digest.hexdigest(), ns, key))
    again = run_cli("build", "--site", site)
    assert again.returncode == 1, again.stderr
    assert "(diy-puncture)" in again.stderr
