"""Metric periods: the time a metric's clause states (五年来…帮扶困难职工617人 → 五年来).

Runs after ``metrics``: for each metric candidate, the nearest date candidate
that ends before the metric within the same sentence gives its period.
"""

from __future__ import annotations

from bisect import bisect_right

from ..doc import Doc
from ..pipeline import component
from ..rules import Rules


@component("periods")
def link_periods(doc: Doc, rules: Rules) -> None:
    """Set ``fields["period"]`` on every metric whose clause states a time (else leave it null)."""
    dates = sorted(doc.of("dates"), key=lambda c: c.end)
    ends = [c.end for c in dates]
    for metric in doc.of("metrics"):
        sentence_start, _ = doc.sentence_at(metric.start)
        i = bisect_right(ends, metric.start) - 1
        if i < 0 or dates[i].start < sentence_start:
            continue
        when = dates[i]
        start, end = doc.source_span(when.start, when.end)
        metric.fields["period"] = {
            "start_date": when.fields["start_date"],
            "end_date": when.fields["end_date"],
            "text": doc.text[start:end],
        }
