"""The prefix guard: derived beginnings are a superset, so a guarded pattern has the same matches."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui_extract import Pipeline
from gonghui_extract.dimensions.dates import DateGrammar, _compile
from gonghui_extract.prefix_guard import beginnings, with_prefix_guard


def _joined(pattern: str) -> set[str] | None:
    found = beginnings(pattern)
    return None if found is None else {"".join(b) for b in found}


def test_beginnings_of_alternatives_and_optional_parts() -> None:
    assert _joined("国庆节|(?:“五一”|五一)?劳动节") == {"国庆", "“五", "五一", "劳动"}
    assert _joined("a?b") == {"ab", "b"}  # a one-character match is a beginning of its own
    assert _joined("x{2,}y") == {"xx"}
    assert _joined("(?P<y>[12]\\d{3})年") == {"[12]\\d"}  # classes and escapes stay whole


def test_lookarounds_and_anchors_consume_nothing() -> None:
    assert _joined("(?<![一二])(?=年)年中(?!国)") == {"年中"}
    assert _joined("^(?<=在)\\b前两天$") == {"前两"}


def test_unmodelled_patterns_are_left_as_they_are() -> None:
    for pattern in ("(?P<s>-)x(?P=s)", "(?i)abc", "\\x{41}b", "a(?(1)b|c)", "\\1a"):
        assert beginnings(pattern) is None
        assert with_prefix_guard(pattern) == pattern
    assert with_prefix_guard("a?") == "a?"  # it can match the empty string: nothing to test first


_PATTERNS = [
    "国庆节|(?:“五一”|五一)?(?:国际)?劳动节|七一(?=前夕)",
    "(?<![一二三])(?:十[一二]?|[一二三])月(?:底|初)?",
    "(?:(?P<y>[12]\\d{2})[ ]*年)?(?P<m>\\d{1,2}) ?月",
    "a*?b+c|[^a]{2,3}d|(?>ab|a)b",
    "(?<=[ab])c{0,2}d|e[[a-c]--[b]]f",
    "(?:ab)*+c|\\.x|[]a]b",
]
_ALPHABET = "ab cdef.]一二三十月年底初国庆节“五一”际劳动七前夕12\n"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), st.text(alphabet=_ALPHABET, max_size=40))
def test_a_guarded_pattern_finds_the_same_matches(pattern: str, text: str) -> None:
    guarded = with_prefix_guard(pattern)
    assert guarded != pattern
    found = [m.span() for m in regex.finditer(pattern, text, flags=regex.V1)]
    assert [m.span() for m in regex.finditer(guarded, text, flags=regex.V1)] == found


def test_every_guarded_date_rule_gets_its_guard() -> None:
    rules = Pipeline().rules
    grammar = _compile(rules)
    wanted = {r.id for r in rules.get(DateGrammar).rules if r.guard}
    assert wanted
    for rule, pattern, _ in grammar.rules:
        if rule.id in wanted:
            assert pattern().source.startswith("(?=(?:"), rule.id
