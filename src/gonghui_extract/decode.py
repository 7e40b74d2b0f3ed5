"""Bytes → text: the encodings Chinese archives come in, detected, never guessed silently.

Order of trust: a byte-order mark; strict UTF-8 (random GBK or Big5 bytes are
almost never valid UTF-8); then charset-normalizer over the encodings of this
press (UTF-16 without a mark, GB18030 ⊃ GBK ⊃ GB2312, Big5), its candidates
re-ranked by how much of the decoded text looks like Chinese prose, so a
10-character Big5 sample is not taken for UTF-16 noise.  A file that no
encoding decodes cleanly but that decodes with a few bad sequences (a damaged
GBK or UTF-8 file) is decoded with U+FFFD in their place and a warning says
where; anything worse is a DecodeError naming the file.  Nothing is converted
here: traditional characters stay as written (normalise folds them for
matching only), so offsets are offsets into the decoded original.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """A file that cannot be decoded: names the file."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


# UTF-32 marks first: the UTF-32-LE mark starts with the UTF-16-LE one
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: what detection chooses among; GB18030 decodes GBK and GB2312 text identically
_CANDIDATES = ["utf_16_le", "utf_16_be", "gb18030", "big5"]
#: the codec a detected name is decoded with: Big5 as Microsoft's superset (more characters)
_CODEC = {"big5": "cp950", "gb2312": "gb18030", "gbk": "gb18030"}

#: characters of Chinese prose: ASCII, CJK ideographs, CJK and full-width punctuation, general
#: punctuation; not the half-width katakana of the same block, which random double bytes decode to
_PROSE = re.compile(
    r"[\t\n\r\x20-\x7e\u00b7\u2000-\u206f\u2460-\u25ff\u3000-\u303f\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]")
#: any even run of bytes decodes as UTF-16; without a mark it is believed only when the text has
#: ASCII in it (a line break, a digit: the zero bytes real files have) or mostly common characters
_ASCII = re.compile(r"[\t\n\r\x20-\x7e]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: a decoding whose text is less prose than this is noise, not the file's encoding
MIN_PROSE_SHARE = 0.9
#: a damaged file is still decoded when at most this share of its characters had to be replaced
MAX_REPLACED_SHARE = 0.02
#: ... and when this much of it is prose (a bad byte misaligns double-byte text up to the next ASCII byte)
DAMAGED_MIN_PROSE_SHARE = 0.8


def _prose_share(text: str) -> float:
    return len(_PROSE.findall(text)) / len(text) if text else 1.0


def _is_common(ch: str) -> bool:
    """One of the 3,755 most used characters (GB 2312 level 1, lead bytes 0xB0-0xD7)."""
    try:
        return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        return False


def _plausible_utf16(text: str) -> bool:
    if _ASCII.search(text):
        return True
    han = _HAN.findall(text)
    return bool(han) and sum(map(_is_common, han)) >= 0.5 * len(han)


def _strict(data: bytes, encoding: str) -> str | None:
    codec = _CODEC.get(encoding, encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if codec == "cp950":  # Hong Kong characters are in big5hkscs only
            return _strict(data, "big5hkscs")
        return None


def _detect(data: bytes) -> Decoded | None:
    """The most prose-like strict decoding among charset-normalizer's candidates."""
    best: tuple[float, int, str, str] | None = None
    for rank, match in enumerate(from_bytes(data, cp_isolation=_CANDIDATES)):
        text = _strict(data, match.encoding)
        if text is None or (match.encoding.startswith("utf_16") and not _plausible_utf16(text)):
            continue
        share = _prose_share(text)
        if share >= MIN_PROSE_SHARE and (best is None or (share, -rank) > (best[0], -best[1])):
            best = (share, rank, text, match.encoding)
    return Decoded(best[2], best[3]) if best else None


def _repaired(data: bytes, name: str) -> Decoded | None:
    """A damaged UTF-8 or GB18030 file, decoded with U+FFFD where bytes are bad."""
    options = []
    for encoding in ("utf-8", "gb18030"):
        text = data.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        if bad <= MAX_REPLACED_SHARE * len(text) and _prose_share(text) >= DAMAGED_MIN_PROSE_SHARE:
            options.append((bad, encoding, text))
    if not options:
        return None
    bad, encoding, text = min(options)
    where = [m.start() for m in re.finditer("\ufffd", text)][:5]
    return Decoded(text, encoding, [f"{name}: {bad} undecodable byte sequence(s) read as {encoding} "
                                    f"and replaced by U+FFFD (first at characters {where})"])


def decode_bytes(data: bytes, name: str = "<bytes>") -> Decoded:
    """Decode ``data``; raise DecodeError naming ``name`` when no encoding fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"{name}: starts with a {encoding} byte-order mark but is not "
                                  f"{encoding}: {exc.reason} at byte {exc.start}") from exc
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    found = _detect(data) or _repaired(data, name)
    if found is None:
        raise DecodeError(f"{name}: not text in UTF-8, UTF-16, GB18030/GBK or Big5 "
                          f"({len(data)} bytes; no encoding gives readable Chinese text)")
    return found
