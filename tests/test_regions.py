"""The GB/T 2260 gazetteer: codes valid, hierarchy right, ambiguity reported rather than guessed."""

from __future__ import annotations

import pytest

import gonghui_extract
from gonghui_extract.dimensions.regions import Division, Gazetteer, RegionNames, gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return gazetteer(gonghui_extract.default_pipeline().rules)


def test_table_covers_every_level(gaz: Gazetteer) -> None:
    levels = [d.level for d in gaz.by_code.values()]
    assert levels.count("province") >= 34
    assert levels.count("city") >= 330
    assert levels.count("county") >= 2800


def test_codes_are_six_digits_and_parents_exist(gaz: Gazetteer) -> None:
    for div in gaz.by_code.values():
        assert len(div.code) == 6 and div.code.isdigit(), div
        parent = gaz.parent(div)
        if div.level == "province":
            assert parent is None
        else:
            assert parent is not None and parent.code in gaz.by_code, div
            assert parent.code[:2] == div.code[:2]


def test_county_level_city_hierarchy(gaz: Gazetteer) -> None:
    (taishan,) = gaz.divisions("台山市")
    assert [(d.name, d.code, d.level) for d in gaz.chain(taishan)] == [
        ("台山市", "440781", "county"), ("江门市", "440700", "city"), ("广东省", "440000", "province")]
    assert gaz.divisions("台山") == [taishan]


def test_short_forms_drop_type_and_ethnic_words(gaz: Gazetteer) -> None:
    assert [d.code for d in gaz.divisions("广西")] == ["450000"]
    assert [d.code for d in gaz.divisions("江门")] == ["440700"]
    assert [d.name for d in gaz.divisions("盱眙")] == ["盱眙县"]
    assert gaz.divisions("市中") == []  # 市中区 is written in full only


def test_zone_resolves_to_its_parent(gaz: Gazetteer) -> None:
    assert [d.code for d in gaz.divisions("湛江经济技术开发区")] == ["440800"]
    assert [d.code for d in gaz.divisions("湛江经开区")] == ["440800"]


@pytest.mark.parametrize("name", ["鼓楼区", "朝阳区", "市中区", "滨海"])
def test_ambiguous_names_have_several_readings(gaz: Gazetteer, name: str) -> None:
    assert len(gaz.divisions(name)) >= 2


def test_context_resolves_ambiguity(gaz: Gazetteer) -> None:
    readings = gaz.divisions("滨海")
    (jiangsu,) = gaz.divisions("江苏省")
    (nanjing,) = gaz.divisions("南京市")
    assert [d.name for d in gaz.resolve(readings, [jiangsu])] == ["滨海县"]
    assert [d.code for d in gaz.resolve(gaz.divisions("鼓楼区"), gaz.chain(nanjing))] == ["320106"]
    assert len(gaz.resolve(gaz.divisions("鼓楼区"), [jiangsu])) == 2  # Nanjing and Xuzhou: still ambiguous


def test_every_resolved_region_in_the_seeds_has_a_valid_code(gaz: Gazetteer) -> None:
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
    checked = 0
    for path in sorted(seeds.glob("*.txt")):
        for org in gonghui_extract.extract(path.read_text(encoding="utf-8")).organisations:
            for region in (org.province, org.city, org.county):
                if region is not None:
                    assert gaz.by_code[region.code].name == region.name
                    assert gaz.by_code[region.code].level == region.level
                    checked += 1
    assert checked > 100


def test_ambiguous_place_is_reported_not_picked() -> None:
    (org,) = gonghui_extract.extract("鼓楼区总工会开展送清凉活动").organisations
    assert org.county is None and org.city is None
    assert len(org.ambiguous_regions) == 4
    assert all(r.endswith(")") for r in org.ambiguous_regions)


def test_context_picks_the_reading() -> None:
    doc = gonghui_extract.extract("福州市总工会部署工作,鼓楼区总工会开展送清凉活动")
    gulou = doc.organisations[1]
    assert gulou.county is not None and gulou.county.code == "350102"
    assert gulou.city is not None and gulou.city.code == "350100"
    assert gulou.ambiguous_regions == []


def test_bad_zone_parent_is_a_rules_error() -> None:
    from gonghui_extract.rules import RulesError

    names = RegionNames(zones=[{"name": "某开发区", "parent": "999999"}])
    with pytest.raises(RulesError, match="unknown parent code 999999"):
        Gazetteer([("440000", "广东省")], names)


def test_division_levels() -> None:
    assert Division("440000", "广东省").level == "province"
    assert Division("440700", "江门市").level == "city"
    assert Division("440781", "台山市").level == "county"
