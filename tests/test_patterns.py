"""SafePattern: every rule pattern runs with the regex module's timeout; a pathological input is
reported as a warning naming the rule and the article goes on without it (issue 2)."""

from __future__ import annotations

import pytest

from gonghui_extract import Pipeline, patterns
from gonghui_extract.build import to_document
from gonghui_extract.patterns import SafePattern
from gonghui_extract.prefilter import spanning

#: overlapping alternatives under a repeat: exponential backtracking on a run of a's that ends in no match
CATASTROPHIC = r"(?:a|aa)+$"
EVIL_TEXT = "a" * 40 + "!"


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(patterns, "TIMEOUT_SECONDS", 0.05)


def test_spans_are_the_spans_of_finditer() -> None:
    pattern = SafePattern.compile("t.breaks", r"[，。]|\n+")
    text = "工会，职工。\n\n会员，"
    expected = [(2, 3), (5, 6), (6, 8), (10, 11)]
    assert pattern.spans(text) == [m.span() for m in pattern.finditer(text)] == expected
    assert pattern.spans(text, pos=3, endpos=6) == [(5, 6)]


@pytest.mark.usefixtures("short_timeout")
@pytest.mark.parametrize("call", ["finditer", "spans", "search"])
def test_a_pattern_that_times_out_gives_no_match_and_a_warning(call: str) -> None:
    pattern, warnings = SafePattern.compile("t.evil", CATASTROPHIC), []
    if call == "search":
        assert pattern.search(EVIL_TEXT) is None
        return
    assert list(getattr(pattern, call)(EVIL_TEXT, warnings)) == []
    assert [rule for rule, _ in warnings] == ["t.evil"] and "timed out" in warnings[0][1]


@pytest.mark.usefixtures("short_timeout")
def test_a_span_loop_that_times_out_gives_no_span_and_a_warning() -> None:
    pattern, warnings = spanning(SafePattern.compile("t.evil", CATASTROPHIC)), []
    assert pattern.every is not None
    assert pattern.spans(EVIL_TEXT, warnings) == []
    assert [rule for rule, _ in warnings] == ["t.evil"]


@pytest.mark.usefixtures("short_timeout")
def test_an_article_goes_on_without_a_rule_that_times_out(tmp_path) -> None:
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "negatives.yaml").write_text(
        f"negatives:\n  - id: neg.evil\n    pattern: '{CATASTROPHIC}'\n", encoding="utf-8")
    pipeline = Pipeline(rules=["default", str(tmp_path)])
    doc = to_document(pipeline.doc(f"发放救助金523.4万元。{EVIL_TEXT}", None))
    assert [m.text for m in doc.metrics] == ["523.4万元"]
    assert [w.rule_id for w in doc.warnings] == ["neg.evil"]
