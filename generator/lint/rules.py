"""Load the rule file (YAML shipped in this package) into frozen rule values.

Every problem in a rule file is collected and reported at its own line and column
(from the YAML node marks). Nothing here reads posts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from generator.errors import BuildFailed, SiteError

DEFAULT_RULES = Path(__file__).with_name("rules.yaml")
GAP = "…"  # in a term: up to MAX_GAP words may stand here
MAX_GAP = 6
_RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
_SEVERITIES = ("error", "warning", "note")
_KINDS = ("verb", "noun")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|%")
# A bytes.translate table: ASCII letters to lower case, digits kept, every other byte a space.
_ASCII_FOLD = bytes(ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(128)) + bytes(
    range(128, 256))


@dataclass(frozen=True, slots=True)
class Term:
    """One form of a word group: words to match in order (``None`` marks a gap)."""

    lemma: str
    words: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A named class of words (verbs, tools, objects) with all their forms."""

    name: str
    kind: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Pattern:
    """Groups that must all occur (each slot: any of its groups), with numeric conditions."""

    slots: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...] = ()
    percent_min: float | None = None
    percent_when_missing: bool = False
    length_over_mm: float | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule id of contract §2, as data."""

    id: str
    severity: str
    message: str
    hint: str
    groups: Mapping[str, Group]
    patterns: tuple[Pattern, ...]
    act: str = ""  # the act in a few words, for reports: "burning or freezing the skin"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All rules plus the shared groups they draw on; ``index`` maps a first word to its terms."""

    source: str
    rules: tuple[Rule, ...]
    shared: Mapping[str, Group]
    index: Mapping[str, tuple[tuple[str, Term], ...]] = field(default_factory=dict)
    base_verbs: frozenset[str] = frozenset()
    # Pre-check: every (pattern, slot) pair owns one bit; a word sets the bits of the
    # slots it can fill; a pattern may match only if the text sets all of its bits.
    trigger_bits: Mapping[str, int] = field(default_factory=dict)
    pattern_masks: tuple[int, ...] = ()
    # The keys of trigger_bits as a set: intersecting it with a text's words runs in C,
    # where looking every word up in Python was the pre-check's main cost.
    trigger_words: frozenset[str] = frozenset()
    # The same for ASCII words as bytes, for the byte-level word split of ``_slot_bits``.
    ascii_bits: Mapping[bytes, int] = field(default_factory=dict)
    ascii_words: frozenset[bytes] = frozenset()

    def word_hits(self, text: str) -> list[tuple[int, int]]:
        """(offset, slot bits) of every word of ``text`` that can fill some pattern slot."""
        get = self.trigger_bits.get
        # Offsets from the text itself: lower() may change the length ("İ" → "i̇").
        return [(m.start(), bits) for m in _WORDS.finditer(text)
                if (bits := get(m.group().lower(), 0))]

    def span_bits(self, text: str, spans: list[tuple[int, int]]) -> list[int]:
        """The slot bits of the words of each span of ``text``, as ``word_hits`` finds them.

        Spans must start and end next to whitespace (or the text's ends), as sentences do,
        so that no word crosses a span's edge.
        """
        if not text.isascii():
            hits = self.word_hits(text)
            return [self._bits_between(hits, start, end) for start, end in spans]
        # ASCII lowers letter by letter: lowering a slice gives the words word_hits would
        # find there.
        return [self._slot_bits(text[start:end]) for start, end in spans]

    @staticmethod
    def _bits_between(hits: list[tuple[int, int]], start: int, end: int) -> int:
        bits = 0
        for at, word_bits in hits:
            if start <= at < end:
                bits |= word_bits
        return bits

    def _slot_bits(self, text: str) -> int:
        """The slot bits of the words of ``text.lower()``."""
        if text.isascii() and "'" not in text and "%" not in text:
            # Without apostrophes and "%", the words _WORDS finds are the runs of letters
            # and digits: one bytes.translate (lower-casing, blanking everything else) and
            # a split find them about three times faster than the regex.
            bits_of = self.ascii_bits
            found = self.ascii_words.intersection(text.encode().translate(_ASCII_FOLD).split())
        else:
            bits_of = self.trigger_bits
            found = self.trigger_words.intersection(_WORDS.findall(text.lower()))
        bits = 0
        for word in found:
            bits |= bits_of[word]
        return bits

    def bits_match(self, bits: int) -> bool:
        """Do slot ``bits`` (from ``span_bits``) fill every slot of some pattern?

        """
        if bits:
            for mask in self.pattern_masks:
                if bits & mask == mask:
                    return True
        return False

    def could_match(self, text: str) -> bool:
        """Cheap pre-check: does ``text`` hold a word for every slot of some pattern?"""
        return self.bits_match(self._slot_bits(text))

    def implying(self, words: frozenset[str], word: str) -> RuleSet:
        """This rule set with ``words`` also setting the pre-check bits of ``word``: the
        grammar reads "a pin does the job" as using the pin, with no verb of the rules."""
        extra = self.trigger_bits.get(word, 0)
        bits = dict(self.trigger_bits)
        for w in words:
            bits[w] = bits.get(w, 0) | extra
        ascii_bits = {w.encode(): b for w, b in bits.items() if w.isascii()}
        return replace(self, trigger_bits=bits, trigger_words=frozenset(bits),
                       ascii_bits=ascii_bits, ascii_words=frozenset(ascii_bits))

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)


def group_key(rule_id: str | None, name: str) -> str:
    """The index key of a group: ``rule-id/name`` for a rule's own group, ``name`` if shared."""
    return f"{rule_id}/{name}" if rule_id else name


class _Collector:
    """Builds the rule set from YAML nodes, recording every problem with its position."""

    def __init__(self, source: str):
        self.source = source
        self.errors: list[SiteError] = []

    def error(self, node: yaml.Node, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.errors.append(SiteError(self.source, mark.line + 1, mark.column + 1, message, hint))

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping")
            return []
        return list(node.value)

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.error(node, f"{what} must be a non-empty string")
            return ""
        return str(node.value).strip()

    def string_list(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, str]]:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list")
            return []
        return [(item, self.scalar(item, f"an entry of {what}")) for item in node.value]

    def term(self, node: yaml.Node, lemma: str, text: str) -> Term | None:
        words: list[str | None] = []
        for part in text.lower().replace("-", " ").split():
            if part == GAP:
                words.append(None)
            elif re.fullmatch(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|%", part):
                words.append(part)
            else:
                self.error(node, f"term {text!r}: {part!r} is not a word")
                return None
        if not words or words[0] is None or words[-1] is None:
            self.error(node, f"term {text!r} must start and end with a word")
            return None
        return Term(lemma, tuple(words))

    def group(self, name: str, node: yaml.Node) -> Group | None:
        kind, terms = "", []
        for key, value in self.mapping(node, f"group {name!r}"):
            if key.value == "kind":
                kind = self.scalar(value, "kind")
                if kind and kind not in _KINDS:
                    self.error(value, f"unknown kind {kind!r}", "use 'verb' or 'noun'")
            elif key.value == "terms":
                for lemma_node, forms in self.mapping(value, "terms"):
                    lemma = self.scalar(lemma_node, "a lemma")
                    for item, text in [(lemma_node, lemma), *self.string_list(forms, lemma)]:
                        if text and (term := self.term(item, lemma, text)):
                            terms.append(term)
            else:
                self.error(key, f"unknown key {key.value!r} in group {name!r}",
                           "a group has 'kind' and 'terms'")
        if not kind:
            self.error(node, f"group {name!r} needs a 'kind'")
        if not terms:
            self.error(node, f"group {name!r} has no terms")
        return Group(name, kind, tuple(terms)) if kind in _KINDS and terms else None

    def groups(self, node: yaml.Node) -> dict[str, Group]:
        out: dict[str, Group] = {}
        for key, value in self.mapping(node, "groups"):
            name = self.scalar(key, "a group name")
            if name in out:
                self.error(key, f"group {name!r} is defined twice")
            if name and (group := self.group(name, value)):
                out[name] = group
        return out

    def group_names(self, node: yaml.Node | None) -> set[str]:
        """Names of the groups written, valid or not (so one bad group is reported once)."""
        if not isinstance(node, yaml.MappingNode):
            return set()
        return {str(key.value) for key, _ in node.value}

    def pattern(self, node: yaml.Node, known: set[str]) -> Pattern | None:
        slots: list[tuple[str, ...]] = []
        unless: list[str] = []
        extra: dict = {}

        def names(item: yaml.Node, text: str) -> tuple[str, ...]:
            parts = tuple(p.strip() for p in text.split("|") if p.strip())
            for part in parts:
                if part not in known:
                    self.error(item, f"unknown group {part!r}",
                               "define it under 'groups' or 'shared'")
            return parts

        for key, value in self.mapping(node, "a pattern"):
            if key.value == "all":
                slots = [names(item, text) for item, text in self.string_list(value, "all")]
            elif key.value == "unless":
                unless = [n for item, text in self.string_list(value, "unless")
                          for n in names(item, text)]
            elif key.value == "percent":
                opts = dict(self._numbers(value, ("min", "when_missing")))
                extra["percent_min"] = opts.get("min")
                extra["percent_when_missing"] = bool(opts.get("when_missing", False))
            elif key.value == "length":
                extra["length_over_mm"] = dict(self._numbers(value, ("over_mm",))).get("over_mm")
            else:
                self.error(key, f"unknown key {key.value!r} in a pattern",
                           "a pattern has 'all', 'unless', 'percent' or 'length'")
        if not slots:
            self.error(node, "a pattern needs a non-empty 'all' list")
            return None
        return Pattern(tuple(slots), tuple(unless), **extra)

    def _numbers(self, node: yaml.Node, keys: tuple[str, ...]):
        for key, value in self.mapping(node, "numeric condition"):
            if key.value not in keys:
                self.error(key, f"unknown key {key.value!r}", f"expected one of {', '.join(keys)}")
                continue
            if value.value in ("true", "false"):
                yield key.value, value.value == "true"
                continue
            try:
                yield key.value, float(value.value)
            except (TypeError, ValueError):
                self.error(value, f"{key.value} must be a number")

    def rule(self, rule_id: str, id_node: yaml.Node, node: yaml.Node,
             shared: Mapping[str, Group]) -> Rule | None:
        fields: dict[str, yaml.Node] = {}
        for key, value in self.mapping(node, f"rule {rule_id!r}"):
            if key.value in ("severity", "message", "hint", "act", "groups", "patterns"):
                fields[key.value] = value
            else:
                self.error(key, f"unknown key {key.value!r} in rule {rule_id!r}")
        for needed in ("message", "hint", "patterns"):
            if needed not in fields:
                self.error(id_node, f"rule {rule_id!r} needs {needed!r}")
        severity = self.scalar(fields["severity"], "severity") if "severity" in fields else "error"
        if severity not in _SEVERITIES:
            self.error(fields["severity"], f"unknown severity {severity!r}",
                       f"use one of {', '.join(_SEVERITIES)}")
        own = self.groups(fields["groups"]) if "groups" in fields else {}
        known = set(own) | set(shared) | self.group_names(fields.get("groups"))
        patterns = []
        if "patterns" in fields:
            listed = fields["patterns"]
            if not isinstance(listed, yaml.SequenceNode) or not listed.value:
                self.error(fields["patterns"], "patterns must be a non-empty list")
            else:
                patterns = [self.pattern(p, known) for p in fields["patterns"].value]
        if any(p is None for p in patterns) or not patterns:
            return None
        return Rule(
            id=rule_id,
            severity=severity,
            message=self.scalar(fields["message"], "message") if "message" in fields else "",
            hint=self.scalar(fields["hint"], "hint") if "hint" in fields else "",
            groups={g.name: g for g in own.values()},
            patterns=tuple(p for p in patterns if p),
            act=self.scalar(fields["act"], "act") if "act" in fields else "",
        )


def parse_rules(text: str, source: str) -> RuleSet:
    """Build a rule set from YAML text; raise BuildFailed listing every problem at its line."""
    collector = _Collector(source)
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise BuildFailed([SiteError(source, line, col, f"invalid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise BuildFailed([SiteError(source, 0, 0, f"invalid YAML: {exc}")]) from None
    if root is None:
        raise BuildFailed([SiteError(source, 1, 1, "the rule file is empty")])
    shared: dict[str, Group] = {}
    rules: list[Rule] = []
    for key, value in collector.mapping(root, "the rule file"):
        if key.value == "version":
            if value.value != "1":
                collector.error(value, f"unsupported rule file version {value.value!r}", "use 1")
        elif key.value == "shared":
            shared = collector.groups(value)
        elif key.value == "rules":
            seen = set()
            for id_node, body in collector.mapping(value, "rules"):
                rule_id = collector.scalar(id_node, "a rule id")
                if rule_id in seen:
                    collector.error(id_node, f"rule {rule_id!r} is defined twice")
                seen.add(rule_id)
                if rule_id and not _RULE_ID.match(rule_id):
                    collector.error(id_node, f"bad rule id {rule_id!r}",
                                    "use lower-case words joined by '-', e.g. diy-puncture")
                elif rule_id and (rule := collector.rule(rule_id, id_node, body, shared)):
                    rules.append(rule)
        else:
            collector.error(key, f"unknown top-level key {key.value!r}",
                            "expected 'version', 'shared' or 'rules'")
    if not rules and not collector.errors:
        collector.error(root, "the rule file defines no rules")
    if collector.errors:
        raise BuildFailed(collector.errors)
    return _indexed(RuleSet(source, tuple(rules), shared))


def _indexed(rules: RuleSet) -> RuleSet:
    index: dict[str, list[tuple[str, Term]]] = {}
    base: set[str] = set()
    owners = [(None, g) for g in rules.shared.values()]
    owners += [(r.id, g) for r in rules.rules for g in r.groups.values()]
    for rule_id, group in owners:
        key = group_key(rule_id, group.name)
        for term in group.terms:
            index.setdefault(term.words[0], []).append((key, term))
            if group.kind == "verb" and term.lemma == " ".join(w or GAP for w in term.words):
                base.add(term.words[0])
    frozen = {word: tuple(terms) for word, terms in index.items()}
    firsts = {group_key(None, g.name): {_trigger(t) for t in g.terms}
              for g in rules.shared.values()}
    for rule in rules.rules:
        firsts.update({group_key(rule.id, g.name): {_trigger(t) for t in g.terms}
                       for g in rule.groups.values()})
    bits: dict[str, int] = {}
    masks = []
    bit = 1
    for rule in rules.rules:
        for pattern in rule.patterns:
            mask = 0
            for slot in pattern.slots:
                for name in slot:
                    key = group_key(rule.id, name) if name in rule.groups else group_key(None, name)
                    for word in firsts.get(key, ()):
                        bits[word] = bits.get(word, 0) | bit
                mask |= bit
                bit <<= 1
            masks.append(mask)
    ascii_bits = {word.encode(): b for word, b in bits.items() if word.isascii()}
    return RuleSet(rules.source, rules.rules, rules.shared, frozen, frozenset(base),
                   bits, tuple(masks), frozenset(bits), ascii_bits, frozenset(ascii_bits))


def _trigger(term: Term) -> str:
    """The word a text must hold for ``term`` to match: its longest that is not a common
    word ("hair around" waits for "hair", "get … out" for "out" rather than "get")."""
    words = [w for w in term.words if w]
    rare = [w for w in words if w not in _COMMON_WORDS] or words
    return max(reversed(rare), key=len)


# Words too common to wait for in the pre-check, when a term has a rarer one.
_COMMON_WORDS = frozenset("""
a an the of to in on at by up out off into onto over down away around with your it them get
make take put go do have be make use
""".split())


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load a rule file (default: the one shipped with the package, cached per process)."""
    if path is None:
        return _default_rules()
    return _read(Path(path))


def _read(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildFailed([SiteError(str(path), 0, 0, f"cannot read rule file: {exc}")]) from None
    return parse_rules(text, str(path))


@functools.cache
def _default_rules() -> RuleSet:
    return _read(DEFAULT_RULES)


def reload_rules() -> None:
    """Forget the cached default rules, so the next load_rules() reads the file again
    (the preview server calls this when the rule file changes)."""
    _default_rules.cache_clear()
