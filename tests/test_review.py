"""The review page: structure, overlapping marks, escaping, gold marking, and a real browser's rendering."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

import gonghui_extract
from gonghui_extract.cli import main
from gonghui_extract.evaluate import pair
from gonghui_extract.records import Article, DateMention, Document, Metric, Organisation, Period
from gonghui_extract.review import (
    MISSED_COLOUR,
    TYPE_COLOURS,
    ReviewInput,
    build_page,
    review_items,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))
VOID = {"meta", "br", "img", "input", "link", "hr"}


class Page(HTMLParser):
    """What a reader sees: marks with their classes, titles and text, and the text of each article."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.marks: list[dict] = []
        self.mark_text: dict[str, str] = defaultdict(str)
        self.texts: list[str] = []
        self.tags: dict[str, int] = defaultdict(int)
        self.rows: list[dict] = []
        self.fetches: list[tuple[str, dict]] = []  # anything that would load from elsewhere
        self.feed(page)
        self.close()
        assert not self.stack, f"unclosed {self.stack}"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        if tag == "link" or {"src", "href"} & set(attrs):
            self.fetches.append((tag, attrs))
        if tag == "mark":
            self.marks.append(attrs)
        if tag == "tr" and "data-item" in attrs:
            self.rows.append(attrs)
        if tag == "div" and attrs.get("class") == "text":
            self.texts.append("")
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        opened, _ = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"

    def handle_data(self, data):
        inside = [attrs for tag, attrs in self.stack]
        if any(a.get("class") == "text" for a in inside):
            self.texts[-1] += data
            for attrs in inside:
                if "data-item" in attrs and "title" in attrs:
                    self.mark_text[attrs["data-item"]] += data


def _classes(mark: dict) -> set[str]:
    return set(mark["class"].split())


TEXT = "今年5月，台山市总工会发放帮扶救助金523.4万元，惠及职工超2000人。"


def _document(text: str = TEXT) -> Document:
    """Records of every type, one nested in another and two crossing."""
    def at(s: str) -> tuple[int, int]:
        return text.index(s), text.index(s) + len(s)

    money, people, month = at("523.4万元"), at("超2000人"), at("今年5月")
    org, inner_org, crossing = at("台山市总工会"), at("市总工会"), at("救助金523.4")
    return Document(
        metrics=[Metric(start=money[0], end=money[1], text="523.4万元", value=5234000, unit="元",
                        raw_number="523.4万", magnitude=10000, indicator="发放帮扶救助金", rule_id="t.money"),
                 Metric(start=people[0], end=people[1], text="超2000人", value=2000, unit="人",
                        qualifier="over", raw_number="2000", rule_id="t.people",
                        period=Period(start_date=date(2023, 5, 1), end_date=date(2023, 5, 31),
                                      text="今年5月")),
                 Metric(start=crossing[0], end=crossing[1], text="救助金523.4", value=523.4, unit="元",
                        raw_number="523.4", rule_id="t.crossing")],
        dates=[DateMention(start=month[0], end=month[1], text="今年5月", start_date=date(2023, 5, 1),
                           end_date=date(2023, 5, 31), granularity="month", relative=True,
                           rule_id="t.month")],
        organisations=[Organisation(start=org[0], end=org[1], text="台山市总工会", name="台山市总工会",
                                    kind="union", rule_id="t.org"),
                       Organisation(start=inner_org[0], end=inner_org[1], text="市总工会",
                                    name="台山市总工会", kind="union", rule_id="t.inner")],
    )


def _records(document: Document) -> list:
    return [*document.metrics, *document.dates, *document.organisations]


def test_overlapping_marks_nest_and_keep_every_character() -> None:
    document = _document()
    page = Page(build_page([ReviewInput("hand.txt", TEXT, document)]))
    assert page.texts == [TEXT]
    assert len(page.marks) >= len(_records(document))
    items = review_items(TEXT, document, None)
    for item in items:  # each record's marks, read in order, spell exactly its text
        assert page.mark_text[str(item.number)] == TEXT[item.start:item.end]
    for item, mark_title in ((it, next(m["title"] for m in page.marks if m["data-item"] == str(it.number)))
                             for it in items):
        assert item.fields["rule_id"] in mark_title
    money = next(m for m in page.marks if "t.money" in m["title"])
    assert "metric" in _classes(money) and "value=5234000" in money["title"] and "unit=元" in money["title"]
    people = next(m for m in page.marks if "t.people" in m["title"])
    assert "period=(start_date=2023-05-01, end_date=2023-05-31, text=今年5月)" in people["title"]
    assert "qualifier=over" in people["title"] and "qualifier" not in money["title"]  # exact is the default
    month = next(m for m in page.marks if "t.month" in m["title"])
    assert "start_date=2023-05-01" in month["title"] and "end_date=2023-05-31" in month["title"]
    assert len(page.rows) == len(_records(document))


def test_text_and_fields_are_escaped() -> None:
    text = '<script>alert("x")</script> 台山市总工会 & <b>'
    start = text.index("台山")
    org = Organisation(start=start, end=start + 6, text="台山市总工会", name='"><img src=x onerror=alert(1)>',
                       kind="union", rule_id="<i>rule</i>")
    page_html = build_page([ReviewInput('<name onload="x">', text, Document(organisations=[org]))])
    page = Page(page_html)
    assert page.texts == [text]
    assert page.tags["script"] == 1 and page.tags["img"] == 0 and page.tags["b"] == 0 and page.tags["i"] == 0
    assert '"><img src=x onerror=alert(1)>' in page.marks[0]["title"]


def test_gold_marks_missed_spurious_and_wrong() -> None:
    document = _document()
    def gold_of(record, **changes):
        return {**record.model_dump(mode="json"), **changes}
    missed_at = TEXT.index("职工")
    gold = {
        "metrics": [gold_of(document.metrics[0]), gold_of(document.metrics[1], value=3000)],
        "dates": [gold_of(document.dates[0])],
        "organisations": [gold_of(document.organisations[0]),
                          {"start": missed_at, "end": missed_at + 2, "text": "职工", "name": "职工",
                           "kind": "other"}],
    }
    page = Page(build_page([ReviewInput("hand.txt", TEXT, document, gold)]))
    by_status = defaultdict(list)
    for mark in page.marks:
        for status in ("missed", "spurious", "wrong", "correct"):
            if status in _classes(mark):
                by_status[status].append(mark)
    assert {m["data-item"] for m in by_status["missed"]} == {
        r["data-item"] for r in page.rows if r["class"] == "missed"}
    assert [page.mark_text[m["data-item"]] for m in by_status["missed"]] == ["职工"]
    assert "in gold, not extracted" in by_status["missed"][0]["title"]
    spurious = {page.mark_text[m["data-item"]] for m in by_status["spurious"]}
    assert spurious == {"救助金523.4", "市总工会"}  # overlapped gold already taken by a larger overlap
    wrong = by_status["wrong"][0]
    assert page.mark_text[wrong["data-item"]] == "超2000人" and "gold: value=3000" in wrong["title"]
    assert len(page.marks) >= len(_records(document)) + 1


def test_matching_is_one_to_one_largest_overlap_first() -> None:
    gold = [{"start": 0, "end": 6}, {"start": 10, "end": 12}]
    pred = [{"start": 2, "end": 6}, {"start": 0, "end": 5}, {"start": 11, "end": 20}]
    assert sorted(pair(gold, pred)) == [(0, 1), (1, 2)]  # 0–5 overlaps 0–6 by 5, 2–6 by 4


def test_one_section_per_article_and_nothing_left_out() -> None:
    text = "第3版 要闻\n标题一\n今年5月，台山市总工会开展活动。\n标题二\n江门市总工会发放523.4万元。"
    first, second = text.index("标题一"), text.index("标题二")
    money = text.index("523.4万元")
    document = Document(
        articles=[Article(start=first, end=second, title="标题一"),
                  Article(start=second, end=len(text), title="标题二")],
        metrics=[Metric(start=money, end=money + 7, text="523.4万元", value=5234000, unit="元",
                        raw_number="523.4万")])
    page = Page(build_page([ReviewInput("page.txt", text, document)]))
    assert page.tags["article"] == 3 and page.tags["h3"] == 3  # the page header outside both articles
    assert "".join(page.texts) == text
    assert page.mark_text == {"1": "523.4万元"} and len(page.rows) == 1
    blank_between = Document(articles=[Article(start=2, end=5), Article(start=7, end=10)])
    page = Page(build_page([ReviewInput("blank.txt", "\n\n标题一\n\n标题二\n", blank_between)]))
    assert page.texts == ["\n\n标题一\n\n", "标题二\n"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_cli_highlights_every_extraction_of_a_seed(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["review", str(seed), "--gold", str(CORPUS / "gold"), "--output", str(out)]) == 0
    page_html = out.read_text(encoding="utf-8")
    page = Page(page_html)
    text = seed.read_text(encoding="utf-8")
    gold = json.loads((CORPUS / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    document = gonghui_extract.extract(text, reference_date=gold["reference_date"])
    items = review_items(text, document, gold)
    assert "".join(page.texts) == text
    assert len(page.marks) >= len(_records(document))
    assert len(page.marks) >= len(items) and len(page.rows) == len(items)
    missed = [it for it in items if it.status == "missed"]
    assert len({m["data-item"] for m in page.marks if "missed" in _classes(m)}) == len(missed)
    assert not page.fetches and "@import" not in page_html and "url(" not in page_html


def test_cli_reports_unreadable_input_and_still_writes_the_page(tmp_path: Path, capsys) -> None:
    out = tmp_path / "page.html"
    assert main(["review", str(tmp_path / "absent.txt"), str(SEEDS[0]), "--output", str(out)]) == 1
    assert "absent.txt" in capsys.readouterr().err
    page = Page(out.read_text(encoding="utf-8"))
    assert page.tags["section"] == 2 and page.texts == [SEEDS[0].read_text(encoding="utf-8")]


# ---- a real browser

def _browser() -> str | None:
    found = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    if found is None and os.environ.get("CI", "").lower() in ("", "0", "false"):
        pytest.skip("chromium is not installed (CI installs it: .ci/run)")
    assert found, "CI is set but chromium is missing: .ci/run must install it"
    return found


def _screenshot(page_file: Path, tmp_path: Path) -> dict[tuple[int, int, int], int]:
    """Render the page in headless chromium; how many pixels of the screenshot have each RGB colour."""
    browser = _browser()
    if os.environ.get("CI", "").lower() in ("", "0", "false"):
        pytest.importorskip("PIL", reason="Pillow comes with the test extra")
    from PIL import Image

    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1280,2000", page_file.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        return {colour: count for count, colour in image.convert("RGB").getcolors(maxcolors=1 << 24)}


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _pixels_of(pixels: dict[tuple[int, int, int], int], colour: str) -> int:
    want = _rgb(colour)
    return sum(n for p, n in pixels.items() if all(abs(a - b) <= 4 for a, b in zip(p, want, strict=True)))


def test_browser_renders_marks_in_their_colours(tmp_path: Path) -> None:
    document = _document()
    missed_at = TEXT.index("职工")
    gold = {**document.model_dump(mode="json"),
            "metrics": [*document.model_dump(mode="json")["metrics"],
                        {"start": missed_at, "end": missed_at + 2, "text": "职工", "value": 1, "unit": "人"}]}
    page_file = tmp_path / "page.html"
    page_file.write_text(build_page([ReviewInput("hand.txt", TEXT, document, gold)]), encoding="utf-8")
    pixels = _screenshot(page_file, tmp_path)
    assert len(pixels) > 50, "blank page"
    for _, colour in TYPE_COLOURS.values():
        assert _pixels_of(pixels, colour) > 100, colour
    assert _pixels_of(pixels, MISSED_COLOUR) > 100


def test_browser_renders_the_review_of_a_seed(tmp_path: Path) -> None:
    page_file = tmp_path / "page.html"
    seed = SEEDS[0]
    assert main(["review", str(seed), "--gold", str(CORPUS / "gold"), "--output", str(page_file)]) == 0
    pixels = _screenshot(page_file, tmp_path)
    assert len(pixels) > 50, "blank page"
    text = seed.read_text(encoding="utf-8")
    gold = json.loads((CORPUS / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    items = review_items(text, gonghui_extract.extract(text, reference_date=gold["reference_date"]), gold)
    colours = {MISSED_COLOUR if it.status == "missed" else TYPE_COLOURS[it.kind][1] for it in items}
    assert colours and max(_pixels_of(pixels, c) for c in colours) > 100


def test_cli_refuses_a_malformed_gold_file_by_name(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.json").write_text('{"file": "x.txt", "metrics": [{"start": "3"}]}', encoding="utf-8")
    assert main(["review", str(SEEDS[0]), "--gold", str(tmp_path), "--output", str(tmp_path / "p.html")]) == 2
    assert "bad.json: metrics[0]" in capsys.readouterr().err
