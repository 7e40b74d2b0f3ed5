"""decode_bytes: every encoding of the archives, short samples, damaged files, and what it refuses."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from gonghui_extract.decode import DecodeError, decode_bytes

SEEDS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "seeds").glob("*.txt"))
SIMPLIFIED = ("盱眙县总工会连续四年获全国“书香三八”读书活动优秀组织奖,"
              "是全国县区级总工会唯一获此殊荣的工会组织。")
TRADITIONAL = ("盱眙縣總工會連續四年獲全國「書香三八」讀書活動優秀組織獎,"
               "是全國縣區級總工會唯一獲此殊榮的組織。")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("length", [12, 30, len(SIMPLIFIED)])
def test_simplified_text_in_every_encoding_without_a_mark(encoding: str, length: int) -> None:
    text = SIMPLIFIED[:length]
    got = decode_bytes(text.encode(encoding), "sample.txt")
    assert got.text == text
    assert not got.warnings


@pytest.mark.parametrize("length", [12, 30, len(TRADITIONAL)])
def test_big5_is_decoded_as_written(length: int) -> None:
    text = TRADITIONAL[:length]
    got = decode_bytes(text.encode("big5"), "big5.txt")
    assert got.text == text  # no conversion at decode time: offsets stay in the original
    assert got.encoding == "big5"


@pytest.mark.parametrize(("bom", "encoding"), [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
])
def test_byte_order_marks_are_read_and_dropped(bom: bytes, encoding: str) -> None:
    got = decode_bytes(bom + SIMPLIFIED.encode(encoding), "bom.txt")
    assert got.text == SIMPLIFIED


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_whole_seeds_round_trip(seed: Path, encoding: str) -> None:
    text = seed.read_text(encoding="utf-8")
    assert decode_bytes(text.encode(encoding), seed.name).text == text


def test_damaged_gbk_is_decoded_with_replacement_and_a_warning() -> None:
    data = bytearray(SIMPLIFIED.encode("gbk") * 10)
    data[10] = 0xFF  # two damaged bytes: neither detector nor a strict codec accepts the file
    data[61] = 0x80
    got = decode_bytes(bytes(data), "damaged.txt")
    assert got.encoding == "gb18030"
    assert "\ufffd" in got.text
    assert got.text.count("\ufffd") <= 4
    assert SIMPLIFIED[10:] in got.text  # everything after the damage survives
    assert got.warnings and "damaged.txt" in got.warnings[0] and "U+FFFD" in got.warnings[0]


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 4,  # binary
    b"\x89PNG\r\n\x1a\n" + bytes(200),
])
def test_undecodable_bytes_raise_naming_the_file(data: bytes) -> None:
    with pytest.raises(DecodeError, match=r"scan_0042\.txt"):
        decode_bytes(data, "scan_0042.txt")


def test_bad_bytes_after_a_mark_raise_naming_the_file() -> None:
    with pytest.raises(DecodeError, match=r"marked\.txt"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8", "marked.txt")


def test_empty_file_is_empty_text() -> None:
    assert decode_bytes(b"", "empty.txt").text == ""
