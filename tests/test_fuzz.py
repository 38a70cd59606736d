"""Fuzzing: mutated posts, terms and author pages (random bytes, truncation, YAML tricks,
huge values, BOM, CRLF, NUL) fed to the real build and lint. Never a traceback, never a
hang, only the exit codes of the contract, and output/ unchanged after every failed build.

Bounded: a fixed number of examples, derandomized so CI runs the same ones; set
DERMSITE_FUZZ_EXAMPLES to run more while hunting.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AUTHOR, BASE_FILES, MILIA, POST_B, tree_digest, write_files
from generator.cli import main

EXAMPLES = int(os.environ.get("DERMSITE_FUZZ_EXAMPLES", "60"))
SECONDS = 20  # for one build or lint of the tiny site: a hang fails the test

TARGETS = {
    "content/posts/kp-care.md": POST_B,
    "content/authors/dana.md": AUTHOR,
    "content/conditions/milia.md": MILIA,
}


class Hang(BaseException):
    """Not an Exception, so that the CLI's crash handler lets it through."""


@contextlib.contextmanager
def time_limit(seconds: int):
    def expired(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(*argv: str) -> tuple[int, str]:
    """The CLI in this process: its exit status and everything it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), time_limit(SECONDS):
        status = main(list(argv))
    return status, out.getvalue()


def _laughs(levels: int) -> str:
    lines = ["l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines)


# YAML an author might write by accident, or an attacker on purpose; each a frontmatter line
TRICKS = st.one_of(
    st.sampled_from(
        [
            "tags: &a [*a]",
            "tags: &a {x: *a}",
            "base: &b {x: 1}\nother: {<<: *b}",
            "tags: !!python/object/apply:os.system [echo pwned]",
            "updated: !!timestamp 2024-13-45",
            "date: 2024-13-45",
            "date: 2024-02-30 10:00",
            "? [a, b]\n: c",
            "title: one\ntitle: two",
            "\ttags: [a]",
            "tags:\t[a]",
            "- a list\n- at the top",
            "slug: ../../etc",
            "aliases: [/../../x]",
            "draft: yes",
            "year: 1e400",
            'title: "\\0"',
            'title: "\\x1b[31mred"',
            "title: a\u2028b",
            "description: a\x85b",
            "sources: [{title: x}]",
            "sources: [{title: x, url: 'javascript:alert(1)'}]",
            "safety_warning: |\n  a\n b",
            "---",
            "...",
            "%YAML 1.1",
            "!!str",
            "&x",
            "*x",
        ]
    ),
    st.integers(1, 10).map(_laughs),
    st.integers(1, 600).map(lambda n: "tags: " + "[" * n + "]" * n),
    st.integers(1, 60).map(lambda n: "".join("  " * i + f"k{i}:\n" for i in range(n)) + "v"),
    st.integers(1, 6000).map(lambda n: "draft: " + "9" * n),
    st.integers(1, 100).map(lambda n: "draft: 0x" + "f" * n),
    st.integers(0, 100_000).map(lambda n: "description: " + "a" * n),
    st.text(max_size=40).map(lambda t: "title: " + t),
)

BYTES = st.binary(min_size=1, max_size=24)


@st.composite
def mutated_file(draw) -> tuple[str, bytes]:
    """One content file, changed in its frontmatter, its body and its bytes."""
    path = draw(st.sampled_from(sorted(TARGETS)))
    head, _, body = TARGETS[path].removeprefix("---\n").partition("\n---\n")
    lines = head.split("\n")
    for trick in draw(st.lists(TRICKS, max_size=3)):
        at = draw(st.integers(0, len(lines)))
        if draw(st.booleans()) and at < len(lines):
            lines[at] = trick  # replace a field
        else:
            lines.insert(at, trick)
    body += draw(st.text(max_size=200))
    data = ("---\n" + "\n".join(lines) + "\n---\n" + body).encode("utf-8", "surrogatepass")
    for change in draw(st.lists(st.sampled_from(["insert", "cut", "flip", "nul"]), max_size=3)):
        at = draw(st.integers(0, len(data)))
        if change == "insert":
            data = data[:at] + draw(BYTES) + data[at:]
        elif change == "cut":
            data = data[:at]
        elif change == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
        elif change == "nul":
            data = data[:at] + b"\0" + data[at:]
    if draw(st.booleans()):
        data = data.replace(b"\n", b"\r\n")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return path, data


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> Path:
    site = write_files(tmp_path_factory.mktemp("fuzz") / "site", BASE_FILES)
    status, printed = run("build", "--site", str(site))
    assert status == 0, printed
    return site


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(change=mutated_file())
def test_fuzzed_content_never_crashes_hangs_or_touches_output(fuzz_site, change):
    site = fuzz_site
    write_files(site, TARGETS)  # undo the last example's change
    path, data = change
    write_files(site, {path: data})
    before = tree_digest(site / "output")

    status, printed = run("build", "--site", str(site))
    crash = sorted((site / ".dermsite-cache").glob("crash-*.txt"))
    assert status in (0, 1), printed + "".join(p.read_text() for p in crash)
    assert "Traceback" not in printed
    if status == 1:
        assert "error: " in printed
        assert tree_digest(site / "output") == before, "a failed build changed output/"

    status, printed = run("lint", "--site", str(site), str(site / path))
    assert status in (0, 1, 2), printed
    assert "Traceback" not in printed
    assert not list((site / ".dermsite-cache").glob("crash-*.txt"))
