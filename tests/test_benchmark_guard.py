"""The regression guard's verdicts and exit codes, with the measurement stubbed: nothing here is timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
guard = pytest.importorskip("guard")


@pytest.fixture
def baseline(tmp_path) -> Path:
    path = tmp_path / "baseline.json"
    guard.write_baseline(ratio=0.8, size_mb=0.05, repeats=1, tolerance=0.25, path=path)
    return path


def _run(monkeypatch, baseline: Path, measured: float, *flags: str) -> int:
    monkeypatch.setattr(guard, "measure_ratio", lambda articles, repeats: measured)
    return guard.main(["--baseline", str(baseline), *flags])


@pytest.mark.parametrize(("measured", "flags", "status"), [
    (0.8, (), 0),                      # as before
    (0.99, (), 0),                     # worse, within +25 %
    (1.01, (), 1),                     # worse than 0.8 × 1.25
    (0.5, (), 0),                      # faster never fails
    (0.99, ("--ceiling", "0.9"), 1),   # within tolerance, above the ceiling
    (1.01, ("--tolerance", "0.5"), 0),
])
def test_guard_fails_only_when_the_ratio_worsens_past_the_tolerance(monkeypatch, baseline, measured, flags,
                                                                    status) -> None:
    assert _run(monkeypatch, baseline, measured, *flags) == status


def test_update_stores_the_measured_ratio_and_the_corpus_size(monkeypatch, baseline) -> None:
    assert _run(monkeypatch, baseline, 0.42, "--update", "--size-mb", "0.05") == 0
    stored = json.loads(baseline.read_text(encoding="utf-8"))
    assert (stored["ratio"], stored["size_mb"]) == (0.42, 0.05)


def test_the_committed_baseline_is_a_ratio_with_a_tolerance() -> None:
    stored = guard.load_baseline()
    assert stored["ratio"] > 0 and 0 < stored["tolerance"] < 1 and stored["size_mb"] > 0
