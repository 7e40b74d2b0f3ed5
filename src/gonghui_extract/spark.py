"""Run the extraction on Apache Spark (the optional ``spark`` extra).

``extract_dataframe`` maps a DataFrame of texts to a DataFrame whose record
columns are Spark structs and arrays; ``write_parquet`` stores it.  The column
types are derived from the pydantic models of records.py by one walker that
renders either Spark or Arrow types, so the schema is written once, in the
models.  Texts travel as Arrow batches (``mapInArrow``) and each Python worker
builds its Pipeline once, then reuses it for every batch and partition it is
given; Spark does the scheduling.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .decode import decode_bytes
from .pipeline import Pipeline
from .records import Document

#: the Document fields that hold lists of records: one Parquet table each in the "tables" layout
RECORD_TABLES = tuple(name for name, info in Document.model_fields.items()
                      if get_origin(info.annotation) is list)
#: the column that says why a row has no records (null when extraction succeeded)
ERROR_COLUMN = "error"
#: texts per Arrow batch handed back to Spark: bounds the records a worker holds at once, whatever
#: spark.sql.execution.arrow.maxRecordsPerBatch (10 000 rows by default) gives it
ROWS_PER_OUTPUT_BATCH = 256

FieldSpec = tuple[str, Any, bool, str | None]


@dataclass(frozen=True)
class _TypeSystem:
    """How one columnar type system spells scalars, arrays and structs."""

    scalars: dict[type, Callable[[], Any]]
    array: Callable[[Any, bool], Any]
    struct: Callable[[list[FieldSpec]], Any]


_SPARK = _TypeSystem(
    scalars={bool: T.BooleanType, int: T.LongType, float: T.DoubleType, str: T.StringType, date: T.DateType},
    array=lambda item, nullable: T.ArrayType(item, containsNull=nullable),
    struct=lambda fields: T.StructType([T.StructField(name, kind, nullable, {"comment": doc} if doc else {})
                                        for name, kind, nullable, doc in fields]),
)
_ARROW = _TypeSystem(
    scalars={bool: pa.bool_, int: pa.int64, float: pa.float64, str: pa.string, date: pa.date32},
    array=lambda item, nullable: pa.list_(pa.field("element", item, nullable)),
    struct=lambda fields: pa.struct([pa.field(name, kind, nullable) for name, kind, nullable, _ in fields]),
)


def _without_none(annotation: Any, where: str) -> tuple[Any, bool]:
    """``X | None`` → (X, True); any other annotation → (itself, False)."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return annotation, False
    options = [a for a in get_args(annotation) if a is not type(None)]
    if len(options) != 1:
        raise TypeError(f"{where}: a union of {options} has no single column type")
    return options[0], len(options) < len(get_args(annotation))


def _column_type(annotation: Any, system: _TypeSystem, where: str) -> Any:
    origin = get_origin(annotation)
    if origin is Literal:
        kinds = {type(v) for v in get_args(annotation)}
        if len(kinds) == 1:
            return _column_type(kinds.pop(), system, where)
    elif origin is list:
        item, nullable = _without_none(get_args(annotation)[0], where)
        return system.array(_column_type(item, system, where), nullable)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _struct_type(annotation, system)
    elif annotation in system.scalars:
        return system.scalars[annotation]()
    raise TypeError(f"{where}: no column type for {annotation!r}")


def _struct_type(model: type[BaseModel], system: _TypeSystem) -> Any:
    fields = []
    for name, info in model.model_fields.items():
        where = f"{model.__name__}.{name}"
        annotation, nullable = _without_none(info.annotation, where)
        fields.append((name, _column_type(annotation, system, where), nullable, info.description))
    return system.struct(fields)


def spark_schema(model: type[BaseModel]) -> T.StructType:
    """The Spark StructType of a pydantic model (nested models → structs, lists → arrays)."""
    return _struct_type(model, _SPARK)


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """The Arrow schema of a pydantic model, the twin of ``spark_schema``."""
    return pa.schema(list(_struct_type(model, _ARROW)))


@functools.lru_cache(maxsize=4)
def _pipeline(rules: tuple[str, ...]) -> Pipeline:
    """One Pipeline per Python worker process and rules set, reused by every batch it runs."""
    return Pipeline(rules=list(rules))


def _extract_row(pipeline: Pipeline, text: str | bytes | None, reference_date: Any) -> dict[str, Any]:
    # One bad text must not fail a job over millions: the row keeps its keys and says what went wrong.
    try:
        if text is None:
            raise ValueError("text is null")
        if isinstance(text, bytes):
            text = decode_bytes(text).text
        return {**pipeline(text, reference_date).model_dump(), ERROR_COLUMN: None}
    except Exception as exc:
        return {**Document().model_dump(), ERROR_COLUMN: f"{type(exc).__name__}: {exc}"}


def _output_arrow_schema() -> pa.Schema:
    return arrow_schema(Document).append(pa.field(ERROR_COLUMN, pa.string()))


def _extract_batches(batches: Iterator[pa.RecordBatch], text_column: str, reference_column: str | None,
                     keep: list[str], rules: tuple[str, ...]) -> Iterator[pa.RecordBatch]:
    """The mapInArrow function: the kept columns as they came, then the Document's columns."""
    pipeline = _pipeline(rules)
    records_schema = _output_arrow_schema()
    for whole in batches:
        for offset in range(0, whole.num_rows, ROWS_PER_OUTPUT_BATCH):
            batch = whole.slice(offset, ROWS_PER_OUTPUT_BATCH)
            texts = batch.column(text_column).to_pylist()
            refs = batch.column(reference_column).to_pylist() if reference_column else [None] * len(texts)
            rows = [_extract_row(pipeline, text, ref) for text, ref in zip(texts, refs, strict=True)]
            records = pa.RecordBatch.from_pylist(rows, schema=records_schema)
            schema = pa.schema([batch.schema.field(k) for k in keep] + list(records_schema))
            yield pa.RecordBatch.from_arrays([batch.column(k) for k in keep] + records.columns, schema=schema)


def extract_dataframe(df: DataFrame, *, text_column: str = "text", reference_column: str = "reference_date",
                      rules: list[str] | None = None) -> DataFrame:
    """Extract every text of ``df``: one output row per input row.

    The text column holds strings, or bytes (e.g. from ``read_files``) that
    are decoded as the CLI decodes files.  The output keeps every input column
    except the text and reference-date columns (e.g. ``source``), then has one
    column per Document field (``metrics``, ``dates``, ... as arrays of
    structs) and ``error``, null unless that row's text could not be decoded
    or extracted.  ``reference_column`` is used when present (a date or a
    YYYY-MM-DD string).  ``rules`` lists extra rules folders, which must exist
    on every executor.
    """
    if text_column not in df.columns:
        raise ValueError(f"no text column {text_column!r} among {df.columns}")
    reference = reference_column if reference_column in df.columns else None
    keep = [c for c in df.columns if c not in (text_column, reference)]
    output = spark_schema(Document).add(ERROR_COLUMN, T.StringType())
    clash = sorted(set(keep) & set(output.fieldNames()))
    if clash:
        raise ValueError(f"input columns {clash} would clash with the output's record columns; rename them")
    schema = T.StructType([df.schema[c] for c in keep] + output.fields)
    run = functools.partial(_extract_batches, text_column=text_column, reference_column=reference,
                            keep=keep, rules=("default", *(rules or [])))
    return df.mapInArrow(run, schema)


def read_files(spark: SparkSession, path: str, *, glob: str = "*.txt") -> DataFrame:
    """Files under ``path`` (recursively) whose names match ``glob``: ``source`` (URI), ``text`` (bytes).

    Bytes, not strings: Spark's text reader knows only UTF-8, union archives
    also hold GB18030, so ``extract_dataframe`` decodes them as the CLI does.
    """
    files = (spark.read.format("binaryFile").option("recursiveFileLookup", "true")
             .option("pathGlobFilter", glob).load(path))
    return files.select(F.col("path").alias("source"), F.col("content").alias("text"))


def write_parquet(result: DataFrame, path: str, *, layout: Literal["tables", "nested"] = "tables",
                  mode: str = "errorifexists") -> dict[str, str]:
    """Write ``extract_dataframe``'s result as Parquet; returns {dataset: path}.

    ``nested``: one dataset, a row per text with its record arrays.  ``tables``:
    ``documents`` (a row per text without the arrays) plus one dataset per
    record table (``metrics``, ``dates``, ...) with a row per record, its
    fields as columns, the text's kept columns (e.g. ``source``) and
    ``position`` (its index in the text's list) to join on.
    """
    if layout not in ("tables", "nested"):
        raise ValueError(f"layout must be 'tables' or 'nested', got {layout!r}")
    if layout == "nested":
        result.write.mode(mode).parquet(path)
        return {"documents": path}
    document_columns = [*spark_schema(Document).fieldNames(), ERROR_COLUMN]
    keys = [c for c in result.columns if c not in document_columns]
    written = {"documents": f"{path}/documents"}
    owned = not result.is_cached  # extract once, write every table from it; leave a caller's cache alone
    if owned:
        result = result.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        result.drop(*RECORD_TABLES).write.mode(mode).parquet(written["documents"])
        for table in RECORD_TABLES:
            written[table] = f"{path}/{table}"
            rows = result.select(*keys, F.posexplode(table).alias("position", "record"))
            rows.select(*keys, "position", "record.*").write.mode(mode).parquet(written[table])
    finally:
        if owned:
            result.unpersist()
    return written
