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

# Sentences are built from templates so that posts do not repeat a small pool
# verbatim; about one in ten steps is an unsafe instruction.
SUBJECTS = ["Milia", "These bumps", "Keratin cysts", "Small white spots", "Whiteheads",
            "Skin tags", "Warts", "Boils", "Acne scars", "Rough patches"]
PLACES = ["on the cheeks", "around the eyes", "on the nose", "along the jawline", "on the arms",
          "under the chin", "on the forehead", "near the hairline"]
FACTS = ["are common in adults", "often clear up on their own", "can last for months",
         "are usually harmless", "tend to return after stress", "respond slowly to treatment"]
CARE = ["Wash your face with a gentle cleanser every evening",
        "Apply a warm compress for ten minutes to soften the skin",
        "Use a fragrance-free moisturizer twice a day",
        "Apply a retinoid cream as the label says",
        "Wear a broad-spectrum sunscreen every morning",
        "Exfoliate gently once or twice a week"]
CLINIC = ["A dermatologist can lift stubborn milia with a sterile lancet",
          "Your doctor may freeze the wart with liquid nitrogen",
          "In the clinic, cysts are drained through a tiny incision",
          "Dermatologists remove skin tags in a few minutes"]
WARN = ["Never squeeze milia with your fingers", "If you pick at them, you risk scarring",
        "Some people use a needle at home, which often leads to scars",
        "Can you pop milia like pimples?", "Do not cut off a skin tag yourself"]
UNSAFE = ["Prick the top of each bump with a sterilized pin",
          "You can squeeze out the keratin with a comedone extractor",
          "Use a 1.5 mm derma roller once a week",
          "Tie dental floss around the base of the skin tag",
          "Dab apple cider vinegar on the mole every night"]
TAILS = ["", " for a week", " before bed", " after a warm shower", " for best results",
         " on clean skin", " every few days"]


def sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)} {rng.choice(FACTS)}."
    if kind < 0.65:
        return f"{rng.choice(CARE)}{rng.choice(TAILS)}."
    if kind < 0.85:
        return f"{rng.choice(CLINIC)}{rng.choice(TAILS)}."
    text = rng.choice(WARN)
    return text if text.endswith("?") else text + "."


def make_post(rng: random.Random, n: int) -> str:
    lines = ["---", f'title: "Post {n}"', "date: 2024-01-01", "conditions: [milia]"]
    if rng.random() < 0.2:
        lines.append('safety_warning: "Home procedures can scar."')
    lines += ["---", "", f"# Post {n}", ""]
    for _ in range(rng.randint(3, 6)):
        lines.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 4))))
        lines.append("")
    lines.append("## Steps")
    lines.append("")
    for step in range(1, rng.randint(3, 6)):
        unsafe = rng.random() < 0.1
        text = f"{rng.choice(UNSAFE)}{rng.choice(TAILS)}." if unsafe else sentence(rng)
        lines.append(f"{step}. {text}")
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
