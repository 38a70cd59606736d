"""The link graph: posts indexed under every term, author and tag, condition–treatment
edges (symmetric by construction), and related posts from inverted indexes.

Pure: no I/O, inputs untouched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.content import Content


@dataclass(frozen=True, slots=True)
class Edge:
    """A condition and a treatment discussed together, and why."""

    condition: str
    treatment: str
    posts: tuple[int, ...] = ()  # indices into Content.posts, newest first
    listed: bool = False  # named on the condition's page or the treatment's 'treats'
    evidence: str | None = None  # from the treatment's 'treats'


@dataclass(frozen=True, slots=True)
class LinkGraph:
    by_term: Mapping[tuple[str, str], tuple[int, ...]]  # (taxonomy, slug) -> posts newest first
    by_author: Mapping[str, tuple[int, ...]]
    reviewed_by: Mapping[str, tuple[int, ...]]
    edges_by_condition: Mapping[str, tuple[Edge, ...]]
    edges_by_treatment: Mapping[str, tuple[Edge, ...]]
    contraindications_by_condition: Mapping[str, tuple[tuple[str, str | None], ...]]
    contraindications_by_treatment: Mapping[str, tuple[tuple[str, str | None], ...]]
    related: tuple[tuple[int, ...], ...]  # per post

    def posts_for(self, taxonomy: str, slug: str) -> tuple[int, ...]:
        return self.by_term.get((taxonomy, slug), ())


EVIDENCE_ORDER = {"strong": 0, "moderate": 1, "limited": 2, "anecdotal": 3, None: 4}


def build_graph(content: Content, related_count: int = 4) -> LinkGraph:
    """Index posts under every term they name. Pure: no I/O, inputs untouched."""
    by_term: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_author: dict[str, list[int]] = defaultdict(list)
    reviewed: dict[str, list[int]] = defaultdict(list)
    pair_posts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, post in enumerate(content.posts):  # already newest first
        for slug in post.conditions:
            by_term[("conditions", slug)].append(index)
        for slug in post.treatments:
            by_term[("treatments", slug)].append(index)
        for slug in post.tags:
            by_term[("tags", slug)].append(index)
        by_author[post.author].append(index)
        if post.reviewed_by:
            reviewed[post.reviewed_by].append(index)
        for condition in post.conditions:
            for treatment in post.treatments:
                pair_posts[(condition, treatment)].append(index)

    listed: dict[tuple[str, str], str | None] = {}
    for condition in content.terms["conditions"].values():
        for treatment in condition.listed:
            listed.setdefault((condition.slug, treatment), None)
    for relation in content.relations:
        listed[(relation.condition, relation.treatment)] = relation.evidence

    pairs = sorted(set(pair_posts) | set(listed))
    edges = [
        Edge(c, t, tuple(pair_posts.get((c, t), ())), (c, t) in listed, listed.get((c, t)))
        for c, t in pairs
    ]
    edges_by_condition: dict[str, list[Edge]] = defaultdict(list)
    edges_by_treatment: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        edges_by_condition[edge.condition].append(edge)
        edges_by_treatment[edge.treatment].append(edge)

    contra_c: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    contra_t: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for relation in sorted(content.contraindications, key=lambda r: (r.condition, r.treatment)):
        contra_c[relation.condition].append((relation.treatment, relation.note))
        contra_t[relation.treatment].append((relation.condition, relation.note))

    def edge_order(edge: Edge) -> tuple:
        return (EVIDENCE_ORDER[edge.evidence], -len(edge.posts))

    return LinkGraph(
        by_term={k: tuple(v) for k, v in by_term.items()},
        by_author={k: tuple(v) for k, v in by_author.items()},
        reviewed_by={k: tuple(v) for k, v in reviewed.items()},
        edges_by_condition={
            k: tuple(sorted(v, key=lambda e: (*edge_order(e), e.treatment)))
            for k, v in edges_by_condition.items()
        },
        edges_by_treatment={
            k: tuple(sorted(v, key=lambda e: (*edge_order(e), e.condition)))
            for k, v in edges_by_treatment.items()
        },
        contraindications_by_condition={k: tuple(v) for k, v in contra_c.items()},
        contraindications_by_treatment={k: tuple(v) for k, v in contra_t.items()},
        related=_related_posts(content, by_term, related_count),
    )


def _related_posts(
    content: Content, by_term: Mapping[tuple[str, str], list[int]], count: int
) -> tuple[tuple[int, ...], ...]:
    """Rank by shared conditions and treatments, then shared tags, then recency.

    Each term's posts form a bitset (an int whose bit i is post i), so the number of terms
    a post shares with every other post is a bit-sliced counter over its terms' bitsets:
    only the inverted index is read, never all pairs of posts, at machine-word speed.
    Indices are newest first, so the lowest set bit of a score level is its most recent post.
    """
    if count == 0:
        return tuple(() for _ in content.posts)
    everyone = (1 << len(content.posts)) - 1
    bits = {key: _bitset(posts) for key, posts in by_term.items()}
    related = []
    for index, post in enumerate(content.posts):
        terms = [bits[("conditions", s)] for s in post.conditions]
        terms += [bits[("treatments", s)] for s in post.treatments]
        tags = [bits[("tags", s)] for s in post.tags]
        shared, tag_shared = _count(terms), _count(tags)
        by_tags = [_equal(tag_shared, t, everyone) for t in range(len(tags) + 1)]
        others = everyone & ~(1 << index)
        ranked: list[int] = []
        # shared terms first (ties: more shared tags, then newest); then posts that
        # share only tags, to fill the list
        for s in range(len(terms), -1, -1):
            at_s = _equal(shared, s, others)
            for t in range(len(tags), 0 if s == 0 else -1, -1):
                level = at_s & by_tags[t]
                while level and len(ranked) < count:
                    lowest = level & -level
                    ranked.append(lowest.bit_length() - 1)
                    level ^= lowest
            if len(ranked) == count:
                break
        related.append(tuple(ranked))
    return tuple(related)


def _bitset(indices: Iterable[int]) -> int:
    value = 0
    for index in indices:
        value |= 1 << index
    return value


def _count(sets: Sequence[int]) -> list[int]:
    """Per bit, how many of ``sets`` hold it, as binary digit planes (bit-sliced adder)."""
    planes: list[int] = []
    for carry in sets:
        for digit, plane in enumerate(planes):
            planes[digit], carry = plane ^ carry, plane & carry
            if not carry:
                break
        else:
            if carry:
                planes.append(carry)
    return planes


def _equal(planes: Sequence[int], value: int, within: int) -> int:
    """The bits of ``within`` whose count in ``planes`` equals ``value``."""
    if value >> len(planes):
        return 0
    mask = within
    for digit, plane in enumerate(planes):
        mask &= plane if value >> digit & 1 else ~plane
    return mask
