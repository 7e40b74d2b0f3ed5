"""Articles and sentences of the view, by the boundaries rules/segment.yaml lists."""

from __future__ import annotations

from .doc import ArticleSpan, Doc
from .patterns import SafePattern
from .pipeline import component
from .rules import RuleFile, Rules, rule_file


@rule_file("segment.yaml")
class SegmentRules(RuleFile):
    """Where sentences end."""

    sentence_end: str = r"[。！？!?；;]+[”’」』]?|\n+"


@component("segment")
def segment(doc: Doc, rules: Rules) -> None:
    """Split the view into sentences; the whole view is one article until segmentation says more."""
    start = 0
    sentence_end = rules.memo("segment.sentence_end", lambda: SafePattern.compile(
        "segment.sentence_end", rules.get(SegmentRules).sentence_end, "segment.yaml"))
    for m in sentence_end.finditer(doc.view, doc.warnings):
        if m.end() > start:
            doc.sentences.append((start, m.end()))
        start = m.end()
    if start < len(doc.view):
        doc.sentences.append((start, len(doc.view)))
    if not doc.articles:
        doc.articles.append(ArticleSpan(0, len(doc.view)))
