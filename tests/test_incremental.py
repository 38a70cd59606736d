"""Incremental builds: a rebuild with the cache gives exactly what a clean build gives.

A hypothesis state machine edits a real site on disk (add, remove and rename posts; change
their terms, tags, dates, draft flags and bodies; edit term pages, a template and the site
settings) and after every step compares the whole output tree of the cached rebuild with a
clean build of the same content, byte for byte. It rebuilds twice: as ``dermsite build``
does (the cache opened anew) and as the preview server does (one cache kept open, with its
in-memory memo, across all the builds).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from conftest import BASE_FILES, POST_A, POST_B, run_cli, tree_digest, write_files
from generator.build import BuildOptions, build_site
from generator.cache import CACHE_DIR, BuildCache
from generator.errors import BuildFailed

TODAY = dt.date(2026, 11, 23)
CONDITIONS = ["milia", "keratosis pilaris"]
TREATMENTS = ["microneedling", "chemical peels"]
TAGS = ["Expert", "Routine", "Budget", "expert"]
WORDS = ["Milia", "gentle", "care", "microneedling", "helps", "sometimes", "chemical peels"]
THEME_POST = Path(__file__).parent.parent / "themes" / "default" / "templates" / "post.html"

names = st.sampled_from([f"post-{i}" for i in range(6)])
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


def post_text(
    title: str,
    date: dt.date,
    conditions: list[str],
    treatments: list[str],
    tags: list[str],
    draft: bool,
    body: list[str],
) -> str:
    lines = [
        "---",
        f"title: {title}",
        f"date: {date.isoformat()}",
        f"description: About {title}.",
        "author: dana",
        f"conditions: [{', '.join(conditions)}]",
        f"treatments: [{', '.join(treatments)}]",
        f"tags: [{', '.join(tags)}]",
        f"draft: {'true' if draft else 'false'}",
        "sources:",
        "  - title: A source",
        "    url: https://example.com/source",
        "---",
    ]
    for number, paragraph in enumerate(body):
        lines += ["", f"## Part {number + 1}", "", paragraph]
    lines += ["", "Read about [milia](../conditions/milia.md#what-they-are)."]
    return "\n".join(lines) + "\n"


posts = st.builds(
    post_text,
    title=st.sampled_from(["Milia notes", "KP routine", "Peel facts", "Scar care"]),
    date=st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
    conditions=st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True),
    treatments=st.lists(st.sampled_from(TREATMENTS), max_size=2, unique=True),
    tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
    draft=st.booleans(),
    body=st.lists(sentences, min_size=1, max_size=4),
)

MILIA_PAGE = """\
---
name: Milia
description: {description}
synonyms: [milk spots]
---
## What they are

{body}
"""


class IncrementalBuilds(RuleBasedStateMachine):
    """The site in ``site``, built with the cache into site/output after every step."""

    @initialize()
    def make_site(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dermsite-incremental-"))
        self.site = write_files(self.root / "site", BASE_FILES)
        write_files(
            self.site,
            {
                "content/conditions/milia.md": MILIA_PAGE.format(
                    description="Small white bumps.", body="Tiny cysts under the skin."
                )
            },
        )
        shutil.copytree(THEME_POST.parent.parent, self.site / "themes" / "default")
        self.posts: set[str] = set()
        self.builds = 0
        self.kept_open, _notice = BuildCache.open(self.site)
        self.preview = self.root / "preview"

    def teardown(self) -> None:
        if hasattr(self, "kept_open"):
            self.kept_open.close()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- edits -------------------------------------------------------------------------

    @rule(name=names, text=posts)
    def write_post(self, name: str, text: str) -> None:
        """Add a post, or change everything about an existing one."""
        write_files(self.site, {f"content/posts/{name}.md": text})
        self.posts.add(name)

    @precondition(lambda self: self.posts)
    @rule(data=st.data())
    def remove_post(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.posts)))
        (self.site / f"content/posts/{name}.md").unlink()
        self.posts.discard(name)

    @precondition(lambda self: self.posts)
    @rule(data=st.data(), new=names)
    def rename_post(self, data: st.DataObject, new: str) -> None:
        old = data.draw(st.sampled_from(sorted(self.posts)))
        if new in self.posts:
            return
        (self.site / f"content/posts/{old}.md").rename(self.site / f"content/posts/{new}.md")
        self.posts = (self.posts - {old}) | {new}

    @precondition(lambda self: self.posts)
    @rule(data=st.data(), paragraph=sentences)
    def edit_body(self, data: st.DataObject, paragraph: str) -> None:
        name = data.draw(st.sampled_from(sorted(self.posts)))
        path = self.site / f"content/posts/{name}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{paragraph}\n", encoding="utf-8")

    @precondition(lambda self: self.posts)
    @rule(data=st.data(), tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    def edit_tags(self, data: st.DataObject, tags: list[str]) -> None:
        name = data.draw(st.sampled_from(sorted(self.posts)))
        path = self.site / f"content/posts/{name}.md"
        lines = [
            f"tags: [{', '.join(tags)}]" if line.startswith("tags:") else line
            for line in path.read_text(encoding="utf-8").split("\n")
        ]
        path.write_text("\n".join(lines), encoding="utf-8")

    @rule(description=sentences, body=sentences)
    def edit_term_page(self, description: str, body: str) -> None:
        write_files(
            self.site,
            {"content/conditions/milia.md": MILIA_PAGE.format(description=description, body=body)},
        )

    @rule(text=st.sampled_from(["", "<!-- a -->", "<p>Reviewed content.</p>"]))
    def edit_template(self, text: str) -> None:
        template = self.site / "themes/default/templates/post.html"
        original = THEME_POST.read_text(encoding="utf-8")
        template.write_text(original.replace("</article>", text + "</article>", 1), "utf-8")

    @rule(
        per_page=st.integers(1, 3),
        related=st.integers(0, 3),
        title=st.sampled_from(["Clear Skin Notes", "Skin Notes"]),
    )
    def edit_settings(self, per_page: int, related: int, title: str) -> None:
        path = self.site / "pyproject.toml"
        lines = [
            line
            for line in path.read_text(encoding="utf-8").split("\n")
            if not line.startswith(("posts_per_page", "related_posts", "title"))
        ]
        at = lines.index("[tool.dermsite]") + 1
        lines[at:at] = [
            f'title = "{title}"',
            f"posts_per_page = {per_page}",
            f"related_posts = {related}",
        ]
        path.write_text("\n".join(lines), encoding="utf-8")

    # -- the check ---------------------------------------------------------------------

    @invariant()
    def rebuild_equals_clean_build(self) -> None:
        if not hasattr(self, "site"):
            return
        clean_out = self.root / f"clean-{self.builds}"
        self.builds += 1
        options = BuildOptions(today=TODAY)
        preview = BuildOptions(today=TODAY, out=self.preview)
        before = tree_digest(self.site / "output")
        before_preview = tree_digest(self.preview) if self.preview.exists() else None
        try:
            clean = build_site(self.site, BuildOptions(today=TODAY, out=clean_out, cache=False))
        except BuildFailed as failed:
            with pytest.raises(BuildFailed) as again:
                build_site(self.site, options)
            assert again.value.errors == failed.errors
            assert tree_digest(self.site / "output") == before
            with pytest.raises(BuildFailed) as again:
                build_site(self.site, preview, cache=self.kept_open)
            assert again.value.errors == failed.errors
            if before_preview is not None:
                assert tree_digest(self.preview) == before_preview
            return
        report = build_site(self.site, options)
        assert tree_digest(self.site / "output") == tree_digest(clean_out)
        assert folders(self.site / "output") == folders(clean_out)
        assert report.files == clean.files
        build_site(self.site, preview, cache=self.kept_open)
        assert tree_digest(self.preview) == tree_digest(clean_out)
        assert folders(self.preview) == folders(clean_out)
        shutil.rmtree(clean_out)


def folders(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


TestIncrementalBuilds = IncrementalBuilds.TestCase
TestIncrementalBuilds.settings = settings(
    max_examples=12,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# -- the cache itself ------------------------------------------------------------------


def build(site: Path) -> object:
    return build_site(site, BuildOptions(today=TODAY))


def test_a_rebuild_without_changes_renders_nothing(make_site):
    site = make_site()
    first = build(site)
    again = build(site)
    assert first.rendered == first.files
    assert again.rendered == 0
    assert again.files == first.files


def test_editing_one_body_renders_only_that_post(make_site):
    site = make_site()
    build(site)
    post = site / "content/posts/kp-care.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nMore gentle care.\n", "utf-8")
    report = build(site)
    assert report.rendered == 1
    assert "More gentle care." in (site / "output/posts/kp-care/index.html").read_text("utf-8")


def test_a_file_changed_in_the_output_makes_a_full_build(make_site):
    site = make_site()
    first = build(site)
    (site / "output/index.html").write_text("tampered", encoding="utf-8")
    report = build(site)
    assert report.rendered == first.files
    assert "tampered" not in (site / "output/index.html").read_text("utf-8")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other-version"])
def test_a_corrupt_or_stale_cache_is_ignored_and_the_build_runs_clean(make_site, damage):
    site = make_site()
    first = build(site)
    expected = tree_digest(site / "output")
    cache = site / CACHE_DIR / "build.sqlite"
    if damage == "truncate":
        with sqlite3.connect(cache) as db:  # fold the write-ahead log in, then cut the file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cache.write_bytes(cache.read_bytes()[:3000])
    elif damage == "garbage":
        cache.write_bytes(b"not a database at all" * 100)
        for extra in cache.parent.glob(cache.name + "-*"):
            extra.unlink()
    else:
        with sqlite3.connect(cache) as db:
            db.execute("UPDATE kv SET value = x'00', digest = 'x' WHERE ns='meta' AND key='stamp'")
    report = build(site)
    assert "building clean" in report.notice
    assert report.rendered == first.files
    assert tree_digest(site / "output") == expected
    assert build(site).notice == ""


def test_a_corrupt_value_is_never_trusted(make_site):
    site = make_site()
    build(site)
    post = site / "content/posts/kp-care.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nNew words.\n", "utf-8")
    cache = site / CACHE_DIR / "build.sqlite"
    with sqlite3.connect(cache) as db:  # flip a byte in every stored body record
        db.execute("UPDATE kv SET value = value || x'00' WHERE ns='body'")
    clean = site.parent / "clean"
    build_site(site, BuildOptions(today=TODAY, out=clean, cache=False))
    build(site)
    assert tree_digest(site / "output") == tree_digest(clean)


LINKING_POST = POST_A.replace(" See [the KP post](kp-care.md#daily-routine).", "").replace(
    "Chemical peels may help more.",
    'Chemical peels may help more (<a href="../kp-care/#daily-routine">a raw link</a>).',
)


@pytest.mark.parametrize("keep_open", [False, True], ids=["build", "preview"])
def test_a_page_not_written_again_fails_when_its_link_target_loses_the_anchor(make_site, keep_open):
    """Raw HTML links are checked only in the output: the linking page itself is unchanged."""
    site = make_site({"content/posts/microneedling-for-milia.md": LINKING_POST})
    cache = BuildCache.open(site)[0] if keep_open else None
    try:
        build_site(site, BuildOptions(today=TODAY), cache=cache)
        before = tree_digest(site / "output")
        post = site / "content/posts/kp-care.md"
        post.write_text(POST_B.replace("## Daily routine", "## Nightly routine"), "utf-8")
        with pytest.raises(BuildFailed) as failed:
            build_site(site, BuildOptions(today=TODAY), cache=cache)
        assert [(e.path, e.message) for e in failed.value.errors] == [
            (
                "output/posts/microneedling-for-milia/index.html",
                "broken link '../kp-care/#daily-routine' has no target: no id 'daily-routine' "
                "in /posts/kp-care/index.html (made from content/posts/microneedling-for-milia.md)",
            )
        ]
        assert tree_digest(site / "output") == before
        post.unlink()  # the page linked to is gone altogether
        with pytest.raises(BuildFailed) as failed:
            build_site(site, BuildOptions(today=TODAY), cache=cache)
        assert "points to a page that was not built" in failed.value.errors[0].message
        post.write_text(POST_B + "\nMore care.\n", "utf-8")
        report = build_site(site, BuildOptions(today=TODAY), cache=cache)
        assert report.rendered == 1  # only kp-care: its links are all that is checked again
    finally:
        if cache is not None:
            cache.close()


def test_a_failed_incremental_build_leaves_output_and_next_build_correct(make_site):
    site = make_site()
    build(site)
    before = tree_digest(site / "output")
    post = site / "content/posts/kp-care.md"
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("conditions: [KP]", "conditions: [KPP]"), "utf-8")
    with pytest.raises(BuildFailed):
        build(site)
    assert tree_digest(site / "output") == before
    post.write_text(good + "\nBack again.\n", "utf-8")
    report = build(site)
    assert report.rendered == 1


def test_the_command_says_what_it_wrote_and_can_build_without_the_cache(make_site):
    site = make_site()
    first = run_cli("build", "--site", site)
    again = run_cli("build", "--site", site)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    files = re.search(r"(\d+) files, (\d+) written", first.stdout).groups()
    assert files[0] == files[1] != "0"
    assert re.search(r"\d+ files, 0 written", again.stdout), again.stdout
    shutil.rmtree(site / CACHE_DIR)
    clean = run_cli("build", "--no-cache", "--site", site)
    assert clean.returncode == 0, clean.stderr
    assert not (site / CACHE_DIR).exists()
    (site / CACHE_DIR).mkdir()
    (site / CACHE_DIR / "build.sqlite").write_bytes(b"garbage" * 1000)
    noted = run_cli("build", "--site", site)
    assert "note: the build cache is unreadable" in noted.stderr
    assert "building clean" in noted.stderr
