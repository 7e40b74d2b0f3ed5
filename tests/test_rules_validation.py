"""Broken rules files fail at load with a RulesError naming the file and the entry;
an extra rules folder extends the defaults without Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from gonghui_extract import Pipeline, RulesError


def _folder(tmp_path: Path, relpath: str, content: str) -> Path:
    path = tmp_path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("relpath", "content", "entry", "problem"), [
    ("metrics/units.yaml", "units:\n  - id: unit.x\n    surfaces: [桶\n", "line", "not valid YAML"),
    ("metrics/units.yaml", "units:\n  - id: unit.barrel\n    unit: 桶\n", "unit.barrel", "Field required"),
    ("metrics/units.yaml", "units:\n  - id: unit.barrel\n    surfaces: 7\n", "unit.barrel", "valid list"),
    ("metrics/units.yaml", "units:\n  - id: unit.barrel\n    surfaces: [桶]\n    money: maybe\n",
     "unit.barrel", "valid boolean"),
    ("metrics/units.yaml", "units:\n  - id: unit.barrel\n    surfaces: [桶]\n    colour: red\n",
     "unit.barrel", "Extra inputs"),
    ("metrics/units.yaml", "unitz: []\n", "unitz", "Extra inputs"),
    ("metrics/negatives.yaml", "negatives:\n  - id: neg.broken\n    pattern: '第{number}(['\n",
     "neg.broken", "bad regex"),
    ("metrics/negatives.yaml", "negatives:\n  - id: neg.empty\n    note: neither pattern nor words\n",
     "neg.empty", "either `pattern` or `words`"),
    ("metrics/qualifiers.yaml", "qualifiers:\n  - id: qual.odd\n    qualifier: roughly\n    before: [约莫]\n",
     "qual.odd", "'exact', 'over'"),
    ("metrics/indicators.yaml", "after_max: many\n", "after_max", "valid integer"),
    ("numerals.yaml", "digits: [一, 二]\n", "digits", "valid dictionary"),
])
def test_broken_file_names_file_and_entry(tmp_path: Path, relpath: str, content: str, entry: str,
                                          problem: str) -> None:
    folder = _folder(tmp_path, relpath, content)
    with pytest.raises(RulesError) as err:
        Pipeline(rules=["default", folder])
    assert err.value.path.endswith(relpath)
    assert entry in (err.value.entry or "")
    assert problem in err.value.problem
    assert relpath in str(err.value)


def test_nonexistent_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-rules"
    with pytest.raises(RulesError, match="does not exist") as err:
        Pipeline(rules=["default", missing])
    assert err.value.path == str(missing)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "metrics/negatives.yaml", "- id: neg.x\n  words: [x]\n")
    with pytest.raises(RulesError, match="mapping"):
        Pipeline(rules=["default", folder])


def test_extra_folder_adds_a_unit_without_python(tmp_path: Path) -> None:
    text = "全市工会慰问环卫工人送去清凉饮料300罐。"
    assert Pipeline()(text).metrics == []
    folder = _folder(tmp_path, "metrics/units.yaml",
                     "units:\n  - id: unit.can\n    surfaces: [罐]\n")
    metrics = Pipeline(rules=["default", folder])(text).metrics
    assert [(m.text, m.value, m.unit, m.rule_id) for m in metrics] == [("300罐", 300, "罐", "unit.can")]
    assert metrics[0].indicator.endswith("送去清凉饮料")


def test_extra_folder_adds_a_negative_without_python(tmp_path: Path) -> None:
    text = "获评“十佳”集体3个。"
    assert [m.text for m in Pipeline()(text).metrics] == ["3个"]
    folder = _folder(tmp_path, "metrics/negatives.yaml",
                     "negatives:\n  - id: neg.honour_count\n    pattern: '集体{number}个'\n")
    assert Pipeline(rules=["default", folder])(text).metrics == []


def test_extra_folder_keeps_default_scalars(tmp_path: Path) -> None:
    """A folder that only adds list entries must not reset the defaults' single values."""
    text = "五年来，台山市工会系统新组建工会超280家，发放帮扶救助金523.4万元。"
    folder = _folder(tmp_path, "metrics/indicators.yaml", "lead_words: [台山市]\n")
    default = [(m.text, m.indicator) for m in Pipeline()(text).metrics]
    assert [(m.text, m.indicator) for m in Pipeline(rules=["default", folder])(text).metrics] == default


def test_extra_file_setting_one_field_keeps_the_defaults_other_fields(tmp_path: Path) -> None:
    """A user normalise.yaml that only adds a drop pattern must not reset `keep` or `opencc`."""
    from gonghui_extract.normalise import NormaliseRules

    (tmp_path / "normalise.yaml").write_text(
        "drop:\n  - id: drop.user_marker\n    pattern: '※'\n", encoding="utf-8")
    default = Pipeline().rules.get(NormaliseRules)
    merged = Pipeline(rules=["default", tmp_path]).rules.get(NormaliseRules)
    assert merged.keep == default.keep and merged.opencc == default.opencc
    assert [d.id for d in merged.drop] == [*(d.id for d in default.drop), "drop.user_marker"]
    doc = Pipeline(rules=["default", tmp_path]).doc("会员※65.2万人")
    assert "※" not in doc.view
