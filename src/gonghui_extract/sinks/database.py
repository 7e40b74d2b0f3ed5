"""SQL sinks (SQLite, PostgreSQL) through SQLAlchemy Core: one schema, any dialect.

Each ``write`` is one transaction: a file's old rows are deleted and its new
articles and records inserted together, so a re-run replaces rather than
duplicates, and an interrupted run never leaves half an article behind.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, Engine, Table, create_engine, delete, event, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .base import Sink, SinkError
from .rows import ExtractedFile
from .tables import METADATA, RECORD_KINDS, article_row, record_rows

ARTICLES = METADATA.tables["articles"]
#: largest IN (...) list sent at once (SQLite's old limit is 999 variables)
_LOOKUP_BATCH = 500


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and normal sync: a commit per batch stays cheap, and readers never block the run."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_database_engine(url: str) -> Engine:
    """An engine for ``url``; postgresql:// uses psycopg 3 and gives up connecting after 10 s."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise SinkError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, connect_args={"connect_timeout": 10})
        except ImportError as exc:
            raise SinkError("PostgreSQL output needs psycopg: "
                            "pip install 'gonghui-extract[postgres]'") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    raise SinkError(f"unsupported database {parsed.get_backend_name()!r} in {url!r}: "
                    "use sqlite:///FILE or postgresql://USER@HOST/DB")


class DatabaseSink(Sink):
    """Tables created if missing; rows keyed by (source, content_hash, article_index)."""

    resumable = True

    def __init__(self, url: str):
        self.engine = create_database_engine(url)
        try:
            with self.engine.begin() as conn:
                METADATA.create_all(conn, checkfirst=True)
                # a write that changes nothing: fails now, not after an hour, on a read-only target
                conn.execute(delete(ARTICLES).where(ARTICLES.c.id < 0))
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise SinkError(f"cannot use {self.engine.url.render_as_string(hide_password=True)}: "
                            f"{_reason(exc)}") from exc

    def stored_hashes(self, sources: list[str]) -> dict[str, set[str]]:
        stored: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for batch in _batches(sources):
                query = (select(ARTICLES.c.source, ARTICLES.c.content_hash).distinct()
                         .where(ARTICLES.c.source.in_(batch)))
                for source, content_hash in conn.execute(query):
                    stored.setdefault(source, set()).add(content_hash)
        return stored

    def write(self, files: list[ExtractedFile]) -> None:
        """Replace the rows of these sources, all in one transaction, in a few batched statements."""
        latest = {f.source: f for f in files}  # a source given twice: its last reading wins
        if not latest:
            return
        articles = [article for f in latest.values() for article in f.articles]
        with self.engine.begin() as conn:
            for batch in _batches(list(latest)):
                old = select(ARTICLES.c.id).where(ARTICLES.c.source.in_(batch)).scalar_subquery()
                for kind in RECORD_KINDS:
                    table = METADATA.tables[kind]
                    conn.execute(delete(table).where(table.c.article_id.in_(old)))
                conn.execute(delete(ARTICLES).where(ARTICLES.c.source.in_(batch)))
            if not articles:
                return
            # RETURNING lets SQLAlchemy send many rows per INSERT (insertmanyvalues) on every dialect
            ids = conn.execute(insert(ARTICLES).returning(ARTICLES.c.id, sort_by_parameter_order=True),
                               [article_row(a) for a in articles]).scalars().all()
            rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RECORD_KINDS}
            for article, article_id in zip(articles, ids, strict=True):
                for kind, kind_rows in record_rows(article, article_id).items():
                    rows[kind].extend(kind_rows)
            for kind, kind_rows in rows.items():
                if kind_rows:
                    _insert_records(conn, METADATA.tables[kind], kind_rows)

    def close(self) -> None:
        self.engine.dispose()


def _insert_records(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert on the driver's own connection, inside the open transaction: PostgreSQL's COPY
    (3-4x executemany's rate here), the SQLite driver's executemany elsewhere.

    The record tables take most rows of a run, all built in its main process: going
    past SQLAlchemy's per-row parameter processing (which stores the same values,
    dates as ISO text on SQLite) halves the main process's time per row, so more
    of a machine's cores go to the workers.
    """
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if conn.dialect.name != "postgresql":
        statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(columns))})"
        conn.exec_driver_sql(statement, _sqlite_rows(table, columns, rows))
        return
    with (conn.connection.driver_connection.cursor() as cursor,
          cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy):
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _sqlite_rows(table: Table, columns: list[str], rows: list[dict[str, Any]]) -> list[tuple]:
    """Rows as the SQLite driver takes them: dates as SQLAlchemy's SQLite Date stores them."""
    values = itemgetter(*columns)
    dates = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date)]
    if not dates:
        return [values(row) for row in rows]
    out = []
    for row in rows:
        cells = list(values(row))
        for i in dates:
            if cells[i] is not None:
                cells[i] = cells[i].isoformat()  # YYYY-MM-DD
        out.append(tuple(cells))
    return out


def _batches(items: list[str]) -> list[list[str]]:
    return [items[i:i + _LOOKUP_BATCH] for i in range(0, len(items), _LOOKUP_BATCH)]


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line: 'connection refused', 'readonly database'."""
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]
