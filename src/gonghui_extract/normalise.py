"""The clean view the rules see, and the map that takes its offsets back to the source.

Characters are folded one for one (full-width digits and punctuation to ASCII),
and stretches matched by the ``drop`` patterns of rules/normalise.yaml (OCR
line breaks inside words, spaces between CJK characters) are left out of the
view.  ``Doc.to_source`` records, for each view character, where it came from.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pydantic import BaseModel

from .doc import Doc
from .patterns import SafePattern
from .pipeline import component
from .rules import RuleFile, Rules, rule_file


class DropRule(BaseModel):
    id: str
    pattern: str
    note: str = ""


@rule_file("normalise.yaml")
class NormaliseRules(RuleFile):
    """Characters to keep as written, and stretches the view leaves out."""

    keep: str = ""
    drop: list[DropRule] = []


@lru_cache(maxsize=4096)
def _fold_char(ch: str, keep: str) -> str:
    if ch in keep:
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


@component("normalise")
def normalise(doc: Doc, rules: Rules) -> None:
    """Build ``doc.view`` and ``doc.to_source`` from ``doc.text``."""
    cfg = rules.get(NormaliseRules)
    text = doc.text
    dropped = bytearray(len(text))
    drops = rules.memo("normalise.drop", lambda: [
        SafePattern.compile(r.id, r.pattern, "normalise.yaml") for r in cfg.drop])
    for pattern in drops:
        for m in pattern.finditer(text, doc.warnings):
            dropped[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    chars, to_source = [], []
    for i, ch in enumerate(text):
        if not dropped[i]:
            chars.append(_fold_char(ch, cfg.keep))
            to_source.append(i)
    to_source.append(len(text))
    doc.view, doc.to_source = "".join(chars), to_source
