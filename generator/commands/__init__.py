"""Command-line verbs, one module each; each has ``register(subparsers)``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_site_argument(parser: argparse.ArgumentParser) -> None:
    """Every verb acts on the site in the current folder, or the one named by --site."""
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder (holds pyproject.toml with [tool.dermsite]); default: .",
    )
