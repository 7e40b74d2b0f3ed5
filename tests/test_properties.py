"""Properties that hold for any input: extract never raises, every span is valid and verbatim."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gonghui_extract

#: the characters numbers, units, qualifiers and separators of this press are made of,
#: so generated text hits the metric rules, not only their absence
PRESS = list("0123456789０１２３４５６７８９.,，．、。；—-~至到一二两三四五六七八九十百千万亿零〇壹贰伍佰"
             "多余几数超近约共达以上下左右不足元万人名次个家项场户%％(（）)“”\"第届年月日 \n\t\u3000")
press_text = st.lists(st.sampled_from(PRESS) | st.sampled_from(["人次", "万元", "百分之", "人(个)", "块钱",
                                                                "队伍", "统一", "一个", "两个确立"]),
                      max_size=60).map("".join)


def _check(text: str) -> None:
    doc = gonghui_extract.extract(text, reference_date="2023-11-15")
    for kind in ("metrics", "dates", "organisations"):
        for record in getattr(doc, kind):
            assert 0 <= record.start < record.end <= len(text)
            assert record.text == text[record.start:record.end]
    for metric in doc.metrics:
        assert metric.value == metric.value  # not NaN
        assert metric.value_max is None or metric.value_max > metric.value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode(text: str) -> None:
    _check(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(press_text)
def test_press_like_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_number_never_raises(text: str) -> None:
    value = gonghui_extract.parse_number(text)
    assert value is None or isinstance(value, float)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PRESS) | st.sampled_from(["\udc80", "\ud83d", "工会", "春节", "有限公司"]),
                max_size=60).map("".join))
def test_text_with_lone_surrogates(text: str) -> None:
    """A lone surrogate (bytes decoded with surrogateescape) cannot be UTF-8: the word automata
    leave such a text to the regex engine, which reads it."""
    _check(text)


def test_lone_surrogate_keeps_the_records_around_it() -> None:
    doc = gonghui_extract.extract("江门市总工会\udc80春节发放523.4万元", reference_date="2023-11-15")
    assert [o.text for o in doc.organisations] == ["江门市总工会"]
    assert [d.text for d in doc.dates] == ["春节"]
    assert [(m.text, m.value) for m in doc.metrics] == [("523.4万元", 5234000.0)]
