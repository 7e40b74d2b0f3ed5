"""Bytes → text.  (Minimal: BOM, UTF-8, GB18030.  Issue 5 makes detection complete.)"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field


class DecodeError(ValueError):
    """A file that cannot be decoded: names the file."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes, name: str = "<bytes>") -> Decoded:
    """Decode ``data``; raise DecodeError naming ``name`` when no encoding fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding), encoding)
    for encoding in ("utf-8", "gb18030"):
        try:
            return Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise DecodeError(f"{name}: not UTF-8, UTF-16 or GB18030")
