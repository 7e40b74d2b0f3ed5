"""Candidates (view offsets) → pydantic records (source offsets): the only place offsets map back."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter

from .doc import ArticleSpan, Candidate, Doc
from .records import (
    Article,
    ArticlePart,
    DateMention,
    Document,
    Metric,
    Organisation,
    OrganisationSummary,
    Warning_,
)

RECORD_TYPES = {"metrics": Metric, "dates": DateMention, "organisations": Organisation}


def _record(doc: Doc, cand: Candidate):
    start, end = doc.source_span(cand.start, cand.end)
    return RECORD_TYPES[cand.kind](start=start, end=end, text=doc.text[start:end],
                                   rule_id=cand.rule_id, **cand.fields)


def _inside(records: list, starts: list[int], start: int, end: int) -> list:
    """The records (sorted by start, ``starts`` their starts) whose span lies in [start, end]:
    found by bisection, so a text of many articles stays linear."""
    return [r for r in records[bisect_left(starts, start):bisect_right(starts, end)] if r.end <= end]


def _article(doc: Doc, art: ArticleSpan, lists: dict[str, tuple[list, list[int]]]) -> Article:
    """An article with source offsets, its furniture and the records whose span lies inside it.

    Articles tile the source: one ends where the next begins, and what the view
    left out between them (blank lines) belongs to the article before.
    """
    start, end = (0 if art.start == 0 else doc.to_source[art.start]), doc.to_source[art.end]
    meta = {k: v for k, v in art.meta.items() if k in Article.model_fields and k != "parts"}
    parts = []
    for role, s, e, rule_id in art.meta.get("parts", []):
        ps, pe = doc.source_span(s, e)
        parts.append(ArticlePart(role=role, start=ps, end=pe, text=doc.text[ps:pe], rule_id=rule_id))
    inside = {kind: _inside(records, starts, start, end) for kind, (records, starts) in lists.items()}
    return Article(start=start, end=end, parts=parts, **meta, **inside)


def to_document(doc: Doc) -> Document:
    """Map every candidate back to the source and assemble the Document."""
    lists: dict[str, list] = {kind: [] for kind in RECORD_TYPES}
    for cand in sorted(doc.candidates, key=lambda c: (c.start, c.end)):
        lists[cand.kind].append(_record(doc, cand))
    counts = Counter((o.name, o.kind) for o in lists["organisations"])
    by_start = {kind: (records, [r.start for r in records]) for kind, records in lists.items()}
    articles = [_article(doc, art, by_start) for art in doc.articles]
    return Document(
        reference_date=doc.reference_date,
        reference_date_source=doc.reference_date_source,
        articles=articles,
        organisation_summary=[OrganisationSummary(name=n, kind=k, mentions=c)
                              for (n, k), c in counts.most_common()],
        warnings=[Warning_(rule_id=r, message=m) for r, m in doc.warnings],
        **lists,
    )
