"""The link graph: related posts from the inverted index agree with the plain definition."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content import Content, Post
from generator.graph import build_graph

SLUGS = ["a", "b", "c", "d", "e"]


def make_posts(specs: list[tuple[list[str], list[str], list[str]]]) -> Content:
    posts = tuple(
        Post(
            source=f"content/posts/p{i}.md",
            slug=f"p{i}",
            path=f"posts/p{i}/",
            title=f"P{i}",
            published=dt.date(2020, 1, 1),
            description="",
            author="x",
            conditions=tuple(dict.fromkeys(conditions)),
            treatments=tuple(dict.fromkeys(treatments)),
            tags=tuple(dict.fromkeys(tags)),
        )
        for i, (conditions, treatments, tags) in enumerate(specs)
    )
    return Content(posts=posts, terms={"conditions": {}, "treatments": {}}, authors={}, tags={})


def related_by_definition(content: Content, count: int) -> list[tuple[int, ...]]:
    """Compare every pair: most shared conditions and treatments, then tags, then newest;
    posts sharing only tags fill the list."""
    result = []
    for i, post in enumerate(content.posts):
        mine = {("c", s) for s in post.conditions} | {("t", s) for s in post.treatments}
        scored = []
        for j, other in enumerate(content.posts):
            if i == j:
                continue
            terms = len(
                mine & ({("c", s) for s in other.conditions} | {("t", s) for s in other.treatments})
            )
            tags = len(set(post.tags) & set(other.tags))
            if terms or tags:
                scored.append((-terms, -tags, j))
        result.append(tuple(j for *_, j in sorted(scored)[:count]))
    return result


lists = st.lists(st.sampled_from(SLUGS), max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(lists, lists, lists), max_size=25), st.integers(0, 6))
def test_related_posts_match_the_pairwise_definition(specs, count):
    content = make_posts(specs)
    assert list(build_graph(content, count).related) == related_by_definition(content, count)


def test_related_posts_prefer_shared_terms_over_recency_and_tags():
    content = make_posts(
        [
            (["a"], [], ["x"]),  # 0: the post whose list we read
            ([], [], ["x"]),  # 1: newest, shares only a tag
            (["a"], [], []),  # 2: shares one condition
            (["a"], ["b"], ["x"]),  # 3: shares the condition and the tag
            (["c"], [], []),  # 4: shares nothing
        ]
    )
    assert build_graph(content, 4).related[0] == (3, 2, 1)
