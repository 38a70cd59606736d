"""Score the safety lint on the labelled corpus: recall, precision and line recall, per part.

Usage: python bench/lint_corpus.py [--part tune|test] [--verbose] [DIR ...]

The corpus (tests/fixtures/lint/corpus/) has two parts: ``tune``, which the rules are
developed against, and ``test``, written before the rules were changed and only scored.
Each part holds whole posts and sentence cases:

- ``NAME.md`` with ``NAME.expected``: a ``# post: blocked|clean`` label, then one line per
  unsafe instruction, ``LINE`` or ``LINE:COL RULE [covered|suppressed]``.
- ``NAME.cases``: one case a line, ``+ TEXT`` (must be blocked) or ``- TEXT`` (must not);
  ``\\n`` in TEXT is a line break. Each case is linted as the body of a post whose
  frontmatter has no safety_warning.

Targets (contract §7): recall 100 %, precision ≥ 98 %, every unsafe line reported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.lint import lint_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lint" / "corpus"
PARTS = ("tune", "test")
CASE_HEADER = "---\ntitle: Case\n---\n\n"


@dataclass(frozen=True)
class Sample:
    """One labelled text: a whole post or a sentence case."""

    name: str  # "file.md" or "file.cases:LINE"
    text: str
    blocked: bool
    lines: frozenset[int]  # file lines of its unsafe instructions
    findings: tuple[str, ...] | None = None  # exact "LINE:COL RULE[ status]", when labelled so
    is_case: bool = False


def describe(finding) -> str:
    status = " covered" if finding.covered else ""
    status += " suppressed" if finding.suppressed else ""
    return f"{finding.line}:{finding.column} {finding.rule}{status}"


def read_post(md: Path) -> Sample:
    lines = md.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# post:"):
        raise SystemExit(f"{md.with_suffix('.expected')}: missing '# post: blocked|clean' label")
    label = lines[0].removeprefix("# post:").strip()
    entries = [line.strip() for line in lines[1:] if line.strip() and not line.startswith("#")]
    exact = all(" " in e for e in entries)
    return Sample(
        name=md.name,
        text=md.read_bytes().decode("utf-8"),
        blocked=label == "blocked",
        lines=frozenset(int(e.split()[0].split(":")[0]) for e in entries),
        findings=tuple(entries) if exact else None,
    )


def read_cases(path: Path) -> Iterator[Sample]:
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        sign, _, text = line.partition(" ")
        if sign not in "+-" or not text:
            raise SystemExit(f"{path}:{n}: a case starts with '+ ' or '- '")
        yield Sample(
            name=f"{path.name}:{n}",
            text=CASE_HEADER + text.replace("\\n", "\n") + "\n",
            blocked=sign == "+",
            lines=frozenset(),  # a case is scored as a whole
            is_case=True,
        )


def read_part(folder: Path) -> list[Sample]:
    samples = [read_post(md) for md in sorted(folder.glob("*.md"))]
    for cases in sorted(folder.glob("*.cases")):
        samples.extend(read_cases(cases))
    return samples


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    lines_total: int = 0
    lines_found: int = 0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def ok(self) -> bool:
        return self.fn == 0 and self.precision >= 0.98 and self.lines_found == self.lines_total


def score(samples: list[Sample], misses: list[str] | None = None) -> Score:
    """Lint every sample; count post-level hits and, for posts, line-level hits."""
    s = Score()
    for sample in samples:
        result = lint_text(sample.text, sample.name)
        predicted = bool(result.blocking)
        s.tp += predicted and sample.blocked
        s.fp += predicted and not sample.blocked
        s.fn += sample.blocked and not predicted
        s.tn += not predicted and not sample.blocked
        if not sample.is_case:
            found = {f.line for f in result.findings}
            s.lines_total += len(sample.lines)
            s.lines_found += len(sample.lines & found)
            missed_lines = sorted(sample.lines - found)
        else:
            missed_lines = []
        if misses is not None and (predicted != sample.blocked or missed_lines):
            what = "not blocked" if sample.blocked and not predicted else (
                "false block" if predicted and not sample.blocked else f"lines {missed_lines}")
            got = "; ".join(f"{f.line}:{f.column} {f.rule} “{f.excerpt}”" for f in result.blocking)
            text = sample.text.removeprefix(CASE_HEADER).strip() if sample.is_case else ""
            misses.append(f"{sample.name}: {what} {text!r} {got}".rstrip())
    return s


def ratio(num: int, den: int) -> str:
    return f"{100 * num / den:.1f} % ({num}/{den})" if den else "n/a (0/0)"


def report(name: str, samples: list[Sample], verbose: bool) -> Score:
    posts = [x for x in samples if not x.is_case]
    cases = [x for x in samples if x.is_case]
    misses: list[str] | None = [] if verbose else None
    total = score(samples, misses)
    p, c = score(posts), score(cases)
    print(f"{name}: {len(posts)} posts ({p.tp + p.fn} blocked, {p.fp + p.tn} clean), "
          f"{len(cases)} sentence cases ({c.tp + c.fn} unsafe, {c.fp + c.tn} safe)")
    print(f"  post-level recall:    {ratio(total.tp, total.tp + total.fn)}"
          f"   [posts {ratio(p.tp, p.tp + p.fn)}, cases {ratio(c.tp, c.tp + c.fn)}]")
    print(f"  post-level precision: {ratio(total.tp, total.tp + total.fp)}"
          f"   [posts {ratio(p.tp, p.tp + p.fp)}, cases {ratio(c.tp, c.tp + c.fp)}]")
    print(f"  line-level recall:    {ratio(total.lines_found, total.lines_total)}")
    for miss in misses or ():
        print("   ", miss)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="score these folders instead")
    parser.add_argument("--part", choices=PARTS, help="score one part only")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    folders = args.dirs or [CORPUS / part for part in ([args.part] if args.part else PARTS)]
    scores = [report(folder.name, read_part(folder), args.verbose) for folder in folders]
    return 0 if all(s.ok for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
