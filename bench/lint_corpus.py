"""Measure the safety lint on a labelled corpus: post-level recall and precision, line-level recall.

Usage: python bench/lint_corpus.py [DIR ...] [--verbose]
(default DIR: tests/fixtures/lint/corpus). Each ``NAME.md`` has a ``NAME.expected``:
a ``# post: blocked|clean`` label, then one ``LINE:COL RULE [covered|suppressed]`` line
per unsafe instruction. Targets (contract §7): recall 100 %, precision ≥ 95 %.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.lint import lint_text

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lint" / "corpus"


@dataclass(frozen=True)
class Label:
    blocked: bool
    findings: tuple[str, ...]  # "LINE:COL RULE[ status]"

    @property
    def lines(self) -> set[int]:
        return {int(f.split(":", 1)[0]) for f in self.findings}


def read_label(path: Path) -> Label:
    blocked = None
    findings = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# post:"):
            blocked = line.split(":", 1)[1].strip() == "blocked"
        elif line and not line.startswith("#"):
            findings.append(line)
    if blocked is None:
        raise SystemExit(f"{path}: missing '# post: blocked|clean' label")
    return Label(blocked, tuple(findings))


def describe(finding) -> str:
    status = " covered" if finding.covered else ""
    status += " suppressed" if finding.suppressed else ""
    return f"{finding.line}:{finding.column} {finding.rule}{status}"


def ratio(num: int, den: int) -> str:
    return f"{100 * num / den:.1f} % ({num}/{den})" if den else "n/a (0/0)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    tp = fp = fn = tn = 0
    lines_total = lines_found = exact = posts = 0
    for folder in args.dirs:
        for md in sorted(folder.glob("*.md")):
            label = read_label(md.with_suffix(".expected"))
            result = lint_text(md.read_bytes().decode("utf-8"), str(md))
            got = tuple(describe(f) for f in result.findings)
            predicted = bool(result.blocking)
            posts += 1
            tp += predicted and label.blocked
            fp += predicted and not label.blocked
            fn += label.blocked and not predicted
            tn += not predicted and not label.blocked
            found_lines = {f.line for f in result.findings}
            lines_total += len(label.lines)
            lines_found += len(label.lines & found_lines)
            exact += got == label.findings
            if args.verbose and got != label.findings:
                print(f"{md.name}: expected {list(label.findings)}, got {list(got)}")
    print(f"posts: {posts} ({tp + fn} labelled blocked, {fp + tn} labelled clean)")
    print(f"post-level recall:    {ratio(tp, tp + fn)}")
    print(f"post-level precision: {ratio(tp, tp + fp)}")
    print(f"line-level recall:    {ratio(lines_found, lines_total)}")
    print(f"exact findings match: {ratio(exact, posts)}")
    ok = fn == 0 and (tp + fp == 0 or tp / (tp + fp) >= 0.95) and lines_found == lines_total
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
