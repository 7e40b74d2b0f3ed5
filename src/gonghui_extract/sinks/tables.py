"""The relational schema every table sink shares, derived from the pydantic records.

Columns come from the record models themselves, so a field added to a record
appears in every sink without a second list to keep in step: nested models are
flattened with a prefix (``period_start_date``, ``province_code``), lists become
JSON text.  SQLAlchemy Core describes the tables once for every SQL dialect.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..records import Article, DateMention, Document, Metric, Organisation
from .rows import RECORD_KINDS, article_records

#: SQLite only auto-numbers an INTEGER PRIMARY KEY; elsewhere ids are 64-bit
Id = BigInteger().with_variant(Integer(), "sqlite")

RECORD_MODELS: dict[str, type[BaseModel]] = {"metrics": Metric, "dates": DateMention,
                                              "organisations": Organisation}


@dataclass(frozen=True)
class Field_:
    """One column: its name, SQL type, and where its value sits in a record dict."""

    name: str
    kind: str  # text | hash | integer | float | boolean | date | json
    path: tuple[str, ...]


_SQL_TYPES = {"text": Text, "hash": lambda: String(64), "integer": Integer, "float": Float,
              "boolean": Boolean, "date": Date, "json": Text}


def _kind(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    """The column kind of a field annotation, or the nested model to flatten."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _kind(args[0]) if len(args) == 1 else ("json", None)
    if get_origin(annotation) is Literal:
        return ("text", None)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return ("model", annotation)
        for base, kind in ((bool, "boolean"), (int, "integer"), (float, "float"), (str, "text"),
                           (date, "date")):
            if issubclass(annotation, base):
                return (kind, None)
    return ("json", None)


def model_fields(model: type[BaseModel], skip: frozenset[str] = frozenset(),
                 prefix: tuple[str, ...] = ()) -> list[Field_]:
    """The flattened columns of ``model``: nested models become prefixed columns."""
    out: list[Field_] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        kind, nested = _kind(info.annotation)
        path = (*prefix, name)
        if nested is not None:
            out.extend(model_fields(nested, prefix=path))
        else:
            out.append(Field_("_".join(path), kind, path))
    return out


#: the key columns of an article, ahead of the Article model's own fields
ARTICLE_KEY_FIELDS = [Field_("source", "text", ("source",)),
                      Field_("content_hash", "hash", ("content_hash",)),
                      Field_("article_index", "integer", ("article_index",))]
ARTICLE_TAIL_FIELDS = [Field_("reference_date", "date", ("reference_date",)),
                       Field_("reference_date_source", "text", ("reference_date_source",)),
                       Field_("encoding", "text", ("encoding",))]
#: Article.index is left out: it is article_index (and INDEX is an SQL keyword)
_ARTICLE_OWN = frozenset({*RECORD_KINDS, "index",
                          *(f.name for f in ARTICLE_KEY_FIELDS + ARTICLE_TAIL_FIELDS)})
ARTICLE_FIELDS = ARTICLE_KEY_FIELDS + model_fields(Article, skip=_ARTICLE_OWN) + ARTICLE_TAIL_FIELDS
RECORD_FIELDS = {kind: model_fields(model) for kind, model in RECORD_MODELS.items()}
TABLE_NAMES = ("articles", *RECORD_KINDS)


def _metadata() -> MetaData:
    meta = MetaData()
    keys = {f.name for f in ARTICLE_KEY_FIELDS}
    Table("articles", meta,
          Column("id", Id, primary_key=True, autoincrement=True),
          *(Column(f.name, _SQL_TYPES[f.kind](), nullable=f.name not in keys) for f in ARTICLE_FIELDS),
          UniqueConstraint("source", "content_hash", "article_index", name="articles_identity"),
          Index("articles_by_source", "source"))
    for kind, fields in RECORD_FIELDS.items():
        Table(kind, meta,
              Column("id", Id, primary_key=True, autoincrement=True),
              Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
              Column("record_index", Integer, nullable=False),
              *(Column(f.name, _SQL_TYPES[f.kind]()) for f in fields),
              Index(f"{kind}_by_article", "article_id"))
    return meta


METADATA = _metadata()


def _reader(item: Field_) -> Callable[[dict[str, Any]], Any]:
    """A function reading ``item``'s value from a record dict, made once per column: rows are
    built in the run's main process, so the per-cell work decides how many workers it can feed."""
    head, *rest = item.path
    convert = _CONVERT.get(item.kind)
    if not rest and convert is None:
        return lambda record: record.get(head)

    def read(record: dict[str, Any]) -> Any:
        value: Any = record.get(head)
        for key in rest:
            value = value.get(key) if isinstance(value, dict) else None
        return value if value is None or convert is None else convert(value)

    return read


#: one encoder for every cell: json.dumps with options builds a new encoder per call
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "json": json.JSONEncoder(ensure_ascii=False, default=str).encode, "float": float}
_ARTICLE_READERS = [(f.name, _reader(f)) for f in ARTICLE_FIELDS]
_RECORD_READERS = {kind: [(f.name, _reader(f)) for f in fields] for kind, fields in RECORD_FIELDS.items()}


def article_row(article: dict[str, Any]) -> dict[str, Any]:
    """The ``articles`` row of an ArticleRecords dict (without its id)."""
    return {name: read(article) for name, read in _ARTICLE_READERS}


def record_rows(article: dict[str, Any], article_id: int) -> dict[str, list[dict[str, Any]]]:
    """The rows of each record table for one article, keyed to ``article_id``."""
    return {kind: [{"article_id": article_id, "record_index": i, **{name: read(r) for name, read in readers}}
                   for i, r in enumerate(article.get(kind) or [])]
            for kind, readers in _RECORD_READERS.items()}


def column_names(table: str) -> list[str]:
    """The columns of ``table`` in schema order."""
    return [c.name for c in METADATA.tables[table].columns]


def document_frames(doc: Document) -> dict[str, Any]:
    """``Document.to_frames()``: one pandas DataFrame per table; article_id is the article index."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("Document.to_frames() needs pandas: pip install 'gonghui-extract[pandas]'") from exc
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    for article in article_records(doc):
        rows["articles"].append({"id": article["article_index"], **article_row(article)})
        for kind, kind_rows in record_rows(article, article["article_index"]).items():
            first_id = len(rows[kind])
            rows[kind].extend({"id": first_id + i, **r} for i, r in enumerate(kind_rows))
    return {name: pd.DataFrame(table_rows, columns=column_names(name)) for name, table_rows in rows.items()}


def markdown_tables() -> str:
    """The schema as Markdown tables (column, SQLite type, PostgreSQL type, the field's description)."""
    from sqlalchemy.dialects import postgresql, sqlite

    described = _descriptions(Article)
    for model in RECORD_MODELS.values():
        described.update(_descriptions(model))
    out = []
    for name in TABLE_NAMES:
        out += [f"`{name}`", "", "| column | SQLite | PostgreSQL | meaning |", "|---|---|---|---|"]
        out += [f"| `{c.name}` | {c.type.compile(dialect=sqlite.dialect())} | "
                f"{c.type.compile(dialect=postgresql.dialect())} | {described.get(c.name, '')} |"
                for c in METADATA.tables[name].columns]
        out.append("")
    return "\n".join(out)


def _descriptions(model: type[BaseModel], prefix: str = "") -> dict[str, str]:
    """Column name → the pydantic field description, nested models flattened like the columns."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        _, nested = _kind(info.annotation)
        if nested is not None:
            out.update(_descriptions(nested, f"{prefix}{name}_"))
        elif info.description:
            out[f"{prefix}{name}"] = info.description
    return out
