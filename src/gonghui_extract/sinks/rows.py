"""Per-article records: the unit every sink writes and the JSON Lines line format.

A file's Document holds document-level record lists; a database wants each
record keyed to the article it stands in.  ``article_records`` does that split
by offsets alone, so it works however many articles segmentation finds.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import Field

from ..records import Article, DateMention, Document, Metric, Organisation

#: the record lists of a Document that become tables, in table order
RECORD_KINDS = ("metrics", "dates", "organisations")


class ArticleRecords(Article):
    """One line of JSON Lines output: one article of one source with the records inside it.

    Offsets (the article's and every record's) are into the source's whole decoded
    text, so ``text[record.start:record.end] == record.text`` still holds.
    """

    source: str | None = Field(description="the file (or archive!member, or <stdin>) the text came from")
    content_hash: str | None = Field(description="SHA-256 of the decoded text, hex")
    encoding: str | None = Field(default=None, description="the encoding the bytes were decoded with")
    article_index: int = Field(ge=0, description="the article's position on its page, from 0")
    reference_date: date | None = None
    reference_date_source: str = "none"
    metrics: list[Metric] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)


@dataclass
class ExtractedFile:
    """What a sink writes for one source: its identity and its articles (ArticleRecords dicts)."""

    source: str
    content_hash: str
    encoding: str | None
    articles: list[dict[str, Any]] = field(default_factory=list)


def _owners(articles: list[Article]):
    """A function mapping an offset to the index of its article.

    A record belongs to the last article starting at or before it, so records in
    page furniture between articles stay with the article before them.
    """
    order = sorted(range(len(articles)), key=lambda i: articles[i].start)
    starts = [articles[i].start for i in order]
    return lambda offset: order[max(bisect_right(starts, offset) - 1, 0)]


def article_records(doc: Document, source: str | None = None, content_hash: str | None = None,
                    encoding: str | None = None) -> list[dict[str, Any]]:
    """The Document split into ArticleRecords dicts (python values: dates stay dates)."""
    articles = list(doc.articles)
    if not articles and any(getattr(doc, kind) for kind in RECORD_KINDS):
        end = max(r.end for kind in RECORD_KINDS for r in getattr(doc, kind))
        articles = [Article(start=0, end=end)]
    lists: list[dict[str, list]] = [{kind: [] for kind in RECORD_KINDS} for _ in articles]
    owner = _owners(articles)
    for kind in RECORD_KINDS:
        for record in getattr(doc, kind):
            lists[owner(record.start)][kind].append(record.model_dump())
    out = []
    for index, article in enumerate(articles):
        meta = {name: value for name, value in article.model_dump().items() if name not in RECORD_KINDS}
        out.append({
            "source": source, "article_index": index, "content_hash": content_hash, "encoding": encoding,
            "reference_date": meta.pop("reference_date", None) or doc.reference_date,
            "reference_date_source": meta.pop("reference_date_source", None) or doc.reference_date_source,
            **meta, **lists[index],
        })
    return out


def to_json_line(article: dict[str, Any]) -> str:
    """One ArticleRecords dict as a JSON line (dates as ISO strings, Chinese kept readable)."""
    return json.dumps(article, ensure_ascii=False, default=_json_default) + "\n"


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
