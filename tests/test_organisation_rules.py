"""The organisation rules files: validated by their schemas, extendable by another folder, errors named."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gonghui_extract
from gonghui_extract import Pipeline
from gonghui_extract.dimensions.organisations import OrgSuffixes
from gonghui_extract.doc import ArticleSpan
from gonghui_extract.rules import RulesError


def _folder(tmp_path: Path, relpath: str, text: str) -> Path:
    target = tmp_path / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_rules_load() -> None:
    suffixes = gonghui_extract.default_pipeline().rules.get(OrgSuffixes)
    assert {g.kind for g in suffixes.groups} == {"union", "company", "party", "government", "other"}


def test_unknown_kind_names_file_and_entry(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "organisations/suffixes.yaml",
                     "groups:\n  - {id: org.x, kind: club, start: any, surfaces: [俱乐部]}\n")
    with pytest.raises(RulesError, match=r"suffixes.yaml: entry groups\[0\].kind \(id org.x\)"):
        Pipeline(rules=["default", folder])


def test_typo_key_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "organisations/boundaries.yaml", "cut_word: [在]\n")
    with pytest.raises(RulesError, match="cut_word"):
        Pipeline(rules=["default", folder])


def test_bad_canonical_pattern_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "organisations/abbreviations.yaml",
                     "canonical:\n  - {pattern: '(unclosed', replace: x}\n")
    with pytest.raises(RulesError, match="bad pattern"):
        Pipeline(rules=["default", folder])


def test_bad_divisions_line_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "regions/divisions.tsv", "12345\t某县\n")
    with pytest.raises(RulesError, match="line 1"):
        Pipeline(rules=["default", folder])("某县总工会")


def test_a_suffix_added_by_a_user_folder_needs_no_python(tmp_path: Path) -> None:
    text = "江门市龙舟队开展活动"
    assert Pipeline()(text).organisations == []
    folder = _folder(tmp_path, "organisations/suffixes.yaml",
                     "groups:\n  - {id: org.user.club, kind: other, start: place, surfaces: [龙舟队]}\n")
    (org,) = Pipeline(rules=["default", folder])(text).organisations
    assert (org.text, org.kind, org.rule_id) == ("江门市龙舟队", "other", "org.user.club")


def test_each_article_is_its_own_scope_and_gets_a_region() -> None:
    """With several articles, 市总工会 takes the region of its own article, written to the article."""
    pipeline = gonghui_extract.default_pipeline()
    text = "揭阳市总工会召开会议。\n中山市总工会举行培训,市总工会全体人员参加。"
    doc = pipeline.doc(text)
    cut = text.index("中山")
    doc.articles[:] = [ArticleSpan(0, cut), ArticleSpan(cut, len(doc.view))]
    doc.candidates.clear()
    from gonghui_extract.dimensions.organisations import find_organisations

    find_organisations(doc, pipeline.rules)
    names = [c.fields["name"] for c in doc.candidates]
    assert names == ["揭阳市总工会", "中山市总工会", "中山市总工会"]
    assert [a.meta["region"] for a in doc.articles] == ["揭阳市", "中山市"]


def test_records_carry_rule_and_resolution() -> None:
    doc = gonghui_extract.extract("台山市总工会联合市司法局举办研讨会")
    assert [(o.rule_id, o.resolution) for o in doc.organisations] == [
        ("org.union.federation", "as_written"), ("org.government.body", "region")]
    assert doc.organisation_summary[0].name == "台山市总工会"


def test_odd_input_does_not_hang_or_fail() -> None:
    for text in ["", "总工会", "市委", "(((((((有限公司", "—" * 50 + "公司", "工会" * 500, "8亿元人民币"]:
        gonghui_extract.extract(text)


PIECES = [*"市省县区镇委会工总司公局院学行社()（）、,。“”《》 —", "\n", "\n\n",
          "总工会", "有限公司", "市委", "省总", "全总", "中央", "江门", "台山市", "鼓楼区",
          "滨海", "党支部", "工会", "经开区", "等3家企业", "生产部"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_gives_valid_spans(text: str) -> None:
    for org in gonghui_extract.extract(text).organisations:
        assert 0 <= org.start < org.end <= len(text)
        assert text[org.start:org.end] == org.text
        assert org.name
