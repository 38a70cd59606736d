"""Which unsafe acts (contract §2) an instruction sentence tells the reader to do.

Matches the rule set's word groups against the active tokens of a sentence reading,
then checks each rule's patterns and numeric conditions. Pure; no Markdown, no grammar.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.lint.grammar import Reading
from generator.lint.rules import MAX_GAP, Pattern, Rule, RuleSet, Term, group_key
from generator.lint.words import Token, base_forms, lengths_mm, percents

_DETERMINERS = frozenset("a an the this that your my his her their its our each every".split())
_PERCENT_WINDOW = 6
_PERFECT = frozenset({"have", "you've", "i've", "we've"})
USE_GROUP = "handle"  # the shared verb group of using or handling a tool (rules.yaml)
# Shared groups (rules.yaml) whose terms an innocent word inside them belongs to: "nail" in
# "nail clippers" is the tool, "hair" in "ingrown hair" the lesion.
TOOL_GROUPS = ("piercing-tool", "cutting-tool", "abrasive", "lesion")


def _term_end(words: Sequence[str], ok: Sequence[bool], at: int, term: Term) -> int:
    """Index after the match of ``term`` starting at ``at``, or -1; gaps skip ≤ MAX_GAP words."""
    i = at
    parts = term.words
    p = 0
    while p < len(parts):
        part = parts[p]
        if part is None:
            target = parts[p + 1]
            for j in range(i, min(i + MAX_GAP + 1, len(words))):
                if words[j] == target and ok[j]:
                    i = j + 1
                    break
            else:
                return -1
            p += 2
            continue
        if i >= len(words) or words[i] != part or not ok[i]:
            return -1
        i += 1
        p += 1
    return i


def find_mentions(tokens: Sequence[Token], ok: Sequence[bool], rules: RuleSet,
                  verbs: frozenset[str], nouns_ok: Sequence[bool] | None = None,
                  finite_ok: Sequence[bool] | None = None,
                  ) -> dict[str, list[tuple[int, int]]]:
    """Spans ``(start, end)`` (token indexes) where each group key is mentioned.

    Verbs must stand in ``ok`` tokens (the instruction); nouns may also stand in
    ``nouns_ok`` tokens ("If the tag is small, snip it off").
    """
    words = [t.norm for t in tokens]
    kinds = _group_kinds(rules)
    either = [a or b for a, b in zip(ok, nouns_ok, strict=True)] if nouns_ok else ok
    found: dict[str, list[tuple[int, int]]] = {}
    for at, word in enumerate(words):
        if not either[at]:
            continue
        candidates = rules.index.get(word)
        if finite_ok and finite_ok[at] and ok[at]:
            # "takes it off", "tied it off": a finite verb is matched as its base form.
            for base in base_forms(word):
                if base in rules.index:
                    stemmed = [*words[:at], base, *words[at + 1:]]
                    for key, term in rules.index[base]:
                        if kinds[key] == "verb" and (end := _term_end(stemmed, ok, at, term)) > 0:
                            found.setdefault(key, []).append((at, end))
        if not candidates:
            continue
        for key, term in candidates:
            mask = either
            if kinds[key] == "verb":
                perfect = at and words[at - 1] in _PERFECT  # "once you've lanced it"
                if not ok[at] or not (word in verbs or word.endswith("ing") or perfect or (
                        finite_ok and finite_ok[at])):
                    continue  # "pricks", "burned": finite forms instruct only in some clauses
                if at and words[at - 1] in _DETERMINERS:
                    continue  # "a cut", "the burn": a noun
                mask = ok
            end = _term_end(words, mask, at, term)
            if end > 0:
                found.setdefault(key, []).append((at, end))
    return found


_KIND_CACHE: dict[int, dict[str, str]] = {}


def _group_kinds(rules: RuleSet) -> dict[str, str]:
    kinds = _KIND_CACHE.get(id(rules))
    if kinds is None:
        kinds = {group_key(None, g.name): g.kind for g in rules.shared.values()}
        for rule in rules.rules:
            kinds.update({group_key(rule.id, g.name): g.kind for g in rule.groups.values()})
        _KIND_CACHE[id(rules)] = kinds
    return kinds


_SLOT_KEYS: dict[tuple[str, tuple[Pattern, ...]], tuple] = {}


def _slot_keys(rule: Rule) -> tuple[tuple[Pattern, tuple[tuple[str, ...], ...]], ...]:
    """Each pattern of ``rule`` with the mention keys that can fill each of its slots."""
    cache_key = (rule.id, rule.patterns)
    keys = _SLOT_KEYS.get(cache_key)
    if keys is None:
        keys = _SLOT_KEYS[cache_key] = tuple(
            (pattern, tuple(tuple(_key(rule, name) for name in slot) for slot in pattern.slots))
            for pattern in rule.patterns)
    return keys


_APPLY = frozenset("""
apply dab spray rub paint pour dip smear daub slather spritz brush press hold touch wipe
""".split())
_PRONOUNS = frozenset({"it", "them", "some", "this"})


def _key(rule: Rule, name: str) -> str:
    return group_key(rule.id, name) if name in rule.groups else group_key(None, name)


def _pattern_holds(rule: Rule, pattern: Pattern, tokens: Sequence[Token], reading: Reading,
                   mentions: dict[str, list[tuple[int, int]]], applied: bool = False) -> bool:
    """Does ``pattern`` hold? Its first slot must be in the instruction, except that a
    pattern of nouns only may take a substance the instruction applies by a pronoun
    ("Liquid nitrogen …; dab it onto the mole")."""
    slots: list[list[tuple[int, int]]] = []
    for slot in pattern.slots:
        hits = [span for name in slot for span in mentions.get(_key(rule, name), ())]
        if not hits:
            return False
        slots.append(hits)
    if pattern.unless:
        # "nail" inside "nail clippers" is part of the tool, not an innocent object.
        spans = [span for hits in slots for span in hits]
        spans += [span for name in TOOL_GROUPS for span in mentions.get(name, ())]
        blocked = {reading.clause_of[at] for name in pattern.unless
                   for at, stop in mentions.get(_key(rule, name), ())
                   if not any(s <= at and stop <= e and e - s > stop - at for s, e in spans)}
        # Every slot must be filled from a clause free of the `unless` words.
        slots = [[span for span in hits if reading.clause_of[span[0]] not in blocked]
                 for hits in slots]
        if not all(slots):
            return False
    first_slot = [at for at, _ in slots[0] if reading.active[at]]
    if not first_slot and applied:
        first_slot = [at for at, _ in slots[0]]
    if not first_slot:
        return False
    if pattern.percent_min is not None:
        found = percents(list(tokens))
        if not any(_strength_ok(at, found, reading, pattern) for at in first_slot):
            return False
    if pattern.length_over_mm is not None:
        active = [t if reading.active[i] else Token("punct", ".", ".", 0, 0)
                  for i, t in enumerate(tokens)]
        if not any(mm > pattern.length_over_mm for _, mm in lengths_mm(active)):
            return False
    return True


def _strength_ok(at: int, found: list[tuple[int, float]], reading: Reading,
                 pattern: Pattern) -> bool:
    clause = reading.clause_of[at]
    near = [(abs(i - at), value) for i, value in found
            if reading.clause_of[i] == clause and abs(i - at) <= _PERCENT_WINDOW]
    if not near:
        return pattern.percent_when_missing
    return min(near)[1] >= (pattern.percent_min or 0)


def match_acts(tokens: Sequence[Token], reading: Reading, rules: RuleSet,
               verbs: frozenset[str], without: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    """Rules whose act the sentence instructs, each with the token index of its first mention.

    Mentions of the groups in ``without`` are left out.
    """
    finite = [reading.clause_of[i] in reading.loose for i in range(len(tokens))] if (
        reading.loose) else None
    mentions = find_mentions(tokens, reading.active, rules, verbs, reading.context, finite)
    if not mentions:
        return []
    if reading.used:
        # "A sewing needle does the job": the tool the clause recommends is one the reader uses.
        mentions.setdefault(USE_GROUP, []).extend((at, at + 1) for at in reading.used)
    for key in without:
        mentions.pop(key, None)
    # "… dab it onto the mole": the instruction applies something it names by a pronoun.
    active_words = {t.norm for t, on in zip(tokens, reading.active, strict=True) if on}
    applied = not _APPLY.isdisjoint(active_words) and not _PRONOUNS.isdisjoint(active_words)
    kinds = _group_kinds(rules)
    hits = []
    for rule in rules.rules:
        for pattern, slot_keys in _slot_keys(rule):
            if not all(any(key in mentions for key in keys) for keys in slot_keys):
                continue  # some slot has no word here: the common case, checked cheaply
            nouns_only = applied and all(kinds[_key(rule, name)] == "noun"
                                         for slot in pattern.slots for name in slot)
            if _pattern_holds(rule, pattern, tokens, reading, mentions, nouns_only):
                first = min(at for slot in pattern.slots for name in slot
                            for at, _ in mentions.get(_key(rule, name), ()))
                hits.append((rule.id, first))
                break
    return hits
