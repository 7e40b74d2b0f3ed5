"""Fixtures of the sink and runner tests (a pytest plugin): real databases, records to store.

``marks_rules`` adds a tiny component (registered here, named in a rules folder's
pipeline.yaml) that turns every run of digits, every ``NNNN年`` and every
``…总工会`` into records with nested fields, so the sinks are exercised with
real records whatever the dimensions of this checkout find.  It exists only in
this process, so runs using it stay in-process (one worker).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from sqlalchemy import create_engine, text

from gonghui_extract.doc import Candidate, Doc
from gonghui_extract.pipeline import component
from gonghui_extract.rules import Rules

POSTGRES_ENV = "GONGHUI_TEST_POSTGRES"


@component("sinks_test_marks")
def _marks(doc: Doc, rules: Rules) -> None:
    for m in regex.finditer(r"(\d{4})年", doc.view):
        year = int(m.group(1))
        doc.candidates.append(Candidate("dates", m.start(), m.end(), {
            "start_date": f"{year}-01-01", "end_date": f"{year}-12-31", "granularity": "year"}, "test.year"))
    for m in regex.finditer(r"\d+(?:\.\d+)?", doc.view):
        doc.candidates.append(Candidate("metrics", m.start(), m.end(), {
            "value": float(m.group()), "unit": "个", "raw_number": m.group(),
            "period": {"start_date": "2023-01-01", "end_date": "2023-12-31", "text": "2023年"},
        }, "test.number"))
    for m in regex.finditer(r"[\p{Han}]{2,6}总工会", doc.view):
        doc.candidates.append(Candidate("organisations", m.start(), m.end(), {
            "name": m.group(), "kind": "union", "ambiguous_regions": ["甲", "乙"],
            "province": {"name": "广东省", "code": "440000", "level": "province"}}, "test.union"))


@pytest.fixture
def marks_rules(tmp_path: Path) -> str:
    """A rules folder appending the test component to the default pipeline."""
    folder = tmp_path / "marks_rules"
    folder.mkdir()
    (folder / "pipeline.yaml").write_text("components: [sinks_test_marks]\n", encoding="utf-8")
    return str(folder)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the server GONGHUI_TEST_POSTGRES names, dropped afterwards."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} not set (CI sets it)")
    name = f"gonghui_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = server.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database target: an SQLite file, and a PostgreSQL database when a server is configured."""
    if request.param == "sqlite":
        return str(tmp_path / "out" / "records.sqlite")
    return request.getfixturevalue("postgres_url")
