"""Atomic publish: output/ is the complete old tree or the complete new one at every instant,
even when a build is killed (SIGKILL); killed builds leave nothing behind the next one keeps.

The kill test runs the real ``dermsite build`` on a generated 200-post site, full and
incremental builds in turn, and kills each at a random moment (seeded) or right when it
starts to publish (when output/ first changes): the moment a tree built file by file or
renamed in two steps is half old, half new, or missing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

POSTS = 200
KILLS = 10  # at most
MIN_KILLS = 4  # however slow the machine
BUDGET = 75.0  # seconds for the whole test, roughly: no kill past MIN_KILLS starts after that
SEED = 20261204


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_corpus", ROOT / "bench/generate_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def snapshot(folder: Path) -> dict[str, str]:
    """Every file's sha256 and every folder ('/'), by relative path: the whole tree."""
    tree = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = Path(dirpath).relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        for name in dirnames:
            tree[prefix + name + "/"] = "/"
        for name in filenames:
            tree[prefix + name] = hashlib.sha256(Path(dirpath, name).read_bytes()).hexdigest()
    return tree


def leftovers(site: Path) -> list[str]:
    """What builds left in the site folder besides the output and the cache."""
    return sorted(
        p.name
        for p in site.iterdir()
        if p.name.startswith(".dermsite-") and p.name != ".dermsite-cache"
    )


def build_cmd(site: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "-q", "--site", str(site)]


def edit_state(site: Path, state: int) -> None:
    """Three versions of the site, visited in turn: A, B (every page changes), C (one post
    edited, one added)."""
    settings = site / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    title = {0: "Bench", 1: "Bench Two", 2: "Bench Two"}[state]
    lines = [
        f'title = "{title}"' if line.startswith("title = ") else line for line in text.splitlines()
    ]
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edited = site / "content/posts/post-00007.md"
    body = edited.read_text(encoding="utf-8").split("\nEdited for the kill test.\n")[0]
    edited.write_text(
        body + ("\nEdited for the kill test.\n" if state == 2 else ""), encoding="utf-8"
    )
    added = site / "content/posts/added-by-the-kill-test.md"
    if state == 2:
        added.write_text(body.replace("title: Post 7 ", "title: Added post "), encoding="utf-8")
    else:
        added.unlink(missing_ok=True)


def changed_paths(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return sorted(
        p for p in old.keys() | new.keys() if old.get(p) != new.get(p) and not p.endswith("/")
    )


def kill_when_publishing(proc: subprocess.Popen, out: Path, watch: list[str], delay: float) -> None:
    """Kill ``proc`` ``delay`` seconds after output/ (or a watched file in it) first changes."""

    def identity() -> tuple:
        ids = []
        for path in [".", *watch]:
            try:
                st = os.stat(out / path)
                ids.append((st.st_ino, st.st_mtime_ns))
            except FileNotFoundError:
                ids.append(None)
        return tuple(ids)

    before = identity()
    while proc.poll() is None and identity() == before:
        time.sleep(0.0002)
    time.sleep(delay)
    proc.kill()


def test_a_killed_build_leaves_the_old_or_the_new_tree_and_nothing_behind(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    deadline = time.perf_counter() + BUDGET
    site = tmp_path / "site"
    load_generator()(POSTS, site)
    out = site / "output"
    # The complete tree of each version, from clean builds elsewhere.
    trees = []
    for state in range(3):
        edit_state(site, state)
        clean = tmp_path / f"clean-{state}"
        result = run_cli("build", "-q", "--no-cache", "--site", site, "--out", clean)
        assert result.returncode == 0, result.stderr
        trees.append(snapshot(clean))
        shutil.rmtree(clean)
    assert changed_paths(trees[1], trees[2]) and len(changed_paths(trees[0], trees[1])) > 300
    edit_state(site, 0)
    started = time.perf_counter()
    first = subprocess.run(build_cmd(site), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    build_time = time.perf_counter() - started
    assert snapshot(out) == trees[0]

    state, kills, outcomes = 0, 0, []
    while kills < KILLS and (kills < MIN_KILLS or time.perf_counter() < deadline):
        full = kills % 2 == 0
        if full:  # without its cache, a build writes every file
            shutil.rmtree(site / ".dermsite-cache", ignore_errors=True)
        new = (state + 1) % 3
        edit_state(site, new)
        proc = subprocess.Popen(
            build_cmd(site), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if kills % 4 < 2:
            time.sleep(rng.uniform(0.1, 1.2) * build_time)
            proc.kill()
            how = "at random"
        else:
            watch = changed_paths(trees[state], trees[new])[:1] + rng.sample(
                changed_paths(trees[state], trees[new]), 3
            )
            kill_when_publishing(proc, out, watch, rng.uniform(0, 0.003))
            how = "when publishing"
        code = proc.wait(timeout=120)
        kills += 1
        tree = snapshot(out) if out.exists() else {}
        which = {id(trees[state]): "old", id(trees[new]): "new"}
        got = next((which[id(t)] for t in (trees[state], trees[new]) if t == tree), None)
        label = f"kill {kills} ({'full' if full else 'incremental'}, {how}, exit {code})"
        outcomes.append(f"{label}: {got or 'MIXED'}")
        assert got is not None, (
            f"{label}: output/ is neither the old nor the new tree "
            f"({len(tree)} entries; {sum(tree.get(p) == v for p, v in trees[new].items())} "
            f"as in the new tree, {sum(tree.get(p) == v for p, v in trees[state].items())} "
            "as in the old)\n" + "\n".join(outcomes)
        )
        if code == 0:
            assert got == "new", label
        again = subprocess.run(
            build_cmd(site), cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert again.returncode == 0, f"{label}: the next build failed:\n{again.stderr}"
        assert snapshot(out) == trees[new], f"{label}: the next build is not a clean build"
        assert not leftovers(site), f"{label}: the next build left {leftovers(site)}"
        state = new
    print("\n".join(outcomes))


def test_the_next_build_removes_what_killed_builds_left(make_site) -> None:
    site = make_site()
    assert run_cli("build", "--site", site).returncode == 0
    marker = (site / "output/.dermsite-output").read_bytes()
    dead = _dead_pid()
    left = {
        f".dermsite-staging-output-{dead}-abcd_123": {
            "index.html": b"x",
            ".dermsite-output": marker,
        },
        f".dermsite-staging-output-{dead}-emptyone": {},
        f".dermsite-old-output-{dead}-k2j4h5g6": {
            "posts/a/index.html": b"x",
            ".dermsite-output": marker,
        },
        # a dermsite before the marker: only generated files
        ".dermsite-old-output-abcdefgh": {"index.html": b"x", "assets/style.css": b"x"},
    }
    kept = {
        # not marked: not known to be dermsite's
        f".dermsite-staging-output-{dead}-zzzzzzzz": {"notes.md": b"mine"},
        # a build that is still running (this process)
        f".dermsite-staging-output-{os.getpid()}-aaaaaaaa": {".dermsite-output": marker},
        # not named as dermsite names them
        ".dermsite-staging-mine": {".dermsite-output": marker},
        # named as a dermsite before the marker named them, but holding a file of another kind
        ".dermsite-old-output-qwertyui": {"index.html": b"x", "notes.md": b"mine"},
    }
    for name, files in {**left, **kept}.items():
        (site / name).mkdir()
        for rel, data in files.items():
            (site / name / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / name / rel).write_bytes(data)
    (site / "content/posts/kp-care.md").write_text(
        (site / "content/posts/kp-care.md").read_text() + "\nMore.\n"
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    for name in left:
        assert not (site / name).exists(), name
    for name in kept:
        assert (site / name).is_dir(), name


def test_leftovers_of_builds_are_git_ignored() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    names = [".dermsite-staging-output-123-abcdefgh/x", ".dermsite-old-output-123-abcdefgh/x"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(names)


def test_an_incremental_build_hard_links_the_files_it_keeps(make_site) -> None:
    site = make_site()
    assert run_cli("build", "--site", site).returncode == 0
    kept = site / "output/posts/microneedling-for-milia/index.html"
    before, folder = kept.stat(), (site / "output").stat()
    (site / "content/posts/kp-care.md").write_text(
        (site / "content/posts/kp-care.md").read_text() + "\nMore.\n"
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    after = kept.stat()
    # a new tree, swapped in whole, holding the very file kept (its inode: not a copy)
    assert (site / "output").stat().st_ino != folder.st_ino
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (site / "output/.dermsite-output").is_file()


def _dead_pid() -> int:
    """A process id that no running process has."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_output_swap_is_one_exchange_on_linux(tmp_path: Path) -> None:
    from generator.exchange import can_exchange, exchange_paths

    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")
    assert can_exchange()
    (tmp_path / "a").mkdir()
    (tmp_path / "a/one").write_text("a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b/two").write_text("b")
    assert exchange_paths(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a/two").is_file() and (tmp_path / "b/one").is_file()
    with pytest.raises(FileNotFoundError):
        exchange_paths(tmp_path / "a", tmp_path / "missing")


def test_the_fallback_publishes_whole_trees_with_two_renames(make_site, monkeypatch) -> None:
    """Where the exchange is missing, the old tree is renamed away and the new one in."""
    import generator.write
    from generator.build import BuildOptions, build_site

    monkeypatch.setattr(generator.write, "exchange_paths", lambda a, b: False)
    site = make_site()
    build_site(site)
    post = site / "content/posts/kp-care.md"
    for text in (post.read_text() + "\nMore.\n", post.read_text()):
        post.write_text(text)
        report = build_site(site)
        assert 0 < report.rendered < report.files  # incremental
        clean = site.parent / "clean"
        build_site(site, BuildOptions(out=clean, cache=False))
        assert snapshot(site / "output") == snapshot(clean)
        assert not leftovers(site)
