"""The ``gonghui-extract`` command line.

Each subcommand is a function ``add_<name>(subparsers)`` that declares its
arguments and sets ``func``; COMMANDS lists them in help order.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from . import Pipeline
from .cli_articles import add_articles
from .evaluate import add_evaluate
from .review import add_review
from .rules import RulesError


def _extract(args: argparse.Namespace) -> int:
    pipeline = Pipeline(rules=["default", *args.rules])
    failed = 0
    out = sys.stdout
    for path in args.inputs:
        try:
            text = Path(path).read_text(encoding="utf-8")
            doc = pipeline(text, args.reference_date)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"gonghui-extract: skipped {path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        row = {"source": str(path), **doc.model_dump(mode="json")}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 1 if failed else 0


def add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract records from text files (JSON Lines on stdout)")
    p.add_argument("inputs", nargs="+", help="UTF-8 text files")
    p.add_argument("--reference-date", help="publication date YYYY-MM-DD for relative dates")
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="an extra rules folder, merged over the defaults (repeatable)")
    p.set_defaults(func=_extract)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_extract, add_articles, add_evaluate, add_review,
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
