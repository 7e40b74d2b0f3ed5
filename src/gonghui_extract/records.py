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
    ambiguous_regions: list[str] = Field(default_factory=list)


class OrganisationSummary(BaseModel):
    """One distinct organisation of a document, with how often it is mentioned."""

    name: str
    kind: OrgKind
    mentions: int


class Article(BaseModel):
    """One item of a page: its place in the source and its metadata."""

    start: int
    end: int
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    source_credit: str | None = None
    dateline: str | None = None
    region: str | None = None


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
