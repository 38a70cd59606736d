"""``dermsite new post|condition|treatment|author "Title"``: write a new source file.

Refuses to overwrite; every field is present so authors see what they can fill in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from generator.urls import slugify

FOLDERS = {
    "post": "posts",
    "condition": "conditions",
    "treatment": "treatments",
    "author": "authors",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    from generator.commands import add_site_argument

    parser = subparsers.add_parser("new", help="create a post, condition, treatment or author")
    parser.add_argument("kind", choices=sorted(FOLDERS))
    parser.add_argument("title", help="the title (post) or name (term, author)")
    parser.add_argument("--slug", help="file name without .md (default: from the title)")
    parser.add_argument("--author", help="author id for a post (default: the first author)")
    add_site_argument(parser)
    parser.set_defaults(func=run)


def _q(value: str) -> str:
    """A YAML scalar for ``value`` (quoted when YAML would misread it)."""
    return yaml.safe_dump(value, default_style=None, width=1000).strip().removesuffix("\n...")


def post_template(title: str, today: dt.date, author: str = "your-author-id") -> str:
    return f"""---
title: {_q(title)}
date: {today.isoformat()}
description: "One or two sentences for search results and link previews."
author: {author:<24}# a file in content/authors/
reviewed_by:                    # author id of the medical reviewer, once reviewed
last_reviewed:                  # YYYY-MM-DD of that review
updated:                        # YYYY-MM-DD of the last substantive edit
conditions: []                  # e.g. [Milia, Keratosis pilaris]
treatments: []                  # e.g. [Microneedling]
tags: []                        # e.g. [Expert]
draft: true                     # built only with --drafts until you set it to false
slug:                           # URL override; default is the file name
safety_warning:                 # required before any risky do-it-yourself step
sources: []                     # - title: "…"  url: https://…  doi: "10.…"  pmid: "123"
aliases: []                     # old paths of this post, e.g. /2019/old-name/
---
Write the introduction here.

## A first section

Text.
"""


def term_template(kind: str, name: str) -> str:
    extra = (
        "treatments: []                  # treatments commonly used for it\n"
        if kind == "condition"
        else "treats: []                      # - condition: Milia\n"
        "                                #   evidence: strong|moderate|limited|anecdotal\n"
        "contraindicated_for: []         # - condition: …  note: why\n"
    )
    return f"""---
name: {_q(name)}
synonyms: []
description: "One or two sentences."
{extra}---
## What it is

Text.
"""


def author_template(name: str) -> str:
    return f"""---
name: {_q(name)}
credentials: ""                 # e.g. "MD, FAAD"
role: ""                        # e.g. Board-certified dermatologist
bio: ""                         # one paragraph
---
"""


def run(args: argparse.Namespace) -> int:
    slug = args.slug or slugify(args.title)
    if not slug or slugify(slug) != slug:
        print(f"error: cannot make a file name from {args.title!r}; pass --slug", file=sys.stderr)
        return 2
    folder: Path = args.site / "content" / FOLDERS[args.kind]
    path = folder / f"{slug}.md"
    if path.exists():
        print(f"error: {path} already exists; choose another title or --slug", file=sys.stderr)
        return 1
    if args.kind == "post":
        authors = sorted(p.stem for p in (args.site / "content" / "authors").glob("*.md"))
        author = args.author or (authors[0] if authors else "your-author-id")
        text = post_template(args.title, dt.date.today(), author)
    elif args.kind == "author":
        text = author_template(args.title)
    else:
        text = term_template(args.kind, args.title)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"created {path}")
    return 0
