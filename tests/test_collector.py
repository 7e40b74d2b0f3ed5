"""The garbage collector is paused for one extraction (a long text's full collections walk every
record made so far) and left as the caller had it, also when calls overlap in threads."""

from __future__ import annotations

import gc
import threading

import pytest

from gonghui_extract import Pipeline
from gonghui_extract.pipeline import COMPONENTS

TEXT = "五年来，新组建工会超280家，发放帮扶救助金523.4万元。"


@pytest.fixture
def collector_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _pipeline_recording(monkeypatch: pytest.MonkeyPatch, seen: list[bool],
                        barrier: threading.Barrier | None = None) -> Pipeline:
    """The default pipeline with a first component that notes whether the collector runs
    (registered for this test only)."""
    def note(doc, rules) -> None:
        seen.append(gc.isenabled())
        if barrier is not None:
            barrier.wait(timeout=10)

    monkeypatch.setitem(COMPONENTS, "test.note_collector", note)
    names = Pipeline().component_names
    return Pipeline(components=["test.note_collector", *names])


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_is_off_during_a_call_and_on_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    doc = _pipeline_recording(monkeypatch, seen)(TEXT, "2023-11-15")
    assert [m.text for m in doc.metrics] == ["超280家", "523.4万元"]
    assert seen == [False] and gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        _pipeline_recording(monkeypatch, [])(TEXT)
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_enabled")
def test_overlapping_calls_in_threads_turn_it_back_on_once_the_last_ends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    barrier = threading.Barrier(2)
    pipeline = _pipeline_recording(monkeypatch, seen, barrier)
    threads = [threading.Thread(target=pipeline, args=(TEXT,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == [False, False] and gc.isenabled()
