"""The ``dermsite`` command: parses arguments and dispatches to one module per verb.

Only this module and ``generator.commands`` print or choose exit codes.
Exit status: 0 success, 1 content errors, 2 usage errors, 3 internal error (a bug in
dermsite: one line on the terminal, the traceback in a crash file; on the terminal too
with --debug).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.crash import shown, write_crash_report

DEBUG_HELP = "on an internal error, also print the traceback (it is always saved to a file)"

# One module per verb, each with ``register(subparsers)`` that sets ``func``.
COMMANDS = ("build", "serve", "lint", "new", "schema", "review")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dermsite",
        description="Build a cross-linked skin-health site from Markdown posts.",
    )
    parser.add_argument("--version", action="version", version=f"dermsite {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"generator.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"generator.commands.{name}":
                continue  # verb not built yet
            raise
        module.register(subparsers)
    for verb in subparsers.choices.values():  # 'dermsite build --debug' as well
        verb.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                          help=DEBUG_HELP)
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
    except Exception as exc:  # a bug: content and usage errors never get here
        return report_crash(exc, args, list(sys.argv[1:] if argv is None else argv))


def report_crash(exc: Exception, args: argparse.Namespace, argv: list[str]) -> int:
    """One line on stderr saying it is a bug and where the details are; exit status 3."""
    site = getattr(args, "site", None) or Path(".")
    path = write_crash_report(exc, site, argv)
    if args.debug:
        traceback.print_exception(exc, file=sys.stderr)
    where = f"details are in {shown(path)}" if path else "no crash file could be written"
    print(
        f"dermsite: internal error ({type(exc).__name__}): this is a bug in dermsite, not in "
        f"your site; {where}; please report it with that file",
        file=sys.stderr,
    )
    return 3
