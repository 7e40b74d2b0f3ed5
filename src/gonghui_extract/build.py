"""Candidates (view offsets) → pydantic records (source offsets): the only place offsets map back.

Records of a kind are validated as one list (a TypeAdapter per kind), and the rest (articles,
their parts, the summary) as fields of the Document: the same validation as a model call per
object, without a Python ``__init__`` and a keyword dict each.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from operator import attrgetter

from pydantic import TypeAdapter

from .doc import ArticleSpan, Doc
from .records import (
    Article,
    DateMention,
    Document,
    Metric,
    Organisation,
)

RECORD_TYPES = {"metrics": Metric, "dates": DateMention, "organisations": Organisation}
_RECORD_LISTS = {kind: TypeAdapter(list[record_type]) for kind, record_type in RECORD_TYPES.items()}
#: the Article fields an ArticleSpan's meta may give (its parts are made record fields first)
_ARTICLE_META = frozenset(Article.model_fields) - {"parts"}
_POSITION = attrgetter("start", "end")


def _fields(doc: Doc, start: int, end: int, rule_id: str | None, fields: dict) -> dict:
    """A record's fields: ``fields`` with the view span [start, end) mapped to the source."""
    start, end = doc.source_span(start, end)
    return {**fields, "start": start, "end": end, "text": doc.text[start:end], "rule_id": rule_id}


def _inside(records: list, starts: list[int], start: int, end: int) -> list:
    """The records (sorted by start, ``starts`` their starts) whose span lies in [start, end]:
    found by bisection, so a text of many articles stays linear."""
    return [r for r in records[bisect_left(starts, start):bisect_right(starts, end)] if r.end <= end]


def _article(doc: Doc, art: ArticleSpan, lists: dict[str, tuple[list, list[int]]]) -> dict:
    """An article's fields: source offsets, its furniture and the records whose span lies inside it.

    Articles tile the source: one ends where the next begins, and what the view
    left out between them (blank lines) belongs to the article before.
    """
    start, end = (0 if art.start == 0 else doc.to_source[art.start]), doc.to_source[art.end]
    meta = {k: v for k, v in art.meta.items() if k in _ARTICLE_META}
    parts = [_fields(doc, s, e, rule_id, {"role": role}) for role, s, e, rule_id in art.meta.get("parts", [])]
    inside = {kind: _inside(records, starts, start, end) for kind, (records, starts) in lists.items()}
    return {"start": start, "end": end, "parts": parts, **meta, **inside}


def to_document(doc: Doc) -> Document:
    """Map every candidate back to the source and assemble the Document."""
    fields: dict[str, list[dict]] = {kind: [] for kind in RECORD_TYPES}
    for cand in sorted(doc.candidates, key=_POSITION):
        fields[cand.kind].append(_fields(doc, cand.start, cand.end, cand.rule_id, cand.fields))
    lists = {kind: _RECORD_LISTS[kind].validate_python(found) for kind, found in fields.items()}
    counts = Counter((o.name, o.kind) for o in lists["organisations"])
    by_start = {kind: (records, [r.start for r in records]) for kind, records in lists.items()}
    articles = [_article(doc, art, by_start) for art in doc.articles]
    return Document(
        reference_date=doc.reference_date,
        reference_date_source=doc.reference_date_source,
        articles=articles,
        organisation_summary=[{"name": n, "kind": k, "mentions": c} for (n, k), c in counts.most_common()],
        warnings=[{"rule_id": r, "message": m} for r, m in doc.warnings],
        **lists,
    )
