"""The known bugs of other extractors, each pinned down for the metrics dimension."""

from __future__ import annotations

import pytest

import gonghui_extract
from gonghui_extract import Pipeline
from gonghui_extract.doc import Candidate, Doc
from gonghui_extract.pipeline import component
from gonghui_extract.rules import Rules


def _metrics(text: str) -> list:
    return gonghui_extract.extract(text, reference_date="2023-11-15").metrics


@pytest.mark.parametrize(("text", "span", "value", "unit"), [
    ("发放帮扶救助金523.4万元；", "523.4万元", 5234000, "元"),
    ("帮扶困难职工617人，", "617人", 617, "人"),
    ("发放助学金126.4万元", "126.4万元", 1264000, "元"),
])
def test_numbers_are_not_dates_or_times(text: str, span: str, value: float, unit: str) -> None:
    doc = gonghui_extract.extract(text, reference_date="2023-11-15")
    assert [(m.text, m.value, m.unit) for m in doc.metrics] == [(span, value, unit)]
    assert doc.dates == []


@pytest.mark.parametrize("text", ["建设一支高素质职工队伍", "队伍人数不断壮大", "统一思想统一行动",
                                  "入伍3年", "伍", "队伍3人", "统一个标准"])
def test_wu_in_duiwu_and_yi_in_tongyi_are_no_digits(text: str) -> None:
    assert not any("伍" in m.text or m.text.startswith("一") for m in _metrics(text))


@pytest.mark.parametrize(("text", "value"), [("投入180多万", 1800000), ("资助职工1200余名", 1200),
                                              ("服务职工达40多万人次", 400000), ("十几块钱", 10)])
def test_approximate_amounts_are_not_exact(text: str, value: float) -> None:
    (metric,) = _metrics(text)
    assert metric.value == value
    assert metric.qualifier == "over"


def test_eight_yi_yuan_renminbi_finishes() -> None:
    (metric,) = _metrics("8亿元人民币")
    assert (metric.text, metric.value, metric.unit) == ("8亿元人民币", 800000000, "元")
    long_text = "8亿元人民币" * 2000 + "一二三四五六七八九十百千万亿" * 500 + "1" * 5000
    doc = gonghui_extract.extract(long_text)
    assert doc.warnings == []
    assert len(doc.metrics) == 2000


@pytest.mark.parametrize(("text", "span", "low", "high"), [
    ("补助260元至500元", "260元至500元", 260, 500),
    ("补助260—500元", "260—500元", 260, 500),
    ("贷款5万-50万元", "5万-50万元", 50000, 500000),
    ("一千到两千万元人民币", "一千到两千万元人民币", 10000000, 20000000),
])
def test_a_range_is_one_record(text: str, span: str, low: float, high: float) -> None:
    metrics = _metrics(text)
    assert [(m.text, m.value, m.value_max) for m in metrics] == [(span, low, high)]


@pytest.mark.parametrize(("text", "span"), [
    ("会员６５．２万人。", "６５．２万人"),
    ("案件 ２３５ 件 ，", "２３５ 件"),
    ("共表彰劳模和先进集体50人(个)。", "50人(个)"),
    ("新组建工会超280家", "超280家"),
])
def test_end_offsets_are_exclusive(text: str, span: str) -> None:
    (metric,) = _metrics(text)
    assert metric.end - metric.start == len(span)
    assert text[metric.start:metric.end] == span
    assert metric.end == text.index(span) + len(span)


@component("claim_first_number_as_date")
def _claim(doc: Doc, rules: Rules) -> None:
    """A stand-in dates component that claims 2023 in the view."""
    start = doc.view.find("2023")
    if start >= 0:
        doc.candidates.append(Candidate("dates", start, start + 4, {}, "test.claim"))


def test_spans_claimed_by_dates_are_not_metrics() -> None:
    pipeline = Pipeline(components=["normalise", "segment", "claim_first_number_as_date", "metrics"])
    doc = pipeline("2023个先进集体获表彰，另有15个。")
    assert [m.text for m in doc.metrics] == ["15个"]
