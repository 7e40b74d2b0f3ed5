"""``gonghui-extract articles FILE...``: how archive files decode and cut into articles.

One JSON line per article: the file, its detected encoding, and the article's
furniture with source offsets (no metrics, dates or organisations: that is
``extract``'s job).  For checking a batch of scans before extracting from it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .decode import DecodeError, decode_bytes
from .pipeline import Pipeline

RECORD_LISTS = {"metrics", "dates", "organisations"}


def _articles(args: argparse.Namespace) -> int:
    pipeline = Pipeline(rules=["default", *args.rules], components=["normalise", "segment"])
    failed = 0
    for path in args.inputs:
        try:
            decoded = decode_bytes(Path(path).read_bytes(), str(path))
        except (OSError, DecodeError) as exc:
            print(f"gonghui-extract: skipped {path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        for warning in decoded.warnings:
            print(f"gonghui-extract: {warning}", file=sys.stderr)
        for article in pipeline(decoded.text).articles:
            row = {"source": str(path), "encoding": decoded.encoding,
                   **article.model_dump(mode="json", exclude=RECORD_LISTS)}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 1 if failed else 0


def add_articles(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("articles", help="decode archive files and list their articles (JSON Lines on stdout)")
    p.add_argument("inputs", nargs="+", help="text files in UTF-8, UTF-16, GB18030/GBK or Big5")
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="an extra rules folder, merged over the defaults (repeatable)")
    p.set_defaults(func=_articles)
