"""The pipeline: named components, each with one job, run in the order rules/pipeline.yaml gives.

A component is a callable ``(doc, rules) -> None`` registered with
``@component("name")``; it may read what earlier components left on the Doc and
adds to it.  ``Pipeline`` loads the rules once and is cheap to call many times.
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .build import to_document
from .doc import Doc
from .records import Document
from .rules import RuleFile, Rules, RulesError, default_rules_dir, rule_file

Component = Callable[[Doc, Rules], None]
COMPONENTS: dict[str, Component] = {}

#: modules that register components; importing them registers their rule schemas too
_COMPONENT_MODULES = (
    "gonghui_extract.normalise",
    "gonghui_extract.segment",
    "gonghui_extract.dimensions.dates",
    "gonghui_extract.dimensions.metrics",
    "gonghui_extract.dimensions.periods",
    "gonghui_extract.dimensions.organisations",
)


def component(name: str) -> Callable[[Component], Component]:
    """Register a pipeline component under ``name``."""

    def register(fn: Component) -> Component:
        COMPONENTS[name] = fn
        return fn

    return register


@rule_file("pipeline.yaml")
class PipelineConfig(RuleFile):
    """Which components run, in order."""

    components: list[str] = []


def _load_components() -> None:
    for module in _COMPONENT_MODULES:
        importlib.import_module(module)


def parse_reference(value: date | str | None) -> date | None:
    """A reference date from a date or an ISO string; None stays None."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValueError(f"reference_date must be YYYY-MM-DD, got {value!r}") from exc


_pause_lock = threading.Lock()
_pausing = 0  # calls now running with the collector paused by this module


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one extraction, then as it was.

    A call allocates a record, a dict and a few tuples per match and no reference cycles, so
    collections find nothing to free; but each full one walks every object alive, the records
    made so far included, which makes one long text (a whole e-paper issue, 1 M characters:
    five full collections, about 13 % of the call) cost more per character than its articles
    one by one.  Counted across threads: the last call out turns the collector back on, and
    a collector the caller had turned off stays off.
    """
    global _pausing
    with _pause_lock:
        owned = _pausing > 0 or gc.isenabled()
        if owned:
            _pausing += 1
            gc.disable()
    try:
        yield
    finally:
        if owned:
            with _pause_lock:
                _pausing -= 1
                if not _pausing:
                    gc.enable()


class Pipeline:
    """Rules loaded once, components run in order: ``Pipeline()(text)``."""

    def __init__(self, rules: Iterable[Path | str] | None = None, components: list[str] | None = None):
        _load_components()
        folders = [default_rules_dir() if r == "default" else Path(r) for r in (rules or ["default"])]
        self.rules = Rules(folders)
        names = components or self.rules.get(PipelineConfig).components
        unknown = [n for n in names if n not in COMPONENTS]
        if unknown:
            raise RulesError("pipeline.yaml", "components", f"unknown component(s) {unknown}; "
                             f"registered: {sorted(COMPONENTS)}")
        self.component_names = names
        self._steps = [COMPONENTS[n] for n in names]

    def __call__(self, text: str, reference_date: date | str | None = None) -> Document:
        """Extract every record of ``text``; relative dates resolve against ``reference_date``."""
        with collector_paused():
            return to_document(self.doc(text, reference_date))

    def doc(self, text: str, reference_date: date | str | None = None) -> Doc:
        """Run the components and return the working Doc (for debugging rules)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        ref = parse_reference(reference_date)
        doc = Doc(text=text, reference_date=ref, reference_date_source="given" if ref else "none")
        for step in self._steps:
            step(doc, self.rules)
        return doc
