"""The Spark path: schemas derived from the records, and the same records as ``extract`` on the seeds.

Runs when the ``spark`` extra is installed (CI installs it); one small local
Spark session serves the whole module.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

import gonghui_extract  # noqa: E402
import gonghui_extract.spark as spark_module  # noqa: E402
from gonghui_extract import cli  # noqa: E402
from gonghui_extract.records import (  # noqa: E402
    Article,
    DateMention,
    Document,
    Metric,
    Organisation,
    OrganisationSummary,
    Period,
    Region,
    Warning_,
)
from gonghui_extract.sinks.rows import article_records, to_json_line  # noqa: E402
from gonghui_extract.spark import (  # noqa: E402
    ERROR_COLUMN,
    RECORD_TABLES,
    arrow_schema,
    extract_dataframe,
    read_files,
    spark_schema,
    write_parquet,
)

pytestmark = pytest.mark.spark

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _seeds() -> list[tuple[str, str, str]]:
    """(source, text, reference_date) of every seed, the reference date taken from its gold file."""
    rows = []
    for path in sorted((CORPUS / "seeds").glob("*.txt")):
        gold = json.loads((CORPUS / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        rows.append((path.name, path.read_text(encoding="utf-8"), gold["reference_date"]))
    return rows


@pytest.fixture(scope="module")
def spark():
    # Workers must run this interpreter (the one with the package), and stay on the loopback.
    env = {"PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    session = (SparkSession.builder.master("local[2]").appName("gonghui-extract-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def seeds_result(spark):
    df = spark.createDataFrame(_seeds(), "source string, text string, reference_date string").repartition(2)
    return extract_dataframe(df).persist()


def _document(row) -> Document:
    """A result row read back through the pydantic model: proves the row is a valid Document."""
    data = row.asDict(recursive=True)
    return Document.model_validate({name: data[name] for name in Document.model_fields})


def _assert_mirrors(model: type[BaseModel], struct: T.StructType) -> None:
    assert struct.fieldNames() == list(model.model_fields)
    for name, info in model.model_fields.items():
        column = struct[name].dataType
        nested = column.elementType if isinstance(column, T.ArrayType) else column
        if isinstance(nested, T.StructType):
            inner = next(a for a in [info.annotation, *getattr(info.annotation, "__args__", ())]
                         if isinstance(a, type) and issubclass(a, BaseModel))
            _assert_mirrors(inner, nested)


def test_spark_schema_mirrors_every_model_field() -> None:
    schema = spark_schema(Document)
    _assert_mirrors(Document, schema)
    metric = schema["metrics"].dataType.elementType
    assert metric["value"].dataType == T.DoubleType() and not metric["value"].nullable
    assert metric["value_max"].nullable
    assert metric["period"].dataType["start_date"].dataType == T.DateType()
    assert metric["qualifier"].dataType == T.StringType()
    assert metric["start"].dataType == T.LongType()
    assert metric["start"].metadata["comment"] == Metric.model_fields["start"].description
    assert schema["organisations"].dataType.elementType["ambiguous_regions"].dataType == T.ArrayType(
        T.StringType(), containsNull=False)


def test_a_field_without_column_type_is_named() -> None:
    class Odd(BaseModel):
        counts: dict[str, int]

    with pytest.raises(TypeError, match=r"Odd\.counts"):
        spark_schema(Odd)


def test_arrow_schema_carries_a_full_document_unchanged() -> None:
    region = Region(name="广东省", code="440000", level="province")
    doc = Document(
        reference_date=date(2023, 11, 15), reference_date_source="given",
        metrics=[Metric(start=3, end=10, text="523.4万元", rule_id="metric.money", value=5234000.0,
                        value_max=None, unit="元", qualifier="over", indicator="帮扶救助金",
                        raw_number="523.4万", magnitude=10000.0, sentence="发放帮扶救助金523.4万元",
                        period=Period(start_date=date(2023, 1, 1), end_date=None, text="今年"))],
        dates=[DateMention(start=0, end=2, text="今年", start_date=date(2023, 1, 1),
                           end_date=date(2023, 12, 31), granularity="year", relative=True)],
        organisations=[Organisation(start=5, end=10, text="省总工会", name="广东省总工会", kind="union",
                                    province=region, ambiguous_regions=["台山"])],
        organisation_summary=[OrganisationSummary(name="广东省总工会", kind="union", mentions=1)],
        articles=[Article(start=0, end=20, title="标题")],
        warnings=[Warning_(rule_id="x", message="timeout")],
    )
    batch = pa.RecordBatch.from_pylist([doc.model_dump()], schema=arrow_schema(Document))
    assert Document.model_validate(batch.to_pylist()[0]) == doc


def test_worker_batches_are_bounded_and_keep_row_order(monkeypatch) -> None:
    monkeypatch.setattr(spark_module, "ROWS_PER_OUTPUT_BATCH", 2)
    texts = [text for _, text, _ in _seeds()]
    batch = pa.RecordBatch.from_pydict({"source": [str(i) for i in range(len(texts))], "text": texts})
    out = list(spark_module._extract_batches(iter([batch]), "text", None, ["source"], ("default",)))
    assert [b.num_rows for b in out] == [2, 2, 1]
    rows = [row for b in out for row in b.to_pylist()]
    assert [row["source"] for row in rows] == [str(i) for i in range(len(texts))]
    assert [Document.model_validate({k: row[k] for k in Document.model_fields}) for row in rows] == [
        gonghui_extract.extract(text) for text in texts]


def test_spark_gives_the_same_records_as_extract_on_the_seeds(seeds_result) -> None:
    rows = {row["source"]: row for row in seeds_result.collect()}
    seeds = _seeds()
    assert sorted(rows) == [source for source, _, _ in seeds]
    for source, text, reference_date in seeds:
        assert rows[source][ERROR_COLUMN] is None
        assert _document(rows[source]) == gonghui_extract.extract(text, reference_date=reference_date)


def test_spark_gives_the_same_records_as_the_cli_on_the_seeds(seeds_result, capsys) -> None:
    """The CLI prints a line per article: split Spark's document the same way (the sinks' rows)."""
    documents = {row["source"]: _document(row) for row in seeds_result.collect()}
    for source, _, reference_date in _seeds():
        assert cli.main(["extract", str(CORPUS / "seeds" / source), "--reference-date", reference_date]) == 0
        printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        from_spark = [json.loads(to_json_line(article)) for article in article_records(documents[source])]
        assert len(printed) == len(from_spark) == len(documents[source].articles) > 0, source
        for line, article in zip(printed, from_spark, strict=True):
            for field in set(line) - {"source", "content_hash", "encoding"}:  # the file's, not Spark's
                assert line[field] == article[field], (source, line["article_index"], field)


def test_output_keeps_key_columns_and_drops_the_text(seeds_result) -> None:
    assert seeds_result.columns == ["source", *Document.model_fields, ERROR_COLUMN]


def test_bad_rows_are_reported_and_the_rest_extracted(spark) -> None:
    df = spark.createDataFrame([("ok", "发放帮扶救助金523.4万元", None), ("no-text", None, None),
                                ("bad-date", "今年", "2023-13-45")],
                               "source string, text string, reference_date string")
    rows = {row["source"]: row for row in extract_dataframe(df).collect()}
    assert rows["ok"][ERROR_COLUMN] is None
    assert _document(rows["ok"]) == gonghui_extract.extract("发放帮扶救助金523.4万元")
    assert "text is null" in rows["no-text"][ERROR_COLUMN]
    assert "2023-13-45" in rows["bad-date"][ERROR_COLUMN]
    assert _document(rows["bad-date"]) == Document()


def test_a_date_typed_reference_column_resolves_like_a_string(spark) -> None:
    text = "今年以来，发放帮扶救助金523.4万元"
    df = spark.createDataFrame([("d", text, date(2023, 11, 15))],
                               "source string, text string, reference_date date")
    (row,) = extract_dataframe(df).collect()
    assert _document(row) == gonghui_extract.extract(text, reference_date="2023-11-15")
    assert row["reference_date"] == date(2023, 11, 15)


def test_input_columns_that_clash_with_record_columns_are_refused(spark) -> None:
    df = spark.createDataFrame([("a", "x")], "metrics string, text string")
    with pytest.raises(ValueError, match="metrics"):
        extract_dataframe(df)


def test_parquet_tables_hold_every_record_once(spark, seeds_result, tmp_path) -> None:
    written = write_parquet(seeds_result, str(tmp_path / "out"), layout="tables")
    assert set(written) == {"documents", *RECORD_TABLES}
    docs = {row["source"]: _document(row) for row in seeds_result.collect()}
    assert spark.read.parquet(written["documents"]).count() == len(docs)
    for table in RECORD_TABLES:
        stored = spark.read.parquet(written[table])
        expected = sorted((source, i, record.model_dump()) for source, doc in docs.items()
                          for i, record in enumerate(getattr(doc, table)))
        got = sorted((r["source"], r["position"], {k: v for k, v in r.asDict(recursive=True).items()
                                                   if k not in ("source", "position")})
                     for r in stored.collect())
        assert got == expected, table


def test_an_unknown_parquet_layout_is_refused(seeds_result, tmp_path) -> None:
    with pytest.raises(ValueError, match="layout"):
        write_parquet(seeds_result, str(tmp_path / "x"), layout="flat")


def test_parquet_nested_reads_back_as_the_same_documents(spark, seeds_result, tmp_path) -> None:
    written = write_parquet(seeds_result, str(tmp_path / "nested"), layout="nested")
    stored = {row["source"]: _document(row) for row in spark.read.parquet(written["documents"]).collect()}
    assert stored == {row["source"]: _document(row) for row in seeds_result.collect()}


def test_files_are_read_and_decoded_as_the_cli_does(spark, tmp_path) -> None:
    texts = {f"a/{source}": text for source, text, _ in _seeds()}
    for name, text in texts.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    gb_text = "江门市总工会发放帮扶救助金523.4万元。"
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "gb18030.txt").write_bytes(gb_text.encode("gb18030"))
    (tmp_path / "b" / "broken.txt").write_bytes(b"\x80\xff" * 8)
    (tmp_path / "b" / "ignored.md").write_text("不是文本文件", encoding="utf-8")
    texts["b/gb18030.txt"] = gb_text
    df = extract_dataframe(read_files(spark, str(tmp_path)))
    rows = {row["source"].split(str(tmp_path), 1)[1].lstrip("/"): row for row in df.collect()}
    assert sorted(rows) == sorted([*texts, "b/broken.txt"])
    for name, text in texts.items():
        assert rows[name][ERROR_COLUMN] is None, name
        assert _document(rows[name]) == gonghui_extract.extract(text)
    assert rows["b/broken.txt"][ERROR_COLUMN]  # the decoder's reason, whatever its wording
    assert _document(rows["b/broken.txt"]) == Document()
