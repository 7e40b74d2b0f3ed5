"""The view and its offset map: invariants, a property test, and noisy copies of the seeds.

Whatever normalisation leaves out or folds, every view character must map to
the source character it came from, and a copy of a seed with OCR noise added
(spaces between characters, line breaks inside paragraphs) or in another
encoding must give the same facts, each record's text being the source at its
offsets.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from itertools import pairwise
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import gonghui_extract
from gonghui_extract import Pipeline
from gonghui_extract.decode import decode_bytes
from gonghui_extract.segment import _soft_breaks

SEEDS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "seeds").glob("*.txt"))
NORMALISE = Pipeline(components=["normalise"])
SEGMENT = Pipeline(components=["normalise", "segment"])
#: what a drop rule may leave out of the view: whitespace and OCR's stray marks
DROPPABLE = set(" \t\u3000\n\r|¦lI")
#: what a substitute rule may read a character as: OCR's letters inside numbers
SUBSTITUTED = {("O", "0"), ("o", "0"), ("l", "1"), ("I", "1")}


def view_of(text: str):
    return NORMALISE.doc(text)


def assert_map_is_sound(text: str) -> None:
    doc = view_of(text)
    to_source = doc.to_source
    assert len(to_source) == len(doc.view) + 1
    assert to_source[-1] == len(text)
    assert all(a < b for a, b in pairwise(to_source))
    kept = set(to_source[:-1])
    assert all(text[j] in DROPPABLE for j in range(len(text)) if j not in kept)
    for i, j in enumerate(to_source[:-1]):
        # folding is per character: the character alone folds the same way, unless a
        # traditional phrase (瞭解 → 了解) chose another simplified character for it
        alone = view_of(text[j]).view
        assert (doc.view[i] in (alone, text[j]) or (text[j], doc.view[i]) in SUBSTITUTED
                or regex.match(r"\p{Han}\p{Han}", text[j] + doc.view[i]))


def test_width_folding_keeps_the_punctuation_the_rules_read() -> None:
    doc = view_of("投入１８０多万元（含补助），达８５％")
    assert doc.view == "投入180多万元（含补助），达85%"


def test_spaces_between_characters_and_numbers_leave_the_view() -> None:
    doc = view_of("市 总工会举办 2024年度会议,4月1 日")
    assert doc.view == "市总工会举办2024年度会议,4月1日"
    start, end = doc.source_span(doc.view.index("4月1日"), doc.view.index("4月1日") + 4)
    assert doc.text[start:end] == "4月1 日"


@pytest.mark.parametrize(("source", "view"), [
    ("坚持以党的政治建设为统领,充\n\n分发挥党建引领作用,多年来,台山",
     "坚持以党的政治建设为统领,充分发挥党建引领作用,多年来,台山"),
    ("及时化解矛盾纠纷、有效防范风险;常态化开展职\n\n工队伍风险排查,处理省总",
     "及时化解矛盾纠纷、有效防范风险;常态化开展职工队伍风险排查,处理省总"),
])
def test_a_word_broken_across_lines_is_joined(source: str, view: str) -> None:
    assert view_of(source).view == view


@pytest.mark.parametrize("source", [
    "砥砺奋进五年 发展成绩喜人\n\n组织体系完善,全市建立工会组织5397家,涵盖单位29063家。",  # heading
    "抓实「六项举措」, 推动工会工作高质量发展\n\n盱眙县政协副主席、县总工会主席 陈健",  # byline after a title
    "会议强调,要把问题找准、把对策提实。\n\n要进一步发挥好作用,逐步提高建制率。",  # sentence ended
    "创新思维和办法推动全市工会工作争一流,防范\n\n■2024年中山工会工作创新培训班现场",  # caption
])
def test_headings_finished_sentences_and_captions_keep_their_breaks(source: str) -> None:
    assert "\n" in view_of(source).view


def test_stray_ocr_marks_between_characters_leave_the_view() -> None:
    assert view_of("全市工|会组织").view == "全市工会组织"
    assert view_of("省道S369线").view == "省道S369线"  # a letter with a number is a code, not noise


@pytest.mark.parametrize(("source", "view"), [
    ("2O23年", "2023年"), ("发放l00人", "发放100人"), ("1OO人", "100人"), ("2O2l年", "2021年"),
    ("省道S369线", "省道S369线"), ("COVID-19", "COVID-19"), ("PM2.5", "PM2.5"), ("I2C", "I2C"),
])
def test_letters_ocr_reads_inside_numbers(source: str, view: str) -> None:
    doc = view_of(source)
    assert doc.view == view
    assert len(doc.view) == len(source)


def test_traditional_characters_are_simplified_for_matching_only() -> None:
    text = "盱眙縣總工會連續四年獲全國「書香三八」讀書活動優秀組織獎"
    doc = view_of(text)
    assert doc.view == "盱眙县总工会连续四年获全国「书香三八」读书活动优秀组织奖"
    assert len(doc.view) == len(text)
    start, end = doc.source_span(0, 6)
    assert text[start:end] == "盱眙縣總工會"


def test_the_fold_does_not_depend_on_the_texts_seen_before() -> None:
    """The characters a Rules instance has learnt (and the class that skips them) only save work."""
    warm = Pipeline(components=["normalise"])
    for earlier in ("市总工会", "投入１８０多万元", "全國總工會", "（含补助）", "达８５％ 2024年"):
        warm.doc(earlier)
    for text in ("投入１８０多万元（含补助），達８５％", "全國總工會職工", "市总工会 2024年"):
        assert warm.doc(text).view == Pipeline(components=["normalise"]).doc(text).view


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_a_big5_traditional_copy_gives_the_simplified_view(seed: Path) -> None:
    """Only 着/著 and 苏/甦 stay apart: both forms are valid simplified characters too."""
    import opencc

    clean = seed.read_text(encoding="utf-8").replace("►", "▲")  # ► is not in Big5
    traditional = opencc.OpenCC("s2tw").convert(clean)
    decoded = decode_bytes(traditional.encode("cp950", errors="replace"), seed.name)
    assert decoded.encoding == "big5" and decoded.text != clean
    want, got = view_of(clean), view_of(decoded.text)
    assert len(got.view) == len(want.view)
    unsure = set("着著甦") | {"?"}  # ? is a character Big5 lacks (礴)
    assert all(a == b or {a, b} & unsure for a, b in zip(want.view, got.view, strict=True))
    assert_map_is_sound(decoded.text)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_offset_map_of_every_seed_is_sound(seed: Path) -> None:
    assert_map_is_sound(seed.read_text(encoding="utf-8"))


NOISY_ALPHABET = st.sampled_from([*"工会总市县职万元人年月日,。、;：:“”()（） \n\u3000１２3.５|lO",
                                  "\n\n", "\r\n", *"縣總會書讀獎", "0", "9", "a", "■", "【", "】", "本报讯",
                                  "记者", "摄"])


def assert_soft_breaks_are_runs_left_out(text: str) -> int:
    """Segmentation cuts a paragraph where a whitespace run with a line break left the view whole."""
    doc = view_of(text)
    kept = set(doc.to_source[:-1])
    after_runs = {bisect_left(doc.to_source, m.end()) for m in regex.finditer(r"\s*\n\s*", text)
                  if kept.isdisjoint(range(*m.span()))}
    expected = {j for j in after_runs if 0 < j < len(doc.view)}
    assert _soft_breaks(doc) == expected
    return len(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(NOISY_ALPHABET, max_size=120).map("".join))
def test_soft_breaks_are_the_line_breaks_the_view_leaves_out_whole(text: str) -> None:
    assert_soft_breaks_are_runs_left_out(text)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_soft_breaks_of_a_seed_with_more_line_breaks(seed: Path) -> None:
    text = regex.sub(r"(?<=[^\n]{20}，[^\n]{3})", " \n ", seed.read_text(encoding="utf-8"))
    assert assert_soft_breaks_are_runs_left_out(text) > 0

@settings(max_examples=200, deadline=None)
@given(st.lists(NOISY_ALPHABET, max_size=120).map("".join))
def test_offset_map_property(text: str) -> None:
    assert_map_is_sound(text)
    doc = gonghui_extract.extract(text)
    for record in [*doc.metrics, *doc.dates, *doc.organisations]:
        assert text[record.start:record.end] == record.text
    covered = [(a.start, a.end) for a in doc.articles]
    assert covered[0][0] == 0 and covered[-1][1] == len(text)
    assert all(prev_end == start for (_, prev_end), (start, _) in pairwise(covered))
    for article in doc.articles:
        for part in article.parts:
            assert text[part.start:part.end] == part.text


def _body_lines(text: str) -> list[regex.Match]:
    return [m for m in regex.finditer(r"[^\n]{40,}", text) if regex.search(r"[,，]", m.group())]


def add_ocr_noise(text: str, seed: int) -> str:
    """Line breaks inside body lines where a page could cut them, and spaces between characters."""
    rng = random.Random(seed)
    cuts = []
    for line in rng.sample(_body_lines(text), k=min(6, len(_body_lines(text)))):
        body = line.group()
        spots = [i for i in range(14, len(body) - 14)
                 if regex.match(r"\p{Han}\p{Han}", body[i - 1:i + 1])
                 and regex.search(r"[,，。;；]", body[:i]) and regex.search(r"[,，。;；]", body[i:])]
        if spots:
            cuts.append(line.start() + rng.choice(spots))
    for at in sorted(cuts, reverse=True):
        text = text[:at] + "\n\n" + text[at:]
    pairs = [m.start() for m in regex.finditer(r"(?<=\p{Han})(?=\p{Han})", text)]
    for at in sorted(rng.sample(pairs, k=min(40, len(pairs))), reverse=True):
        text = text[:at] + " " + text[at:]
    return text


def _without_source_text(value):
    """A record's fields minus what quotes the source (offsets, text, sentence): what must not move."""
    if isinstance(value, dict):
        return {k: _without_source_text(v) for k, v in value.items()
                if k not in {"start", "end", "text", "sentence"}}
    if isinstance(value, list):
        return [_without_source_text(v) for v in value]
    return value


def facts(doc: gonghui_extract.Document) -> dict:
    """What was found, without where: values, units, dates, names, article furniture."""
    found = doc.model_dump(mode="json", include={"metrics", "dates", "organisations"})
    return {**_without_source_text(found),
            "articles": [(a.kind, a.column is None, a.title is None, len(a.authors)) for a in doc.articles]}


def _clean(s: str | None) -> str | None:
    return None if s is None else regex.sub(r"\s", "", s)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("noise_seed", [1, 2, 3, 4])
def test_noisy_copy_gives_the_same_view_and_facts(seed: Path, noise_seed: int) -> None:
    clean = seed.read_text(encoding="utf-8")
    noisy = add_ocr_noise(clean, noise_seed)
    assert noisy != clean
    assert view_of(noisy).view == view_of(clean).view
    assert_map_is_sound(noisy)
    got, want = gonghui_extract.extract(noisy), gonghui_extract.extract(clean)
    assert facts(got) == facts(want)
    assert [_clean(a.title) for a in got.articles] == [_clean(a.title) for a in want.articles]
    for record in [*got.metrics, *got.dates, *got.organisations, *(p for a in got.articles for p in a.parts)]:
        assert noisy[record.start:record.end] == record.text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_a_windows_copy_gives_the_same_view_and_facts(seed: Path) -> None:
    clean = seed.read_text(encoding="utf-8")
    crlf = clean.replace("\n", "\r\n")
    assert view_of(crlf).view == view_of(clean).view
    got, want = gonghui_extract.extract(crlf), gonghui_extract.extract(clean)
    assert facts(got) == facts(want)
    assert [a.title for a in got.articles] == [a.title for a in want.articles]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_gb18030_and_utf8_copies_give_identical_documents(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    from_utf8 = decode_bytes(text.encode("utf-8"), seed.name)
    from_gb = decode_bytes(text.encode("gb18030"), seed.name)
    assert from_gb.encoding == "gb18030" and from_utf8.encoding == "utf-8"
    got, want = gonghui_extract.extract(from_gb.text), gonghui_extract.extract(from_utf8.text)
    assert got.model_dump() == want.model_dump()
    for record in [*got.metrics, *got.dates, *got.organisations]:
        assert from_gb.text[record.start:record.end] == record.text
