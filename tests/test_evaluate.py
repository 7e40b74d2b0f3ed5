"""gonghui-extract evaluate: the scoring rules, and the same figures as the project's scoring tool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gonghui_extract.cli import main
from gonghui_extract.evaluate import Score, pair, records, strict_match

ROOT = Path(__file__).resolve().parents[1]
SCORE_TOOL = ROOT.parent / "shared" / "tools" / "score.py"


def test_pairs_take_the_largest_overlap_first() -> None:
    gold = [{"start": 0, "end": 4}, {"start": 4, "end": 8}]
    pred = [{"start": 2, "end": 8}, {"start": 0, "end": 3}]
    assert sorted(pair(gold, pred)) == [(0, 1), (1, 0)]


def test_strict_rules() -> None:
    assert strict_match("metrics", {"value": 30, "unit": "名"}, {"value": 30.0000001, "unit": "人"})
    range_gold = {"value": 260, "value_max": 500, "unit": "元"}
    assert not strict_match("metrics", range_gold, {"value": 260, "unit": "元"})
    month = {"start_date": "2023-05-01", "end_date": "2023-05-31", "granularity": "month"}
    assert strict_match("dates", month, {"start_date": "2023-05-02", "end_date": "2023-05-30"})
    assert strict_match("dates", {"start_date": None, "end_date": None}, {"start_date": "2020-01-01"})
    assert strict_match("organisations", {"name": "维达纸业（中国）有限公司"},
                        {"name": "维达纸业(中国)有限公司"})


def test_records_at_any_depth_once_per_span() -> None:
    metric = {"start": 1, "end": 3, "value": 1}
    found = records({"metrics": [metric], "articles": [{"metrics": [dict(metric)]}]})
    assert found["metrics"] == [metric]


def test_score_counts_misses_and_false_hits() -> None:
    score = Score()
    hit = {"start": 0, "end": 3, "value": 5, "qualifier": "over", "indicator": "职工"}
    gold = {"metrics": [{**hit, "unit": "人"}]}
    pred = {"metrics": [{**hit, "unit": "名"}, {"start": 9, "end": 12, "value": 2, "unit": "个"}]}
    score.add("a.txt", gold, pred)
    summary = score.summary()["metrics"]
    assert (summary["strict_p"], summary["strict_r"], summary["qualifier_acc"]) == (0.5, 1.0, 1.0)
    assert summary["indicator_char_f1"] == 1.0
    assert [e[2] for e in score.errors] == ["spurious"]


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(ROOT / "corpus" / "gold"), str(ROOT / "corpus" / "seeds"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["metrics"]["gold"] > 0 and summary["metrics"]["strict_f1"] > 0


def test_cli_missing_text_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(ROOT / "corpus" / "gold"), str(tmp_path)]) == 1
    assert "No such file" in capsys.readouterr().err


@pytest.mark.skipif(not SCORE_TOOL.is_file(), reason="the project's scoring tool is not beside the checkout")
def test_same_figures_as_the_scoring_tool(capsys: pytest.CaptureFixture[str]) -> None:
    gold, seeds = str(ROOT / "corpus" / "gold"), str(ROOT / "corpus" / "seeds")
    tool = subprocess.run([sys.executable, str(SCORE_TOOL), gold, seeds, "--json", "--errors"],
                          check=True, capture_output=True, text=True).stdout.splitlines()
    assert main(["evaluate", gold, seeds, "--json", "--errors"]) == 0
    ours = capsys.readouterr().out.splitlines()
    assert json.loads(ours[-1]) == json.loads(tool[-1])
    assert [line.split("\t")[:3] for line in ours[:-1]] == [line.split("\t")[:3] for line in tool[:-1]]
