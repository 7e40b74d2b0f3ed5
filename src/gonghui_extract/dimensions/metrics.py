"""The metrics dimension (to be built)."""

from __future__ import annotations

from ..doc import Doc
from ..pipeline import component
from ..rules import Rules


@component("metrics")
def find_metrics(doc: Doc, rules: Rules) -> None:
    """Nothing yet."""
