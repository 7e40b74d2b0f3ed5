"""Chinese, Arabic, full-width and mixed numerals → numbers, driven by rules/numerals.yaml.

The parser is the library's own (cn2an raises on 两千多, 三点五万 and 二〇二三);
metrics and dates both use it and the number pattern built from the same tables.
"""

from __future__ import annotations

import unicodedata
from functools import cached_property

import regex

from .patterns import alternation
from .rules import RuleFile, rule_file


@rule_file("numerals.yaml")
class NumeralTables(RuleFile):
    """The numeral vocabulary: digits, units, magnitudes and their signs."""

    digits: dict[str, int] = {}
    small_units: dict[str, int] = {}
    magnitudes: dict[str, int] = {}
    tens_words: dict[str, int] = {}
    decimal_points: list[str] = []
    negative_signs: list[str] = []
    percent_prefixes: list[str] = []
    currency_units: dict[str, float] = {}
    currency_suffixes: list[str] = []

    @cached_property
    def cjk_number(self) -> str:
        """Regex of a Chinese numeral run (digits, units, magnitudes, 点)."""
        chars = [*self.digits, *self.small_units, *self.magnitudes, *self.tens_words]
        points = [p for p in self.decimal_points if not p.isascii()]
        return f"(?:[{regex.escape(''.join(chars))}]+(?:(?:{alternation(points)})[{regex.escape(''.join(self.digits))}]+)?)"

    @cached_property
    def magnitude_chars(self) -> str:
        return "".join(self.magnitudes)


_THOUSANDS = regex.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ARABIC = regex.compile(r"\d+(?:\.\d+)?|\.\d+")


def fold(text: str) -> str:
    """Full-width digits, points and commas to ASCII (NFKC), leaving CJK intact."""
    return unicodedata.normalize("NFKC", text)


class NumberParser:
    """Parse a whole string as one number with the given tables."""

    def __init__(self, tables: NumeralTables):
        self.t = tables

    def parse(self, text: str) -> float | None:
        s = "".join(fold(text).split())
        s = _THOUSANDS.sub("", s)
        if not s:
            return None
        sign = 1
        for neg in self.t.negative_signs:
            if s.startswith(neg):
                sign, s = -1, s[len(neg):]
                break
        for prefix in self.t.percent_prefixes:
            if s.startswith(prefix):
                s = s[len(prefix):]
                break
        if s.endswith("%"):
            s = s[:-1]
        value = self._money(s) if any(u in s for u in ("元", "圆")) else self._number(s)
        return None if value is None else sign * value

    def _money(self, s: str) -> float | None:
        """壹拾壹元壹角壹分 → 11.11; 壹拾壹元整 → 11."""
        for suffix in self.t.currency_suffixes:
            s = s.removesuffix(suffix)
        total, rest = 0.0, s
        for unit, factor in sorted(self.t.currency_units.items(), key=lambda kv: -kv[1]):
            if unit in rest:
                head, rest = rest.split(unit, 1)
                value = self._number(head)
                if value is None:
                    return None
                total += value * factor
        if rest:
            return None
        return total if s else None

    def _number(self, s: str) -> float | None:
        """Integer part with units and magnitudes, optional decimal fraction, trailing magnitude."""
        if not s:
            return None
        point = next((p for p in self.t.decimal_points if p in s), None)
        if point is None:
            return self._integer(s)
        head, _, tail = s.partition(point)
        # the magnitudes after the fraction scale the whole number: 三点五万, 2.3万
        frac_digits = tail.rstrip(self.t.magnitude_chars)
        scale_text = tail[len(frac_digits):]
        if not frac_digits or not head:
            return None
        frac = self._digit_string(frac_digits)
        whole = self._integer(head)
        if frac is None or whole is None:
            return None
        value = whole + float(f"0.{frac}")
        for ch in scale_text:
            value *= self.t.magnitudes[ch]
        return value

    def _digit_string(self, s: str) -> str | None:
        """二〇二三 → '2023'; digits only, as a string so leading zeros survive."""
        out = []
        for ch in s:
            if ch.isdigit() and ch.isascii():
                out.append(ch)
            elif ch in self.t.digits:
                out.append(str(self.t.digits[ch]))
            else:
                return None
        return "".join(out)

    def _integer(self, s: str) -> float | None:
        if regex.fullmatch(r"\d+(?:\.\d+)?", s):
            return float(s)
        digits = self._digit_string(s)
        if digits is not None:  # 一七二零 → 1720: digits with no units read as written
            return float(digits)
        return self._with_units(s)

    def _tokens(self, s: str) -> list[tuple[str, float]] | None:
        tokens: list[tuple[str, float]] = []
        i = 0
        while i < len(s):
            m = _ARABIC.match(s, i)
            if m:
                tokens.append(("num", float(m.group())))
                i = m.end()
                continue
            ch = s[i]
            if ch in self.t.digits:
                tokens.append(("digit", self.t.digits[ch]))
            elif ch in self.t.tens_words:
                tokens += [("digit", self.t.tens_words[ch] // 10), ("unit", 10)]
            elif ch in self.t.small_units:
                tokens.append(("unit", self.t.small_units[ch]))
            elif ch in self.t.magnitudes:
                tokens.append(("mag", self.t.magnitudes[ch]))
            else:
                return None
            i += 1
        return tokens

    def _with_units(self, s: str) -> float | None:
        """一千零一万一千零一, 三万五 (colloquial: the last digit takes the next lower unit)."""
        tokens = self._tokens(s)
        if not tokens:
            return None
        total = section = 0.0
        pending: float | None = None
        last_unit = last_mag = None  # the unit or magnitude just closed, for 三万五 / 两千六
        zero_seen = False
        section_units: list[float] = []
        for kind, val in tokens:
            if kind in ("digit", "num"):
                if pending is not None:
                    if kind == "digit" and pending == 0:
                        pending = val
                        continue
                    return None
                if kind == "digit" and val == 0:
                    zero_seen = True
                    pending = 0
                    continue
                pending = val
            elif kind == "unit":
                if section_units and val >= section_units[-1]:
                    return None
                if pending is None:
                    if val != 10 or section_units or total:
                        if not (val == 10 and total):  # 十万零十二
                            return None
                    pending = 1
                section += pending * val
                section_units.append(val)
                pending, last_unit, last_mag, zero_seen = None, val, None, False
            else:  # magnitude
                if pending is None and section == 0 and not total:
                    if last_mag is None:
                        return None
                section += pending or 0
                if last_mag is not None and section == 0:  # 万亿, 万万: stack
                    total *= val
                elif total == 0 or last_mag is None or val > last_mag:
                    total = (total + section) * val
                else:
                    total += section * val
                last_mag = val if last_mag is None else max(val, last_mag) if section else val
                section, pending, section_units, last_unit, zero_seen = 0.0, None, [], None, False
        if pending is not None:
            if not zero_seen and pending < 10 and pending == int(pending):
                if last_unit is not None and last_unit > 10:
                    pending *= last_unit / 10  # 两千六 → 2600
                elif last_unit is None and last_mag is not None and section == 0:
                    pending *= last_mag / 10  # 三万五 → 35000
            section += pending
        return total + section
