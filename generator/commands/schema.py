"""``dermsite schema``: print the JSON Schema of post frontmatter (or terms, authors)."""

from __future__ import annotations

import argparse
import json

from generator.models import AuthorMeta, PostMeta, TermMeta

MODELS = {"post": PostMeta, "term": TermMeta, "author": AuthorMeta}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schema", help="print the JSON Schema of the frontmatter, for editor autocompletion"
    )
    parser.add_argument("kind", nargs="?", choices=sorted(MODELS), default="post")
    parser.set_defaults(func=run)


def frontmatter_schema(kind: str = "post") -> dict:
    schema = MODELS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://dermsite.invalid/schema/{kind}.json"
    return schema


def run(args: argparse.Namespace) -> int:
    print(json.dumps(frontmatter_schema(args.kind), indent=2, sort_keys=True))
    return 0
