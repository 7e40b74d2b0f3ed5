"""The organisations dimension: union bodies, companies, party and government bodies.

Names are found from their suffixes leftwards (总工会, 有限公司, 市委, 人社局 …;
rules/organisations/suffixes.yaml), cut at boundary words and checked against
generic stems (boundaries.yaml); fixed aliases and level abbreviations
(全总, 省总, 中央, 省市委; abbreviations.yaml) and sentence patterns
(力赛柯等8家企业; context.yaml) add the rest; bylines and quoted platforms
are left out (exclusions.yaml).  Each mention is then completed from its
context (:mod:`.org_context`): the fullest form of the same body nearby, else
the region the text is talking about at that point.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import regex
from pydantic import BaseModel, Field, field_validator

from ..doc import Candidate, Doc, offsets
from ..patterns import SafePattern, alternation
from ..pipeline import component
from ..prefilter import literal_needs, with_line_start_guard, worded
from ..records import OrgKind
from ..rules import PatternEntry, RuleFile, Rules, RulesError, rule_file
from ..segment import furniture_spans
from .org_context import complete
from .regions import Gazetteer, gazetteer


class SuffixGroup(BaseModel):
    id: str
    kind: OrgKind
    start: Literal["place", "place_only", "any"]
    bare: bool = False
    not_after: tuple[str, ...] = ()
    surfaces: list[str]


@rule_file("organisations/suffixes.yaml")
class OrgSuffixes(RuleFile):
    """Name suffixes with the kind they give and what the name must start with."""

    groups: list[SuffixGroup] = Field(default_factory=list)
    max_run: int = 30
    name_chars: str = r"[\p{Han}A-Za-z0-9()（）—·&]"
    run_stops_after: list[OrgKind] = Field(default_factory=list)
    run_breaks: list[str] = Field(default_factory=list)
    broken_line_min_length: int = 30


class LevelWord(BaseModel):
    char: str
    level: Literal["province", "city", "county"] | None = None
    ends_with: str | None = None
    left_negatives: str = ""


@rule_file("organisations/boundaries.yaml")
class OrgBoundaries(RuleFile):
    """Where names start, and which stems are generic."""

    cut_words: list[str] = Field(default_factory=list)
    kill_words: list[str] = Field(default_factory=list)
    kill_starts: list[str] = Field(default_factory=list)
    kill_patterns: list[str] = Field(default_factory=list)
    level_words: list[LevelWord] = Field(default_factory=list)
    not_level_words: tuple[str, ...] = ()
    level_left_negatives: list[str] = Field(default_factory=list)
    national_prefixes: tuple[str, ...] = ()
    zone_words: tuple[str, ...] = ()
    town_pattern: str = r"\p{Han}{2,4}?(?:镇|乡|街道)"
    sub_units: list[str] = Field(default_factory=list)
    head_endings: tuple[str, ...] = ()
    union_after_company: list[str] = Field(default_factory=list)
    union_after_kinds: list[OrgKind] = Field(default_factory=lambda: ["company"])


class Alias(BaseModel):
    id: str
    surfaces: list[str]
    name: str
    kind: OrgKind
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()


class FederationShort(BaseModel):
    id: str = "org.abbr.federation"
    levels: list[str] = Field(default_factory=list)
    written: str = "总"
    body: str = "总工会"
    not_after: list[str] = Field(default_factory=list)


class SharedBody(BaseModel):
    id: str = "org.abbr.shared_body"
    levels: list[str] = Field(default_factory=list)
    joiners: list[str] = [""]
    kinds: list[OrgKind] = Field(default_factory=list)
    after: tuple[str, ...] = ()


class Canonical(BaseModel):
    pattern: str
    replace: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value)
        except regex.error as exc:
            raise ValueError(f"bad pattern {value!r}: {exc}") from exc
        return value


@rule_file("organisations/abbreviations.yaml")
class OrgAbbreviations(RuleFile):
    """Fixed aliases, level abbreviations and canonical forms."""

    aliases: list[Alias] = Field(default_factory=list)
    federation_short: FederationShort = FederationShort()
    shared_body: SharedBody = SharedBody()
    canonical: list[Canonical] = Field(default_factory=list)
    body_abbreviations: dict[str, str] = Field(default_factory=dict)
    company_forms: list[str] = Field(default_factory=list)
    min_short_name: int = 3


@rule_file("organisations/exclusions.yaml")
class OrgExclusions(RuleFile):
    """Bylines, quoted platforms and collective names."""

    bylines: list[PatternEntry] = Field(default_factory=list)
    quoted_platform_followers: tuple[str, ...] = ()
    mechanism_max_length: int = 16
    bare_not_before: tuple[str, ...] = ()
    quotes: list[tuple[str, str]] = Field(default_factory=list)
    collective_after_place: list[str] = Field(default_factory=list)
    heading_line: str = r"(?m)^[^。，,；;！!？?\n]{2,40}$"


class ContextPattern(BaseModel):
    id: str
    kind: OrgKind
    pattern: str
    extend_left: bool = False
    min_stem: int = 0
    note: str = ""


@rule_file("organisations/context.yaml")
class OrgContext(RuleFile):
    """Sentence patterns that show a suffix-less name is a body."""

    patterns: list[ContextPattern] = Field(default_factory=list)


@dataclass
class Mention:
    """An organisation found in the view, before its name is completed."""

    start: int
    end: int
    written: str  # the name as it stands in the view (stem + suffix)
    kind: str
    rule_id: str
    name: str | None = None  # fixed full name (aliases)
    level: str | None = None  # the level word the name starts with, standing for a region
    body: str | None = None  # for level abbreviations: the body after the level word (总 → 总工会)
    place: str | None = None  # the place the name starts with, as written
    bare: bool = False  # a body with no stem (供电局)
    byline: bool = False
    union_of: str | None = None  # the kind of body whose own union this is (company, other …)
    priority: int = 0
    fields: dict = field(default_factory=dict)


@dataclass
class Tables:
    """Everything compiled from the organisation rules, once per Rules."""

    suffix_pattern: SafePattern
    suffix_group: dict[str, SuffixGroup]
    name_char: regex.Pattern
    name_run: regex.Pattern  # reversed: the run of name characters ending where it is matched
    run_breaks: list[str]
    run_stops_after: tuple[str, ...]
    broken_line_min_length: int
    cut: regex.Pattern
    kill: regex.Pattern | None  # a kill word or a kill pattern found anywhere in a stem
    kill_starts: tuple[str, ...]
    town: regex.Pattern
    level_words: dict[str, LevelWord]
    b: OrgBoundaries
    abbr: OrgAbbreviations
    excl: OrgExclusions
    alias_pattern: SafePattern | None
    alias_by_surface: dict[str, Alias]
    federation: SafePattern | None
    bylines: list[tuple[SafePattern, Callable[[str, int, int], bool] | None]]  # with the text a match needs
    heading: SafePattern
    context: list[tuple[ContextPattern, SafePattern]]
    canonical: list[tuple[regex.Pattern, str]]
    all_suffixes: tuple[str, ...]
    gaz: Gazetteer


def _rule_pattern(rule_id: str, source: str, file: str) -> regex.Pattern:
    """A rules-file pattern applied to short stems and names: compiled, a bad one a RulesError."""
    return SafePattern.compile(rule_id, source, f"organisations/{file}").compiled


def _kill(b: OrgBoundaries) -> regex.Pattern | None:
    """The kill words and kill patterns as one alternation: a stem is generic if it is found anywhere
    in it, which one search tells as well as one per word list and pattern."""
    patterns = [_rule_pattern("org.kill_patterns", p, "boundaries.yaml").pattern for p in b.kill_patterns]
    branches = ([alternation(b.kill_words)] if b.kill_words else []) + patterns
    return regex.compile("|".join(f"(?:{branch})" for branch in branches), regex.V1) if branches else None


def _tables(rules: Rules) -> Tables:
    suffixes = rules.get(OrgSuffixes)
    b = rules.get(OrgBoundaries)
    abbr = rules.get(OrgAbbreviations)
    excl = rules.get(OrgExclusions)
    origin = "organisations/suffixes.yaml"
    suffix_group: dict[str, SuffixGroup] = {}
    for group in suffixes.groups:
        for surface in group.surfaces:
            suffix_group.setdefault(surface, group)
    if not suffix_group:
        raise RulesError(origin, "groups", "no suffixes: organisations cannot be found")
    alias_by_surface = {s: a for a in abbr.aliases for s in a.surfaces}
    fed = abbr.federation_short
    federation = None
    if fed.levels:
        neg = alternation(fed.not_after)
        federation = SafePattern.compile(
            fed.id, f"(?P<level>{alternation(fed.levels)}){regex.escape(fed.written)}"
            + (f"(?!{neg})" if neg else ""), "organisations/abbreviations.yaml")
    return Tables(
        # longest first: the longest suffix at a position; spans() runs the automaton of its words
        suffix_pattern=worded(SafePattern.compile("org.suffix", alternation(list(suffix_group)), origin)),
        suffix_group=suffix_group,
        name_char=regex.compile(suffixes.name_chars),
        name_run=regex.compile(f"(?r)(?:{suffixes.name_chars}){{0,{suffixes.max_run}}}"),
        run_breaks=suffixes.run_breaks,
        run_stops_after=tuple(suffixes.run_stops_after),
        broken_line_min_length=suffixes.broken_line_min_length,
        cut=regex.compile(alternation(b.cut_words)) if b.cut_words else regex.compile(r"(?!)"),
        kill=_kill(b),
        kill_starts=tuple(b.kill_starts),
        town=_rule_pattern("org.town_pattern", b.town_pattern, "boundaries.yaml"),
        level_words={w.char: w for w in b.level_words},
        b=b,
        abbr=abbr,
        excl=excl,
        alias_pattern=worded(SafePattern.compile(
            "org.alias", alternation(list(alias_by_surface)), "organisations/abbreviations.yaml"))
        if alias_by_surface else None,
        alias_by_surface=alias_by_surface,
        federation=federation,
        bylines=[(SafePattern.compile(x.id, with_line_start_guard(x.pattern), "organisations/exclusions.yaml",
                                      regex.MULTILINE), literal_needs(x.pattern)) for x in excl.bylines],
        heading=SafePattern.compile("org.heading_line", with_line_start_guard(excl.heading_line),
                                    "organisations/exclusions.yaml"),
        context=[(c, SafePattern.compile(c.id, c.pattern, "organisations/context.yaml"))
                 for c in rules.get(OrgContext).patterns],
        canonical=[(_rule_pattern("org.canonical", c.pattern, "abbreviations.yaml"), c.replace)
                   for c in abbr.canonical],
        all_suffixes=tuple(sorted(suffix_group, key=len, reverse=True)),
        gaz=gazetteer(rules),
    )


class Finder:
    """Finds mentions in one view with the compiled tables."""

    def __init__(self, t: Tables, view: str, warnings: list):
        self.t, self.view, self.warnings = t, view, warnings

    # -- the left edge of a name ------------------------------------------------------------
    def run_start(self, end: int, floor: int = 0) -> int:
        """Where the run of name characters ending at ``end`` starts (not before ``floor``)."""
        view, t = self.view, self.t
        pos = t.name_run.match(view, floor, end).start() if floor < end else end
        for brk in t.run_breaks:
            cut = view.rfind(brk, pos, end)
            if cut >= 0:
                pos = cut + len(brk)
        return pos

    def cut_start(self, start: int, end: int, min_stem: int = 0, bare: bool = True) -> int:
        """After the last boundary word in view[start:end] that leaves ``min_stem`` characters.

        A boundary word right before the suffix ends the name there when it is a verb
        (组织公司职工: no name) or the body may stand ``bare``; a one-character word there
        is part of the name (美的集团).  A boundary word that begins a place name (和平区)
        cuts before itself.
        """
        for m in reversed(list(self.t.cut.finditer(self.view, start, end, overlapped=True))):
            word = m.end() - m.start()
            if (word == 1 and m.start() - start == 1
                    and not self.starts_with_place(Mention(0, 0, "", "", ""), m.end(), end)):
                continue  # one character, then a one-character word: a name (华为), not 后到中国农业银行
            place = self.t.gaz.match_at(self.view, m.start())
            cut = m.start() if place and len(place) > word else m.end()
            if cut == end:
                if bare or word > 1:
                    return cut
                continue
            if end - cut >= min_stem or self.level_at(cut, end):
                return cut
        return start

    def level_at(self, pos: int, end: int) -> str | None:
        """The level word at ``pos`` when it stands for a region (市 in 市司法局, not in 市场)."""
        view, b = self.view, self.t.b
        ch = view[pos] if pos < end else ""
        if ch not in self.t.level_words:
            return None
        if view.startswith(b.not_level_words, pos):
            return None
        if pos > 0 and (view[pos - 1] in b.level_left_negatives
                        or view[pos - 1] in self.t.level_words[ch].left_negatives):
            return None
        return ch

    def place_chain_end(self, pos: int, end: int) -> int:
        """End of the run of place names starting at ``pos`` (江苏省无锡市), ``pos`` if none."""
        while pos < end:
            found = self.t.gaz.match_at(self.view, pos)
            if not found or pos + len(found) > end:
                break
            pos += len(found)
        return pos

    def starts_with_place(self, m: Mention, start: int, end: int) -> bool:
        """Fill m.place / m.level when view[start:end] starts as a place; say whether it does.

        A place is a division or zone (江门, 湛江经济技术开发区), a national prefix (中国), a level
        word standing for the region (市), a zone word (经开区) or a town (江村镇).
        """
        view, t = self.view, self.t
        if view.startswith(t.b.national_prefixes, start):
            return True
        chain_end = self.place_chain_end(start, end)
        if chain_end > start:
            m.place = view[start:chain_end]
            return True
        if self.level_at(start, end):
            m.level = view[start]
            return True
        if view.startswith(t.b.zone_words, start):
            return True
        return bool(t.town.match(view, start, end))

    def generic(self, stem: str) -> bool:
        t = self.t
        if t.kill is not None and t.kill.search(stem):
            return True
        if stem.startswith(t.kill_starts):
            return True
        return stem.count("(") + stem.count("（") != stem.count(")") + stem.count("）")

    # -- finders -----------------------------------------------------------------------------
    def by_suffix(self) -> list[Mention]:
        out = []
        floor = 0
        for start, end in self.t.suffix_pattern.spans(self.view, self.warnings):
            group = self.t.suffix_group[self.view[start:end]]
            found = self._from_suffix(start, end, group, floor)
            if found is not None:
                out.append(found)
                if group.kind in self.t.run_stops_after:
                    floor = end
        return out

    def _from_suffix(self, s: int, e: int, group: SuffixGroup, floor: int) -> Mention | None:
        view = self.view
        if view.startswith(group.not_after, e):
            return None
        run = self.run_start(s, floor)
        mention = Mention(0, e, "", group.kind, group.id)
        if group.start == "place_only":
            start = self._place_only_start(run, s, mention)
            if start is None:
                return None
        else:
            start = self.cut_start(run, s, min_stem=2 if group.start == "any" else 0, bare=group.bare)
            if group.start == "place" and start < s and not self.starts_with_place(mention, start, s):
                start = self._first_place(start, s, mention)
                if start is None:
                    return None
            elif group.start == "any" and start < s:
                self.starts_with_place(mention, start, s)
        stem = view[start:s]
        if not stem:
            if not group.bare:
                return None
            mention.bare = True
        elif ((group.start == "any" and len(stem) < 2 and not mention.level)
              or (self.generic(stem) and mention.place != stem)):
            return None
        if self._is_sub_unit(stem, view[s:e]):
            return None
        mention.start, mention.written = start, view[start:e]
        return mention

    def _place_only_start(self, run: int, s: int, mention: Mention) -> int | None:
        """The stem of 江门市委, 市委, 中共江门市委员会: a place chain or a level word before ``s``."""
        view = self.view
        for start in range(max(run, s - 14), s):
            prefix_end = start
            for prefix in self.t.b.national_prefixes:
                if view.startswith(prefix, start):
                    prefix_end = start + len(prefix)
                    break
            if self.place_chain_end(prefix_end, s) == s:
                mention.place = view[prefix_end:s]
                return start
        if s > run and self.level_at(s - 1, s):
            mention.level = view[s - 1]
            return s - 1
        return None

    def _first_place(self, start: int, end: int, mention: Mention) -> int | None:
        """The first place or level word inside a stem (处理省总工会 → 省总工会)."""
        for pos in range(start + 1, end):
            if ((self.t.gaz.match_at(self.view, pos, short=False) or self.level_at(pos, end))
                    and self.starts_with_place(mention, pos, end)):
                return pos
        return None

    def _is_sub_unit(self, stem: str, suffix: str) -> bool:
        """党支部 after 某某有限公司 is a part of that company, not a body of its own."""
        if suffix not in self.t.b.sub_units or not stem:
            return False
        return stem.endswith(self.t.all_suffixes) or stem.endswith(self.t.b.head_endings)

    def aliases(self) -> list[Mention]:
        if self.t.alias_pattern is None:
            return []
        out = []
        for start, end in self.t.alias_pattern.spans(self.view, self.warnings):
            surface = self.view[start:end]
            alias = self.t.alias_by_surface[surface]
            if self.view.endswith(alias.not_before, 0, start):
                continue
            if self.view.startswith(alias.not_after, end):
                continue
            out.append(Mention(start, end, surface, alias.kind, alias.id, name=alias.name, priority=2))
        return out

    def federation_shorts(self) -> list[Mention]:
        if self.t.federation is None:
            return []
        fed = self.t.abbr.federation_short
        out = []
        for m in self.t.federation.finditer(self.view, self.warnings):
            if not self.level_at(m.start(), m.end()):
                continue
            out.append(Mention(m.start(), m.end(), m.group(), "union", fed.id, level=m.group("level"),
                               body=fed.body, priority=1))
        return out

    def in_context(self) -> list[Mention]:
        out = []
        for rule, pattern in self.t.context:
            for m in pattern.finditer(self.view, self.warnings):
                s, e = m.span("name")
                if rule.extend_left:
                    s = self.cut_start(self.run_start(s), s, rule.min_stem)
                    if m.start("name") - s < rule.min_stem:
                        continue
                else:
                    s = self.cut_start(s, e)
                stem = self.view[s:e]
                if len(stem) < 2 or self.generic(stem):
                    continue
                mention = Mention(s, e, stem, rule.kind, rule.id, priority=-1)
                self.starts_with_place(mention, s, e)
                out.append(mention)
        return out



def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    """Longest first, then by priority; a mention overlapping a kept one is dropped."""
    kept: list[Mention] = []
    taken = bytearray(max((m.end for m in mentions), default=0))  # 1 where a kept mention stands
    for m in sorted(mentions, key=lambda x: (-(x.end - x.start), -x.priority, x.start)):
        if taken.find(1, m.start, m.end) < 0:
            kept.append(m)
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    return sorted(kept, key=lambda x: x.start)


def _enterprise_unions(view: str, mentions: list[Mention], t: Tables) -> None:
    """A company's (school's, bureau's) own union is a union mention: 安必安新材料(广东)有限公司工会."""
    starts = {m.start for m in mentions}
    for m in mentions:
        if m.kind not in t.b.union_after_kinds or m.bare or m.name:
            continue
        for word in sorted(t.b.union_after_company, key=len, reverse=True):
            if view.startswith(word, m.end) and m.end not in starts:
                m.end += len(word)
                m.written = view[m.start:m.end]
                m.union_of, m.kind, m.rule_id = m.kind, "union", "org.union.enterprise"
                break


def _shared_bodies(view: str, mentions: list[Mention], t: Tables) -> list[Mention]:
    """省市委 → 省 + 市委; 中央和省、无锡市委 → 省 (江苏省委)."""
    rule = t.abbr.shared_body
    out = []
    for m in mentions:
        if m.kind not in rule.kinds or m.bare or m.name:
            continue
        body = _body_after_place(m)
        if not body:
            continue
        for joiner in sorted(rule.joiners, key=len, reverse=True):
            pos = m.start - len(joiner) - 1
            if pos < 0 or view[m.start - len(joiner):m.start] != joiner or view[pos] not in rule.levels:
                continue
            if pos == 0 or not t.name_char.match(view, pos - 1) or view.endswith(rule.after, 0, pos):
                out.append(Mention(pos, pos + 1, view[pos], m.kind, rule.id, level=view[pos], body=body))
            break
    return out


def _body_after_place(m: Mention) -> str | None:
    """The body of a name made of a place or level word and a suffix (江阴市委 → 委)."""
    if m.level:
        return m.written[1:]
    if m.place and m.written.startswith(m.place):
        return m.written[len(m.place):]
    return None


def _inside_quote(view: str, m: Mention, t: Tables) -> tuple[str, str] | None:
    for left, right in t.excl.quotes:
        if view.endswith(left, 0, m.start) and view.startswith(right, m.end):
            return left, right
    return None


def _excluded(view: str, m: Mention, t: Tables) -> bool:
    """A quoted platform (“台山工会”微信公众号) or a bare body in a quoted mechanism (“法院+工会”)."""
    quote = _inside_quote(view, m, t)
    after = m.end + len(quote[1]) if quote else m.end
    if quote and view.startswith(t.excl.quoted_platform_followers, after):
        return True
    if m.bare and view.startswith(t.excl.bare_not_before, m.end):
        return True
    if m.bare:
        limit = t.excl.mechanism_max_length
        for left, right in t.excl.quotes:
            opened = view.rfind(left, max(0, m.start - limit), m.start)
            closed = view.find(right, m.end, m.end + limit)
            inside = opened >= 0 and closed >= 0 and right not in view[opened + 1:m.start]
            if inside and closed - opened <= limit:
                return True
    return False


def _company_short_forms(view: str, mentions: list[Mention], t: Tables) -> list[Mention]:
    """海鸿电气 elsewhere in a text that writes 海鸿电气有限公司: the same company."""
    taken = set()
    for m in mentions:
        taken.update(range(m.start, m.end))
    out = []
    forms = sorted(t.abbr.company_forms, key=len, reverse=True)
    seen = set()
    for m in mentions:
        if m.kind != "company" or m.name:
            continue
        short = next((m.written[: -len(f)] for f in forms if m.written.endswith(f)), None)
        if not short or len(short) < t.abbr.min_short_name or short in seen or t.gaz.places(short):
            continue
        seen.add(short)
        pos = view.find(short)
        while pos >= 0:
            end = pos + len(short)
            if not taken.intersection(range(pos, end)):
                out.append(Mention(pos, end, short, "company", "org.company.short_form",
                                   fields={"full": m.written}))
                taken.update(range(pos, end))
            pos = view.find(short, end)
    return out


_BREAK = regex.compile(r"[ \t\u3000]*\n\s*")
_WORD_CHAR = regex.compile(r"[\p{Han}()（）]")


@dataclass
class ReadThrough:
    """The view with line breaks inside words left out, and the map back to view offsets."""

    text: str
    to_view: array

    @classmethod
    def of(cls, view: str, min_line: int) -> ReadThrough:
        kept, runs, pos = [], [], 0
        for m in _BREAK.finditer(view):
            line_start = view.rfind("\n", 0, m.start()) + 1
            if (m.start() - line_start >= min_line and _WORD_CHAR.match(view, m.start() - 1)
                    and _WORD_CHAR.match(view, m.end())):
                kept.append(view[pos:m.start()])
                runs.append((pos, m.start()))
                pos = m.end()
        kept.append(view[pos:])
        runs.append((pos, len(view)))
        return cls("".join(kept), offsets(runs))

    def view_span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_view[start], self.to_view[end - 1] + 1

    def from_view(self, pos: int) -> int:
        return bisect.bisect_left(self.to_view, pos)


def find_mentions(doc: Doc, t: Tables, view: str | None = None,
                  to_view: ReadThrough | None = None) -> list[Mention]:
    """Every mention of ``view`` (the doc's view read through), bylines flagged, before completion."""
    view = doc.view if view is None else view
    finder = Finder(t, view, doc.warnings)
    found = finder.by_suffix() + finder.aliases() + finder.federation_shorts() + finder.in_context()
    mentions = _non_overlapping(found)
    _enterprise_unions(view, mentions, t)
    mentions = [m for m in mentions if not _excluded(view, m, t)]
    mentions = _non_overlapping(mentions + _shared_bodies(view, mentions, t))
    mentions = _non_overlapping(mentions + _company_short_forms(view, mentions, t))
    # a byline pattern runs only on a text holding what every match of it needs (文, 记者, 来源 …)
    bylines = [m.span() for p, needs in t.bylines if needs is None or needs(doc.text, 0, len(doc.text))
               for m in p.finditer(doc.text, doc.warnings)]
    bylines += [doc.source_span(s, e) for s, e in furniture_spans(doc)]  # bylines segmentation found
    inside_byline = _Cover(bylines)
    for m in mentions:
        start, end = doc.source_span(*(to_view.view_span(m.start, m.end) if to_view else (m.start, m.end)))
        m.byline = inside_byline(start, end)
    return mentions


class _Cover:
    """Whether one of a set of spans covers [start, end): the spans sorted by start, each with the
    furthest end reached so far, so a test is one bisection however many bylines a text has."""

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(itertools.accumulate((e for _, e in spans), max))

    def __call__(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end


def tables(rules: Rules) -> Tables:
    return rules.memo("organisations.tables", lambda: _tables(rules))


@component("organisations")
def find_organisations(doc: Doc, rules: Rules) -> None:
    """Append one candidate per organisation mention, its name completed from its context."""
    t = tables(rules)
    read = ReadThrough.of(doc.view, t.broken_line_min_length)
    mentions = find_mentions(doc, t, read.text, read)
    articles = [(read.from_view(a.start), read.from_view(a.end), a) for a in doc.articles]
    for m, fields in complete(read.text, articles, mentions, t):
        if not m.byline:
            start, end = read.view_span(m.start, m.end)
            doc.candidates.append(Candidate("organisations", start, end, fields, m.rule_id))
