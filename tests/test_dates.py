"""Dates beyond the example table: the reference date (given, inferred, absent, never the clock),
offsets, numbers that must not become dates, metric periods, and rule-file errors."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gonghui_extract
from gonghui_extract import Pipeline, RulesError
from gonghui_extract.build import to_document
from gonghui_extract.doc import Candidate
from gonghui_extract.pipeline import COMPONENTS

RELATIVE = "今年5月，去年8月26日，五年来，3月29日，今天，上半年以来，未来五年"


def _dates(text: str, reference=None) -> list[tuple[str, str | None, str | None]]:
    doc = gonghui_extract.extract(text, reference_date=reference)
    return [(d.text, d.start_date and d.start_date.isoformat(), d.end_date and d.end_date.isoformat())
            for d in doc.dates]


# --- the reference date ------------------------------------------------------------------------------

@pytest.mark.parametrize("reference", ["1990-06-15", "2023-11-15", "2077-02-28"])
def test_relative_dates_follow_the_given_reference_not_the_clock(reference: str) -> None:
    """The same text resolves differently for each reference, and only by it: far-past and
    far-future references would expose any use of today's date."""
    ref = date.fromisoformat(reference)
    doc = gonghui_extract.extract(RELATIVE, reference_date=reference)
    got = {d.text: (d.start_date, d.end_date) for d in doc.dates}
    assert doc.reference_date == ref and doc.reference_date_source == "given"
    assert got["今年5月"] == (date(ref.year, 5, 1), date(ref.year, 5, 31))
    assert got["去年8月26日"] == (date(ref.year - 1, 8, 26),) * 2
    assert got["五年来"] == (date(ref.year - 5, 1, 1), ref)
    assert got["今天"] == (ref, ref)
    assert got["上半年以来"] == (date(ref.year, 1, 1), ref)
    assert got["未来五年"] == (ref, date(ref.year + 5, 12, 31))
    march29 = date(ref.year if (ref.month, ref.day) >= (3, 29) else ref.year - 1, 3, 29)
    assert got["3月29日"] == (march29, march29)


class _NoClock(date):
    """A date class whose clock raises: any read of today's date fails the test."""

    @classmethod
    def today(cls):
        raise AssertionError("the wall clock was read")

    @classmethod
    def fromtimestamp(cls, *args):
        raise AssertionError("the wall clock was read")


def test_the_clock_is_never_read(monkeypatch) -> None:
    from gonghui_extract.dimensions import dates as dates_module

    monkeypatch.setattr(dates_module, "date", _NoClock)
    for reference in ("2023-11-15", None):
        doc = gonghui_extract.extract(RELATIVE + "。2018年2月5日，近年来", reference_date=reference)
        assert doc.dates


def test_without_reference_relative_dates_stay_null_with_a_note() -> None:
    doc = gonghui_extract.extract(RELATIVE)
    assert doc.reference_date is None and doc.reference_date_source == "none"
    assert doc.dates and all(d.start_date is None and d.end_date is None for d in doc.dates)
    assert all(d.relative and "reference date" in d.note for d in doc.dates)


def test_absolute_dates_need_no_reference() -> None:
    assert _dates("2019—2021年，“十四五”时期") == [("2019—2021年", "2019-01-01", "2021-12-31"),
                                                 ("“十四五”", "2021-01-01", "2025-12-31")]


#: text with no reference given → the reference inferred from it, and a date it then resolves
INFERRED_REFERENCES = [
    pytest.param("本报讯 2023年11月15日，市总工会召开全委会。五年来，全市新建工会280家；"
                 "2024年1月1日起施行新办法。",
                 date(2023, 11, 15), ("五年来", "2018-01-01", "2023-11-15"), id="dateline"),
    pytest.param("肇庆市总工会五年工作回顾。" * 20 + "2017年8月22日，举办金秋助学活动。"
                 "2018年2月5日，市委书记走访慰问。5年来，抓实思想政治引领。",
                 date(2018, 2, 5), ("5年来", "2013-01-01", "2018-02-05"), id="latest-full-date"),
    pytest.param("本报讯 3月29日，揭阳市总工会举办2024年全市工会组织建设工作会议，"
                 "部署2024年度工作，总结2023年工作。",
                 date(2024, 3, 29), ("3月29日", "2024-03-29", "2024-03-29"), id="year+dateline-day"),
    pytest.param("本报讯 12月6日，市总工会召开全委会议，总结2023年工作，部署2024年任务。"
                 "会议要求，2024年要以“工会服务年”为抓手，到2025年底实现建会率90%。",
                 date(2023, 12, 6), None, id="years-stated-as-plans-skipped"),
    pytest.param("2022年，全市新建工会200家。五年来，会员不断增加。",
                 date(2022, 12, 31), ("五年来", "2017-01-01", "2022-12-31"), id="year-alone-31-december"),
]


@pytest.mark.parametrize(("text", "reference", "resolved"), INFERRED_REFERENCES)
def test_reference_inferred_from_the_text(text: str, reference: date, resolved: tuple | None) -> None:
    doc = gonghui_extract.extract(text)
    assert doc.reference_date == reference and doc.reference_date_source == "inferred"
    assert any(w.rule_id == "dates.reference" and reference.isoformat() in w.message for w in doc.warnings)
    if resolved:
        assert resolved in _dates(text)


def test_a_given_reference_is_never_replaced_by_an_inferred_one() -> None:
    doc = gonghui_extract.extract("2018年2月5日，今年", reference_date="2023-11-15")
    assert doc.reference_date == date(2023, 11, 15) and doc.reference_date_source == "given"


def test_a_bad_reference_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        gonghui_extract.extract("今年", reference_date="15/11/2023")


# --- offsets -------------------------------------------------------------------------------------------

def test_offsets_are_exclusive_ends_into_the_source_as_given() -> None:
    text = "（２０２３年）\n去年12 月，3月27日至4月1 日，五年来。"
    doc = gonghui_extract.extract(text, reference_date="2024-04-03")
    spans = [(d.start, d.end, d.text) for d in doc.dates]
    assert spans == [(1, 6, "２０２３年"), (8, 14, "去年12 月"), (15, 26, "3月27日至4月1 日"),
                     (27, 30, "五年来")]
    assert all(text[s:e] == t for s, e, t in spans)
    assert text[spans[0][1]] == "）"  # the end is exclusive: the next character is not in the span


def test_every_record_names_its_rule() -> None:
    doc = gonghui_extract.extract(RELATIVE + "，近年来", reference_date="2023-11-15")
    assert all(d.rule_id and d.rule_id.startswith("date.") for d in doc.dates)


# --- numbers are not dates -----------------------------------------------------------------------------

UNITS = ["人", "名", "万元", "元", "个", "家", "次", "场", "%", "亿元", "余人", "多万", "份", "项",
         "人次", "户"]


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=99999, places=1, allow_nan=False, allow_infinity=False),
       st.sampled_from(UNITS), st.sampled_from(["发放", "共", "超", "近", "全市", "，"]))
def test_amounts_are_never_dates(number, unit: str, before: str) -> None:
    """523.4万元, 617人, 2019家: a number with a unit is an amount, whatever its digits."""
    text = f"{before}{number}{unit}，"
    assert _dates(text, "2023-11-15") == []


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**7))
def test_bare_numbers_outside_the_year_range_are_never_dates(n: int) -> None:
    """12351, 617, 523: plain numbers, never read as months, days or times."""
    if 1950 <= n <= 2099:
        n += 3000
    assert _dates(f"热线{n}，编号{n}号。", "2023-11-15") == []


PIECES = ["2023年", "二〇二三年", "5月", "十二月", "29日", "至", "—", "、", "今年", "去年", "上半年",
          "一季度", "五年来", "近三年", "未来五年", "以来", "至今", "自", "“十四五”", "春节", "元旦", "期间",
          "星期三", "（", "）", "底", "初", "农历", "正月", "每年", "连续", "8年", "523.4", "万元", "号",
          "的", "，", "。", "２０２４", "年度", "半年", "来", "上周", "世纪", "90年代", " ", "\n",
          "前", "后", "上", "3天", "两年", "个月", "腊月", "闰", "初一", "大年三十", "除夕", "母亲节",
          "清明节", "20240307", "13.5.2015", "最后", "末", "今明两年"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12),
       st.sampled_from([None, "2023-11-15", "2000-02-29", "0001-01-01", "9999-12-31"]))
def test_any_mix_of_date_words_gives_valid_records(pieces: list[str], reference: str | None) -> None:
    """Odd input never raises, every record's text is its source span and its interval is ordered."""
    text = "".join(pieces)
    for d in gonghui_extract.extract(text, reference_date=reference).dates:
        assert text[d.start:d.end] == d.text and d.start < d.end
        assert (d.start_date is None) == (d.end_date is None)
        assert d.start_date is None or d.start_date <= d.end_date


# --- relative offsets, lunar dates, holidays ----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31)),
       st.integers(min_value=1, max_value=99))
def test_offsets_count_from_the_reference(reference: date, n: int) -> None:
    """N天后 is the day N days after the reference, N年前 the year N years before it."""
    later = reference + timedelta(days=n)
    assert _dates(f"{n}天后", reference.isoformat()) == [(f"{n}天后", later.isoformat(), later.isoformat())]
    year = reference.year - n
    assert _dates(f"{n}年前", reference.isoformat()) == [(f"{n}年前", f"{year}-01-01", f"{year}-12-31")]


@pytest.mark.parametrize(("text", "reference", "day"), [
    ("春节", "2024-12-31", "2024-02-10"), ("除夕", "2024-12-31", "2024-02-09"),
    ("中秋节", "2023-12-31", "2023-09-29"), ("端午节", "2023-12-31", "2023-06-22"),
    ("清明节", "2024-12-31", "2024-04-04"), ("母亲节", "2024-12-31", "2024-05-12"),
    ("感恩节", "2023-12-31", "2023-11-23"), ("农历2024年正月十五", "2000-01-01", "2024-02-24"),
])
def test_lunar_and_floating_holidays_fall_on_their_gregorian_day(text: str, reference: str, day: str) -> None:
    assert _dates(text, reference) == [(text, day, day)]


@pytest.mark.parametrize("reference", ["1990-06-15", "2023-11-15", "2077-02-28"])
@pytest.mark.parametrize("text", ["春节", "中秋节", "腊月十八", "清明节", "父亲节", "大年初一"])
def test_a_year_less_holiday_is_the_latest_not_after_the_reference(text: str, reference: str) -> None:
    ref = date.fromisoformat(reference)
    [(_, start, end)] = _dates(text, reference)
    assert start == end and ref - timedelta(days=390) < date.fromisoformat(start) <= ref


# --- metric periods --------------------------------------------------------------------------------------

def _doc_with_metric(text: str, metric_text: str, reference: str = "2023-11-15"):
    """Run dates on ``text``, add a synthetic metric candidate, then link periods."""
    pipe = Pipeline(components=["normalise", "segment", "dates"])  # metrics come from the test
    doc = pipe.doc(text, reference)
    start = doc.view.index(metric_text)
    doc.candidates.append(Candidate("metrics", start, start + len(metric_text),
                                    {"value": 1.0, "unit": "元", "raw_number": metric_text}, "test.metric"))
    COMPONENTS["periods"](doc, pipe.rules)
    return doc, next(c for c in doc.candidates if c.kind == "metrics")


def test_period_from_a_date_earlier_in_the_sentence() -> None:
    text = "五年来，台山市总工会帮扶困难职工617人，发放帮扶救助金523.4万元。"
    _, metric = _doc_with_metric(text, "523.4万元")
    assert metric.fields["period"] == {"start_date": date(2018, 1, 1), "end_date": date(2023, 11, 15),
                                       "text": "五年来"}


def test_period_takes_the_nearest_date_before_the_metric() -> None:
    _, metric = _doc_with_metric("2020年建成驿站10个，2022年新建驿站30个。", "30个")
    assert metric.fields["period"]["text"] == "2022年"
    assert metric.fields["period"]["start_date"] == date(2022, 1, 1)


def test_no_period_across_a_sentence_end_or_after_the_metric() -> None:
    _, metric = _doc_with_metric("2020年，全市新建工会。发放救助金523.4万元，五年来如此。", "523.4万元")
    assert "period" not in metric.fields


def test_periods_reach_the_metric_record() -> None:
    doc, _ = _doc_with_metric("今年5月，发放救助金523.4万元。", "523.4万元")
    record = to_document(doc).metrics[0]
    assert record.period is not None and record.period.text == "今年5月"
    assert (record.period.start_date, record.period.end_date) == (date(2023, 5, 1), date(2023, 5, 31))


# --- rules are data, validated -----------------------------------------------------------------------------

def test_a_new_date_word_needs_no_python(tmp_path: Path) -> None:
    (tmp_path / "dates").mkdir()
    (tmp_path / "dates" / "words.yaml").write_text("relative_years:\n  今岁: 0\n", encoding="utf-8")
    pipe = Pipeline(rules=["default", tmp_path])
    doc = pipe("今岁以来", reference_date="2023-11-15")
    assert [(d.text, d.start_date, d.end_date) for d in doc.dates] == [
        ("今岁以来", date(2023, 1, 1), date(2023, 11, 15))]


def test_an_unknown_macro_names_the_file_and_macro(tmp_path: Path) -> None:
    (tmp_path / "dates").mkdir()
    (tmp_path / "dates" / "grammar.yaml").write_text(
        "rules:\n  - {id: date.bad, pattern: '{NO_SUCH}年'}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"dates/grammar.yaml: macro NO_SUCH"):
        Pipeline(rules=["default", tmp_path])("2020年", reference_date="2023-11-15")


def test_a_bad_pattern_behind_a_trigger_names_its_rule_when_the_trigger_hits(tmp_path: Path) -> None:
    # a triggered rule is compiled on first use: its error comes with the first text that needs it
    (tmp_path / "dates").mkdir()
    (tmp_path / "dates" / "grammar.yaml").write_text(
        "rules:\n  - {id: date.broken, trigger: '纪元', pattern: '纪元(?P<y>\\d+'}\n", encoding="utf-8")
    pipe = Pipeline(rules=["default", tmp_path])
    assert [d.text for d in pipe("2020年", reference_date="2023-11-15").dates] == ["2020年"]
    with pytest.raises(RulesError, match=r"dates/grammar.yaml: entry id date.broken"):
        pipe("纪元2020", reference_date="2023-11-15")


def test_a_malformed_entry_names_the_file_and_entry(tmp_path: Path) -> None:
    (tmp_path / "dates").mkdir()
    (tmp_path / "dates" / "words.yaml").write_text("anchors_after:\n  以来: sideways\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"words.yaml: entry anchors_after"):
        Pipeline(rules=["default", tmp_path])
