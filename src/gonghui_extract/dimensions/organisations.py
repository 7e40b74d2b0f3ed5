"""The organisations dimension (to be built)."""

from __future__ import annotations

from ..doc import Doc
from ..pipeline import component
from ..rules import Rules


@component("organisations")
def find_organisations(doc: Doc, rules: Rules) -> None:
    """Nothing yet."""
