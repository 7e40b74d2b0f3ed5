"""The dates dimension (to be built)."""

from __future__ import annotations

from ..doc import Doc
from ..pipeline import component
from ..rules import Rules


@component("dates")
def find_dates(doc: Doc, rules: Rules) -> None:
    """Nothing yet."""
