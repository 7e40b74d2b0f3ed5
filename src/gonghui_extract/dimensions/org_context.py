"""Completing organisation names from their context: fuller forms and the region in view.

A page can hold several articles about different places, and an article
names superior bodies in passing (台山市委和江门市总工会).  So the region an
abbreviation stands for (市总工会, 省委, 县供电公司) is the *perspective* at
that point: set by the last body named with its place (台山市总工会,
江阴市委) or a place's union movement (江门工会系统), except that naming a
body *above* the current place (江门市总工会 in a Taishan article, 无锡市委
in a Jiangyin one) does not move the perspective.  Before the first such
anchor the perspective is the dominant region of the article (or document).
When the document has several articles, each is its own scope, and its
region is written to ``ArticleSpan.meta["region"]``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from ..doc import ArticleSpan
from .regions import Division, Gazetteer

if TYPE_CHECKING:
    from .organisations import Mention, Tables

#: kinds whose named bodies set the perspective (companies are located anywhere)
ANCHOR_KINDS = ("union", "party", "government")


def locate(place: str, gaz: Gazetteer, context: list[Division]) -> tuple[Division | None, list[Division]]:
    """The deepest division a written place chain names (山东省济宁市任城区 → 任城区), else its readings."""
    pos, chain = 0, list(context)
    found: Division | None = None
    while pos < len(place):
        written = gaz.match_at(place, pos)
        if not written:
            break
        readings = gaz.divisions(written)
        if found is not None:
            below = [d for d in readings if found in gaz.chain(d)]
            readings = below or readings
        readings = gaz.resolve(readings, ([found] if found else []) + chain)
        if len(readings) != 1:
            return found, readings
        found = readings[0]
        chain = gaz.chain(found)
        pos += len(written)
    return found, []


def leading_place(name: str, t: Tables) -> str:
    """The place chain a name starts with, after any national prefix (中共江门市委 → 江门市)."""
    for prefix in t.b.national_prefixes:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    pos = 0
    while pos < len(name):
        written = t.gaz.match_at(name, pos)
        if not written:
            break
        pos += len(written)
    return name[:pos]


def level_region(div: Division | None, level: str, t: Tables) -> Division | None:
    """The division a level word stands for from ``div``'s point of view (市 → 台山市; 省 → 广东省)."""
    if div is None:
        return None
    rule = t.level_words[level]
    for d in t.gaz.chain(div):
        if (rule.level is None or d.level == rule.level) and d.name.endswith(rule.ends_with or ""):
            return d
    return None


class Scope:
    """One article (or the whole text): its anchors, dominant region and running perspective."""

    def __init__(self, view: str, start: int, end: int, mentions: list[Mention], t: Tables,
                 outer: Callable[[], Scope] | None = None):
        self.t, self.gaz = t, t.gaz
        self.mentions = mentions
        anchors: list[tuple[int, Division, bool]] = []  # (position, division, strong)
        headings = [line.span() for line in t.heading.finditer(view, pos=start, endpos=end)]
        heading_starts = [s for s, _ in headings]  # lines: sorted and disjoint
        perspective: Division | None = None
        for m in mentions:
            if m.kind in ANCHOR_KINDS and m.place and not m.name and not m.union_of:
                div, _ = locate(m.place, self.gaz, self.gaz.chain(perspective) if perspective else [])
                if div is not None:
                    line = bisect_right(heading_starts, m.start) - 1
                    anchors.append((m.start, div, line >= 0 and m.start < headings[line][1]))
                    perspective = div
        for word in t.excl.collective_after_place:
            pos = view.find(word, start, end)
            while pos >= 0:
                written = self.gaz.ending_at(view, pos, start)
                readings = self.gaz.divisions(written) if written else []
                if len(readings) == 1:
                    anchors.append((pos - len(written), readings[0], True))
                pos = view.find(word, pos + len(word), end)
        for line_start, line_end in headings:
            for s, _, written in self.gaz.scan(view, line_start, line_end):
                readings = self.gaz.divisions(written)
                if len(readings) == 1:
                    anchors.append((s, readings[0], True))
        # position, then strength, then code: never the set's hash order, so runs repeat exactly
        anchors = sorted(set(anchors), key=lambda a: (a[0], not a[2], a[1].code))
        counts = Counter(d for _, d, _ in anchors)
        if not counts:  # no body of the kinds above names its place: any body's place
            counts = Counter(d for m in mentions if m.place and not m.name
                             for d in [locate(m.place, self.gaz, [])[0]] if d is not None)
        page = outer() if not counts and outer is not None else None
        if page is not None and page.dominant is not None:
            counts = Counter([page.dominant])  # an article naming no body: the page's region
        if not counts:  # no body names its place: count the places themselves
            counts = Counter(self.gaz.divisions(w)[0] for _, _, w in self.gaz.scan(view, start, end)
                             if len(self.gaz.divisions(w)) == 1)
        first: dict[Division, int] = {}  # where each division is first an anchor
        for pos, div, _ in anchors:
            first.setdefault(div, pos)
        ranked = sorted(counts, key=lambda d: (counts[d], -first.get(d, 1 << 30), d.code))
        self.dominant = ranked[-1] if ranked else None
        self.anchors = anchors
        self._anchor_starts = [pos for pos, _, _ in anchors]  # sorted: perspective_at bisects them
        self._after = self._walk(anchors)

    def _walk(self, anchors: list[tuple[int, Division, bool]]) -> list[Division | None]:
        """The region in view just after each anchor, computed in one pass over the anchors.

        An anchor elsewhere moves it; one above it never does (江门市总工会 in a Taishan
        article); one below it does only from a heading or a collective name, or when named
        twice running (曲江区人民法院、南雄市人民法院 listed in a Shaoguan article do not).
        """
        current, below, after = self.dominant, None, []
        for _, div, strong in anchors:
            if current is None:
                current = div
            elif div in self.gaz.chain(current)[1:]:
                pass
            elif current in self.gaz.chain(div)[1:] and not strong and below != div:
                below = div
            else:
                current = div
            after.append(current)
        return after

    def perspective_at(self, pos: int) -> Division | None:
        """The region in view at ``pos``: that after the last anchor before it."""
        i = bisect_left(self._anchor_starts, pos)
        return self._after[i - 1] if i else self.dominant


def _nearest(starts: list[int], pos: int) -> int:
    """Distance from ``pos`` to the closest of the sorted ``starts``."""
    i = bisect_left(starts, pos)
    return min(abs(starts[j] - pos) for j in (i - 1, i) if 0 <= j < len(starts))


def _suffix_of(name: str, t: Tables) -> str | None:
    return next((s for s in t.all_suffixes if name.endswith(s) and len(name) > len(s)), None)


def _abbreviates(short: str, full: str, t: Tables) -> bool:
    """经开区总工会 abbreviates 湛江经济技术开发区总工会: same suffix, stem characters in order."""
    if short[-1] != full[-1] or not set(short) <= set(full):
        return False
    suffix = _suffix_of(short, t)
    if not suffix or not full.endswith(suffix):
        return False
    stem, full_stem = short[: -len(suffix)], full[: -len(suffix)]
    if len(stem) < 2 or stem[-1] != full_stem[-1:]:
        return False
    it = iter(full_stem)
    return all(ch in it for ch in stem)


class Resolver:
    """Names and regions for the mentions of a text's scopes.

    What depends only on a name (and the perspective) is worked out once per text, however
    many of its articles name it.
    """

    def __init__(self, t: Tables):
        self.t, self.gaz = t, t.gaz
        self._fits: dict[tuple[str, str | None], int] = {}
        self._canonical: dict[str, str] = {}
        self._expanded: dict[str, str | None] = {}
        self._located: dict[tuple[str, str | None], dict] = {}

    def expand(self, name: str) -> str | None:
        """The name with its short body written in full (江门市人社局 → 江门市人力资源和社会保障局)."""
        if name not in self._expanded:
            self._expanded[name] = self._expand_uncached(name)
        return self._expanded[name]

    def _expand_uncached(self, name: str) -> str | None:
        for short, full in self.t.abbr.body_abbreviations.items():
            if name.endswith(short) and not name.endswith(full):
                return name[: -len(short)] + full
        return None

    def canonical(self, name: str) -> str:
        """The canonical form of a name (中共江门市委员会 → 江门市委), computed once per name."""
        if name not in self._canonical:
            form = name
            for pattern, replacement in self.t.canonical:
                form = pattern.sub(replacement, form)
            self._canonical[name] = form
        return self._canonical[name]

    def first_pass(self, m: Mention, here: Division | None) -> tuple[str, str | None, str]:
        """(name, fallback name, how) from the mention alone and the perspective ``here``."""
        if m.name:
            return m.name, None, "alias"
        if "full" in m.fields:
            return m.fields["full"], None, "short_form"
        if m.level:
            region = level_region(here, m.level, self.t)
            body = m.body or m.written[1:]
            if region is not None:
                return self.canonical(region.name + body), None, "region"
            return self.canonical(m.written), None, "unresolved"
        if m.place:
            return self.canonical(m.written), None, "as_written"
        fallback = None
        if m.bare and here is not None:
            fallback = self.canonical(here.name + m.written)
        return self.canonical(m.written), fallback, "as_written"

    def _fit(self, other_name: str, here: Division | None) -> int:
        """How well a fuller form fits the perspective: 2 same place, 1 related or placeless, 0 elsewhere."""
        key = (other_name, here.code if here else None)
        if key not in self._fits:
            self._fits[key] = self._fit_uncached(other_name, here)
        return self._fits[key]

    def _fit_uncached(self, other_name: str, here: Division | None) -> int:
        place = leading_place(other_name, self.t)
        if not place or here is None:
            return 1
        div, _ = locate(place, self.gaz, self.gaz.chain(here))
        if div is None:
            return 1
        if div == here:
            return 2
        return 1 if here in self.gaz.chain(div) or div in self.gaz.chain(here) else 0

    def resolve(self, scope: Scope) -> list[tuple[Mention, dict]]:
        """Each mention of ``scope`` with its record fields."""
        first = [(m, here, *self.first_pass(m, here))
                 for m in scope.mentions for here in [scope.perspective_at(m.start)]]
        # each distinct (kind, name) once, with where it is written: fuller forms are looked up
        # among distinct names, not among all mentions, so a long text stays linear
        written: dict[str, dict[str, list[int]]] = {}  # kind → name → starts
        for other, _, other_name, _, _ in first:
            written.setdefault(other.kind, {}).setdefault(other_name, []).append(other.start)
        fuller: dict[tuple[str, str], list[tuple[str, list[int]]]] = {}  # (kind, name) → its fuller forms
        out = []
        for m, here, name, fallback, how in first:
            if how in ("alias", "short_form"):
                out.append((m, self.fields(m, name, how, here)))
                continue
            if (m.kind, name) not in fuller:
                fuller[m.kind, name] = self._fuller_forms(name, m.kind, written[m.kind])
            best = None
            for other_name, starts in fuller[m.kind, name]:
                key = (self._fit(other_name, here), -_nearest(starts, m.start))
                if best is None or key > best[0]:
                    best = (key, other_name)
            if best is not None and (best[0][0] > 0 or fallback is None):
                name, how = best[1], "fuller_form"
            elif fallback is not None:
                name, how = fallback, "region"
            out.append((m, self.fields(m, name, how, here)))
        return out

    def _fuller_forms(self, name: str, kind: str, names: dict[str, list[int]]) -> list[tuple[str, list[int]]]:
        """The ``names`` of ``kind`` that may be fuller forms of ``name`` (with where each is
        written), in the order first written: the same for every mention of ``name``."""
        expanded = self.expand(name)
        return [(other_name, starts) for other_name, starts in names.items()
                if len(other_name) > len(name)
                and (other_name.endswith(name) or _abbreviates(name, other_name, self.t)
                     or (expanded and other_name.endswith(expanded))
                     or (kind == "company" and other_name.startswith(name)))]

    def fields(self, m: Mention, name: str, how: str, here: Division | None) -> dict:
        key = (name, here.code if here else None)
        if key not in self._located:
            self._located[key] = self._place_fields(name, here)
        return {"name": name, "kind": m.kind, "resolution": how, **self._located[key]}

    def _place_fields(self, name: str, here: Division | None) -> dict:
        """The region fields (and ambiguous readings) of the place a name starts with, from ``here``:
        shared by the mentions of that name there, so read, never changed."""
        out: dict = {}
        place = leading_place(name, self.t)
        if place:
            div, readings = locate(place, self.gaz, self.gaz.chain(here) if here else [])
            if readings:
                out["ambiguous_regions"] = [self.gaz.path(d) for d in readings]
            if div is not None:
                out.update(self.gaz.regions(div))
        return out


def complete(view: str, articles: list[tuple[int, int, ArticleSpan]], mentions: list[Mention],
             t: Tables) -> list[tuple[Mention, dict]]:
    """Each mention with its record fields (name, kind, regions), article by article.

    ``articles`` are (start, end, span) in ``view``'s offsets; with several, each is its own
    scope.  Each article's region is written to its span's meta (unless segmentation set one).
    """
    resolver = Resolver(t)
    if len(articles) <= 1:
        whole = Scope(view, 0, len(view), mentions, t)
        if articles and whole.dominant is not None:
            articles[0][2].meta.setdefault("region", whole.dominant.name)
        return resolver.resolve(whole)

    @cache
    def page() -> Scope:
        """The whole text as one scope, weighed only for an article naming no body of its own."""
        return Scope(view, 0, len(view), mentions, t)

    out = []
    starts = [m.start for m in mentions]  # mentions come sorted by start
    for start, end, article in articles:
        inside = mentions[bisect_left(starts, start):bisect_left(starts, end)]
        scope = Scope(view, start, end, inside, t, outer=page)
        if scope.dominant is not None:
            article.meta.setdefault("region", scope.dominant.name)
        out.extend(resolver.resolve(scope))
    return out
