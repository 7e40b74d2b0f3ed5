"""The example tables of corpus/examples/*.yaml, one test per example (Duckling style).

Each table has ``examples:`` (must pass) and ``xfail:`` (known gaps, with a
``reason``; they fail the run when they start passing, so the table always
says what the library does today).  An example lists the records expected of
its dimension; every field given must match, and unless ``partial: true`` no
other record of that dimension may be found.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

import gonghui_extract

EXAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "examples"


def _cases():
    for table in sorted(EXAMPLES.glob("*.yaml")):
        dimension = table.stem
        data = yaml.safe_load(table.read_text(encoding="utf-8")) or {}
        for section in ("examples", "xfail"):
            for i, case in enumerate(data.get(section) or []):
                known_gap = pytest.mark.xfail(strict=True, reason=case.get("reason", ""))
                marks = [known_gap] if section == "xfail" else []
                case_id = f"{dimension}-{section}{i}-{case['text'][:16]}"
                yield pytest.param(dimension, case, id=case_id, marks=marks)


def _same(expected, got) -> bool:
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers) and not isinstance(expected, bool):
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-9)
    return str(expected) == str(got) if expected is not None else got is None


@pytest.mark.parametrize(("dimension", "case"), list(_cases()))
def test_example(dimension: str, case: dict) -> None:
    doc = gonghui_extract.extract(case["text"], reference_date=case.get("reference_date"))
    found = doc.model_dump(mode="json")[dimension]
    for record in found:
        assert case["text"][record["start"]:record["end"]] == record["text"]
    unmatched = list(found)
    for want in case.get("expect") or []:
        hit = next((r for r in unmatched if all(_same(v, r.get(k)) for k, v in want.items())), None)
        assert hit is not None, f"expected {want}\n  found {[{k: r.get(k) for k in want} for r in found]}"
        unmatched.remove(hit)
    if not case.get("partial"):
        assert not unmatched, f"unexpected {[r['text'] for r in unmatched]}"
