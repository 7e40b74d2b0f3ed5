"""File sinks: JSON Lines (one line per article), CSV and Parquet (one file per table).

A run rewrites its output: the same input gives the same file, so re-running is
idempotent.  Resuming needs a database target, which knows what it holds.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import IO, Any

from .base import Sink, SinkError, prepare_path
from .rows import ExtractedFile, to_json_line
from .tables import ARTICLE_FIELDS, RECORD_FIELDS, TABLE_NAMES, article_row, column_names, record_rows


class JsonLinesSink(Sink):
    """One JSON object per article, to stdout or a file."""

    def __init__(self, path: Path | None):
        self._owned = path is not None
        if path is None:
            self._out: IO[str] = sys.stdout
        else:
            prepare_path(path, folder=False)
            try:
                self._out = path.open("w", encoding="utf-8")
            except OSError as exc:
                raise SinkError(f"cannot write to {path}: {exc.strerror or exc}") from exc

    def write(self, files: list[ExtractedFile]) -> None:
        self._out.write("".join(to_json_line(a) for f in files for a in f.articles))
        self._out.flush()

    def close(self) -> None:
        if self._owned:
            self._out.close()


class _TableSink(Sink):
    """Rows of the four tables, the database's columns; ids count from 1 in output order."""

    def __init__(self) -> None:
        self._ids = dict.fromkeys(TABLE_NAMES, 0)

    def _numbered(self, name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        first = self._ids[name] + 1
        self._ids[name] += len(rows)
        return [{"id": first + i, **row} for i, row in enumerate(rows)]

    def write(self, files: list[ExtractedFile]) -> None:
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
        for f in files:
            for article in f.articles:
                [numbered] = self._numbered("articles", [article_row(article)])
                rows["articles"].append(numbered)
                for kind, kind_rows in record_rows(article, numbered["id"]).items():
                    rows[kind].extend(self._numbered(kind, kind_rows))
        self._write_rows(rows)

    def _write_rows(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        raise NotImplementedError


class CsvSink(_TableSink):
    """A folder with articles.csv, metrics.csv, dates.csv, organisations.csv (UTF-8, header row)."""

    def __init__(self, folder: Path):
        super().__init__()
        prepare_path(folder, folder=True)
        self._files = {name: (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
                       for name in TABLE_NAMES}
        self._writers = {name: csv.DictWriter(fh, fieldnames=column_names(name))
                         for name, fh in self._files.items()}
        for writer in self._writers.values():
            writer.writeheader()

    def _write_rows(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        for name, table_rows in rows.items():
            self._writers[name].writerows(table_rows)
            self._files[name].flush()

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()


_ARROW_KINDS = {"text": "string", "hash": "string", "json": "string", "integer": "int64",
                "float": "float64", "boolean": "bool_", "date": "date32"}


class ParquetSink(_TableSink):
    """A folder with one Parquet file per table, written in row groups as the run goes."""

    ROW_GROUP = 50_000

    def __init__(self, folder: Path):
        super().__init__()
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise SinkError("Parquet output needs pyarrow: pip install 'gonghui-extract[parquet]'") from exc
        prepare_path(folder, folder=True)
        self._pa = pa
        kinds = {"articles": {f.name: f.kind for f in ARTICLE_FIELDS},
                 **{name: {f.name: f.kind for f in fields} for name, fields in RECORD_FIELDS.items()}}
        self._schemas = {
            name: pa.schema([(c, getattr(pa, _ARROW_KINDS[kinds[name].get(c, "integer")])())
                             for c in column_names(name)])
            for name in TABLE_NAMES}
        self._writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", self._schemas[name])
                         for name in TABLE_NAMES}
        self._pending: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}

    def _write_rows(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        for name, table_rows in rows.items():
            self._pending[name].extend(table_rows)
            if len(self._pending[name]) >= self.ROW_GROUP:
                self._flush(name)

    def _flush(self, name: str) -> None:
        if self._pending[name]:
            table = self._pa.Table.from_pylist(self._pending[name], schema=self._schemas[name])
            self._writers[name].write_table(table)
            self._pending[name] = []

    def close(self) -> None:
        for name, writer in self._writers.items():
            self._flush(name)
            writer.close()
