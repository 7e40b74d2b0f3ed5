"""gonghui_extract: metrics, dates and organisations from Chinese trade-union press.

    >>> import gonghui_extract
    >>> doc = gonghui_extract.extract("发放帮扶救助金523.4万元", reference_date="2023-11-15")
    >>> doc.metrics[0].value
    5234000.0
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from .numerals import NumberParser, NumeralTables
from .pipeline import Pipeline
from .records import Article, DateMention, Document, Metric, Organisation
from .rules import RulesError

__all__ = [
    "Article",
    "DateMention",
    "Document",
    "Metric",
    "Organisation",
    "Pipeline",
    "RulesError",
    "extract",
    "parse_number",
]
__version__ = "0.1.0"


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The pipeline over the bundled rules, built once per process."""
    return Pipeline()


def extract(text: str, reference_date: date | str | None = None) -> Document:
    """Every metric, date and organisation of ``text``, offsets into ``text`` as given."""
    return default_pipeline()(text, reference_date)


def parse_number(text: str) -> float | None:
    """The whole string as a number (一千二百万, 2.3万, ３５０, 1,200, 百分之九十五), else None."""
    return NumberParser(default_pipeline().rules.get(NumeralTables)).parse(text)
