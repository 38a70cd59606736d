"""The lint stage: one post's text in, a LintResult out.

Runs frontmatter → blocks → sentences → grammar → acts, then applies warnings and
suppressions. Pure (no I/O) and total: it never raises on any input text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from generator.errors import SiteError
from generator.lint.acts import USE_GROUP, match_acts
from generator.lint.blocks import Block, read_markup
from generator.lint.findings import Finding, LintResult
from generator.lint.frontmatter import normalize, read_header
from generator.lint.grammar import (
    IMPERATIVE_VERBS,
    IMPLIES_USE,
    IN_CLINIC,
    SUPPLIES,
    Reading,
    in_clinic,
    read_sentence,
)
from generator.lint.rules import RuleSet, load_rules
from generator.lint.sentences import split_sentences
from generator.lint.suppressions import apply_suppressions, parse_suppressions
from generator.lint.words import Token, token_norms, tokenize

EXCERPT_LENGTH = 60
# How any finding is fixed (contract §4); each rule's own hint follows it.
WARNING_HINT = ("cover it with a warning: `safety_warning:` in the frontmatter, or a "
                "`> [!WARNING]` or `> [!CAUTION]` alert with text before this step (bold "
                "“Warning:” text, a [!NOTE] or a warning inside raw HTML does not count)")
USE_GROUP_WORD = "use"  # the verb of the shared 'handle' group that a recommendation implies


def lint_text(text: str, path: str, rules: RuleSet | None = None) -> LintResult:
    """Lint one post (the whole file, frontmatter included). Never raises."""
    try:
        return _lint(text, path, _reading(rules or load_rules()))
    except RecursionError:
        error = SiteError(path, 0, 0, "the post is nested too deeply to lint",
                          "nest lists and blockquotes less deeply")
        return LintResult(path, errors=(error,))


def _lint(text: str, path: str, rules: RuleSet) -> LintResult:
    header = read_header(normalize(text), path)
    offset = header.body_line
    if "safety-lint" not in header.body and not rules.could_match(header.body):
        return LintResult(path, errors=header.errors)  # no rule can match anywhere
    markup = read_markup(header.body, _and_the_next(rules.could_match))
    verbs = _verbs(rules)
    findings: list[Finding] = []
    carry: str | list[Token] | None = None
    for block in markup.blocks:
        if block.kind == "heading":
            carry = None
        # Only a "we" needs to know whether the paragraph, or its section, is in the clinic.
        clinic = _WE_WORDS.search(block.text) is not None and (
            in_clinic(token_norms(block.text)) or in_clinic(token_norms(block.section)))
        found, carry = _block_findings(block, path, rules, verbs, offset, carry, clinic)
        findings.extend(found)
    warnings = sorted((line + offset + 1, col + 1) for line, col in markup.warnings)
    if header.safety_warning:
        findings = [_covered(f) for f in findings]
    elif warnings:
        first = warnings[0]
        findings = [_covered(f) if (f.line, f.column) > first else f for f in findings]
    suppressions = parse_suppressions(markup.comments, path, rules.ids, offset)
    findings, unused = apply_suppressions(findings, suppressions, offset)
    findings.sort(key=Finding.sort_key)
    return LintResult(
        path=path,
        findings=tuple(findings),
        unused_suppressions=tuple(unused),
        errors=header.errors,
        suppressions=tuple(s for s, _ in suppressions),
    )


def _and_the_next(could_match: Callable[[str], bool]) -> Callable[[str], bool]:
    """The block pre-check, also passing the block after one that passes: it may be the next
    step of an unsafe procedure ("2. Knot it tightly."), whose words stood in the step before."""
    last = [False]

    def wanted(text: str) -> bool:
        ok = could_match(text)
        result, last[0] = ok or last[0], ok
        return result

    return wanted


def _words_bits(rules: RuleSet, carry: str | list[Token]) -> int:
    """The pre-check's slot bits of the sentence (or tokens) a sentence may refer to."""
    text = carry if isinstance(carry, str) else " ".join(t.text for t in carry)
    return rules.span_bits(text, [(0, len(text))])[0]


def _continued(before: list[Token], tokens: list[Token], reading: Reading, answer: bool = False
               ) -> tuple[list[Token], Reading]:
    """The sentence with the unsafe step (or the question) before it in front, whose nouns it
    may refer to; an answer's question is read as part of the instruction."""
    n = len(before) + 1
    context = reading.context or (False,) * len(tokens)
    return [*before, Token("punct", ".", ".", 0, 0), *tokens], Reading(
        reading.clauses, (answer,) * n + reading.active, (-1,) * n + reading.clause_of,
        (True,) * (n - 1) + (False,) + context, tuple(i + n for i in reading.used),
        reading.loose)


_WE_WORDS = re.compile(r"\b[Ww]e\b")
_ANAPHORS = frozenset({"it", "them", "one", "ones", "again", "mine", "yours"})
_ANSWERS = frozenset({"yes", "yep", "yeah", "absolutely", "sure", "definitely", "totally"})
# The raw-text form of both, for the pre-check: a sentence that may refer to the one before.
_REFERS = re.compile(r"\b(?:" + "|".join(sorted(_ANAPHORS | _ANSWERS)) + r")\b", re.IGNORECASE)
_LAST: list[tuple[RuleSet, RuleSet]] = []  # the last rule set and its reading form


def _reading(rules: RuleSet) -> RuleSet:
    """The rule set as the engine reads with it: its pre-check knows that a recommended
    tool is a used one (grammar.IMPLIES_USE)."""
    if _LAST and _LAST[0][0] is rules:
        return _LAST[0][1]
    reading = rules.implying(IMPLIES_USE, USE_GROUP_WORD)
    _LAST[:] = [(rules, reading)]
    return reading


_VERBS: dict[int, frozenset[str]] = {}


def _verbs(rules: RuleSet) -> frozenset[str]:
    """Base verb forms that open an imperative: the grammar's and the rules' (cached)."""
    verbs = _VERBS.get(id(rules))
    if verbs is None:
        verbs = _VERBS[id(rules)] = rules.base_verbs | IMPERATIVE_VERBS
    return verbs


def _covered(finding: Finding) -> Finding:
    return replace(finding, covered=True)


def _block_findings(block: Block, path: str, rules: RuleSet, verbs: frozenset[str],
                    offset: int, carry: str | list[Token] | None = None, clinic: bool = False
                    ) -> tuple[list[Finding], str | list[Token] | None]:
    """The findings of one block, and the unsafe step its last sentences continue, if any.

    ``carry`` is the sentence just before (its text, or its tokens when it was an unsafe
    step): a step that only refers to it ("Knot it tightly", "spray it on the wart") is read
    with its nouns, and an answer ("Yes: …") with its question.
    """
    out: list[Finding] = []
    text = block.text
    spans = split_sentences(text)
    bits = rules.span_bits(text, spans) if len(spans) > 1 else []
    # Only a block holding some rule word is filtered sentence by sentence; one without any
    # (its words stood in code or a link target, which the raw-text pre-check still saw)
    # is read whole, as it always was.
    checked = any(bits)
    for n, (start, end) in enumerate(spans):
        if checked and not rules.bits_match(bits[n]) and (
                carry is None or not _REFERS.search(text, start, end)
                or not rules.bits_match(bits[n] | _words_bits(rules, carry))):
            continue  # no pattern has its words here, nor with the sentence it refers to
        sentence = text[start:end]
        norms = token_norms(sentence)
        if not norms:
            continue
        context = block.context or (IN_CLINIC if clinic else None)
        if context == SUPPLIES:
            # An item of a "What you'll need" list reads as "use …".
            norms.insert(0, "use")
            context = None
        question = sentence.rstrip("\"'”’)]*_ ").endswith("?")
        reading = read_sentence(norms, verbs, in_list=block.in_list or block.kind == "cell",
                                context=context, question=question,
                                heading=block.kind == "heading", cell=block.kind == "cell")
        if not reading.is_instruction:
            # "Can you pop milia with a needle? Yes: sterilise it, …": the answer's nouns;
            # "Liquid nitrogen is the standard. … spray it on the wart": the substance.
            carry = sentence  # tokenized only if a later sentence refers to it
            continue
        answer = norms[0] in _ANSWERS and isinstance(carry, str) and (
            carry.rstrip("\"'”’)]*_ ").endswith("?"))
        tokens = tokenize(sentence)  # with offsets, only for the rare instruction
        if block.context == SUPPLIES:
            tokens.insert(0, Token("word", "use", "use", 0, 0))
        hits = match_acts(tokens, reading, rules, verbs)
        if hits:
            carry = tokens
        elif carry is not None and (answer or _ANAPHORS.intersection(norms)):
            # Only a step that refers back ("Knot it tightly"), and not by merely handling
            # something, which aftercare does too ("Apply it thinly"); an answer ("Can you
            # burn it off with ACV? Yes, rub it on") takes up the question's act itself.
            before = tokenize(carry) if isinstance(carry, str) else carry
            hits = match_acts(*_continued(before, tokens, reading, answer), rules, verbs,
                              () if answer else (USE_GROUP,))
            carry = [*before, *tokens][-80:] if hits else carry
        seen = set()
        for rule_id, _ in hits:
            if rule_id in seen:
                continue
            seen.add(rule_id)
            rule = rules.rule(rule_id)
            # The sentence's start, or the line its instruction starts on when that is a later
            # one (contract §6: the line on which the flagged instruction starts).
            head = tokens[reading.head].start if reading.head < len(tokens) else 0
            line, col = block.position(start)
            if block.context != SUPPLIES and block.position(start + head)[0] > line:
                line, col = block.position(start + head)
            out.append(Finding(
                path=path,
                line=line + offset + 1,
                column=col + 1,
                rule=rule_id,
                severity=rule.severity,
                covered=False,
                suppressed=False,
                excerpt=_excerpt(sentence[tokens[reading.head].start:]),
                message=rule.message,
                hint=f"{WARNING_HINT}; {rule.hint}",
                act=rule.act or rule.message,
            ))
    return out, carry


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_LENGTH:
        return flat
    cut = flat[:EXCERPT_LENGTH].rsplit(" ", 1)[0] or flat[:EXCERPT_LENGTH]
    return cut.rstrip(",;:") + "…"
