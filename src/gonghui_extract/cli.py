"""The ``gonghui-extract`` command line.

Each subcommand is a function ``add_<name>(subparsers)`` that declares its
arguments and sets ``func``; COMMANDS lists them in help order.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .cli_articles import add_articles
from .evaluate import add_evaluate
from .review import add_review
from .rules import RulesError
from .runner import add_extract
from .sinks import add_schema

COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_extract, add_articles, add_evaluate, add_review, add_schema,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gonghui-extract", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RulesError as exc:
        print(f"gonghui-extract: bad rules: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
