"""Articles and sentences of the view, by the page furniture rules/segment.yaml describes.

A page of this press holds several items, each headed by some of: a column
label, a title, a byline, a 本报讯 lead; captions and photo credits sit
anywhere; a source credit ends an item.  A scanned page also holds pieces of
items continued elsewhere.  The engine reads the view paragraph by paragraph,
gives each the role of the first rule that matches (a short line no rule names
is a heading), and opens a new article where the furniture says an item
begins.  Text glued to a cut paragraph by normalisation is checked for
cohesion: a run that reads more like an earlier item than like the one it
follows becomes a fragment of its own rather than mixing two items.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

import regex

from .doc import ArticleSpan, Doc
from .patterns import SafePattern, alternation
from .pipeline import component
from .prefilter import NeededTextPattern, edge_characters, spanning
from .rules import PatternEntry, RuleEntry, RuleFile, Rules, rule_file

#: furniture whose text is also an Article field
META_ROLES = ("column", "title", "subtitle", "byline", "source_credit", "dateline")
#: what surrounds the names of a byline without being part of them
_BYLINE_MARKS = " ■▲►●◆:：、()（）"
_NOT_HAN = regex.compile(r"[^\p{Han}]+")
#: a line break with the whitespace after it, by which _soft_breaks finds a whitespace run holding one
_BREAK_RUN = regex.compile(r"\n\s*")
_WHITESPACE = regex.compile(r"\s*")


class RoleRule(RuleEntry):
    id: str
    role: Literal["column", "byline", "photo_credit", "source_credit", "caption"]
    pattern: str
    note: str = ""


class Cohesion(RuleEntry):
    other_margin: float = 1.3
    min_run_chars: int = 60
    same_item_min: float = 0.3
    min_current_bigrams: int = 100
    run_chars: int = 200
    window: int = 20
    link_min: float = 0.4
    link_margin: float = 1.5


@rule_file("segment.yaml")
class SegmentRules(RuleFile):
    """Where sentences end and how the furniture of a page is recognised."""

    sentence_end: str = r'[。！？!?；;]+[”’」』"]?|\n+'
    paragraph_end: str = r'[。！？!?…”"’」』)）]\s*$'
    heading_max_chars: int = 40
    heading_forbidden: str = r"[。！？!?；;]"
    byline_continuation_max_chars: int = 8
    roles: list[RoleRule] = []
    inline_credits: list[PatternEntry] = []
    author_roles: list[str] = []
    surnames: list[str] = []
    datelines: list[PatternEntry] = []
    cohesion: Cohesion = Cohesion()


@dataclass
class _LineRules:
    """Rules tried in turn on a line (the first match wins), and which of them a line may match by
    its first and last character.

    A rule whose every match begins at ``^`` (ends at ``$``) needs a line, with no break in it, to
    begin (end) with a character its matches can begin (end) with: derived by
    ``prefilter.edge_characters``, asked once per character, so most paragraphs (body text ending
    in 。) cost two look-ups where a search of all role rules cost ~4 us, its timeout's clock
    calls most.
    """

    name: str
    rules: list[tuple[str, SafePattern]]  # what each rule gives (a role), and its pattern
    first: list[SafePattern | None]  # per rule: the characters its matches begin with, if pinned
    last: list[SafePattern | None]
    by_first: dict[str, int] = field(default_factory=dict)  # a character → the rules it allows, a bit each
    by_last: dict[str, int] = field(default_factory=dict)
    any_of: dict[int, SafePattern] = field(default_factory=dict)  # some rules as one pattern, by bits

    @classmethod
    def compile(cls, name: str, rules: list[tuple[str, str, str]]) -> _LineRules:
        """From (what the rule gives, rule id, pattern) triples."""
        compiled, first, last = [], [], []
        for gives, rule_id, pattern in rules:
            compiled.append((gives, _pattern(rule_id, pattern)))
            edges = edge_characters(pattern)
            first.append(edges[0] and _pattern(f"{rule_id}.first", edges[0]))
            last.append(edges[1] and _pattern(f"{rule_id}.last", edges[1]))
        return cls(name, compiled, first, last)

    def candidates(self, line: str) -> list[tuple[str, SafePattern]]:
        """The rules, in order, that may match ``line``: none when the edges rule all out or
        the possible ones, searched at once, find nothing."""
        bits = (_allowed(self.first, self.by_first, line[:1])
                & _allowed(self.last, self.by_last, line[-1:]))
        if not bits:
            return []
        rules = [rule for k, rule in enumerate(self.rules) if bits >> k & 1]
        if len(rules) > 1:
            any_of = self.any_of.get(bits)
            if any_of is None:
                any_of = self.any_of[bits] = _pattern(
                    self.name, "|".join(f"(?:{pattern.source})" for _, pattern in rules))
            if not any_of.search(line):
                return []
        return rules


def _allowed(edges: list[SafePattern | None], known: dict[str, int], char: str) -> int:
    """The rules (a bit each) whose edge ``char`` may be; a rule not pinned to the edge allows any."""
    bits = known.get(char)
    if bits is None:
        bits = known[char] = sum(1 << k for k, edge in enumerate(edges) if edge is None or edge.search(char))
    return bits


def _pattern(rule_id: str, pattern: str) -> SafePattern:
    return SafePattern.compile(rule_id, pattern, "segment.yaml")


@dataclass
class _Compiled:
    sentence_end: SafePattern
    paragraph_end: SafePattern
    heading_forbidden: NeededTextPattern  # most short lines are headings: they lack it
    roles: _LineRules
    inline_credits: list[NeededTextPattern]  # run on every body paragraph: most lack what they need
    datelines: _LineRules
    author_roles: regex.Pattern | None
    surname: regex.Pattern | None  # what a captured byline name must start with


def _compile(cfg: SegmentRules) -> _Compiled:
    return _Compiled(
        sentence_end=spanning(_pattern("segment.sentence_end", cfg.sentence_end)),  # many a text
        paragraph_end=_pattern("segment.paragraph_end", cfg.paragraph_end),
        heading_forbidden=NeededTextPattern.compile("segment.heading_forbidden", cfg.heading_forbidden,
                                                    "segment.yaml"),
        roles=_LineRules.compile("segment.roles", [(r.role, r.id, r.pattern) for r in cfg.roles]),
        inline_credits=[NeededTextPattern.compile(r.id, r.pattern, "segment.yaml")
                        for r in cfg.inline_credits],
        datelines=_LineRules.compile("segment.datelines", [(r.id, r.id, r.pattern) for r in cfg.datelines]),
        author_roles=regex.compile(f"({alternation(cfg.author_roles)})") if cfg.author_roles else None,
        surname=regex.compile(alternation(cfg.surnames)) if cfg.surnames else None,
    )


@dataclass
class _Unit:
    """A paragraph of the view, or the part of one that follows a joined line break."""

    start: int
    end: int
    text: str
    soft: bool
    paragraph: str = ""  # the whole paragraph a unit is the first part of: what its role is read from
    role: str = "body"
    rule: SafePattern | None = None
    match: Any = None


@dataclass
class _Article:
    start: int
    meta: dict[str, Any] = field(default_factory=dict)
    parts: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    has_body: bool = False
    closed: bool = False

    counted: int = 0  # how many body paragraphs ``counts`` holds
    counts: Counter = field(default_factory=Counter)
    profile: _Bigrams | None = None  # ``counts`` with its norm, until the body grows

    @property
    def bigrams(self) -> _Bigrams:
        """Character bigrams of the body, counted when cohesion is weighed (rarely), not per paragraph."""
        if self.counted != len(self.body):
            self.counts.update(_count_bigrams("".join(self.body[self.counted:])))
            self.counted = len(self.body)
            self.profile = None
        if self.profile is None:
            self.profile = _Bigrams.of(self.counts)
        return self.profile

    def add_part(self, role: str, start: int, end: int, rule_id: str | None, doc: Doc) -> None:
        self.parts.append((role, start, end, rule_id))
        if role in META_ROLES and role not in self.meta:  # the first of each kind names the article
            self.meta[role] = _source_text(doc, start, end)


def _source_text(doc: Doc, start: int, end: int) -> str:
    """The source text behind a view stretch, its whitespace runs made single spaces."""
    s, e = doc.source_span(start, end)
    return " ".join(doc.text[s:e].split())


def _count_bigrams(text: str) -> Counter:
    """Counts of the Han character bigrams of ``text``, each bigram two code points packed in one int:
    8 bytes of UTF-32 read as one number, the even bigrams then the odd ones, so no two-character
    str is made per bigram (2.5x faster)."""
    codes = _NOT_HAN.sub("", text).encode("utf-32-le")
    counts = Counter(_packed_pairs(codes))
    counts.update(_packed_pairs(codes[4:]))
    return counts


def _packed_pairs(codes: bytes) -> memoryview:
    """The code points of ``codes`` (UTF-32) two by two, each pair one 8-byte number."""
    return memoryview(codes)[:len(codes) // 8 * 8].cast("Q")


@dataclass(frozen=True)
class _Bigrams:
    """Bigram counts with their total and squared norm, summed once rather than per comparison."""

    counts: Counter
    total: int
    norm2: int

    @classmethod
    def of(cls, counts: Counter) -> _Bigrams:
        return cls(counts, sum(counts.values()), sum(map(operator.mul, counts.values(), counts.values())))


def _bigrams(text: str) -> _Bigrams:
    return _Bigrams.of(_count_bigrams(text))


def _cosine(a: _Bigrams, b: _Bigrams) -> float:
    """Cosine of two bigram profiles; the dot product over their shared bigrams (integer sums: exact)."""
    if not a.counts or not b.counts:
        return 0.0
    small, large = (a.counts, b.counts) if len(a.counts) <= len(b.counts) else (b.counts, a.counts)
    dot = sum([small[g] * large[g] for g in small.keys() & large.keys()])
    return dot / math.sqrt(a.norm2 * b.norm2)


def _soft_breaks(doc: Doc) -> set[int]:
    """View positions where normalisation joined two lines: a whitespace run holding a line break
    (source) that the view leaves out whole.

    A run is found from its first line break, which the engine finds by its first character
    (a search for the run's start from every position took 4x longer); the whitespace before the
    break is read only when the break itself is not in the view.
    """
    found = set()
    for m in _BREAK_RUN.finditer(doc.text):
        j = bisect_left(doc.to_source, m.end())  # the view's first character after the run
        if 0 < j < len(doc.view):
            kept = doc.to_source[j - 1]  # the view's last character before it
            if kept < m.start() and not _WHITESPACE.fullmatch(doc.text, kept, m.start()):
                found.add(j)
    return found


def _units(doc: Doc) -> list[_Unit]:
    """The paragraphs of the view, each cut where normalisation joined a line break."""
    soft = sorted(_soft_breaks(doc))
    view, units, end = doc.view, [], -1
    for line in view.split("\n"):  # a str method, not a match object per line
        start, end = end + 1, end + 1 + len(line)
        if not line:
            continue
        cuts = [start, *soft[bisect_left(soft, start + 1):bisect_left(soft, end)], end]
        for k, (a, b) in enumerate(pairwise(cuts)):
            text = view[a:b].lstrip()
            a += b - a - len(text)  # past the whitespace it begins with
            text = text.rstrip()
            if text:
                units.append(_Unit(a, a + len(text), text, soft=k > 0, paragraph="" if k else line.strip()))
    return units


def _classify(units: list[_Unit], rules: _Compiled, cfg: SegmentRules) -> list[_Unit]:
    """Each unit's role; the rest of a cut caption or heading, and a byline's last line, merged in."""
    out: list[_Unit] = []
    for u in units:
        if not u.soft:
            for role, pattern in rules.roles.candidates(u.paragraph):
                u.match = pattern.search(u.paragraph)
                if u.match and _named_right(u.match, rules.surname):
                    u.role, u.rule = role, pattern
                    break
            else:
                short = (len(u.paragraph) <= cfg.heading_max_chars
                         and not rules.heading_forbidden.search(u.paragraph))
                u.role = "heading" if short else "body"
        if u.soft and out and out[-1].role != "body":  # the rest of a caption, credit or heading
            out[-1].end, out[-1].text = u.end, out[-1].text + u.text
            continue
        if (u.role == "heading" and out and out[-1].role == "byline"
                and len(u.text) <= cfg.byline_continuation_max_chars
                and _completes_role(out[-1].text, u.text, rules.author_roles)):
            out[-1].end, out[-1].text, out[-1].match = u.end, out[-1].text + u.text, None
            continue
        out.append(u)
    return out


def _named_right(match: Any, surname: regex.Pattern | None) -> bool:
    """A rule that captures a ``name`` holds only when the name starts with a surname."""
    name = match.groupdict().get("name")
    return not name or surname is None or surname.match(name) is not None


def _completes_role(byline: str, line: str, roles: regex.Pattern | None) -> bool:
    """Whether ``line`` finishes a role word the byline's last line began (通讯 / 员 莫丽华)."""
    joined = byline + line
    return roles is not None and any(m.start() < len(byline) < m.end() for m in roles.finditer(joined))


def _names(text: str) -> list[str]:
    """Names separated by spaces; a lone character is half a name OCR split, joined to the shorter side."""
    names = [n for n in regex.split(r"[\s、]+", text) if n]
    k = 0
    while k < len(names):
        if len(names[k]) == 1 and len(names) > 1:
            before = len(names[k - 1]) if k > 0 else 99
            after = len(names[k + 1]) if k + 1 < len(names) else 99
            if after <= before:
                names[k:k + 2] = [names[k] + names[k + 1]]
            else:
                names[k - 1:k + 1] = [names[k - 1] + names[k]]
                k -= 1
            continue
        k += 1
    return names


def _authors(doc: Doc, unit_start: int, text: str, match: Any, roles: regex.Pattern | None) -> list[dict]:
    """The names of a byline with their roles; names are split where the source has spaces."""
    if match is not None and "name" in match.groupdict() and match.group("name"):
        return [{"name": match.group("name"), "role": match.group("role")}]
    if roles is None:
        return []
    authors: list[dict] = []
    pos, role, waiting = 0, None, []
    for piece in roles.split(text):
        if roles.fullmatch(piece):
            if waiting and role is None:  # names before a trailing role: 尤嘉 张丙涛 摄
                authors.extend({"name": n, "role": piece} for n in waiting)
                waiting = []
            role = piece
        elif piece.strip(_BYLINE_MARKS):
            start = unit_start + pos + len(piece) - len(piece.lstrip(_BYLINE_MARKS))
            end = unit_start + pos + len(piece.rstrip(_BYLINE_MARKS))
            names = _names(_source_text(doc, start, end))
            if role is None:
                waiting = names
            else:
                authors.extend({"name": n, "role": role} for n in names)
        pos += len(piece)
    authors.extend({"name": n, "role": None} for n in waiting if role is None)
    return authors


def _run(units: list[_Unit], k: int, cap: int) -> str:
    """Unit ``k`` and the body text right after it (up to ``cap`` characters): where it belongs."""
    texts, size = [units[k].text], len(units[k].text)
    while size < cap and k + 1 < len(units) and units[k + 1].role == "body":
        k += 1
        texts.append(units[k].text)
        size += len(units[k].text)
    return "".join(texts)[:cap]


def _goes_on(units: list[_Unit], k: int, current: _Article, cfg: Cohesion) -> bool:
    """Whether a heading after a cut paragraph goes on with the current item (a subhead)."""
    return _cosine(_bigrams(_run(units, k, cfg.run_chars)), current.bigrams) >= cfg.same_item_min


def _headed(art: _Article) -> bool:
    return any(key in art.meta for key in ("title", "byline", "dateline"))


def _reads_like_another(units: list[_Unit], k: int, current: _Article, earlier: list[_Article],
                        cfg: Cohesion) -> bool:
    """Whether the run glued (at unit ``k``) to an unheaded fragment belongs to another item.

    Only a fragment is weighed: a heading is evidence an item goes on, and a
    fragment shorter than ``min_current_bigrams`` or a run shorter than
    ``min_run_chars`` is too little to compare.  Only the last ``window``
    items are compared: pieces of one page lie near each other.
    """
    if _headed(current) or current.bigrams.total < cfg.min_current_bigrams:
        return False
    text = _run(units, k, cfg.run_chars)
    if len(text) < cfg.min_run_chars:
        return False
    run = _bigrams(text)
    own = _cosine(run, current.bigrams)
    return any(_cosine(run, a.bigrams) > own * cfg.other_margin
               for a in earlier[-cfg.window:] if a is not current)


@component("segment")
def segment(doc: Doc, rules: Rules) -> None:
    """Cut the view into articles (with their furniture) and sentences."""
    cfg = rules.get(SegmentRules)
    compiled = rules.memo("segment.compiled", lambda: _compile(cfg))
    units = _classify(_units(doc), compiled, cfg)
    articles: list[_Article] = []

    def open_article(at: int) -> _Article:
        articles.append(_Article(start=0 if not articles else at))
        return articles[-1]

    following = _following(units)
    for k, u in enumerate(units):
        cur = articles[-1] if articles else None
        if u.role == "column":
            if cur is None or cur.has_body or "title" in cur.meta:
                cur = open_article(u.start)
            cur.add_part("column", u.start, u.end, u.rule.rule_id if u.rule else None, doc)
        elif u.role == "heading":
            after = following[k]
            leads = after is not None and (after.role == "byline" or _dateline(after, compiled) is not None)
            if cur is None or (cur.has_body and (leads or cur.closed or (_cut(cur, compiled) and not _goes_on(
                    units, k, cur, cfg.cohesion)))):
                cur = open_article(u.start)
            role = ("subhead" if cur.has_body else "subtitle" if "title" in cur.meta else "title")
            cur.add_part(role, u.start, u.end, "segment.heading", doc)
        elif u.role == "body":
            if cur is None or cur.closed or (u.soft and _reads_like_another(units, k, cur, articles,
                                                                            cfg.cohesion)):
                cur = open_article(u.start)
            _body(doc, cur, u, compiled)
        else:
            if cur is None or (u.role == "byline" and cur.closed):
                cur = open_article(u.start)
            cur.add_part(u.role, u.start, u.end, u.rule.rule_id if u.rule else None, doc)
            if u.role == "byline" and "authors" not in cur.meta:
                cur.meta["authors"] = _authors(doc, u.start, u.text, u.match, compiled.author_roles)
            cur.closed = cur.closed or u.role == "source_credit"
    if not articles:
        open_article(0)
    _finish(doc, articles, compiled, cfg.cohesion)


def _following(units: list[_Unit]) -> list[_Unit | None]:
    """For each unit, the next one that is not a caption or a photo credit (these sit anywhere)."""
    found: list[_Unit | None] = [None] * len(units)
    nxt = None
    for k in range(len(units) - 1, -1, -1):
        found[k] = nxt
        if units[k].role not in ("caption", "photo_credit"):
            nxt = units[k]
    return found


#: furniture whose names are not mentions (ANNOTATION.md: bylines and source credits do not count)
CREDIT_ROLES = ("byline", "source_credit", "photo_credit")


def furniture_spans(doc: Doc, roles: tuple[str, ...] = CREDIT_ROLES) -> list[tuple[int, int]]:
    """View spans of the articles' furniture of the given roles, e.g. for a component to skip credits."""
    return sorted((s, e) for art in doc.articles
                  for role, s, e, _ in art.meta.get("parts", ()) if role in roles)


def _dateline(u: _Unit, rules: _Compiled) -> tuple[str, Any] | None:
    """The lead a body paragraph opens with (本报讯 ...) and the rule that read it."""
    if u.role != "body" or u.soft:
        return None
    possible = rules.datelines.candidates(u.text)
    return next(((p.rule_id, m) for _, p in possible if (m := p.search(u.text))), None)


def _body(doc: Doc, art: _Article, u: _Unit, rules: _Compiled) -> None:
    """Add a body paragraph: its lead (dateline and byline) if it opens the article, its credits."""
    lead = None if art.has_body else _dateline(u, rules)
    if lead:
        rule_id, m = lead
        art.add_part("dateline", u.start + m.start(), u.start + m.end(), rule_id, doc)
        if m.groupdict().get("byline"):
            s, e = u.start + m.start("byline"), u.start + m.end("byline")
            art.add_part("byline", s, e, rule_id, doc)
            art.meta.setdefault("authors", _authors(doc, s, m.group("byline"), None, rules.author_roles))
    for pattern in rules.inline_credits:
        for m in pattern.finditer(u.text):
            art.add_part("source_credit", u.start + m.start(), u.start + m.end(), pattern.rule_id, doc)
            art.closed = True
    art.has_body = True
    art.body.append(u.text)


def _cut(art: _Article, rules: _Compiled) -> bool:
    """Whether the article's last body paragraph was cut by the page: asked only of the paragraph
    before a heading, not of every one."""
    return not rules.paragraph_end.search(art.body[-1])


def _continues(here: int, articles: list[_Article], cfg: Cohesion) -> int | None:
    """The headed article near fragment ``here`` that it clearly reads like (its other part), else None."""
    fragment = articles[here]
    near = range(max(0, here - cfg.window), min(len(articles), here + cfg.window + 1))
    sims = sorted(((_cosine(fragment.bigrams, articles[i].bigrams), i) for i in near
                   if _headed(articles[i])), reverse=True)
    if not sims or sims[0][0] < cfg.link_min:
        return None
    second = sims[1][0] if len(sims) > 1 else 0.0
    return sims[0][1] if sims[0][0] >= second * cfg.link_margin else None


def _finish(doc: Doc, articles: list[_Article], rules: _Compiled, cohesion: Cohesion) -> None:
    """ArticleSpans tiling the view, and the sentences of each."""
    ends = [a.start for a in articles[1:]] + [len(doc.view)]
    for index, (art, end) in enumerate(zip(articles, ends, strict=True)):
        meta = {"index": index, "kind": "article" if _headed(art) else "fragment", **art.meta,
                "parts": art.parts}
        if not _headed(art) and len(articles) > 1:
            meta["continues"] = _continues(index, articles, cohesion)
        doc.articles.append(ArticleSpan(art.start, end, meta))
        start = art.start
        for _, stop in rules.sentence_end.spans(doc.view, doc.warnings, art.start, end):
            if stop > start:
                doc.sentences.append((start, stop))
            start = stop
        if start < end:
            doc.sentences.append((start, end))
