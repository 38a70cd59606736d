"""Time the safety lint on 10,000 generated posts, on one core; prints the median of several runs.

Usage: python bench/lint_speed.py [--posts 10000] [--runs 5]
The posts are generated deterministically (seeded) into a temporary folder, read back,
and linted one after another in this process (no threads, no subprocesses).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generator.lint import lint_text, load_rules

SENTENCES = [
    "Milia are small keratin cysts that sit just under the skin.",
    "They are harmless, but many people find them bothersome.",
    "Wash your face with a gentle cleanser every evening.",
    "Apply a warm compress for ten minutes to soften the skin.",
    "A dermatologist can lift stubborn milia with a sterile lancet.",
    "Never squeeze milia with your fingers.",
    "If you pick at them, you risk scarring and infection.",
    "Use a retinoid cream as the label says, and apply sunscreen every morning.",
    "Some people use a needle at home, which often leads to scars.",
    "Can you pop milia like pimples?",
    "Chemical peels use acids to exfoliate the top layer of skin.",
    "Microneedling with a 0.25 mm roller may help serums absorb.",
]
UNSAFE = [
    "Prick the top of each bump with a sterilized pin.",
    "You can squeeze out the keratin with a comedone extractor.",
    "Use a 1.5 mm derma roller once a week.",
    "Tie dental floss around the base of the skin tag.",
]


def make_post(rng: random.Random, n: int) -> str:
    lines = ["---", f'title: "Post {n}"', "date: 2024-01-01", "conditions: [milia]"]
    if rng.random() < 0.2:
        lines.append('safety_warning: "Home procedures can scar."')
    lines += ["---", "", f"# Post {n}", ""]
    for _ in range(rng.randint(3, 6)):
        lines.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 4))))
        lines.append("")
    lines.append("## Steps")
    lines.append("")
    for step in range(1, rng.randint(3, 6)):
        pool = UNSAFE if rng.random() < 0.15 else SENTENCES
        lines.append(f"{step}. {rng.choice(pool)}")
    lines.append("")
    if rng.random() < 0.3:
        lines += ["| Option | Notes |", "| --- | --- |", "| Compress | Gentle |", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    rng = random.Random(20240501)
    load_rules()  # parse the rule file once, as the build does
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in range(args.posts):
            (root / f"post-{n:05d}.md").write_text(make_post(rng, n), encoding="utf-8")
        paths = sorted(root.glob("*.md"))
        size = sum(p.stat().st_size for p in paths)
        timings = []
        findings = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            findings = 0
            for path in paths:
                findings += len(lint_text(path.read_text(encoding="utf-8"), str(path)).findings)
            timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(f"{len(paths)} posts, {size / 1e6:.1f} MB, {findings} findings per run")
    print(f"runs: {', '.join(f'{t:.2f} s' for t in timings)}")
    print(f"median: {median:.2f} s ({1000 * median / len(paths):.3f} ms per post)")
    return 0 if median < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
