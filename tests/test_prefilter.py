"""Prefilters derived from a pattern are supersets: a guarded pattern has the same matches, and a
stretch the needed-text test rejects holds no match."""

from __future__ import annotations

import pytest
import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gonghui_extract import Pipeline
from gonghui_extract.dimensions.dates import DateGrammar, _compile
from gonghui_extract.patterns import SafePattern
from gonghui_extract.prefilter import (
    NeededTextPattern,
    beginnings,
    edge_characters,
    literal_needs,
    literal_words,
    nonempty_start,
    span_loop,
    spanning,
    with_line_start_guard,
    with_prefix_guard,
    worded,
)
from gonghui_extract.segment import SegmentRules


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


def test_needed_text_comes_from_runs_lookaheads_and_alternatives() -> None:
    needs = literal_needs("(?<!第)(?:过去|这|近)\\d+年(?:来)?|\\d+年(?=以来|来)")
    assert needs is not None
    assert needs("过去5年", 0, 4) and needs("8年以来", 0, 4)
    assert not needs("第5年", 0, 3)  # neither an anchor before nor 来 after: no match can be there
    assert not needs("这5年", 0, 2)  # the stretch ends before 年
    assert literal_needs("\\d+|a?b?") is None  # a match may hold no known text


def test_what_a_trigger_implies_is_not_tested_again() -> None:
    assert literal_needs("\\d月", known="月") is None
    needs = literal_needs("\\d月(?=至|到)", known="月")
    assert needs is not None and not needs("3月", 0, 2) and needs("3月至", 0, 3)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), st.text(alphabet=_ALPHABET, max_size=40), st.integers(0, 40),
       st.integers(0, 40))
def test_a_rejected_stretch_holds_no_match(pattern: str, text: str, start: int, end: int) -> None:
    needs = literal_needs(pattern)
    assert needs is not None
    start, end = min(start, len(text)), min(max(start, end), len(text))
    if not needs(text, start, end):
        assert regex.search(pattern, text, pos=start, endpos=end, flags=regex.V1) is None


def test_every_guarded_date_rule_gets_its_guard() -> None:
    rules = Pipeline().rules
    grammar = _compile(rules)
    wanted = {r.id for r in rules.get(DateGrammar).rules if r.guard}
    assert wanted
    for rule, compiled, _ in grammar.rules:
        if rule.id in wanted:
            assert compiled().pattern.source.startswith("(?=(?:"), rule.id


def test_a_line_start_guard_follows_a_leading_anchor_of_patterns_never_empty() -> None:
    assert with_line_start_guard("^\\s*来源[:：].*$") == "^(?=[\\s\\S])\\s*来源[:：].*$"
    assert with_line_start_guard("(?m)^[^。\\n]{2,40}$") == "(?m)^(?=[\\s\\S])[^。\\n]{2,40}$"
    # may be empty, no leading anchor, not modelled
    for pattern in ("^\\s*$", "^|a", "a^b", "(?i)^ab", "^\\1a"):
        assert with_line_start_guard(pattern) == pattern


_LINE_PATTERNS = [
    "^\\s*[■]?\\s*(?:文/图|文)\\s*[/:：|]\\s*\\S.*$",
    "^[\\p{Han}\\s]{2,5}/?\\s*(?:摄|供图)$",
    "^\\s*记者\\s*\\p{Han}{2,3}(?:[\\s、]+\\p{Han}{2,3})*\\s*$",
    "(?m)^[^。，\\n]{2,4}$",
    "^a|b$",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_LINE_PATTERNS), st.text(alphabet="文图摄供记者张三、。，■/: ab\n", max_size=40),
       st.integers(0, 40), st.integers(0, 40))
def test_a_line_start_guarded_pattern_finds_the_same_matches(pattern: str, text: str, start: int,
                                                             end: int) -> None:
    guarded = with_line_start_guard(pattern)
    assert guarded != pattern
    start, end = min(start, len(text)), min(max(start, end), len(text))
    flags = regex.V1 | regex.MULTILINE
    found = [m.span() for m in regex.finditer(pattern, text, pos=start, endpos=end, flags=flags)]
    assert [m.span() for m in regex.finditer(guarded, text, pos=start, endpos=end, flags=flags)] == found


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="(（)）工宣揭阳 ,。", max_size=30))
def test_a_needed_text_pattern_finds_what_its_pattern_finds(text: str) -> None:
    guarded = NeededTextPattern.compile("t", r"[(（]\p{Han}{1,4}工宣?[)）]", "test")
    assert guarded.clauses
    assert ([m.span() for m in guarded.finditer(text)]
            == [m.span() for m in guarded.pattern.finditer(text)])
    assert (guarded.search(text) is None) == (guarded.pattern.search(text) is None)


#: line-bound patterns whose first characters are many: run on the lines holding 月, 届 or 以
_LINE_BOUND = [
    r"(?:\d++|[一二三十]++)(?:个)?(?:多|半)?(?:月|小时)",
    r"(?<![\d.])\d{1,2}届(?:\d次)?",
    r"[\d一二三]+(?:人|名)(?:及|或)?以[上下](?=\p{Han}{0,4}(?:企业|单位))",
]


_LINE_ALPHABET = "12.一二三十个多半月小时届次人名及以上下企业单位a\n\udc80"


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_LINE_BOUND), st.text(alphabet=_LINE_ALPHABET, max_size=60))
def test_a_pattern_run_on_the_lines_holding_its_words_finds_every_match(pattern: str, text: str) -> None:
    lined = NeededTextPattern.compile("t", pattern, "test")
    assert lined.lines is not None
    assert lined.spans(text) == [m.span() for m in lined.pattern.compiled.finditer(text)]


def test_line_windows_only_where_no_match_reads_a_line_break_and_the_engine_skips_slowly() -> None:
    for pattern in [r"\d+\s*月", r"\d+[^a]月", r"\d+月$", r"\b\d+月", r"\d*月?", r"\d+(?!\n)月", r"\d+\n?月"]:
        assert NeededTextPattern.compile("t", pattern, "test").lines is None, pattern  # reads a break
    assert NeededTextPattern.compile("t", "第\\d+届", "test").lines is None  # 第: the engine skips fast
    assert NeededTextPattern.compile("t", r"\d+.月", "test").lines is not None  # . is no line break


def test_edge_characters_only_of_edges_every_match_is_pinned_to() -> None:
    assert edge_characters("^【[^】]{1,16}】$") == ("【", "】")
    assert edge_characters("^(?:来源|据)[:：]") == ("据|来", None)
    assert edge_characters("^a|b$") == (None, None)  # each edge has a branch not pinned to it
    assert edge_characters("^x?$") == (None, None)  # a match may be empty
    assert edge_characters("\\Ax\\b$") == (None, "x")  # only ^ and $ pin; \b consumes nothing
    assert edge_characters("^a\\$") == ("a", None)  # an escaped $ is a character


ROLE_RULES = Pipeline().rules.get(SegmentRules).roles
LINE_PIECES = st.sampled_from([*"【】■▲►(（)）:：、/。，, 张李陈欧阳健玲工会总委供图稿影摄",
                               "记者", "通讯员", "县总工会", "主席", "来源", "揭阳", "本报"])


def _assert_edges_hold(line: str) -> int:
    """Each role rule matching ``line`` begins and ends it with characters its derived edges allow."""
    matched = 0
    for rule in ROLE_RULES:
        first, last = edge_characters(rule.pattern)
        if regex.search(rule.pattern, line, flags=regex.V1):
            matched += 1
            assert first is None or regex.fullmatch(first, line[0], flags=regex.V1), rule.id
            assert last is None or regex.fullmatch(last, line[-1], flags=regex.V1), rule.id
    return matched


@pytest.mark.parametrize("line", ["【主席之声】", "揭阳市总工会", "■全媒体记者 许接英 通讯员 凌向中",
                                  "(记者 张三 通讯员 李四)", "盱眙县政协副主席、县总工会主席陈健",
                                  "滨海县总工会李玲玲", "尤嘉 张丙涛 摄", "刘斌/摄", "单位供图", "(卢秀樱)",
                                  "来源:《工人日报》", "■2024年中山工会工作创新培训班现场"])
def test_a_furniture_line_begins_and_ends_as_its_rule_derives(line: str) -> None:
    assert _assert_edges_hold(line) > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE_PIECES, min_size=1, max_size=12).map("".join))
def test_a_line_a_role_rule_matches_begins_and_ends_as_derived(line: str) -> None:
    _assert_edges_hold(line)


def test_role_rules_give_edges_to_test() -> None:
    """Every role rule of segment.yaml is pinned to ^; those that end with $ to it as well."""
    for rule in ROLE_RULES:
        first, last = edge_characters(rule.pattern)
        assert first is not None and (last is not None) == rule.pattern.endswith("$"), rule.id


_SKIP_PATTERNS = [r"^(?:[/／]\p{Han})?(?:不等|左右)?(?:的|组成的|构成的)?", r"^(?:ab|c)?d*", r"^x+|^y"]


def test_nonempty_start_only_of_patterns_pinned_to_the_start() -> None:
    assert nonempty_start(_SKIP_PATTERNS[0]) == "[/／]|不|左|构|的|组"
    assert nonempty_start(r"^(?:ab|c)?d*") == "a|c|d"
    assert nonempty_start(r"^x+|^y") == "x|y"
    assert nonempty_start(r"x|^y") is None  # a match may begin anywhere
    assert nonempty_start(r"^(?:)") is None  # never more than empty
    assert nonempty_start(r"^(?=a)\1") is None  # not modelled


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SKIP_PATTERNS), st.text(alphabet="/／的构组成不等左右abcdxyz工会", max_size=12))
def test_a_text_not_starting_as_derived_holds_at_most_the_empty_match(pattern: str, text: str) -> None:
    start = regex.compile(nonempty_start(pattern))
    if start.match(text[:1]) is None:
        found = regex.compile(pattern, regex.V1).search(text)
        assert found is None or found.span() == (0, 0)


_SPAN_PATTERNS = [
    *_PATTERNS,
    "[，,；;。！？!?：:…]|(?<![\\p{Han}\\d\\n])\\n+|\\n+(?![\\p{Han}\\d\\n])",  # the clause breaks
    "[。！？!?；;]+[”’」』\"]?|\\n+",  # the sentence ends
    "a|ab|abc",  # finditer takes the first alternative that matches, not the longest
    "(?<=a)b+|b(?=a)",
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_SPAN_PATTERNS), st.text(alphabet=_ALPHABET + "，。！”a", max_size=40),
       st.integers(0, 40), st.integers(0, 40))
def test_a_span_loop_captures_what_finditer_finds(pattern: str, text: str, pos: int, endpos: int) -> None:
    loop = span_loop(pattern)
    assert loop is not None
    found = [m.span() for m in regex.finditer(pattern, text, pos=pos, endpos=endpos, flags=regex.V1)]
    assert regex.compile(loop, regex.V1).match(text, pos, endpos).spans("every_match") == found
    assert spanning(SafePattern.compile("t", pattern)).spans(text, pos=pos, endpos=endpos) == found


def test_no_span_loop_where_it_could_differ_from_finditer() -> None:
    assert span_loop("a*") is None  # an empty match: finditer steps past it, a loop would stop
    assert span_loop(".b") is None  # any character may begin a match: nothing to skip
    assert span_loop("(a)\\1") is None  # a backreference's number would shift
    assert span_loop("\\Ga") is None  # \G: where the last match ended
    unchanged = SafePattern.compile("t", "(?P<every_match>a)b")
    assert spanning(unchanged).every is None  # the group name is the loop's own


_WORD_CHARS = "工会总委员公司有限局"  # a text may hold a lone surrogate, which is no UTF-8


@st.composite
def _word_patterns(draw: st.DrawFn, depth: int = 2) -> str:
    """An alternation of plain words, groups and classes nested: the engine's order of preference
    at one position is what ``literal_words`` must keep."""
    branches = []
    for _ in range(draw(st.integers(1, 3))):
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["word", "class", "group"] if depth else ["word", "class"]))
            if kind == "word":
                parts.append(draw(st.text(_WORD_CHARS, min_size=1, max_size=3)))
            elif kind == "class":
                parts.append(f"[{draw(st.text(_WORD_CHARS, min_size=1, max_size=3))}]")
            else:
                parts.append(f"(?:{draw(_word_patterns(depth - 1))})")
        branches.append("".join(parts))
    return "|".join(branches)


@settings(max_examples=400, deadline=None)
@given(_word_patterns(), st.text(_WORD_CHARS + "市x1𠀀\udc80", max_size=60),  # 𠀀 is no BMP character
       st.integers(0, 60), st.integers(0, 60))
def test_an_automaton_of_words_finds_what_finditer_finds(pattern: str, text: str, pos: int,
                                                         endpos: int) -> None:
    for source in (pattern, f"(?<![总有\\d])(?:{pattern})"):  # plain, and not after 总, 有 or a digit
        found = [m.span() for m in regex.finditer(source, text, pos=pos, endpos=endpos, flags=regex.V1)]
        automaton = worded(SafePattern.compile("t", source))
        assume(automaton.words is not None)  # None past the cap on words, which nested groups multiply
        assert automaton.spans(text, pos=pos, endpos=endpos) == found


def test_words_in_the_order_the_engine_prefers_them() -> None:
    assert literal_words("年|(?:新的一年|上年度)") == (None, ["年", "新的一年", "上年度"])
    assert literal_words("个(?:季度|月)|[周天]") == (None, ["个季度", "个月", "周", "天"])
    assert literal_words(r"\.|a") == (None, [".", "a"])
    assert literal_words(r"(?<![一二\d])(?:一般|统一)") == (r"[一二\d]", ["一般", "统一"])


def test_only_plain_words_get_an_automaton() -> None:
    assert literal_words("(?:[ab][cd][ef]){5}") is None  # a repeat
    assert literal_words("|".join("[abcd]" * 7 for _ in range(2))) is None  # past the cap on words
    for pattern in ["a?", "a+b", "(?=a)b", "^a", r"a\b", r"\d", "[^a]", ".", "(?i)a", "(a)\\1", "a|",
                    "(?<=a)b", "(?<!ab)c", "b(?<!a)c"]:  # only a leading (?<![…]) of one character
        assert literal_words(pattern) is None, pattern
    assert worded(SafePattern.compile("t", "ab", flags=regex.IGNORECASE)).words is None
    assert worded(SafePattern.compile("t", "(?r)ab")).words is None
