"""Sinks: the same records in every target, idempotent database runs, clear errors before work."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from sink_helpers import SEEDS, table_rows

import gonghui_extract
from gonghui_extract.cli import main
from gonghui_extract.records import Article, Document, Metric
from gonghui_extract.sinks import TABLE_NAMES, ArticleRecords, article_records
from gonghui_extract.sinks.tables import column_names

pytest_plugins = ["sink_fixtures"]
KINDS = ("metrics", "dates", "organisations")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _expected_counts(lines: list[dict]) -> dict[str, int]:
    counts = Counter({"articles": len(lines)})
    for line in lines:
        for kind in KINDS:
            counts[kind] += len(line[kind])
    return {name: counts[name] for name in TABLE_NAMES}


def _counts(target: str) -> dict[str, int]:
    return {name: len(table_rows(target, name)) for name in TABLE_NAMES}


def _marked(target: str, table: str) -> list[dict]:
    """The rows the test component (marks_rules) produced, not the real extractors'."""
    return [row for row in table_rows(target, table) if row["rule_id"].startswith("test.")]


def test_two_runs_leave_as_many_rows_as_json_lines_records(tmp_path, database, marks_rules):
    jsonl = tmp_path / "records.jsonl"
    assert main(["extract", str(SEEDS), "-o", str(jsonl), "--rules", marks_rules, "-q"]) == 0
    lines = _jsonl(jsonl)
    expected = _expected_counts(lines)
    assert len({line["source"] for line in lines}) == len(list(SEEDS.glob("*.txt")))
    assert min(expected.values()) > 0, "the test pipeline must produce every kind of record"
    for _ in range(2):
        assert main(["extract", str(SEEDS), "-o", database, "--rules", marks_rules, "-q"]) == 0
        assert _counts(database) == expected


def test_the_real_pipeline_on_the_seeds_fills_the_database_like_json_lines(tmp_path, database):
    jsonl = tmp_path / "records.jsonl"
    assert main(["extract", str(SEEDS), "-o", str(jsonl), "-q"]) == 0
    for _ in range(2):
        assert main(["extract", str(SEEDS), "-o", database, "-q", "--force"]) == 0
        assert _counts(database) == _expected_counts(_jsonl(jsonl))


def test_a_changed_file_replaces_its_rows(tmp_path, database, marks_rules):
    page = tmp_path / "page.txt"
    page.write_text("广州市总工会2023年发放12万元，帮扶345户。", encoding="utf-8")
    assert main(["extract", str(page), "-o", database, "--rules", marks_rules, "-q"]) == 0
    first = table_rows(database, "articles")
    page.write_text("深圳市总工会走访7家企业。", encoding="utf-8")
    assert main(["extract", str(page), "-o", database, "--rules", marks_rules, "-q"]) == 0
    articles = table_rows(database, "articles")
    assert len(articles) == 1 and articles[0]["content_hash"] != first[0]["content_hash"]
    assert [r["text"] for r in _marked(database, "metrics")] == ["7"]
    assert [r["name"] for r in _marked(database, "organisations")] == ["深圳市总工会"]
    assert table_rows(database, "dates") == []
    assert {r["article_id"] for r in table_rows(database, "metrics")} == {articles[0]["id"]}


def test_nested_fields_are_flattened_into_columns(tmp_path, database, marks_rules):
    page = tmp_path / "page.txt"
    page.write_text("广州市总工会2023年发放12万元。", encoding="utf-8")
    assert main(["extract", str(page), "-o", database, "--rules", marks_rules, "-q"]) == 0
    [org] = _marked(database, "organisations")
    assert (org["province_name"], org["province_code"], org["city_name"]) == ("广东省", "440000", None)
    assert json.loads(org["ambiguous_regions"]) == ["甲", "乙"]
    metric = _marked(database, "metrics")[0]
    assert str(metric["period_start_date"]) == "2023-01-01" and metric["period_text"] == "2023年"
    [date_row] = _marked(database, "dates")
    assert (str(date_row["start_date"]), str(date_row["end_date"])) == ("2023-01-01", "2023-12-31")
    text = page.read_text(encoding="utf-8")
    assert text[org["start"]:org["end"]] == org["text"] == "广州市总工会"


@pytest.mark.parametrize("target", [
    "records.unknown", "ftp://example.org/records", "mysql://root@127.0.0.1/records",
    "postgresql://nobody@127.0.0.1:1/records", "FILE/records.sqlite", "FILE/records.csv",
    "/proc/gonghui/records.jsonl", "sqlite:///file:{ro}?mode=ro&uri=true",
])
def test_a_malformed_target_is_one_clear_error_before_any_work(tmp_path, capsys, target):
    blocker = tmp_path / "FILE"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    read_only = tmp_path / "ro.sqlite"
    read_only.write_bytes(b"")
    target = target.replace("FILE", str(blocker)).replace("{ro}", str(read_only))
    error_log = tmp_path / "errors.jsonl"
    rc = main(["extract", str(SEEDS), "-o", target, "--error-log", str(error_log)])
    out, err = capsys.readouterr()
    assert rc == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("gonghui-extract: ")
    assert not error_log.exists(), "nothing may start before the target is checked"


def _read_csv(folder: Path, table: str) -> list[dict]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _as_text(rows: list[dict]) -> list[dict]:
    """Rows with every value as CSV writes it: None → '', dates ISO; booleans as 0/1 like SQLite."""
    def text(value):
        if isinstance(value, bool):
            return str(int(value))
        return "" if value is None else str(value)
    return [{k: text(v) for k, v in row.items()} for row in rows]


def test_csv_parquet_and_sqlite_hold_the_same_tables(tmp_path, marks_rules):
    targets = {suffix: str(tmp_path / f"records.{suffix}") for suffix in ("csv", "parquet", "sqlite")}
    for target in targets.values():
        assert main(["extract", str(SEEDS), "-o", target, "--rules", marks_rules, "-q"]) == 0
    pq = pytest.importorskip("pyarrow.parquet")
    for table in TABLE_NAMES:
        from_sqlite = table_rows(targets["sqlite"], table)
        assert from_sqlite, table
        from_parquet = pq.read_table(Path(targets["parquet"]) / f"{table}.parquet").to_pylist()
        assert _as_text(from_parquet) == _as_text(from_sqlite)
        from_csv = _read_csv(Path(targets["csv"]), table)
        assert list(from_csv[0]) == column_names(table)
        booleans = {"True": "1", "False": "0"}
        from_csv = [{k: booleans.get(v, v) for k, v in row.items()} for row in from_csv]
        assert from_csv == _as_text(from_sqlite)


def test_json_lines_round_trip_through_the_records_model(tmp_path, marks_rules):
    out = tmp_path / "records.jsonl"
    assert main(["extract", str(SEEDS), "-o", str(out), "--rules", marks_rules, "-q"]) == 0
    for line in _jsonl(out):
        article = ArticleRecords.model_validate(line)
        assert json.loads(article.model_dump_json()) == line
        text = Path(article.source).read_text(encoding="utf-8")
        for kind in KINDS:
            for record in getattr(article, kind):
                assert article.start <= record.start < article.end
                assert text[record.start:record.end] == record.text


def test_schema_command_prints_a_valid_json_schema_the_output_follows(tmp_path, capsys, marks_rules):
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    out = tmp_path / "records.jsonl"
    assert main(["extract", str(SEEDS), "-o", str(out), "--rules", marks_rules, "-q"]) == 0
    validator = jsonschema.Draft202012Validator(schema)
    for line in _jsonl(out):
        validator.validate(line)
    assert main(["schema", "--of", "document"]) == 0
    jsonschema.Draft202012Validator.check_schema(json.loads(capsys.readouterr().out))


def test_to_frames_gives_one_dataframe_per_table_with_the_schema_columns():
    pytest.importorskip("pandas")
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    doc = gonghui_extract.extract(text)
    frames = doc.to_frames()
    assert set(frames) == set(TABLE_NAMES)
    for table, frame in frames.items():
        assert list(frame.columns) == column_names(table)
    assert len(frames["articles"]) == len(doc.articles)
    for kind in KINDS:
        assert len(frames[kind]) == len(getattr(doc, kind))


def _documented_columns(markdown: str, table: str) -> set[str]:
    """Column names in the first cells of the Markdown table under the line `table`."""
    heading_then_table = rf"^`{table}`[^\n]*(?:\n[^\n|][^\n]*)*\n\n((?:\|[^\n]*\n?)+)"
    [rows] = re.findall(heading_then_table, markdown, flags=re.M)
    first_cells = [row.split("|")[1] for row in rows.splitlines()]
    return {name for cell in first_cells for name in re.findall(r"`([a-z_]+)`", cell)}


def test_readme_documents_every_column():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Output and databases", 1)[1].split("\n## ", 1)[0]
    for table in TABLE_NAMES:
        documented = _documented_columns(section, table)
        for column in column_names(table):
            assert column in documented, (f"README: column {table}.{column} undocumented "
                                          "(`gonghui-extract schema --tables` prints the rows)")


def test_schema_tables_prints_every_column_with_its_types(capsys):
    assert main(["schema", "--tables"]) == 0
    markdown = capsys.readouterr().out
    for table in TABLE_NAMES:
        assert _documented_columns(markdown, table) == set(column_names(table))
    assert "| `content_hash` | VARCHAR(64) | VARCHAR(64) |" in markdown
    assert "| `id` | INTEGER | BIGINT |" in markdown


def test_a_source_given_twice_in_one_run_is_stored_once(tmp_path, database, marks_rules):
    page = tmp_path / "page.txt"
    page.write_text("广州市总工会2023年发放12万元。", encoding="utf-8")
    assert main(["extract", str(page), str(page), "-o", database, "--rules", marks_rules, "-q"]) == 0
    assert len(table_rows(database, "articles")) == 1
    assert [r["text"] for r in _marked(database, "metrics")] == ["2023", "12"]


def test_records_go_to_the_article_they_start_in_by_offsets():
    def metric(start: int) -> Metric:
        return Metric(start=start, end=start + 1, text="1", value=1, unit="个", raw_number="1")

    doc = Document(articles=[Article(start=50, end=100, title="二"), Article(start=0, end=40, title="一")],
                   metrics=[metric(5), metric(45), metric(60), metric(99)])
    first, second = article_records(doc, "page.txt", "hash", "utf-8")
    assert (first["article_index"], first["title"], second["title"]) == (0, "二", "一")
    assert [m["start"] for m in first["metrics"]] == [60, 99]
    # 45 lies between the articles (page furniture): it stays with the article before it
    assert [m["start"] for m in second["metrics"]] == [5, 45]
    assert first["source"] == second["source"] == "page.txt"


def test_dates_read_back_through_the_schema_types_as_the_records_have_them(tmp_path, database):
    """Rows go in through the driver (past SQLAlchemy's per-row processing): what the schema's
    Date, Float and Boolean columns give back must still equal the extracted records."""
    from sqlalchemy import create_engine, select

    from gonghui_extract.sinks.tables import METADATA

    page = tmp_path / "page.txt"
    page.write_text("去年8月26日至2023年9月，全市发放救助金523.4万元。", encoding="utf-8")
    assert main(["extract", str(page), "-o", database, "-q", "--reference-date", "2024-03-01"]) == 0
    doc = gonghui_extract.extract(page.read_text(encoding="utf-8"), reference_date="2024-03-01")
    url = database if "://" in database else f"sqlite:///{database}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            dates = conn.execute(select(METADATA.tables["dates"]).order_by("id")).mappings().all()
            metrics = conn.execute(select(METADATA.tables["metrics"]).order_by("id")).mappings().all()
    finally:
        engine.dispose()
    assert [(d["start_date"], d["end_date"], d["relative"]) for d in dates] == [
        (d.start_date, d.end_date, d.relative) for d in doc.dates]
    assert [(m["value"], m["period_start_date"]) for m in metrics] == [
        (m.value, m.period.start_date if m.period else None) for m in doc.metrics]
    assert doc.dates and doc.metrics
