"""The metrics dimension: optional qualifier + number + magnitude + unit, with what it counts.

One regex, built once from rules/numerals.yaml and rules/metrics/*.yaml, finds every
quantity and range in the view (a range is one match, so 260元至500元 is one metric).
Each match is then read: its value through the shared NumberParser, its unit from
units.yaml (or, with no counting word, from the clause: money words, people nouns),
its qualifier from qualifiers.yaml.  Matches whose number overlaps a negative of
negatives.yaml or a date the dates component claimed are dropped.  The indicator is
cut from the clause by the word lists of indicators.yaml.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import regex
from pydantic import field_validator, model_validator

from ..doc import Candidate, Doc
from ..numerals import NumberParser, NumeralTables, scale
from ..patterns import SafePattern, alternation
from ..pipeline import component
from ..prefilter import NeededTextPattern, nonempty_start, spanning
from ..records import Qualifier
from ..rules import RuleEntry, RuleFile, Rules, rule_file

#: what a negative pattern may name; replaced by real patterns when the matcher is built
_MACROS = ("{number}", "{numeral}", "{unit}", "{digit}")


def _regex(source: str | None) -> str | None:
    """Check that a rule's regex compiles (macros stood in by a literal) so errors surface at load."""
    if source is not None:
        probe = source
        for macro in _MACROS:
            probe = probe.replace(macro, "0")
        try:
            regex.compile(probe, regex.V1)
        except regex.error as exc:
            raise ValueError(f"bad regex {source!r}: {exc}") from exc
    return source


class UnitRule(RuleEntry):
    """Counting words that give one unit (`unit` omitted: the surface as written)."""

    id: str
    surfaces: list[str]
    unit: str | None = None
    money: bool = False
    people: bool = False
    not_before: str | None = None
    note: str = ""

    _check_regex = field_validator("not_before")(_regex)


@rule_file("metrics/units.yaml")
class UnitRules(RuleFile):
    """Units, money markers and the clues that give a bare number its unit."""

    units: list[UnitRule] = []
    money_unit: str | None = None  # scalars default to None so a folder that omits them keeps the default's
    people_unit: str | None = None
    percent_unit: str | None = None
    money_prefixes: list[str] = []
    money_tail: str | None = None
    money_context: list[str] = []
    money_multipliers: list[str] = []
    people_nouns: list[str] = []
    people_window: int | None = None

    _check_regex = field_validator("money_tail")(_regex)


class QualifierRule(RuleEntry):
    """Words that make a quantity exact, over, under or approximate, by where they stand."""

    id: str
    qualifier: Qualifier
    before: list[str] = []
    after: list[str] = []
    inside: list[str] = []
    detached: list[str] = []
    max_gap: int = 6
    not_after: str | None = None

    _check_regex = field_validator("not_after")(_regex)


@rule_file("metrics/qualifiers.yaml")
class QualifierRules(RuleFile):
    """Qualifier words, range separators and inclusive marks."""

    qualifiers: list[QualifierRule] = []
    range_separators: list[str] = []
    inclusive_marks: list[str] = []


class NegativeRule(RuleEntry):
    """Where a number is not a metric: a regex (with {number}, {numeral}, {unit}) or literal words."""

    id: str
    pattern: str | None = None
    words: list[str] = []
    note: str = ""

    _check_regex = field_validator("pattern")(_regex)

    @model_validator(mode="after")
    def _one_kind(self) -> NegativeRule:
        if (self.pattern is None) == (not self.words):
            raise ValueError("give either `pattern` or `words`")
        return self


@rule_file("metrics/negatives.yaml")
class NegativeRules(RuleFile):
    """What is never a metric, however it looks."""

    negatives: list[NegativeRule] = []


@rule_file("metrics/indicators.yaml")
class IndicatorRules(RuleFile):
    """Word lists that cut the indicator out of a metric's clause."""

    clause_breaks: str | None = None  # None: a folder that omits it keeps the default's when merged
    lead_boundaries: list[str] = []
    lead_words: list[str] = []
    trail_words: list[str] = []
    after_boundaries: list[str] = []
    causative_verbs: list[str] = []
    after_skip: str | None = None
    after_max: int | None = None

    _check_regex = field_validator("clause_breaks", "after_skip")(_regex)


@dataclass(frozen=True)
class _Quantity:
    """One side of a match, read: value (and the upper end of 三五百), magnitude, unit rule."""

    value: float
    value_max: float | None
    raw: str
    magnitude: float
    unit: UnitRule | None
    unit_text: str
    qualifiers: tuple[str, ...]


#: how many magnitude strings _factor remembers (spaces inside them could make any number)
_FACTORS_KEPT = 256
#: the named groups of each side of the quantity pattern (suffixed 1 and 2)
_SIDE_GROUPS = ("cur", "pre", "pct", "num", "in", "mag", "inb", "unit", "tail")


class MetricMatcher:
    """Everything the metrics component derives from the rules, compiled once per Rules."""

    def __init__(self, rules: Rules):
        self.numerals = rules.get(NumeralTables)
        self.parser = NumberParser(self.numerals)
        self.units = rules.get(UnitRules)
        self.quals = rules.get(QualifierRules)
        self.ind = rules.get(IndicatorRules)
        t = self.numerals
        numeral_chars = [*t.digits, *t.small_units, *t.tens_words, *t.magnitudes]
        self.numeral_class = regex.escape("".join(numeral_chars))
        self.mag_chars = "".join(t.magnitudes)
        self.people_rules = {r.id for r in self.units.units if r.people} | {"units.people_nouns"}
        self.formal = set(t.formal_numerals)
        self.by_surface: dict[str, list[UnitRule]] = {}
        for rule in self.units.units:
            for surface in rule.surfaces:
                self.by_surface.setdefault(surface, []).append(rule)
        self.unit_words = alternation(list(self.by_surface))
        self.guards = {r.id: SafePattern.compile(r.id, r.not_before, "metrics/units.yaml")
                       for r in self.units.units if r.not_before}
        self.qualifier_of: dict[tuple[str, str], str] = {}
        for q in self.quals.qualifiers:
            for place in ("before", "after", "inside"):
                for word in getattr(q, place):
                    self.qualifier_of.setdefault((place, word), q.qualifier)
        self.number = self._number_pattern()
        self.pattern = SafePattern.compile("metrics.quantity", self._quantity_pattern(), "metrics/*.yaml")
        # group numbers: a match reads a group by number about three times faster than by name
        self.group = dict(self.pattern.compiled.groupindex)
        self.side_group = {s: {g: self.group[f"{g}{s}"] for g in _SIDE_GROUPS} for s in ("1", "2")}
        self.sep_group = self.group["sep"]
        self._factors: dict[str, float] = {}
        self.approx_chars = "".join(t.approximate_digits)
        self.negatives = [self._negative(r) for r in rules.get(NegativeRules).negatives]
        self.clause_break = spanning(SafePattern.compile(  # a break every few characters: one engine call
            "indicators.clause_breaks", self.ind.clause_breaks or r"\n", "metrics/indicators.yaml"))
        self.after_skip = SafePattern.compile("indicators.after_skip", self.ind.after_skip or "^",
                                              "metrics/indicators.yaml")
        # after_skip is asked of every metric's following words and nearly always takes nothing:
        # where their first character cannot begin what it takes, it is not run
        skip_start = nonempty_start(self.ind.after_skip or "^")
        self._skip_start = regex.compile(skip_start) if skip_start else None
        self._may_skip: dict[str, bool] = {}
        units = f"(?:{self.unit_words})"
        self.after_cut = SafePattern.compile("indicators.after_boundaries", "|".join(filter(None, [
            alternation(self.ind.after_boundaries), r"\d", f"[{self.numeral_class}]+{units}"])),
            "metrics/indicators.yaml")
        never = "(?!)"  # an empty word list matches nothing
        reversed_trail = alternation([w[::-1] for w in self.ind.trail_words])
        self.lead_words = regex.compile(f"^(?:{alternation(self.ind.lead_words) or never})+")
        self.trail_words = regex.compile(f"^(?:{reversed_trail or never})+")  # run on reversed text
        self.money_context = regex.compile(alternation(self.units.money_context) or never)
        self.lead_boundary = regex.compile(alternation(self.ind.lead_boundaries) or never)
        detached = [(w, q.max_gap) for q in self.quals.qualifiers for w in q.detached]
        self.detached = regex.compile(alternation([w for w, _ in detached])) if detached else None
        self.detached_reach = max((gap + len(w) for w, gap in detached), default=0)

    def _number_pattern(self) -> str:
        """Arabic (1,200 · 1 200 · 523.4) or Chinese (一千二百 · 二十几 · 三百余 · 数十) numbers.

        Runs are possessive: a number is read whole, so no input makes the engine try every
        split of a long run; a Chinese run starts with a numeral (or 几/数 before 十百千) and
        is never entered from inside."""
        t = self.numerals
        arabic = r"(?<![\d.])(?:\d{1,3}(?:[,， \u2009\u202f]\d{3})++|\d++)(?:\.\d++)?+(?!\d)"
        approx = regex.escape("".join(t.approximate_digits))
        points = alternation([p for p in t.decimal_points if not p.isascii()])
        cjk = (f"(?<![{self.numeral_class}])(?:[{approx}](?=[{regex.escape(''.join(t.small_units))}]))?"
               f"[{self.numeral_class}][{self.numeral_class}{approx}]*+"
               f"(?:(?:{points})[{regex.escape(''.join(t.digits))}]++)?+")
        return f"(?:{arabic}|{cjk})"

    def _quantity_pattern(self) -> str:
        """SIDE1 (SEP SIDE2)?: a number is read once, a range only when a separator follows it.

        (RANGE | SINGLE would read every number twice, once more when no separator follows.)"""
        t = self.numerals
        units = self.units
        inside = [w for q in self.quals.qualifiers for w in q.inside]
        latin = alternation(units.money_multipliers + [k for k in t.multipliers if k.isascii()])
        # after Arabic digits, 百 and 千 (the small units of a hundred and more) scale too: 3千元
        scaling_units = "".join(u for u, v in t.small_units.items() if v >= 100)
        magnitude = "|".join([f"[{regex.escape(self.mag_chars)}]", f"(?<=\\d)[{regex.escape(scaling_units)}]",
                              *([f"(?<=\\d)(?:{latin})(?![A-Za-z])"] if latin else [])])
        magnitude = f"(?:{magnitude})"
        digit = f"[\\d{regex.escape(''.join(t.digits))}]"
        tail = (units.money_tail or "").replace("{digit}", digit)
        money_ends = "".join(sorted({s[-1] for r in units.units if r.money for s in r.surfaces}))
        before = []
        for q in self.quals.qualifiers:
            if q.before:
                guard = f"(?<!{q.not_after})" if q.not_after else ""
                before.append(f"{guard}(?:{alternation(q.before)})")
        percent = alternation(t.percent_prefixes)

        gap = r"[ \t\u3000]*"  # OCR spaces between number and unit (２３５ 件) stay inside the span

        def side(s: str) -> str:
            return (f"(?P<cur{s}>{alternation(units.money_prefixes)})?"
                    f"(?:(?P<pre{s}>{'|'.join(before)}){gap})?"
                    f"(?:(?P<pct{s}>{percent}){gap})?"
                    f"(?P<num{s}>{self.number})"
                    f"(?:{gap}(?P<in{s}>{alternation(inside)}))?"
                    f"(?P<mag{s}>(?:{gap}{magnitude})*+)"
                    f"(?:{gap}(?P<inb{s}>{alternation(inside)}))?"
                    f"(?:{gap}(?P<unit{s}>{self.unit_words})"
                    f"(?P<tail{s}>(?<=[{regex.escape(money_ends)}]){tail})?)?")

        inclusive = f"(?:{alternation(self.quals.inclusive_marks)})?" if self.quals.inclusive_marks else ""
        after = [w for q in self.quals.qualifiers for w in q.after]
        post = f"(?P<post>{inclusive}(?P<postword>{alternation(after)}))?"
        sep = f"{inclusive}(?P<sep>{alternation(self.quals.range_separators)})"
        return f"{side('1')}(?:{sep}{side('2')})?{post}"

    def _negative(self, rule: NegativeRule) -> NeededTextPattern:
        units = f"(?:{self.unit_words})"
        if rule.words:
            source = f"(?<![{self.numeral_class}\\d])(?:{alternation(rule.words)})"
        else:
            source = (rule.pattern or "").replace("{number}", self.number).replace(
                "{numeral}", self.numeral_class).replace("{unit}", units)
        # most negatives need a word most texts lack (届, 以上, 一次): such a text is not scanned
        return NeededTextPattern.compile(rule.id, source, "metrics/negatives.yaml")

    # -- reading a match -------------------------------------------------------------------

    def sides(self, m: regex.Match) -> tuple[dict[str, int] | None, dict[str, int]]:
        """The group numbers of a match's first side (None for a single quantity) and last side."""
        if m.group(self.sep_group) is None:
            return None, self.side_group["1"]
        return self.side_group["1"], self.side_group["2"]

    def side(self, m: regex.Match, g: dict[str, int]) -> _Quantity | None:
        """The value, magnitude and unit of one side (its group numbers ``g``), or None if it is no number."""
        num = m.group(g["num"])
        if num is None:
            return None
        core = num.rstrip(self.mag_chars) if not num[0].isdigit() else num
        if not core.strip(self.approx_chars) and not self._hedged(m, g):
            return None  # 万 alone (存书量达万册) is no number; 近万名 is
        if len(core) == 1 and core in self.numerals.formal_numerals:
            return None  # 伍 in 队伍, 拾 in 拾金不昧
        extra = m.group(g["mag"]) or ""
        low, high = self._core_value(num)
        if low is None:
            return None
        factor = self._factor(extra)
        low, high = scale(low, factor), None if high is None else scale(high, factor)
        unit_text = m.group(g["unit"]) or ""
        tail = m.group(g["tail"])
        unit = self._unit_rule(unit_text, tail, m.string, m.end(g["unit"])) if unit_text else None
        qualifiers = [self.qualifier_of.get((place, word))
                      for place, word in (("before", m.group(g["pre"])), ("inside", m.group(g["in"])),
                                          ("inside", m.group(g["inb"])))
                      if word]
        qualifiers += ["over" for ch in core if ("inside", ch) in self.qualifier_of]
        if tail and unit_text:  # 123元1角1分, 十块三毛: the parser reads the smaller coins
            low += self.parser.parse("0" + unit_text[-1] + tail) or 0.0
        raw = m.string[m.start(g["num"]):max(m.end(g["mag"]), m.end(g["inb"]))]
        magnitude = self._factor(num[len(core):] + extra)
        return _Quantity(low, high, raw, magnitude, unit, unit_text, tuple(q for q in qualifiers if q))

    def skip_length(self, text: str) -> int:
        """How many characters after_skip takes off the start of ``text``."""
        if self._skip_start is not None:
            first = text[:1]
            may = self._may_skip.get(first)
            if may is None:
                may = self._may_skip[first] = self._skip_start.match(first) is not None
            if not may:
                return 0
        skip = self.after_skip.search(text)
        return skip.end() if skip else 0

    def _hedged(self, m: regex.Match, g: dict[str, int]) -> bool:
        """A lone magnitude after a non-exact qualifier counts one of it: 近万名 → under 10000."""
        pre = m.group(g["pre"])
        return bool(pre) and self.qualifier_of.get(("before", pre)) != "exact"

    def _factor(self, mags: str) -> float:
        """万亿 → 10¹²; 千 and 百 after Arabic digits, and k/w/M, are magnitudes too.

        A handful of strings ('', 万, 亿, 万亿…) make nearly all calls: each is worked out once."""
        factor = self._factors.get(mags)
        if factor is None:
            t = self.numerals
            factor = math.prod(t.magnitudes.get(c) or t.multipliers.get(c) or t.small_units.get(c, 1)
                               for c in mags)
            if len(self._factors) < _FACTORS_KEPT:
                self._factors[mags] = factor
        return factor

    def _core_value(self, core: str) -> tuple[float | None, float | None]:
        """三五百 → (300, 500), 一两 → (1, 2): two rising digits are a rough range; else one number."""
        digits = self.numerals.digits
        if (len(core) >= 2 and core[0] in digits and core[1] in digits
                and 0 < digits[core[0]] < digits[core[1]]
                and (len(core) == 2 or core[2] in self.numerals.small_units)):
            return self.parser.parse(core[0] + core[2:]), self.parser.parse(core[1:])
        return self.parser.parse(core), None

    def _unit_rule(self, surface: str, tail: str | None, text: str, end: int) -> UnitRule | None:
        """The first rule of ``surface`` whose guard allows what follows (a money tail settles it)."""
        for rule in self.by_surface.get(surface, []):
            if tail and rule.money:
                return rule
            guard = self.guards.get(rule.id)
            if guard is None or guard.compiled.match(text, end + len(tail or "")) is None:
                return rule
        return None


def _matcher(rules: Rules) -> MetricMatcher:
    return rules.memo("metrics.matcher", lambda: MetricMatcher(rules))


@component("metrics")
def find_metrics(doc: Doc, rules: Rules) -> None:
    """Append a ``metrics`` candidate for every quantity of the view that is a metric."""
    mm = _matcher(rules)
    view = doc.view
    blocked = bytearray(len(view))
    for negative in mm.negatives:
        for start, end in negative.spans(view, doc.warnings):
            blocked[start:end] = b"\x01" * (end - start)
    dates = sorted((d.start, d.end) for d in doc.of("dates"))
    for date in doc.of("dates"):
        blocked[date.start:date.end] = b"\x01" * (date.end - date.start)
    sentences = doc.sentences or [(0, len(view))]
    clauses = _Clauses(mm, doc)
    starts = [start for start, _ in sentences]
    texts: dict[int, str] = {}
    found: list[tuple[Candidate, int]] = []
    for chunk_start, chunk_end in _chunks(sentences):
        for m in mm.pattern.finditer(view, doc.warnings, chunk_start, chunk_end):
            cand = _candidate(mm, doc, clauses, m, blocked)
            if cand is not None:
                index = max(0, bisect.bisect_right(starts, m.start()) - 1)
                if index not in texts:
                    texts[index] = doc.text[slice(*doc.source_span(*sentences[index]))].strip()
                cand.fields["sentence"] = texts[index]
                found.append((cand, index))
    previous: tuple[Candidate, int] | None = None
    for cand, index in found:
        same_sentence = previous is not None and previous[1] == index
        cand.fields["indicator"] = _indicator(mm, doc, clauses, cand, previous[0] if previous else None,
                                              same_sentence, dates)
        previous = (cand, index)
    doc.candidates.extend(cand for cand, _ in found)


def _chunks(sentences: list[tuple[int, int]], size: int = 20000) -> list[tuple[int, int]]:
    """Runs of whole sentences of about ``size`` characters: a quantity never crosses a sentence,
    and the pattern's timeout then guards one chunk rather than a whole book."""
    chunks: list[tuple[int, int]] = []
    for start, end in sentences:
        if chunks and end - chunks[-1][0] <= size:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return chunks


def _candidate(mm: MetricMatcher, doc: Doc, clauses: _Clauses, m: regex.Match,
               blocked: bytearray) -> Candidate | None:
    """Read one match into a candidate (its sentence added by the caller), or None when it is no metric."""
    g = mm.group
    first_g, last_g = mm.sides(m)
    num = m.group(last_g["num"])
    money_prefix = _money_prefix(m, first_g, last_g)
    if not (m.group(last_g["unit"]) or m.group(last_g["pct"]) or m.group(last_g["mag"])
            or money_prefix or num[-1] in mm.mag_chars or mm.formal.intersection(num)):
        return None  # a bare number (2023, 12351) with nothing that could make it a metric
    for side in (first_g, last_g) if first_g else (last_g,):  # a negative or a date holds the number
        if blocked.find(1, m.start(side["num"]), max(m.end(side["mag"]), m.end(side["num"]))) >= 0:
            return None
    first, last = mm.side(m, first_g) if first_g else None, mm.side(m, last_g)
    if last is None or (first_g is not None and first is None):
        return None
    unit, rule_id = _unit(mm, doc, clauses, m, last, last_g, money_prefix)
    if unit is None:
        return None
    value, value_max = last.value, last.value_max
    if first is not None:
        if first.unit is not None and first.unit.id != (last.unit.id if last.unit else None):
            return None
        # a bare first bound shares the second's magnitude (2至3万元) unless that overshoots (3000至5万元)
        bare = first.magnitude == 1 and first.unit is None
        lows = [scale(first.value, last.magnitude), first.value] if bare else [first.value]
        low = next((v for v in lows if v < last.value), None)
        if low is None:
            return None
        value, value_max = low, last.value
    qualifiers = [*(first.qualifiers if first else ()), *last.qualifiers]
    if m.group(g["post"]):
        qualifiers.append(mm.qualifier_of.get(("after", m.group(g["postword"]))))
    qualifiers.append(_detached(mm, doc.view, clauses, m.start()))
    return Candidate("metrics", m.start(), m.end(), {
        "value": value,
        "value_max": value_max,
        "unit": unit,
        "qualifier": next((q for q in qualifiers if q and q != "exact"), "exact"),
        "raw_number": last.raw if first is None else f"{first.raw}{m.group(g['sep'])}{last.raw}",
        "magnitude": last.magnitude,
    }, rule_id)


def _money_prefix(m: regex.Match, first_g: dict[str, int] | None, last_g: dict[str, int]) -> bool:
    """Whether either side of the match starts with a money prefix (￥, 人民币)."""
    return bool(m.group(last_g["cur"]) or (first_g and m.group(first_g["cur"])))


def _unit(mm: MetricMatcher, doc: Doc, clauses: _Clauses, m: regex.Match,
          q: _Quantity, g: dict[str, int], money_prefix: bool) -> tuple[str | None, str]:
    """The unit and the rule that gave it: a counting word, 百分之, a money marker or the clause.
    ``g``: the group numbers of the match's last side; ``money_prefix``: either side has one."""
    if m.group(g["pct"]):
        return mm.units.percent_unit, "numerals.percent_prefixes"
    if q.unit is not None:
        return q.unit.unit or q.unit_text, q.unit.id
    if q.unit_text:
        return None, ""
    money = mm.units.money_unit
    if money_prefix:
        return money, "units.money_prefixes"
    num = m.group(g["num"])
    if mm.formal.intersection(num):
        return money, "numerals.formal_numerals"
    mags = m.group(g["mag"]) or ""
    if any(k in mags for k in mm.units.money_multipliers):
        return money, "units.money_multipliers"
    if q.magnitude < 10000 or not any(ch.isdigit() or ch in mm.numerals.digits for ch in num):
        return None, ""  # 百万职工, 千万家庭: a round figure with no digit is a figure of speech
    clause_start = clauses.start(m.start())
    if mm.money_context.search(doc.view, clause_start, m.start()):
        return money, "units.money_context"
    window = doc.view[m.end():m.end() + (mm.units.people_window or 0)]
    head = _HAN_RUN.match(window)
    if head and any(head.group().endswith(n) or n in head.group() for n in mm.units.people_nouns):
        return mm.units.people_unit, "units.people_nouns"
    return None, ""


class _Clauses:
    """The clause breaks of one view, found once; a clause reaches at most ``reach`` characters."""

    def __init__(self, mm: MetricMatcher, doc: Doc, reach: int = 80):
        spans = mm.clause_break.spans(doc.view, doc.warnings)
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]
        self.size, self.reach = len(doc.view), reach

    def start(self, pos: int) -> int:
        """Where the clause holding ``pos`` starts: after the last break before it."""
        i = bisect.bisect_right(self.ends, pos)
        return max(self.ends[i - 1] if i else 0, pos - self.reach)

    def end(self, pos: int) -> int:
        """Where the clause holding ``pos`` ends: at the next break."""
        i = bisect.bisect_left(self.starts, pos)
        return min(self.starts[i] if i < len(self.starts) else self.size, pos + self.reach)


def _detached(mm: MetricMatcher, view: str, clauses: _Clauses, pos: int) -> str | None:
    """A qualifier such as 至少 a few characters before the number, outside the span.

    One search over the widest window any detached word may stand in rules most numbers out."""
    clause_start = clauses.start(pos)
    if mm.detached is None or not mm.detached.search(view, max(clause_start, pos - mm.detached_reach), pos):
        return None
    for q in mm.quals.qualifiers:
        for word in q.detached:
            gap = view.rfind(word, max(clause_start, pos - q.max_gap - len(word)), pos)
            if gap >= 0:
                return q.qualifier
    return None


def _indicator(mm: MetricMatcher, doc: Doc, clauses: _Clauses, cand: Candidate,
               previous: Candidate | None, same_sentence: bool, dates: list[tuple[int, int]]) -> str | None:
    """What the metric counts: a noun right after it, the trimmed phrase before it, a verb after it."""
    view, ind = doc.view, mm.ind
    start = clauses.start(cand.start)
    same_clause = previous is not None and previous.end > start
    if same_clause:  # 90支队伍超1000名职工, 3.6万名农民工追回工资4.2亿元
        start = previous.end
        taken, _ = _after(mm, view, clauses, previous)
        if view.startswith(taken, start):
            start += len(taken)  # what the previous metric counts is not this one's
        elif view[start:start + 1] not in ind.lead_words:
            start = cand.start
    raw_before = _without_dates(view, start, cand.start, dates)
    noun, verb = _after(mm, view, clauses, cand)
    before = _trim(raw_before, mm)
    chosen = noun or (verb if before in ind.causative_verbs else "") or before or verb
    if not chosen and previous is not None and same_sentence and (same_clause or not raw_before.strip()):
        return previous.fields.get("indicator")  # 理赔8436人次，共1830万元; 分别为3805家和2978家
    return chosen or None


def _without_dates(view: str, start: int, end: int, dates: list[tuple[int, int]]) -> str:
    """view[start:end] without the dates in it (参加人数由去年的 → 参加人数由的)."""
    i = bisect.bisect_left(dates, (start, start))
    pieces, pos = [], start
    while i < len(dates) and dates[i][0] < end:
        d_start, d_end = dates[i]
        if d_start >= pos:
            pieces.append(view[pos:d_start])
            pos = min(d_end, end)
        i += 1
    pieces.append(view[pos:end])
    return "".join(pieces)


def _trim(text: str, mm: MetricMatcher) -> str:
    """After the last lead boundary (before it if nothing is left), without lead and trail words."""
    text = "".join(text.split())
    # the boundary word starting last (the longest of those starting there), as max((rfind, word))
    boundaries = mm.lead_boundary.findall(text, overlapped=True)
    if not boundaries:
        return _strip_words(text, mm)
    word = boundaries[-1]
    at = text.rfind(word)
    return _strip_words(text[at + len(word):], mm) or _strip_words(text[:at], mm)


def _strip_words(text: str, mm: MetricMatcher) -> str:
    """Without lead words at the start and trail words at the end, however many there are."""
    changed = True
    while changed and text:
        before = text
        text = mm.lead_words.sub("", text, count=1)
        text = mm.trail_words.sub("", text[::-1], count=1)[::-1]  # reversed: anchored at the end
        changed = text != before
    text = text.strip("、，,（(")
    if text.count("“") != text.count("”"):  # a quote cut in half by a boundary
        text = text.replace("“", "").replace("”", "")
    return text


_HAN_RUN = regex.compile(r"\p{Han}+")
_QUOTED = regex.compile(r"[“\"「『]([^“”\"「」『』]{1,20})[”\"」』]")
_NO_QUOTES = str.maketrans("", "", "“”\"「」『』")
_PHRASE = regex.compile(r"(?:\([^()]{0,8}\)|（[^（）]{0,8}）|[^\s、，,；;。！？!?：:…])+")


def _after(mm: MetricMatcher, view: str, clauses: _Clauses, cand: Candidate) -> tuple[str, str]:
    """(noun, verb) right after the quantity: 1180名渔民加入其中 → 渔民; 约8.4万人次参保 → 参保.
    After a count of people the noun ends at its people noun (3.6万名农民工追回工资 → 农民工)."""
    noun, verb = _words_after(mm, view, clauses, cand.end)
    if cand.rule_id in mm.people_rules:
        ends = [noun.rfind(n) + len(n) for n in mm.units.people_nouns if n in noun]
        noun = noun[: max(ends)] if ends else noun
    return noun, verb


def _words_after(mm: MetricMatcher, view: str, clauses: _Clauses, pos: int) -> tuple[str, str]:
    text = view[pos:clauses.end(pos)]
    text = text[mm.skip_length(text):]
    quoted = _QUOTED.match(text)
    if quoted:
        return quoted.group(1), ""
    phrase = _PHRASE.match(text)
    if not phrase:
        return "", ""
    text = phrase.group().translate(_NO_QUOTES)[: mm.ind.after_max or None]
    cut = mm.after_cut.search(text)
    if cut is None:
        return text, ""
    if cut.start() == 0 and len(cut.group()) > 1 and not cut.group()[0].isdigit():
        return "", cut.group()
    return text[: cut.start()], ""
