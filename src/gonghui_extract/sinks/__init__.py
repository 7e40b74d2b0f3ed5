"""Where extracted records go: JSON Lines, CSV, Parquet, SQLite or PostgreSQL, chosen by a target string.

``open_sink`` checks the target before any work starts, so a typo in a URL or
a read-only path fails in a second, not after an hour of extraction.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..records import Document
from .base import Sink, SinkError, prepare_path
from .rows import ArticleRecords, ExtractedFile, article_records
from .tables import METADATA, TABLE_NAMES, markdown_tables

__all__ = ["METADATA", "TABLE_NAMES", "ArticleRecords", "ExtractedFile", "Sink", "SinkError",
           "article_records", "open_sink"]

TARGETS_HELP = ("- (JSON Lines on stdout), FILE.jsonl, FOLDER.csv, FOLDER.parquet, FILE.sqlite, FILE.db, "
                "sqlite:///FILE, postgresql://USER@HOST[:PORT]/DB")


def open_sink(target: str | None) -> Sink:
    """The sink ``target`` names, opened and checked; SinkError says what is wrong."""
    from .database import DatabaseSink
    from .files import CsvSink, JsonLinesSink, ParquetSink

    if target in (None, "", "-"):
        return JsonLinesSink(None)
    if "://" in target:
        return DatabaseSink(target)
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return JsonLinesSink(path)
    if suffix == ".csv":
        return CsvSink(path)
    if suffix == ".parquet":
        return ParquetSink(path)
    if suffix in (".sqlite", ".db"):
        if path.is_dir():
            raise SinkError(f"{path}: is a folder, not a database file")
        prepare_path(path, folder=False)
        return DatabaseSink(f"sqlite:///{path}")
    raise SinkError(f"unknown output target {target!r}; use one of: {TARGETS_HELP}")


_SCHEMAS = {"article": ArticleRecords, "document": Document}


def _schema(args: argparse.Namespace) -> int:
    if args.tables:
        sys.stdout.write(markdown_tables())
    else:
        schema = _SCHEMAS[args.of].model_json_schema()
        sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def add_schema(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the records (one JSON Lines line)")
    p.add_argument("--of", choices=sorted(_SCHEMAS), default="article",
                   help="article: a line of `extract` output (default); document: the result of extract()")
    p.add_argument("--tables", action="store_true",
                   help="print the database tables (columns, SQLite and PostgreSQL types) as Markdown")
    p.set_defaults(func=_schema)
