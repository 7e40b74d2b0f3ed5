"""Pages of several items: seed 003 (six news items) and seed 004 (interleaved pieces of five)."""

from __future__ import annotations

from pathlib import Path

import pytest

import gonghui_extract
from gonghui_extract import Pipeline
from gonghui_extract.doc import Candidate, Doc
from gonghui_extract.rules import RulesError

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def squeeze(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())


@pytest.fixture(scope="module")
def page_003():
    text = seed("003")
    return text, gonghui_extract.extract(text, reference_date="2024-04-03")


@pytest.fixture(scope="module")
def page_004():
    text = seed("004")
    return text, gonghui_extract.extract(text)


def test_seed_003_has_its_six_items_with_titles(page_003) -> None:
    _, doc = page_003
    assert [a.kind for a in doc.articles] == ["article"] * 6
    assert [a.index for a in doc.articles] == list(range(6))
    assert [squeeze(a.title) for a in doc.articles] == [
        '"工会代表制"逐步实现县(市、区)全覆盖',
        "用创新思维和办法推动工会工作争创一流",
        '"劳模工匠助企行"菜单式服务成效初显',
        "潮州市总工会经审会召开十五届十次全会",
        "湛江经济技术开发区总工会开展女职工普法宣传",
        "韶关市武江区总工会部署基层工联会工作",
    ]
    assert [a.column for a in doc.articles[:3]] == ["揭阳市总工会", "中山市总工会", "江门市总工会"]


def test_seed_003_bylines_credits_and_datelines(page_003) -> None:
    _, doc = page_003
    credits = [a.source_credit for a in doc.articles]
    assert credits[:2] == ["(揭阳工)", "(中山工)"] and credits[3] == "(卢秀樱)"
    jiangmen, zhanjiang, shaoguan = doc.articles[2], doc.articles[4], doc.articles[5]
    assert [(x.name, x.role) for x in jiangmen.authors] == [("许接英", "全媒体记者"), ("凌向中", "通讯员")]
    assert [(x.name, x.role) for x in zhanjiang.authors] == [
        ("誉建业", "全媒体记者"), ("凌海飞", "通讯员"), ("任琼", "通讯员")]
    assert [x.name for x in shaoguan.authors] == ["徐亚辉", "赖海欣"]
    assert doc.articles[0].dateline == "本报讯 3月29日"
    assert squeeze(zhanjiang.dateline).endswith("3月27日至4月1日")
    assert doc.articles[1].dateline == "本报讯"  # a lead with no date


def test_seed_003_photo_caption_stays_inside_its_item(page_003) -> None:
    text, doc = page_003
    zhongshan = doc.articles[1]
    captions = [p.text for p in zhongshan.parts if p.role == "caption"]
    assert captions == ["■2024年中山工会工作创新培训班现场"]
    assert "劳动领域政治安全风险" in text[zhongshan.start:zhongshan.end]  # the sentence the caption cut
    assert [p.text for p in zhongshan.parts if p.role == "photo_credit"] == ["单位供图"]


def test_articles_tile_the_page_and_parts_point_into_the_source(page_003, page_004) -> None:
    for text, doc in (page_003, page_004):
        assert doc.articles[0].start == 0
        assert all(a.end <= b.start for a, b in zip(doc.articles, doc.articles[1:], strict=False))
        assert "".join(text[a.start:b.start] for a, b in zip(doc.articles, doc.articles[1:], strict=False)) \
            + text[doc.articles[-1].start:] == text[doc.articles[0].start:]
        for article in doc.articles:
            for part in article.parts:
                assert text[part.start:part.end] == part.text
                assert article.start <= part.start and part.end <= article.end


# sentences that only one item of seed 004 holds: an article must not hold two items' sentences
ITEMS_004 = {
    "盱眙": ["盱眙县总工会连续四年获全国", "小编说", "特色带动,用好“孵化器”"],
    "江阴": ["江阴市委、市政府高度重视产改工作", "主体责任、职工主体意识", "彰显地位强内力",
             "构建产业工人服"],
    "济宁": ["每周二、四直播", "来源:《工人日报》"],
    "滨海": ["滨海县总工会大力推进职工书屋建设", "召开阅读分享会", "478场(次)", "“四个一点”工作法"],
    "扬州": ["扬州蜀冈—瘦西湖风景名胜区总工会", "尤嘉 张丙涛 摄"],
}


def test_seed_004_interleaved_items_never_mix(page_004) -> None:
    text, doc = page_004
    assert 5 <= len(doc.articles) <= 8
    for article in doc.articles:
        body = text[article.start:article.end]
        held = {item for item, marks in ITEMS_004.items() if any(m in body for m in marks)}
        assert len(held) <= 1, f"article {article.index} ({article.title}) mixes {held}"
    every_mark = [m for marks in ITEMS_004.values() for m in marks]
    assert all(any(m in text[a.start:a.end] for a in doc.articles) for m in every_mark)


def test_seed_004_headed_items_and_fragments(page_004) -> None:
    _, doc = page_004
    titled = {squeeze(a.title): a for a in doc.articles if a.title}
    assert set(titled) >= {"抓实「六项举措」,推动工会工作高质量发展", "聚力“四强”打造江阴产改新风景",
                           "工会送清凉防暑保安康", "建好职工书屋助力打造学习型企业"}
    xuyi = titled["抓实「六项举措」,推动工会工作高质量发展"]
    assert xuyi.column == "【主席之声】"
    assert [(x.name, x.role) for x in xuyi.authors] == [("陈健", "盱眙县政协副主席、县总工会主席")]
    assert [x.name for x in titled["工会送清凉防暑保安康"].authors] == []
    photo = titled["工会送清凉防暑保安康"]
    assert [p.text for p in photo.parts if p.role == "photo_credit"] == ["尤嘉 张丙涛 摄"]
    jining = next(a for a in doc.articles if a.column == "【他山之石】")
    assert jining.source_credit == "来源:《工人日报》"
    fragments = [a for a in doc.articles if a.kind == "fragment"]
    assert len(fragments) >= 1 and all(a.title is None for a in fragments)


def test_records_are_listed_on_the_article_that_holds_them() -> None:
    """Each article lists the records whose span lies inside it (whatever component made them)."""
    pipeline = Pipeline(components=["normalise", "segment"])
    text = seed("003")
    doc = pipeline.doc(text)
    at = doc.view.index("3月29日")
    doc.candidates.append(Candidate("dates", at, at + 5, {"granularity": "day"}, "test.date"))
    from gonghui_extract.build import to_document

    document = to_document(doc)
    holders = [a for a in document.articles if a.dates]
    assert [a.index for a in holders] == [0]
    assert holders[0].dates[0].text == "3月29日"


def test_a_page_without_furniture_is_one_untitled_article() -> None:
    doc = gonghui_extract.extract("今年上半年,全市新建工会32家。发展会员1494人。")
    assert len(doc.articles) == 1
    assert doc.articles[0].kind == "fragment" and doc.articles[0].title is None


def test_a_new_column_label_is_a_rule_not_code(tmp_path: Path) -> None:
    (tmp_path / "segment.yaml").write_text(
        "roles:\n  - id: user.column.star\n    role: column\n    pattern: '^☆[^☆]{1,10}☆$'\n",
        encoding="utf-8")
    text = ("☆工会动态☆\n\n第一条消息的标题\n\n本报讯 全市工会开展活动,成效明显。\n\n"
            "☆基层之声☆\n\n第二条消息的标题\n\n正文内容,很好。")
    default = Pipeline()(text)
    extended = Pipeline(rules=["default", tmp_path])(text)
    assert [a.column for a in extended.articles] == ["☆工会动态☆", "☆基层之声☆"]
    assert len(default.articles) < len(extended.articles)


def test_a_role_outside_the_schema_is_a_rules_error(tmp_path: Path) -> None:
    (tmp_path / "segment.yaml").write_text(
        "roles:\n  - id: user.bad\n    role: sidebar\n    pattern: '^x$'\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"user\.bad"):
        Pipeline(rules=["default", tmp_path])("x")


def test_doc_sentences_never_cross_an_article_boundary() -> None:
    pipeline = Pipeline(components=["normalise", "segment"])
    doc: Doc = pipeline.doc(seed("004"))
    starts = {a.start for a in doc.articles}
    for s, e in doc.sentences:
        assert not any(s < b < e for b in starts)


def test_credit_spans_for_components_that_must_skip_them() -> None:
    from gonghui_extract.segment import furniture_spans

    doc = Pipeline(components=["normalise", "segment"]).doc(seed("004"))
    credits = [doc.view[s:e] for s, e in furniture_spans(doc)]
    assert "盱眙县政协副主席、县总工会主席陈健" in credits  # its 县总工会 is no organisation mention
    assert "来源:《工人日报》" in credits
    assert all(doc.view[s:e] != "建好职工书屋助力打造学习型企业" for s, e in furniture_spans(doc))


def test_articles_command_decodes_lists_and_names_what_it_skips(tmp_path: Path, capsys) -> None:
    import json

    from gonghui_extract.cli import main

    gbk = tmp_path / "page.txt"
    gbk.write_bytes(seed("003").encode("gb18030"))
    binary = tmp_path / "scan.bin"
    binary.write_bytes(bytes(range(256)) * 2)
    assert main(["articles", str(gbk), str(binary)]) == 1
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 6 and {r["encoding"] for r in rows} == {"gb18030"}
    assert rows[0]["column"] == "揭阳市总工会" and "metrics" not in rows[0]
    assert "scan.bin" in err


def test_a_parenthesised_byline_closing_an_item_is_a_byline_not_a_heading() -> None:
    text = ("市总工会举办技能竞赛\n\n本报讯 日前,市总工会举办职工技能竞赛,300名职工参赛。\n\n"
            "(记者 张三 通讯员 李四)\n\n县总工会开展送清凉活动\n\n本报讯 连日来,县总工会深入一线。")
    doc = gonghui_extract.extract(text)
    assert [squeeze(a.title) for a in doc.articles] == ["市总工会举办技能竞赛", "县总工会开展送清凉活动"]
    assert [(x.name, x.role) for x in doc.articles[0].authors] == [("张三", "记者"), ("李四", "通讯员")]


def test_seed_004_fragments_point_only_to_their_own_item(page_004) -> None:
    text, doc = page_004

    def item(article) -> set[str]:
        body = text[article.start:article.end]
        return {name for name, marks in ITEMS_004.items() if any(m in body for m in marks)}

    links = [(a, doc.articles[a.continues]) for a in doc.articles if a.continues is not None]
    assert all(a.kind == "fragment" and target.kind == "article" for a, target in links)
    assert all(item(a) == item(target) for a, target in links)
    binhai = next(a for a in doc.articles if "滨海县总工会大力推进职工书屋建设" in text[a.start:a.end])
    assert squeeze(doc.articles[binhai.continues].title) == "建好职工书屋助力打造学习型企业"


@pytest.mark.parametrize(("line", "is_byline"), [
    ("县总工会主席 陈健", True),
    ("滨海县总工会 李玲玲", True),
    ("江阴市总工会党组书记、常务副主席 蒋万春", True),
    ("江门市总工会 送清凉", False),  # a heading: 送 is no surname
    ("武江区人大常委会副主任出席", False),
    ("韶关市武江区总工会 部署基层工联会工作", False),
])
def test_a_byline_names_a_person(line: str, is_byline: bool) -> None:
    from gonghui_extract.segment import furniture_spans

    doc = Pipeline(components=["normalise", "segment"]).doc(line)
    assert bool(furniture_spans(doc)) is is_byline
