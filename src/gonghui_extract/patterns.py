"""Rule patterns compiled once, run with a timeout so no input can hang a batch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import ahocorasick_rs
import regex

from .rules import RulesError

#: seconds one pattern may spend on one text before it is abandoned and reported
TIMEOUT_SECONDS = 2.0
#: the group of a span loop (``every``) that captures each match
SPAN_GROUP = "every_match"


@dataclass
class SafePattern:
    """A compiled rule pattern that reports a timeout instead of hanging."""

    rule_id: str
    source: str
    compiled: regex.Pattern = field(repr=False)
    #: the pattern as one match that walks a text and captures every match in ``SPAN_GROUP``
    #: (``prefilter.spanning``), for ``spans``: None to run ``finditer``
    every: regex.Pattern | None = field(default=None, repr=False)
    #: the pattern's words, when it is a list of plain words (``prefilter.worded``), for ``spans``
    words: ahocorasick_rs.AhoCorasick | None = field(default=None, repr=False)
    #: a character no match of the words may follow (a leading ``(?<![…])``): ``words`` then finds
    #: every occurrence and ``spans`` takes them as the engine does
    not_after: regex.Pattern | None = field(default=None, repr=False)

    @classmethod
    def compile(cls, rule_id: str, source: str, origin: str = "rules", flags: int = 0) -> SafePattern:
        """Compile ``source``; a bad pattern is a RulesError naming the rule."""
        try:
            return cls(rule_id, source, regex.compile(source, flags | regex.V1))
        except regex.error as exc:
            raise RulesError(origin, f"entry id {rule_id}", f"bad pattern {source!r}: {exc}") from exc

    def finditer(self, text: str, warnings: list | None = None, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[regex.Match]:
        """Matches in ``text``; on timeout, stop and append a warning rather than raise."""
        try:
            yield from self.compiled.finditer(
                text, pos, len(text) if endpos is None else endpos, timeout=TIMEOUT_SECONDS
            )
        except TimeoutError:
            self._timed_out(warnings)

    def spans(self, text: str, warnings: list | None = None, pos: int = 0, endpos: int | None = None
              ) -> list[tuple[int, int]]:
        """The (start, end) of every match, gathered in C: a scan with tens of thousands of
        matches (clause breaks) runs no Python per match, and with ``every`` one engine call
        (finditer pays a call, and the timeout a clock read, per match).  With ``words``, one pass
        of an automaton, in linear time (nothing to time out).  On timeout: none."""
        end = len(text) if endpos is None else endpos
        if self.words is not None:  # plain words read no text around them: a slice finds the same
            stretch = text if (pos, end) == (0, len(text)) else text[pos:end]
            try:
                if self.not_after is not None:
                    return self._leftmost_first(text, pos, self.words.find_matches_as_indexes(stretch, True))
                found = self.words.find_matches_as_indexes(stretch)
                return [(pos + start, pos + stop) for _, start, stop in found]
            except UnicodeEncodeError:  # a lone surrogate, which the automaton cannot read: the engine can
                pass
        try:
            if self.every is not None:
                return self.every.match(text, pos, end, timeout=TIMEOUT_SECONDS).spans(SPAN_GROUP)
            matches = self.compiled.finditer(text, pos, end, timeout=TIMEOUT_SECONDS)
            return list(map(regex.Match.span, matches))
        except TimeoutError:
            self._timed_out(warnings)
            return []

    def _leftmost_first(self, text: str, pos: int, found: list[tuple[int, int, int]]
                        ) -> list[tuple[int, int]]:
        """The engine's matches among every occurrence of the words in ``text[pos:]`` (``found``:
        word index, start, end): from left to right, at each position not after a ``not_after``
        character, the first word (lowest index) that occurs there, then on from its end."""
        first: dict[int, tuple[int, int]] = {}
        for index, start, end in found:
            if start not in first or index < first[start][0]:
                first[start] = (index, end)
        spans, reached = [], 0
        for start in sorted(first):
            at = pos + start
            if start < reached or (at and self.not_after.match(text, at - 1)):
                continue
            reached = first[start][1]
            spans.append((at, pos + reached))
        return spans

    def _timed_out(self, warnings: list | None) -> None:
        if warnings is not None:
            warnings.append((self.rule_id, f"pattern timed out after {TIMEOUT_SECONDS}s; rule skipped"))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        """First match or None; a timeout counts as no match."""
        try:
            return self.compiled.search(text, pos, len(text) if endpos is None else endpos,
                                        timeout=TIMEOUT_SECONDS)
        except TimeoutError:
            return None


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first so 人次 wins over 人."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
