"""SQL sinks (SQLite, PostgreSQL) through SQLAlchemy Core: one schema, any dialect.

Each ``write`` is one transaction: a file's old rows are deleted and its new
articles and records inserted together, so a re-run replaces rather than
duplicates, and an interrupted run never leaves half an article behind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, insert, select
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
            for i in range(0, len(sources), _LOOKUP_BATCH):
                query = (select(ARTICLES.c.source, ARTICLES.c.content_hash).distinct()
                         .where(ARTICLES.c.source.in_(sources[i:i + _LOOKUP_BATCH])))
                for source, content_hash in conn.execute(query):
                    stored.setdefault(source, set()).add(content_hash)
        return stored

    def write(self, files: list[ExtractedFile]) -> None:
        if not files:
            return
        with self.engine.begin() as conn:
            for f in files:
                old = select(ARTICLES.c.id).where(ARTICLES.c.source == f.source).scalar_subquery()
                for kind in RECORD_KINDS:
                    table = METADATA.tables[kind]
                    conn.execute(delete(table).where(table.c.article_id.in_(old)))
                conn.execute(delete(ARTICLES).where(ARTICLES.c.source == f.source))
                for article in f.articles:
                    article_id = conn.execute(insert(ARTICLES).values(article_row(article))
                                              .returning(ARTICLES.c.id)).scalar_one()
                    for kind, rows in record_rows(article, article_id).items():
                        if rows:
                            conn.execute(insert(METADATA.tables[kind]), rows)

    def close(self) -> None:
        self.engine.dispose()


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line: 'connection refused', 'readonly database'."""
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]
