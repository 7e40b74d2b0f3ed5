"""The working document the pipeline components share.

Components read ``view`` (the normalised text the rules see) and produce
candidates with offsets into it; ``to_source`` maps those offsets back to the
text exactly as the caller gave it, once, when records are built.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: 0, 1, 2 … to copy runs of consecutive offsets from: slicing an array is a memory copy, filling
#: one from a range converts every number.  Replaced (never grown in place), so threads may share it.
_counting = array("q")
_COUNTING_MAX = 1 << 18  # at most 2 MB kept; longer runs are counted out


def offsets(runs: Iterable[tuple[int, int]] = ()) -> array:
    """The offsets of each run [start, end) in turn, as one compact array: 8 bytes an offset,
    where a list of ints takes about 36."""
    global _counting
    out = array("q")
    for start, end in runs:
        if end > _COUNTING_MAX:
            out.extend(range(start, end))
            continue
        counting = _counting
        if len(counting) < end:
            counting = _counting = array("q", range(min(max(end, 2 * len(counting)), _COUNTING_MAX)))
        out += counting[start:end]
    return out


@dataclass
class Candidate:
    """A record in the making: view offsets plus the record's fields."""

    kind: str  # "metrics" | "dates" | "organisations"
    start: int
    end: int
    fields: dict[str, Any]
    rule_id: str | None = None


@dataclass
class ArticleSpan:
    """An article's stretch of the view, with the metadata segmentation found."""

    start: int
    end: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Doc:
    """Text, its normalised view with the offset map, and what the components found."""

    text: str
    reference_date: date | None = None
    reference_date_source: str = "none"
    view: str = ""
    to_source: array = field(default_factory=offsets)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    articles: list[ArticleSpan] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    warnings: list[tuple[str | None, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.view:
            self.view = self.text
            self.to_source = offsets([(0, len(self.text) + 1)])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """View offsets [start, end) → source offsets [start, end)."""
        return self.to_source[start], self.to_source[end - 1] + 1 if end > start else self.to_source[start]

    def of(self, kind: str) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == kind]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence (view offsets) containing ``pos``; the whole view if none was found."""
        i = bisect_right(self.sentences, pos, key=lambda s: s[0]) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return 0, len(self.view)
