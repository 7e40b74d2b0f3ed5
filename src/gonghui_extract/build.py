"""Candidates (view offsets) → pydantic records (source offsets): the only place offsets map back."""

from __future__ import annotations

from collections import Counter

from .doc import Candidate, Doc
from .records import (
    Article,
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


def to_document(doc: Doc) -> Document:
    """Map every candidate back to the source and assemble the Document."""
    lists: dict[str, list] = {kind: [] for kind in RECORD_TYPES}
    for cand in sorted(doc.candidates, key=lambda c: (c.start, c.end)):
        lists[cand.kind].append(_record(doc, cand))
    counts = Counter((o.name, o.kind) for o in lists["organisations"])
    articles = []
    for art in doc.articles:
        start, end = doc.source_span(art.start, art.end)
        articles.append(Article(start=start, end=end, **art.meta))
    return Document(
        reference_date=doc.reference_date,
        reference_date_source=doc.reference_date_source,
        articles=articles,
        organisation_summary=[OrganisationSummary(name=n, kind=k, mentions=c)
                              for (n, k), c in counts.most_common()],
        warnings=[Warning_(rule_id=r, message=m) for r, m in doc.warnings],
        **lists,
    )
