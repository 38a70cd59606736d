"""The ``dermsite`` command: parses arguments and dispatches to one module per verb.

Only this module and ``generator.commands`` print or choose exit codes.
Exit status: 0 success, 1 content errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from generator import __version__

# One module per verb, each with ``register(subparsers)`` that sets ``func``.
COMMANDS = ("build", "serve", "lint", "new", "schema", "review")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dermsite",
        description="Build a cross-linked skin-health site from Markdown posts.",
    )
    parser.add_argument("--version", action="version", version=f"dermsite {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"generator.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"generator.commands.{name}":
                continue  # verb not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
