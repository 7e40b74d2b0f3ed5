"""The clean view the rules see, and the map that takes its offsets back to the source.

Stretches matched by the ``drop`` patterns of rules/normalise.yaml (OCR line
breaks inside words, spaces between CJK characters, stray OCR marks) are left
out of the view; every other character is folded one for one (full-width to
half-width by NFKC, traditional to simplified by OpenCC's character table and
then its phrase table wherever that keeps the length: 瞭解 → 了解), so
``Doc.to_source`` only has to record, for each view character, where it came
from.  Folding is one ``str.translate`` over a table built for the characters
of the text that are new to this Rules instance plus one OpenCC call, so no
Python loop runs per character of the text, nor is an object made per
character to find the new ones: a character class of those already known
and left as they are skips them in one scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .doc import Doc, offsets
from .pipeline import component
from .prefilter import NeededTextPattern
from .rules import PatternEntry, RuleFile, Rules, rule_file


class SubstituteRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    pattern: str
    to: str = Field(min_length=1, max_length=1)
    note: str = ""


@rule_file("normalise.yaml")
class NormaliseRules(RuleFile):
    """Characters to keep as written, the character-level conversion, and stretches the view leaves out."""

    keep: str = ""
    #: an OpenCC configuration applied character by character ("" turns the conversion off)
    opencc: str = ""
    drop: list[PatternEntry] = []
    #: one character of the view read as another where its context says OCR misread it (2O23 → 2023)
    substitute: list[SubstituteRule] = []


#: finds every character: nothing is known to stay as it is yet
_ANY_CHARACTER = re.compile(r"(?s).")


@dataclass
class _Folder:
    """The per-character fold of one Rules instance, grown as new characters are seen."""

    keep: str
    converter: object | None
    table: dict[int, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)  # the characters ``table`` maps
    #: finds the characters outside a snapshot of ``seen`` less ``changed``: those a text may need
    #: learnt or folded.  A class scan (``re``: no backtracking, so no timeout to guard) costs a few
    #: ns a character where ``set(text)`` makes a str object of each; it is rebuilt when ``seen`` has
    #: doubled, so its building costs at most twice the last one.
    unsettled: re.Pattern = _ANY_CHARACTER
    settled: int = 0  # how many characters ``seen`` held when ``unsettled`` was built

    def fold(self, text: str) -> str:
        chars = set(self.unsettled.findall(text))  # holds every new or changed character of the text
        new = chars - self.seen
        if new:
            self._learn(sorted(new))
        if not chars.isdisjoint(self.changed):  # most texts need no folding: no translate pass then
            text = text.translate(self.table)
        return self._phrases(text)

    def _phrases(self, view: str) -> str:
        """OpenCC's phrase conversion (瞭解 → 了解) wherever it keeps a line's length, so offsets hold."""
        if self.converter is None:
            return view
        converted = _convert(self.converter, view)
        if converted is not None and len(converted) == len(view):
            return converted
        lines = view.split("\n")
        return "\n".join(c if (c := _convert(self.converter, line)) is not None and len(c) == len(line)
                         else line for line in lines)

    def _learn(self, chars: list[str]) -> None:
        self.seen.update(chars)
        folded = [self._width(ch) for ch in chars]
        if self.converter is not None:
            # one call for the lot; a line break cannot be part of an OpenCC phrase
            joined = _convert(self.converter, "\n".join(folded))
            converted = (joined.split("\n") if joined is not None
                         else [_convert(self.converter, f) or f for f in folded])  # a lone surrogate
            if len(converted) == len(folded):
                folded = [c if len(c) == 1 else f for c, f in zip(converted, folded, strict=True)]
        for ch, out in zip(chars, folded, strict=True):
            if out != ch and ch not in self.keep:
                self.table[ord(ch)] = out
                self.changed.add(ch)
        if len(self.seen) >= 2 * self.settled:
            self.settled = len(self.seen)
            stays = "".join(map(re.escape, sorted(self.seen - self.changed)))
            self.unsettled = re.compile(f"[^{stays}]") if stays else _ANY_CHARACTER

    def _width(self, ch: str) -> str:
        if ch.isascii() or ch in self.keep:
            return ch
        folded = unicodedata.normalize("NFKC", ch)
        return folded if len(folded) == 1 else ch


def _convert(converter: Any, text: str) -> str | None:
    """OpenCC's conversion of ``text``; None for a text holding a lone surrogate (bytes decoded
    with surrogateescape), which OpenCC cannot read: such a line stays as it is."""
    try:
        return converter.convert(text)
    except UnicodeEncodeError:
        return None


def _folder(cfg: NormaliseRules) -> _Folder:
    converter = None
    if cfg.opencc:
        import opencc  # imported only when the rules ask for a conversion

        converter = opencc.OpenCC(cfg.opencc)
    return _Folder(cfg.keep, converter)


def _pattern(rule_id: str, source: str) -> NeededTextPattern:
    """A drop or substitute pattern: it scans a text only when the text holds what every match
    needs; most texts have no stray mark, no letter inside a number."""
    return NeededTextPattern.compile(rule_id, source, "normalise.yaml")


def _dropped_spans(text: str, drops: list[NeededTextPattern], warnings: list) -> list[tuple[int, int]]:
    """The merged, sorted stretches of ``text`` the view leaves out."""
    spans = sorted((start, end) for p in drops for start, end in p.spans(text, warnings) if end > start)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@component("normalise")
def normalise(doc: Doc, rules: Rules) -> None:
    """Build ``doc.view`` and ``doc.to_source`` from ``doc.text``."""
    cfg = rules.get(NormaliseRules)
    drops = rules.memo("normalise.drop", lambda: [_pattern(r.id, r.pattern) for r in cfg.drop])
    folder = rules.memo("normalise.fold", lambda: _folder(cfg))
    substitutes = rules.memo("normalise.substitute", lambda: [
        (_pattern(r.id, r.pattern), r.to) for r in cfg.substitute])
    text = doc.text
    pieces, runs, kept_from = [], [], 0
    for start, end in [*_dropped_spans(text, drops, doc.warnings), (len(text), len(text))]:
        pieces.append(text[kept_from:start])
        runs.append((kept_from, start))
        kept_from = end
    runs.append((len(text), len(text) + 1))
    doc.view = _substitute(folder.fold("".join(pieces)), substitutes, doc.warnings)
    doc.to_source = offsets(runs)


def _substitute(view: str, substitutes: list[tuple[NeededTextPattern, str]], warnings: list) -> str:
    """Replace the single characters the substitute rules match; the view keeps its length."""
    hits = [(start, to) for pattern, to in substitutes for start, end in pattern.spans(view, warnings)
            if end == start + 1]
    if not hits:
        return view
    chars = list(view)
    for at, to in hits:
        chars[at] = to
    return "".join(chars)
