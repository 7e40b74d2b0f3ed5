"""parse_number and money extraction against third-party vectors (tests/data, see its README).

The floors are the pass rates reached; the must-pass lists name the cases other parsers get
wrong, so a regression on any of them fails by name rather than as a lower rate.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gonghui_extract

DATA = Path(__file__).parent / "data"
NUMBERS_FLOOR = 0.99
MONEY_FLOOR = 0.90

MUST_PASS_NUMBERS = [
    ("一千零一亿一千零一万一千零一", 100110011001),
    ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", 1111111111111111),
    ("四十九兆九千五百九十二億", 49959200000000),
    ("四万万", 400000000),
    ("一千多万", 10000000),
    ("十 余 万", 100000),
    ("一百零几万", 1000000),
    ("两千六", 2600),
    ("三万五", 35000),
    ("百三", 130),
    ("半百", 50),
    ("五十打", 600),
    ("40k", 40000),
    ("-2.5 M", -2500000),
    ("三百五十 又 3分  之1", 350 + 1 / 3),
    ("负３ 分  之 负一百五十七", 157 / 3),
    ("2^-1", 0.5),
    ("-127.32e13", -1.2732e15),
    ("２８６．５万", 2865000),
    ("1,200万", 12000000),
    ("百分之九十五", 95),
    ("壹万贰仟叁佰肆拾伍", 12345),
    ("負四百零五億零四百零四萬", -40504040000),
    ("二〇二三", 2023),
]

MUST_PASS_MONEY = [
    "8亿元人民币",
    "82，225.00元",
    "六十四万零一百四十三元一角七分",
    "肆佰叁拾萬圆整",
    "一百三十五块六角七分钱",
    "至少九千块钱以上",
    "1万(含)-5万元",
    "一千到两千万元人民币",
    "三五百块",
]


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _money_ok(row: dict) -> bool:
    """Every expected amount is a 元 metric overlapping its span, with its value (and upper bound)."""
    found = [m for m in gonghui_extract.extract(row["text"]).metrics if m.unit == "元"]
    for exp in row["expected"]:
        start, end = exp.get("offset") or (0, len(row["text"]))
        near = [m for m in found if min(end, m.end) > max(start, m.start)]
        rng = exp.get("range")
        if rng:
            blur = str(exp.get("definition", "")).startswith("blur")
            ok = any(_close(m.value, rng["min"]) and (blur or _close(m.value_max, rng["max"])) for m in near)
        else:
            ok = any(_close(m.value, exp.get("value")) and not m.value_max for m in near)
        if not ok:
            return False
    return True


def test_number_vectors_pass_rate() -> None:
    rows = _rows("peers_numbers.jsonl")
    failed = [r["text"] for r in rows if not _close(gonghui_extract.parse_number(r["text"]), r["value"])]
    assert 1 - len(failed) / len(rows) >= NUMBERS_FLOOR, failed[:20]


def test_money_vectors_pass_rate() -> None:
    rows = _rows("peers_money.jsonl")
    failed = [r["text"] for r in rows if not _money_ok(r)]
    assert 1 - len(failed) / len(rows) >= MONEY_FLOOR, failed


@pytest.mark.parametrize(("text", "value"), MUST_PASS_NUMBERS)
def test_number_must_pass(text: str, value: float) -> None:
    assert _close(gonghui_extract.parse_number(text), value)


@pytest.mark.parametrize("text", MUST_PASS_MONEY)
def test_money_must_pass(text: str) -> None:
    row = next(r for r in _rows("peers_money.jsonl") if r["text"] == text)
    assert _money_ok(row)


@pytest.mark.parametrize("text", ["", "   ", "abc", "几", "多", "队伍", "一二三四五六七八九十百千万亿" * 3,
                                  "9" * 400 + "亿" * 50, "1e999"])
def test_words_are_no_numbers(text: str) -> None:
    assert gonghui_extract.parse_number(text) is None


@pytest.mark.parametrize(("written", "value"), [
    ("1.36万", 13600), ("0.07亿", 7_000_000), ("1.1万", 11_000), ("三点六万", 36_000), ("286.5万", 2_865_000),
])
def test_decimal_times_magnitude_is_the_number_as_written(written: str, value: int) -> None:
    """No binary-float residue: 1.36万 is exactly 13600, not 13599.999999999998."""
    assert gonghui_extract.parse_number(written) == value


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=1, max_value=4),
       st.sampled_from([("万", 10_000), ("亿", 100_000_000)]))
def test_any_decimal_amount_scales_exactly(digits: int, places: int, magnitude: tuple[str, int]) -> None:
    word, factor = magnitude
    written = f"{digits / 10 ** places:.{places}f}"
    expected = float(Decimal(written) * factor)
    assert gonghui_extract.parse_number(written + word) == expected
    found = gonghui_extract.extract(f"发放帮扶救助金{written}{word}元").metrics
    assert [m.value for m in found] == [expected]


@given(st.one_of(st.integers(0, 10**16).map(float), st.floats(0, 1e9, allow_nan=False)),
       st.sampled_from([1, 10, 100, 1000, 10**4, 10**8, 10**12, 0.1, 0.01]))
def test_scale_is_the_decimal_product_whichever_way_it_is_computed(value: float, factor: float) -> None:
    """Whole numbers multiply as floats below 2**53, the rest in Decimal: never a different value."""
    from gonghui_extract.numerals import scale

    assert repr(scale(value, factor)) == repr(float(Decimal(repr(value)) * Decimal(repr(float(factor)))))
