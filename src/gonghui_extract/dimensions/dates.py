"""The dates dimension: calendar references resolved to inclusive intervals.

Three passes over the view, all driven by rules/dates/:

1. *match*: the rules of grammar.yaml find atomic mentions; their named groups
   say what each part means (``y`` year, ``ry`` relative year, ``m`` month …);
   overlaps go to the longest match, then to the rule listed first.
2. *combine*: two dates joined by a range connector become one range
   (3月27日至4月1日, the end taking the year the start gives); a date with
   以来/至今 after it becomes a "since" interval ending at the reference date.
3. *resolve*: every mention becomes (start_date, end_date, granularity)
   against the reference date.  When the caller gave none, one is inferred
   from the text (a dateline or the latest full date, else the latest year the
   text states for past events); when none can be inferred, relative mentions
   keep null dates and a note.  The wall clock is never read.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

import regex
from pydantic import BaseModel, Field, model_validator

from ..doc import Candidate, Doc
from ..numerals import NumberParser, NumeralTables
from ..patterns import SafePattern, alternation
from ..pipeline import component
from ..prefilter import literal_needs, with_prefix_guard, worded
from ..rules import PatternEntry, RuleFile, Rules, RulesError, rule_file
from .chinese_calendar import lunar_day, lunar_month, solar_term

_GRAIN_ORDER = {"day": 0, "month": 1, "year": 2}


@rule_file("dates/words.yaml")
class DateWords(RuleFile):
    """Word tables of the date grammar (each becomes a macro of grammar.yaml)."""

    relative_years: dict[str, int] = Field(default_factory=dict)
    relative_months: dict[str, int] = Field(default_factory=dict)
    relative_days: dict[str, int] = Field(default_factory=dict)
    relative_weeks: dict[str, int] = Field(default_factory=dict)
    weekdays: dict[str, int] = Field(default_factory=dict)
    week_parts: dict[str, tuple[int, int]] = Field(default_factory=dict)
    relative_year_stems: dict[str, int] = Field(default_factory=dict)
    year_parts: dict[str, tuple[int, int]] = Field(default_factory=dict)
    year_edges: list[str] = Field(default_factory=list)
    month_parts: list[str] = Field(default_factory=list)
    plan_periods: dict[str, int] = Field(default_factory=dict)
    anchors_before: dict[str, Literal["past", "future"]] = Field(default_factory=dict)
    anchors_after: dict[str, Literal["past", "future"]] = Field(default_factory=dict)
    duration_units: dict[str, Literal["year", "quarter", "month", "week", "day"]] = Field(
        default_factory=dict)
    offsets_after: dict[str, Literal["past", "future"]] = Field(default_factory=dict)
    spans_before: dict[str, Literal["past", "future"]] = Field(default_factory=dict)
    relative_centuries: dict[str, int] = Field(default_factory=dict)
    relative_quarters: dict[str, int] = Field(default_factory=dict)
    eras: dict[str, int] = Field(default_factory=dict)
    first_year_words: list[str] = Field(default_factory=list)
    lunar_months: dict[str, int] = Field(default_factory=dict)
    lunar_days: dict[str, tuple[int, int]] = Field(default_factory=dict)


class GrammarRule(BaseModel):
    id: str
    pattern: str
    #: what every match contains; when given, the pattern runs only near its hits (speed)
    trigger: str | None = None
    #: test the two characters a match can begin with before the pattern (derived from it; speed
    #: only: it pays where those first characters are common and the pattern is long)
    guard: bool = False
    expression: Literal["point", "anchored_duration", "plan_period", "vague"] = "point"
    note: str = ""


class Holiday(BaseModel):
    """A holiday and the calendar that places it; with none of them it is a vague season."""

    pattern: str
    month: int | None = None
    day: int | None = None
    #: lunar month and day (day -1: the month's last day)
    lunar: tuple[int, int] | None = None
    #: days from the day the calendar gives (除夕 is the day before the lunar new year)
    days_after: int = 0
    solar_term: str | None = None
    #: month, n-th, weekday (Monday 0): 母亲节 is the second Sunday of May
    weekday_of_month: tuple[int, int, int] | None = None

    def _calendars(self) -> list[bool]:
        return [self.month is not None, self.lunar is not None, self.solar_term is not None,
                self.weekday_of_month is not None]

    @model_validator(mode="after")
    def _one_calendar(self) -> Holiday:
        if sum(self._calendars()) > 1 or (self.month is None) != (self.day is None):
            raise ValueError("a holiday takes month and day, lunar, solar_term or weekday_of_month")
        return self

    @property
    def placed(self) -> bool:
        """Whether a calendar places it on a day (新春 and 两节 are seasons)."""
        return any(self._calendars())

    def day_in(self, year: int) -> date:
        """Its day in a Gregorian year (腊八 of 2024 is in the lunar year 2023)."""
        if self.month is not None and self.day is not None:
            return date(year, self.month, self.day)
        if self.lunar is not None:
            for lunar_year in (year, year - 1):
                day = lunar_day(lunar_year, *self.lunar) + timedelta(days=self.days_after)
                if day.year == year:
                    return day
            raise ValueError(f"no lunar {self.lunar} in {year}")
        if self.solar_term is not None:
            return solar_term(year, self.solar_term)
        if self.weekday_of_month is not None:
            month, nth, weekday = self.weekday_of_month
            return _nth_weekday(year, month, nth, weekday)
        raise ValueError("a vague holiday has no day")


class ReferenceRules(BaseModel):
    dateline_window: int = 200
    future_before: list[str] = Field(default_factory=list)
    future_after: list[str] = Field(default_factory=list)


@rule_file("dates/grammar.yaml")
class DateGrammar(RuleFile):
    """Macros, rules, vague words, holidays, range and since words, exclusions."""

    macros: dict[str, str] = Field(default_factory=dict)
    rules: list[GrammarRule] = Field(default_factory=list)
    not_a_year_after: list[str] = Field(default_factory=list)
    not_a_year_before: list[str] = Field(default_factory=list)
    not_a_day_before: list[str] = Field(default_factory=list)
    offset_openers: list[str] = Field(default_factory=list)
    vague: list[str] = Field(default_factory=list)
    seasons: list[str] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    holiday_suffixes: list[str] = Field(default_factory=list)
    range_connectors: list[str] = Field(default_factory=list)
    since_prefixes: list[str] = Field(default_factory=list)
    since_suffixes: list[str] = Field(default_factory=list)
    label_after_day: str = ""
    label_closing: str = ""
    exclusions: list[PatternEntry] = Field(default_factory=list)
    reference: ReferenceRules = Field(default_factory=ReferenceRules)


_MACRO = regex.compile(r"\{([A-Z_]+)\}")


@dataclass
class RulePattern:
    """A rule's compiled pattern, and the test of a trigger's window for the text its matches need
    (a window without it is skipped: the pattern could find nothing there)."""

    pattern: SafePattern
    needs: Callable[[str, int, int], bool] | None
    #: whether it has _end groups (a whole range); most rules have none, and their matches are
    #: then not searched for them
    ranges: bool


@dataclass
class Grammar:
    """The compiled grammar: patterns plus the tables the resolver reads."""

    words: DateWords
    #: (rule, its pattern compiled on first use, its trigger): a rule whose trigger never hits
    #: is never compiled, so a first call does not pay for every rule (the lunar rule alone ~16 ms)
    rules: list[tuple[GrammarRule, Callable[[], RulePattern], SafePattern | None]]
    exclusions: list[SafePattern]
    holidays: list[tuple[regex.Pattern, Holiday]]
    range_gap: regex.Pattern
    since_prefix: regex.Pattern
    since_suffix: regex.Pattern
    label_gap: regex.Pattern
    label_closing: regex.Pattern
    future_before: regex.Pattern
    future_after: regex.Pattern
    dateline_window: int
    numbers: NumberParser


def _expand(pattern: str, macros: dict[str, str], origin: str, seen: tuple[str, ...] = ()) -> str:
    """Replace {NAME} macros recursively; an unknown or circular macro is a RulesError."""

    def sub(m: regex.Match) -> str:
        name = m.group(1)
        if name not in macros:
            raise RulesError(origin, f"macro {name}", "unknown macro")
        if name in seen:
            raise RulesError(origin, f"macro {name}", "macro refers to itself")
        return f"(?:{_expand(macros[name], macros, origin, (*seen, name))})"

    return _MACRO.sub(sub, pattern)


#: macros that are word lists of words.yaml / grammar.yaml (literal words, longest first)
_WORD_MACROS = {
    "REL_YEAR": "relative_years", "REL_MONTH": "relative_months", "REL_DAY": "relative_days",
    "REL_WEEK": "relative_weeks", "REL_QUARTER": "relative_quarters", "REL_CENTURY": "relative_centuries",
    "WEEKDAY": "weekdays", "YEAR_PART": "year_parts", "YEAR_EDGE": "year_edges", "MONTH_PART": "month_parts",
    "PLAN": "plan_periods", "ANCHOR_BEFORE": "anchors_before", "ANCHOR_AFTER": "anchors_after",
    "DUR_UNIT": "duration_units", "OFFSET_AFTER": "offsets_after", "SPAN_BEFORE": "spans_before",
    "ERA": "eras", "FIRST_YEAR": "first_year_words", "LUNAR_MONTH_NAME": "lunar_months",
    "LUNAR_DAY_NAME": "lunar_days", "WEEK_PART": "week_parts", "REL_YEAR_STEM": "relative_year_stems",
}
_GRAMMAR_WORD_MACROS = {
    "NOT_A_YEAR_AFTER": "not_a_year_after", "NOT_A_YEAR_BEFORE": "not_a_year_before",
    "NOT_A_DAY_BEFORE": "not_a_day_before", "OFFSET_OPENER": "offset_openers",
    "HOLIDAY_SUFFIX": "holiday_suffixes", "SEASON": "seasons",
}


#: what an empty word table matches: nothing (not the empty string)
_NOTHING = "(?!)"


def _words(words: list[str]) -> str:
    """Literal words, longest first, the one-character ones as a class (compiles much faster)."""
    singles = "".join(sorted({w for w in words if len(w) == 1}))
    parts = [alternation([w for w in words if len(w) > 1]), f"[{regex.escape(singles)}]" if singles else ""]
    return "|".join(p for p in parts if p) or _NOTHING


def _either(fragments: list[str]) -> str:
    """An alternation of regex fragments, each kept whole."""
    return "|".join(f"(?:{f})" for f in fragments) or _NOTHING


def _compile(rules: Rules) -> Grammar:
    words, gram = rules.get(DateWords), rules.get(DateGrammar)
    origin = "dates/grammar.yaml"
    macros = {
        **{name: _words(list(getattr(words, table))) for name, table in _WORD_MACROS.items()},
        **{name: _words(getattr(gram, table)) for name, table in _GRAMMAR_WORD_MACROS.items()},
        "HOLIDAY": _either([h.pattern for h in gram.holidays]),
        "VAGUE": _either(gram.vague),
        **gram.macros,
    }
    # alternations of regex fragments: the engine cannot precheck them as it does word lists, and
    # their first characters are common (国庆, 中秋, “五一”; 一段时间, 年底)
    for name in ("HOLIDAY", "VAGUE"):
        macros[name] = with_prefix_guard(_expand(macros[name], macros, origin))

    def compile_pattern(rule_id: str, pattern: str) -> SafePattern:
        return SafePattern.compile(rule_id, _expand(pattern, macros, origin), origin)

    def on_first_use(rule: GrammarRule) -> Callable[[], RulePattern]:
        # macros expand now, so an unknown one is an error at once; a bad pattern is one when first run
        source = _expand(rule.pattern, macros, origin)

        def compile_rule() -> RulePattern:
            guarded = with_prefix_guard(source) if rule.guard else source
            needs = literal_needs(source, _expand(rule.trigger, macros, origin)) if rule.trigger else None
            pattern = SafePattern.compile(rule.id, guarded, origin)
            ranges = any(name.endswith(_END) for name in pattern.compiled.groupindex)
            return RulePattern(pattern, needs, ranges)

        return cache(compile_rule)

    # a trigger is most often a list of words (年, 月, the names of seasons): an automaton finds them
    compiled = [(r, on_first_use(r), r.trigger and worded(compile_pattern(r.id, r.trigger)))
                for r in gram.rules]
    # exclusions run over the whole view: the guard pays there (years_of_history) or costs nothing
    exclusions = [SafePattern.compile(e.id, with_prefix_guard(_expand(e.pattern, macros, origin)), origin)
                  for e in gram.exclusions]
    holidays = [(SafePattern.compile("holiday", h.pattern, origin).compiled, h) for h in gram.holidays]
    space = _expand("{SP}", macros, origin)
    return Grammar(
        words=words,
        rules=compiled,
        exclusions=exclusions,
        holidays=holidays,
        range_gap=regex.compile(f"{space}(?:{_words(gram.range_connectors)}){space}"),
        since_prefix=regex.compile(f"(?:{_words(gram.since_prefixes)})$"),
        since_suffix=SafePattern.compile("since_suffixes", _either(gram.since_suffixes), origin).compiled,
        label_gap=SafePattern.compile("label_after_day", gram.label_after_day, origin).compiled,
        label_closing=SafePattern.compile("label_closing", gram.label_closing, origin).compiled,
        future_before=regex.compile(f"(?:{_words(gram.reference.future_before)})$"),
        future_after=regex.compile(f"(?:{_words(gram.reference.future_after)})"),
        dateline_window=gram.reference.dateline_window,
        numbers=NumberParser(rules.get(NumeralTables)),
    )


@dataclass
class Mention:
    """A matched expression before the reference date is applied."""

    start: int
    end: int
    rule_id: str
    expression: str
    groups: dict[str, str]
    end_groups: dict[str, str] | None = None  # the second date of a range
    since: bool = False
    note: str = ""  # the rule's note, said of a vague record


@dataclass
class Interval:
    start: date | None
    end: date | None
    granularity: str | None
    relative: bool = False
    note: str | None = None


class Unresolvable(Exception):
    """A relative expression met no reference date."""


# --- pass 1: match -------------------------------------------------------------------------------

#: how far from a trigger's hit a match of its rule may reach
_TRIGGER_REACH = 24


def _windows(view: str, trigger: SafePattern | None, warnings: list) -> list[tuple[int, int]]:
    """The stretches of the view a rule runs on: all of it, or the merged surroundings of its trigger."""
    if trigger is None:
        return [(0, len(view))]
    windows: list[tuple[int, int]] = []
    for hit_start, hit_end in trigger.spans(view, warnings):
        start, end = max(0, hit_start - _TRIGGER_REACH), min(len(view), hit_end + _TRIGGER_REACH)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


#: the suffix of a group that gives the end of a range (m_end)
_END = "_end"


def _match(view: str, grammar: Grammar, warnings: list) -> list[Mention]:
    found: list[tuple[int, int, int, Mention]] = []
    windows_of: dict[str, list[tuple[int, int]]] = {}  # rules with the same trigger (月) share its scan
    for order, (rule, compiled, trigger) in enumerate(grammar.rules):
        key = trigger.source if trigger else ""
        if key not in windows_of:
            windows_of[key] = _windows(view, trigger, warnings)
        for window_start, window_end in windows_of[key]:
            rule_pattern = compiled()
            if rule_pattern.needs is not None and not rule_pattern.needs(view, window_start, window_end):
                continue  # the text every match needs is not in this window
            for m in rule_pattern.pattern.finditer(view, warnings, window_start, window_end):
                start, end = m.span()
                if end == start:
                    continue
                groups = {k: v for k, v in m.groupdict().items() if v is not None}
                ends = rule_pattern.ranges and {
                    k.removesuffix(_END): v for k, v in groups.items() if k.endswith(_END)}
                if ends:  # one rule found a whole range: its end is the start with the _end groups
                    groups = {k: v for k, v in groups.items() if not k.endswith(_END)}
                    mention = Mention(start, end, rule.id, "range", groups, {**groups, **ends})
                else:
                    mention = Mention(start, end, rule.id, rule.expression, groups, note=rule.note)
                found.append((start, end, order, mention))
    # one mark per character: an overlap test is then a find over the span, not a scan of every span
    blocked = bytearray(len(view))
    for p in grammar.exclusions:
        for m in p.finditer(view, warnings):
            blocked[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    found.sort(key=lambda t: (-(t[1] - t[0]), t[2], t[0]))
    taken = bytearray(len(view))
    chosen = []
    for start, end, _, mention in found:
        if taken.find(1, start, end) >= 0 or blocked.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append(mention)
    return sorted(chosen, key=lambda x: x.start)


# --- pass 2: combine -----------------------------------------------------------------------------

_YEAR_KEYS = ("y", "yy", "ry", "rys", "era", "ey")
#: what names a day: a weekday or holiday right after it is its label (正月十五元宵节)
_DAY_KEYS = {"d", "rd", "lda", "lnd"}


def _combine(view: str, mentions: list[Mention], grammar: Grammar) -> list[Mention]:
    """Join ranges (A 至 B) and since expressions (自 A 以来)."""
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        cur = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (nxt and cur.expression == nxt.expression == "point" and cur.end_groups is None
                and grammar.range_gap.fullmatch(view, cur.end, nxt.start)):
            end_groups = dict(nxt.groups)
            if not any(k in end_groups for k in _YEAR_KEYS):  # 2017年8月11日至8月22日
                end_groups.update({k: v for k, v in cur.groups.items() if k in _YEAR_KEYS})
                if "m" not in end_groups and "m" in cur.groups:  # 一月十日到十二日
                    end_groups["m"] = cur.groups["m"]
            start_groups = dict(cur.groups)
            if not any(k in start_groups for k in _YEAR_KEYS) and "m" in start_groups:
                start_groups.update({k: v for k, v in nxt.groups.items() if k in _YEAR_KEYS})
            cur = Mention(cur.start, nxt.end, cur.rule_id, "range", start_groups, end_groups)
            i += 1
        if cur.expression in ("point", "range", "plan_period"):
            suffix = grammar.since_suffix.match(view, cur.end)
            if suffix:
                prefix = grammar.since_prefix.search(view, max(0, cur.start - 4), cur.start)
                start = prefix.start() if prefix else cur.start
                cur = Mention(start, suffix.end(), cur.rule_id, "since", cur.groups, since=True)
        i += 1
        label = mentions[i] if i < len(mentions) else None
        if (label and label.groups.keys() in ({"wd"}, {"hol"}) and _DAY_KEYS & cur.groups.keys()
                and grammar.label_gap.fullmatch(view, cur.end, label.start)):  # 11月15日（星期三）
            closing = grammar.label_closing.match(view, label.end)
            cur.end = closing.end() if closing else label.end
        out.append(cur)
        while i < len(mentions) and mentions[i].start < cur.end:  # 至今 taken into 2018年至今
            i += 1
    return out


# --- pass 3: resolve -----------------------------------------------------------------------------

def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


#: days a duration unit counts (the others count months)
_UNIT_DAYS = {"week": 7, "day": 1}
#: months a duration unit counts
_UNIT_MONTHS = {"year": 12, "quarter": 3, "month": 1}


def _move(day: date, unit: str, steps: int) -> date:
    """A day moved by whole units (by months, the day kept or the month's last; or by days)."""
    if unit in _UNIT_DAYS:
        return day + timedelta(days=steps * _UNIT_DAYS[unit])
    year, month = _shift_month(day.year, day.month, steps * _UNIT_MONTHS[unit])
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The N-th given weekday (Monday 0) counted from the first of a month (of a year, for
    the N-th week of a year: 20年第52周)."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)


class Resolver:
    """Groups of a mention + the reference date → an interval."""

    def __init__(self, grammar: Grammar, reference: date | None):
        self.g, self.w, self.ref = grammar, grammar.words, reference

    def need_ref(self) -> date:
        if self.ref is None:
            raise Unresolvable
        return self.ref

    def number(self, text: str) -> int:
        value = self.g.numbers.parse(text)
        if value is None or value != int(value):
            raise ValueError(f"not a whole number: {text!r}")
        return int(value)

    def year(self, g: dict[str, str]) -> tuple[int | None, bool]:
        """The year the groups state (relative or not), or None."""
        if "y" in g:
            return self.number(g["y"]), False
        if "era" in g:
            nth = 1 if g["ey"] in self.w.first_year_words else self.number(g["ey"])
            return self.w.eras[g["era"]] + nth - 1, False
        if "yy" in g:  # 20yy unless that is over ten years after the reference (98年 → 1998)
            yy, latest = self.number(g["yy"]), (self.ref.year + 10 if self.ref else 2049)
            return (2000 + yy if 2000 + yy <= latest else 1900 + yy), self.ref is not None
        if "ry" in g:
            return self.need_ref().year + self.w.relative_years[g["ry"]], True
        if "rys" in g:
            return self.need_ref().year + self.w.relative_year_stems[g["rys"]], True
        return None, False

    def interval(self, mention: Mention) -> Interval:
        if mention.expression == "vague":
            return Interval(None, None, None, note=mention.note or "too vague to place on the calendar")
        if "plan" in mention.groups:
            first = self.w.plan_periods[mention.groups["plan"]]
            plan = Interval(date(first, 1, 1), date(first + 4, 12, 31), "year")
            return self.since(plan) if mention.since else plan
        if mention.expression == "anchored_duration":
            return self.duration(mention.groups)
        start = self.point(mention.groups)
        if mention.end_groups is not None:
            end = self.point(mention.end_groups)
            if start.start is None or end.end is None:  # 春节至元宵节: a vague end makes a vague range
                return Interval(None, None, None, note=start.note or end.note)
            if end.end < start.start and not any(k in mention.end_groups for k in _YEAR_KEYS):
                end = self.point({**mention.end_groups, "y": str(end.end.year + 1)})
            if end.end < start.start:
                raise ValueError("range ends before it starts")
            grain = min(start.granularity, end.granularity, key=_GRAIN_ORDER.__getitem__)
            return Interval(start.start, end.end, grain, start.relative or end.relative)
        return self.since(start) if mention.since else start

    def since(self, start: Interval) -> Interval:
        """X以来: from the start of X to the reference date, at X's granularity."""
        if start.start is None:  # 春节以来: since a vague time is vague
            return start
        ref = self.need_ref()
        if start.start > ref:
            raise ValueError("since a date after the reference")
        return Interval(start.start, ref, start.granularity, True)

    def count(self, g: dict[str, str]) -> tuple[str, int]:
        """A duration's calendar unit and count: 三年半 and 半年 count months, 半个月 15 days,
        a quarter three months."""
        n, unit = self.number(g["n"]) if "n" in g else 0, self.w.duration_units[g["unit"]]
        if "half" in g:
            if unit == "year":
                return "month", 12 * n + 6
            if unit == "month":
                return "day", 30 * n + 15
            raise ValueError(f"half a {unit} is no whole count")
        if unit == "quarter":
            return "month", 3 * n
        return unit, n

    def offset(self, g: dict[str, str]) -> Interval:
        """三年前, 20天后, 4周后: the year, month, week or day that far from the reference."""
        ref, (unit, n) = self.need_ref(), self.count(g)
        day = _move(ref, unit, n if self.w.offsets_after[g["od"]] == "future" else -n)
        if unit == "year":
            return Interval(date(day.year, 1, 1), date(day.year, 12, 31), "year", True)
        if unit == "month":
            return Interval(day.replace(day=1), _last_day(day.year, day.month), "month", True)
        if unit == "week":
            monday = day - timedelta(days=day.weekday())
            return Interval(monday, monday + timedelta(days=6), "day", True)
        return Interval(day, day, "day", True)

    def span(self, g: dict[str, str]) -> Interval:
        """前1周, 上2个月, 后1年: the N units right before or after the reference day, without it."""
        ref, (unit, n) = self.need_ref(), self.count(g)
        sign = 1 if self.w.spans_before[g["sd"]] == "future" else -1
        other, near = _move(ref, unit, sign * n), ref + timedelta(days=sign)
        return Interval(min(near, other), max(near, other), "day", True)

    def duration(self, g: dict[str, str]) -> Interval:
        """五年来, 过去五年, 未来五年: anchored at the reference date (ANNOTATION §2)."""
        if "sd" in g:
            return self.span(g)
        ref, (unit, n) = self.need_ref(), self.count(g)
        direction = self.w.anchors_before.get(g.get("ab", "")) or self.w.anchors_after[g["aa"]]
        sign = -1 if direction == "past" else 1
        if unit == "year":
            y = ref.year + sign * n
            other, grain = (date(y, 1, 1) if sign < 0 else date(y, 12, 31)), "year"
        elif unit == "month":
            y, m = _shift_month(ref.year, ref.month, sign * n)
            other, grain = (date(y, m, 1) if sign < 0 else _last_day(y, m)), "month"
        else:
            other, grain = _move(ref, unit, sign * n), "day"
        return Interval(min(ref, other), max(ref, other), grain, True)

    def point(self, g: dict[str, str]) -> Interval:
        """A year, month, day, part of a year, week, decade or holiday."""
        if "rd" in g:
            day = self.need_ref() + timedelta(days=self.w.relative_days[g["rd"]])
            return Interval(day, day, "day", True)
        if "od" in g:
            return self.offset(g)
        if "wk" in g or "wd" in g:
            return self.week(g)
        if "rq" in g:
            ref = self.need_ref()
            quarter_start = (ref.month - 1) // 3 * 3 + 1
            year, month = _shift_month(ref.year, quarter_start, 3 * self.w.relative_quarters[g["rq"]])
            return Interval(date(year, month, 1), _last_day(year, month + 2), "month", True)
        if "dec" in g or "cent" in g or "rc" in g:
            return self.decade(g)
        if "hol" in g:
            return self.holiday(g)
        if "lmo" in g or "lnd" in g:
            return self.lunar(g)
        year, relative = self.year(g)
        if "rm" in g:  # 上月; 去年本月: a relative year moves it
            ref = self.need_ref()
            year, month = _shift_month(ref.year, ref.month, self.w.relative_months[g["rm"]])
            return self.month_or_day(year + self.w.relative_years.get(g.get("ry", ""), 0), month, g, True)
        if "m" in g:
            month = self.number(g["m"])
            if year is None:  # the most recent such date not after the reference
                return self.most_recent(month, g)
            return self.month_or_day(year, month, g, relative)
        if "d" in g:  # a day alone: the most recent month that has it, not after the reference
            ref, day = self.need_ref(), self.number(g["d"])
            back = 0 if day <= ref.day else 1
            y, m = _shift_month(ref.year, ref.month, -back)
            while day > calendar.monthrange(y, m)[1] and back < 3:  # 31日 skips 30-day months
                back += 1
                y, m = _shift_month(ref.year, ref.month, -back)
            return Interval(date(y, m, day), date(y, m, day), "day", True)
        if year is None:
            year, relative = self.need_ref().year, True
        if "yp" in g:
            first, last = self.w.year_parts[g["yp"]]
        elif "q" in g:
            q = self.number(g["q"])
            first, last = 3 * q - 2, 3 * q
        elif "fq" in g or "fm" in g:
            first, last = 1, 3 * self.number(g["fq"]) if "fq" in g else self.number(g["fm"])
        elif "lm" in g:
            first, last = 13 - self.number(g["lm"]), 12
        elif "wn" in g:
            return self.nth_week(year, 1, g["wn"], relative)
        else:
            return Interval(date(year, 1, 1), date(year, 12, 31), "year", relative)
        return Interval(date(year, first, 1), _last_day(year, last), "month", relative)

    def most_recent(self, month: int, g: dict[str, str]) -> Interval:
        """A month or day written without a year: the latest one not after the reference (2月29日
        goes back to the last leap year)."""
        ref = self.need_ref()
        day = self.number(g["d"]) if "d" in g else 1
        year = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
        for candidate in range(year, year - 8, -1):
            if day <= calendar.monthrange(candidate, month)[1]:
                return self.month_or_day(candidate, month, g, True)
        raise ValueError(f"no month {month} has a day {day}")

    def latest(self, on: Callable[[int], tuple[date, date]], grain: str) -> Interval:
        """What a year-less expression names: its latest occurrence not after the reference
        (tried back from the reference year; years where it does not exist are skipped)."""
        ref = self.need_ref()
        for year in range(ref.year, ref.year - 8, -1):
            try:
                start, end = on(year)
            except ValueError:
                continue
            if start <= ref:
                return Interval(start, end, grain, True)
        raise ValueError("no occurrence before the reference")

    def lunar(self, g: dict[str, str]) -> Interval:
        """农历2015年十月初一, 腊月十八, 大年三十, 阴历六月: converted to the Gregorian calendar;
        the year given is the lunar year."""
        if "lnd" in g:
            month, day = self.w.lunar_days[g["lnd"]]
        else:
            month = self.w.lunar_months.get(g["lmo"]) or self.number(g["lmo"])
            day = self.number(g["lda"]) if "lda" in g else None
        leap = "lleap" in g

        def on(year: int) -> tuple[date, date]:
            if day is None:
                return lunar_month(year, month, leap)
            return (lunar_day(year, month, day, leap),) * 2

        grain = "month" if day is None else "day"
        year, relative = self.year(g)
        if year is None:
            return self.latest(on, grain)
        return Interval(*on(year), grain, relative)

    def month_or_day(self, year: int, month: int, g: dict[str, str], relative: bool) -> Interval:
        if "fd" in g or "ld" in g:  # 这个月前两天, 上月最后五天
            first, last = date(year, month, 1), _last_day(year, month)
            if "fd" in g:
                return Interval(first, date(year, month, self.number(g["fd"])), "day", relative)
            start = max(first, last - timedelta(days=self.number(g["ld"]) - 1))
            return Interval(start, last, "day", relative)
        if "nwd" in g:  # 八月份的第一个周二
            day = _nth_weekday(year, month, self.number(g["wn"]), self.w.weekdays[g["nwd"]])
            return Interval(day, day, "day", relative)
        if "wn" in g:
            return self.nth_week(year, month, g["wn"], relative)
        if "d" not in g:
            return Interval(date(year, month, 1), _last_day(year, month), "month", relative)
        day = date(year, month, self.number(g["d"]))
        return Interval(day, day, "day", relative)

    def nth_week(self, year: int, month: int, nth: str, relative: bool) -> Interval:
        """The N-th week of a month or year: the week that starts on its N-th Monday."""
        monday = _nth_weekday(year, month, self.number(nth), 0)
        return Interval(monday, monday + timedelta(days=6), "day", relative)

    def week(self, g: dict[str, str]) -> Interval:
        """Weeks run Monday to Sunday; a weekday alone is that day of the reference's week."""
        ref = self.need_ref()
        weeks = self.w.relative_weeks.get(g.get("wk", ""), 0)
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=weeks)
        if "wd" in g:
            day = monday + timedelta(days=self.w.weekdays[g["wd"]])
            return Interval(day, day, "day", True)
        if "wp" in g:
            first, last = self.w.week_parts[g["wp"]]
            return Interval(monday + timedelta(days=first), monday + timedelta(days=last), "day", True)
        return Interval(monday, monday + timedelta(days=6), "day", True)

    def decade(self, g: dict[str, str]) -> Interval:
        """上世纪90年代, 20世纪80年代, 九十年代 (the latest not after the reference), 18世纪."""
        relative = False
        if "cent" in g:
            base = (self.number(g["cent"]) - 1) * 100
        elif "rc" in g:
            base, relative = (self.need_ref().year // 100 + self.w.relative_centuries[g["rc"]]) * 100, True
        else:
            base = None
        if "dec" not in g:
            return Interval(date(base, 1, 1), date(base + 99, 12, 31), "year", relative)
        dec = self.number(g["dec"])
        if base is None:
            ref = self.need_ref()
            base, relative = ref.year // 100 * 100, True
            if base + dec > ref.year:
                base -= 100
        return Interval(date(base + dec, 1, 1), date(base + dec + 9, 12, 31), "year", relative)

    def holiday(self, g: dict[str, str]) -> Interval:
        """A holiday its calendar places (国庆节, 春节, 清明节, 母亲节) is a day: in the year given,
        else the latest not after the reference; seasons, or with 期间 etc., are vague."""
        name, after = g["hol"], g["hol"] + g.get("hp", "")  # a holiday's lookahead may see its suffix
        entry = next((h for p, h in self.g.holidays if (m := p.match(after)) and m.end() == len(name)), None)
        if entry is None or not entry.placed or "hp" in g or "hol2" in g:
            return Interval(None, None, None, note="a holiday season, too vague to place on the calendar")
        year, relative = self.year(g)
        if year is None:
            return self.latest(lambda y: (entry.day_in(y),) * 2, "day")
        day = entry.day_in(year)
        return Interval(day, day, "day", relative)


# --- the reference date --------------------------------------------------------------------------

def infer_reference(view: str, mentions: list[Mention], grammar: Grammar) -> tuple[date | None, str | None]:
    """The best estimate of the publication date from absolute mentions only, and why."""
    absolute = Resolver(grammar, None)
    full: list[tuple[int, date]] = []
    years: list[int] = []
    month_days: list[Mention] = []
    for m in mentions:
        if m.end_groups or ("y" not in m.groups and "d" not in m.groups):
            continue
        if "m" in m.groups and "d" in m.groups and not any(k in m.groups for k in _YEAR_KEYS):
            month_days.append(m)
        try:
            iv = absolute.point(m.groups)
        except (Unresolvable, ValueError, KeyError):
            continue
        if iv.granularity == "day" and not iv.relative and not m.since:
            full.append((m.start, iv.start))
        elif iv.start and not iv.relative and "y" in m.groups and not (
                grammar.future_before.search(view, max(0, m.start - 4), m.start)
                or grammar.future_after.match(view, m.end)):
            years.append(iv.start.year)
    dateline = [d for pos, d in full if pos < grammar.dateline_window]
    if dateline:
        return dateline[0], f"the dateline's date {dateline[0]}"
    if full:
        latest = max(d for _, d in full)
        return latest, f"the latest full date in the text, {latest}"
    if years:
        year = max(years)
        for m in month_days:
            try:
                day = date(year, absolute.number(m.groups["m"]), absolute.number(m.groups["d"]))
            except ValueError:
                continue
            return day, f"the latest year stated for past events ({year}) with the first month and day"
        return date(year, 12, 31), f"the latest year stated for past events ({year}); day unknown"
    return None, None


# --- the component -------------------------------------------------------------------------------

_NO_REFERENCE = "relative to a reference date: none was given and none could be inferred from the text"


@component("dates")
def find_dates(doc: Doc, rules: Rules) -> None:
    """Find every calendar reference of the view and resolve it against the reference date."""
    grammar = rules.memo("dates.grammar", lambda: _compile(rules))
    mentions = _combine(doc.view, _match(doc.view, grammar, doc.warnings), grammar)
    if doc.reference_date is None:
        ref, why = infer_reference(doc.view, mentions, grammar)
        if ref is not None:
            doc.reference_date, doc.reference_date_source = ref, "inferred"
            doc.warnings.append(("dates.reference", f"no reference date given; inferred {ref} from {why}"))
    resolver = Resolver(grammar, doc.reference_date)
    for mention in mentions:
        try:
            iv = resolver.interval(mention)
        except Unresolvable:
            iv = Interval(None, None, None, relative=True, note=_NO_REFERENCE)
        except (ValueError, KeyError, OverflowError):
            continue  # 2月30日, a range that ends before it starts, past year 9999: not a date
        vague = iv.start is None and iv.note != _NO_REFERENCE
        doc.candidates.append(Candidate("dates", mention.start, mention.end, {
            "start_date": iv.start,
            "end_date": iv.end,
            "granularity": iv.granularity,
            "relative": iv.relative,
            "expression": "vague" if vague else mention.expression,
            "note": iv.note,
        }, mention.rule_id))
