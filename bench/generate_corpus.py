"""Generate a deterministic dermsite site of N posts for benchmarks.

Realistic ~1,000-word dermatology prose with headings, lists, a table now and then and
links between posts; 60 conditions, 60 treatments, 30 tags, 20 authors; a term page for
every condition and treatment. Same N, same bytes.

    python bench/generate_corpus.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

CONDITION_WORDS = [
    "milia", "keratosis pilaris", "acne scars", "rosacea", "melasma", "eczema", "psoriasis",
    "seborrheic dermatitis", "perioral dermatitis", "hidradenitis", "vitiligo", "alopecia",
    "urticaria", "contact dermatitis", "tinea", "warts", "molluscum", "skin tags", "moles",
    "actinic keratosis", "lichen planus", "folliculitis", "hyperhidrosis", "keloids",
    "stretch marks", "sun damage", "freckles", "lentigines", "dermatosis papulosa nigra",
    "syringoma", "sebaceous hyperplasia", "xanthelasma", "cherry angioma", "pityriasis rosea",
    "ichthyosis", "prurigo", "intertrigo", "chilblains", "callus", "corns", "cold sores",
    "impetigo", "scabies", "lice", "pigmentation", "dark circles", "enlarged pores",
    "blackheads", "whiteheads", "cystic acne", "fungal acne", "back acne", "ingrown hairs",
    "razor bumps", "dry skin", "oily skin", "sensitive skin", "redness", "fine lines",
    "uneven texture",
]
TREATMENT_WORDS = [
    "microneedling", "chemical peels", "laser therapy", "microdermabrasion", "retinoids",
    "azelaic acid", "niacinamide", "benzoyl peroxide", "salicylic acid", "glycolic acid",
    "lactic acid", "urea cream", "hydroquinone", "tranexamic acid", "vitamin c serum",
    "sunscreen", "moisturizer", "emollients", "topical steroids", "calcineurin inhibitors",
    "antihistamines", "oral antibiotics", "isotretinoin", "spironolactone", "photodynamic therapy",
    "cryotherapy", "electrocautery", "excision", "extraction", "intense pulsed light",
    "fractional laser", "co2 laser", "pulsed dye laser", "radiofrequency", "dermabrasion",
    "subcision", "fillers", "botulinum toxin", "steroid injections", "silicone gel",
    "pressure therapy", "light therapy", "phototherapy", "biologics", "jak inhibitors",
    "antifungals", "permethrin", "tea tree oil", "zinc", "ceramide cream", "barrier repair",
    "gentle cleanser", "exfoliation", "hydrafacial", "led therapy", "dermaplaning",
    "oral contraceptives", "metformin", "adapalene", "tretinoin",
]
SENTENCES = [
    "Most people notice {c} first on the face, where it is hardest to ignore.",
    "A dermatologist will usually confirm {c} by looking closely at the skin.",
    "{T} is one of the options a dermatologist may discuss for {c}.",
    "The evidence for {t} varies, and results depend on skin type and consistency.",
    "Gentle daily care with a fragrance-free moisturizer supports the skin barrier.",
    "Sun protection matters because inflamed skin darkens more easily afterwards.",
    "Expect several weeks before any change is visible, and keep notes or photos.",
    "If the skin becomes painful, hot or swollen, stop and contact a clinician.",
    "Patients often ask whether {t} is worth the cost for {c}, and the honest answer is maybe.",
    "Combining treatments can help, but it also adds irritation, so go slowly.",
    "Children and pregnant people need tailored advice before starting {t}.",
    "Scarring is far more likely when lesions are picked or squeezed.",
    "Many cases of {c} settle on their own over months without any procedure.",
    "A patch test on a small area is a sensible first step with a new product.",
    "Darker skin tones carry a higher risk of pigment changes after {t}.",
]


def words(rng: random.Random, pool: list[str], n: int) -> list[str]:
    return rng.sample(pool, n)


def paragraph(rng: random.Random, conditions: list[str], treatments: list[str]) -> str:
    out = []
    for _ in range(rng.randint(4, 7)):
        t = rng.choice(treatments)
        out.append(
            rng.choice(SENTENCES).format(c=rng.choice(conditions), t=t, T=t.capitalize())
        )
    return " ".join(out)


def post_body(rng: random.Random, index: int, conditions: list[str], treatments: list[str],
              total: int) -> str:
    parts = [paragraph(rng, conditions, treatments)]
    for section in range(rng.randint(4, 6)):
        parts.append(f"## {rng.choice(['What', 'Why', 'How', 'When'])} section {section + 1}")
        parts.append(paragraph(rng, conditions, treatments))
        if section == 1:
            parts.append(
                "\n".join(f"- {paragraph(rng, conditions, treatments)[:90]}" for _ in range(4))
            )
        if section == 2 and index % 5 == 0:
            rows = "\n".join(
                f"| {t.capitalize()} | {rng.choice(['Strong', 'Moderate', 'Limited'])} |"
                for t in treatments[:3]
            )
            parts.append("| Treatment | Evidence |\n| --- | --- |\n" + rows)
        if section == 3 and total > 1:
            other = (index * 7 + 3) % total
            if other != index:
                parts.append(f"See also [a related article](post-{other:05d}.md).")
        parts.append(paragraph(rng, conditions, treatments))
    return "\n\n".join(parts) + "\n"


def slug(text: str) -> str:
    return text.lower().replace(" ", "-")


def generate(n: int, root: Path, seed: int = 20261123) -> None:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    for folder in ("posts", "conditions", "treatments", "authors"):
        (root / "content" / folder).mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.dermsite]\ntitle = "Bench"\nbase_url = "https://bench.example/"\n'
        "related_posts = 4\n",
        encoding="utf-8",
    )
    for i in range(20):
        (root / f"content/authors/author-{i:02d}.md").write_text(
            f"---\nname: Author {i}\ncredentials: MD\n---\nWrites about skin.\n", encoding="utf-8"
        )
    for kind, pool in (("conditions", CONDITION_WORDS), ("treatments", TREATMENT_WORDS)):
        for name in pool:
            (root / f"content/{kind}/{slug(name)}.md").write_text(
                f"---\nname: {name.capitalize()}\ndescription: About {name}.\n---\n"
                f"## Overview\n\n{name.capitalize()} is discussed in many posts here.\n",
                encoding="utf-8",
            )
    tags = [f"Tag {i}" for i in range(30)]
    for index in range(n):
        conditions = words(rng, CONDITION_WORDS, rng.randint(1, 3))
        treatments = words(rng, TREATMENT_WORDS, rng.randint(1, 3))
        year = 2015 + index * 11 // max(n, 1)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        front = (
            f"---\ntitle: Post {index} about {conditions[0]}\ndate: {date}\n"
            f"description: Notes on {conditions[0]} and {treatments[0]}.\n"
            f"author: author-{index % 20:02d}\n"
            f"conditions: [{', '.join(conditions)}]\ntreatments: [{', '.join(treatments)}]\n"
            f"tags: [{', '.join(words(rng, tags, rng.randint(1, 3)))}]\n"
            f"sources:\n  - title: Source {index}\n    url: https://example.org/{index}\n---\n"
        )
        text = front + post_body(rng, index, conditions, treatments, n)
        (root / f"content/posts/post-{index:05d}.md").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("posts", type=int)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    generate(args.posts, args.folder)


if __name__ == "__main__":
    main()
