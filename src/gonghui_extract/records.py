"""Typed records: the stable, documented output schema of the library.

Every record carries ``start``/``end`` offsets into the text exactly as the
caller gave it (end exclusive), so ``source[start:end] == record.text``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Qualifier = Literal["exact", "over", "under", "approx"]
Granularity = Literal["year", "month", "day"]
OrgKind = Literal["union", "company", "party", "government", "other"]


class Span(BaseModel):
    """A stretch of the source text, end exclusive."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0, description="offset of the first character in the source text")
    end: int = Field(ge=0, description="offset after the last character (exclusive)")
    text: str = Field(description="source[start:end], verbatim")
    rule_id: str | None = Field(default=None, description="the rule in rules/ that produced this record")


class Period(BaseModel):
    """The calendar interval a metric belongs to, taken from a date in its clause."""

    start_date: date | None
    end_date: date | None
    text: str = Field(description="the date expression the period was taken from")


class Metric(Span):
    """A number with what it counts: 新组建工会超280家, 发放帮扶救助金523.4万元."""

    value: float = Field(description="the number in base units (523.4万元 → 5234000)")
    value_max: float | None = Field(default=None, description="upper bound of a range, else null")
    unit: str = Field(description="the unit with the magnitude removed; money is 元, percent is %")
    qualifier: Qualifier = "exact"
    indicator: str | None = Field(default=None, description="what is counted, from the same clause")
    raw_number: str = Field(description="the number as written, e.g. 523.4万")
    magnitude: float = Field(default=1, description="the magnitude word's factor (万 → 10000)")
    sentence: str | None = Field(default=None, description="the sentence the metric stands in")
    period: Period | None = Field(default=None, description="the time the clause gives the metric")


class DateMention(Span):
    """A calendar reference resolved to an inclusive interval."""

    start_date: date | None = None
    end_date: date | None = None
    granularity: Granularity | None = None
    relative: bool = Field(default=False, description="resolved from the reference date")
    expression: Literal["point", "range", "anchored_duration", "since", "plan_period", "vague"] = "point"
    note: str | None = Field(default=None, description="why dates are null, when they are")


class Region(BaseModel):
    """A place in China's administrative hierarchy with its GB/T 2260 code."""

    name: str
    code: str
    level: Literal["province", "city", "county"]


class Organisation(Span):
    """A mention of a specific organisation, resolved to its full canonical name."""

    name: str = Field(description="full canonical name resolved within the article")
    kind: OrgKind
    province: Region | None = None
    city: Region | None = None
    county: Region | None = None
    ambiguous_regions: list[str] = Field(default_factory=list, description=(
        "readings of a place in the name the context could not choose between, e.g. 鼓楼区"))
    resolution: Literal["as_written", "alias", "region", "fuller_form", "short_form", "unresolved"] = Field(
        default="as_written", description="how name was completed: as written, a fixed alias, the region in "
        "view, the fullest form of the same body in the text, a company's short name, or not at all")


class OrganisationSummary(BaseModel):
    """One distinct organisation of a document, with how often it is mentioned."""

    name: str
    kind: OrgKind
    mentions: int


class ArticlePart(Span):
    """A piece of an article's furniture (title, byline, credit, caption...), with its offsets."""

    role: Literal["column", "title", "subtitle", "subhead", "byline", "dateline", "source_credit",
                  "photo_credit", "caption"]


class Author(BaseModel):
    """A name of a byline with the role written before or after it (记者, 通讯员, 摄...)."""

    name: str
    role: str | None = None


class Article(BaseModel):
    """One item of a page: its place in the source, its metadata and the records found in it.

    A page holds several items, and a scanned page may hold pieces of items
    continued elsewhere: an item with a heading is ``kind: article``; a run of
    text with no heading of its own (the rest of an item begun on another
    page) is ``kind: fragment``, never glued to a neighbour it does not belong to.
    """

    index: int = Field(default=0, description="position of the article in the document, from 0")
    kind: Literal["article", "fragment"] = "article"
    start: int
    end: int
    column: str | None = Field(default=None,
                               description="the column label above the title (【主席之声】, 揭阳市总工会)")
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    authors: list[Author] = Field(default_factory=list)
    source_credit: str | None = Field(default=None,
                                      description="(揭阳工), 来源:《工人日报》: who supplied the item")
    dateline: str | None = Field(default=None, description="本报讯 3月29日: the lead's place and date")
    region: str | None = None
    continues: int | None = Field(default=None, description="for a fragment: the index of the headed "
                                  "article it clearly reads like (its likely other part), else null")
    parts: list[ArticlePart] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)


class Warning_(BaseModel):
    """Something the extraction could not do, reported rather than hidden."""

    rule_id: str | None = None
    message: str


class Document(BaseModel):
    """Everything extracted from one text."""

    reference_date: date | None = None
    reference_date_source: Literal["given", "inferred", "none"] = "none"
    metrics: list[Metric] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    organisation_summary: list[OrganisationSummary] = Field(default_factory=list)
    articles: list[Article] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)

    def to_frames(self) -> dict:
        """One pandas DataFrame per table of the database schema (needs the ``pandas`` extra)."""
        from .sinks.tables import document_frames

        return document_frames(self)
