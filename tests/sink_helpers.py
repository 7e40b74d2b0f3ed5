"""Helpers of the sink and runner tests: where the seeds are, and reading tables back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def table_rows(url_or_path: str, table: str) -> list[dict]:
    """Every row of ``table`` ordered by id, read back through SQLAlchemy."""
    url = url_or_path if "://" in url_or_path else f"sqlite:///{url_or_path}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY id'))]
    finally:
        engine.dispose()
