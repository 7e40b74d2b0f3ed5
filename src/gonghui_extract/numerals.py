"""Chinese, Arabic, full-width and mixed numerals → numbers, driven by rules/numerals.yaml.

The parser is the library's own (cn2an raises on 两千多, 三点五万 and 二〇二三);
metrics and dates both use it and the number pattern built from the same tables.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from functools import cached_property

import regex

from .patterns import alternation
from .rules import RuleFile, rule_file


@rule_file("numerals.yaml")
class NumeralTables(RuleFile):
    """The numeral vocabulary: digits, units, magnitudes and their signs."""

    digits: dict[str, int] = {}
    fraction_digits: dict[str, float] = {}
    approximate_digits: list[str] = []
    formal_numerals: list[str] = []
    small_units: dict[str, int] = {}
    magnitudes: dict[str, int] = {}
    multipliers: dict[str, int] = {}
    tens_words: dict[str, int] = {}
    decimal_points: list[str] = []
    negative_signs: list[str] = []
    percent_prefixes: list[str] = []
    fraction_infixes: list[str] = []
    mixed_fraction_joiners: list[str] = []
    currency_units: dict[str, float] = {}
    currency_suffixes: list[str] = []

    @cached_property
    def cjk_number(self) -> str:
        """Regex of a Chinese numeral run (digits, units, magnitudes, 点)."""
        chars = [*self.digits, *self.small_units, *self.magnitudes, *self.tens_words]
        points = [p for p in self.decimal_points if not p.isascii()]
        digits = regex.escape("".join(self.digits))
        return f"(?:[{regex.escape(''.join(chars))}]+(?:(?:{alternation(points)})[{digits}]+)?)"

    @cached_property
    def magnitude_chars(self) -> str:
        return "".join(self.magnitudes)


#: a comma between digit groups of three (1,200 · 82，225.00); the groups before it may be any length
#: (spaces, the other thousands separator, are gone before this runs)
_THOUSANDS = regex.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_ARABIC = regex.compile(r"\d+(?:\.\d+)?|\.\d+")
_DECIMAL = regex.compile(r"\d+(?:\.\d+)?|\.\d+")
#: 2e5, -127.32e13 (times a power of ten) and 2^-1, 1.1^+23 (a power): written maths, not language
_SCIENTIFIC = regex.compile(r"(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+)|\^([+-]*)(\d+(?:\.\d+)?))")


def fold(text: str) -> str:
    """Full-width digits, points and commas to ASCII (NFKC), leaving CJK intact."""
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """Folded, without spaces or thousands separators: the form every parse starts from."""
    return _THOUSANDS.sub("", "".join(fold(text).split()))


#: below this, whole numbers multiply exactly as floats
_EXACT_FLOAT = 2.0**53


def scale(value: float, factor: float) -> float:
    """``value × factor`` in decimal, as written: 1.36万 is 13600, not 13599.999999999998.

    Whole numbers whose product a float holds exactly (below 2**53: 280 × 1, 52 × 10000)
    multiply as floats, the same value without two Decimals."""
    value, factor = float(value), float(factor)
    if value.is_integer() and factor.is_integer() and abs(value * factor) < _EXACT_FLOAT:
        return value * factor
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


class NumberParser:
    """Parse a whole string as one number with the given tables."""

    #: parsed strings remembered (a text repeats its numbers); the memo is emptied when full
    MEMO_SIZE = 4096

    def __init__(self, tables: NumeralTables):
        self.t = tables
        self._memo: dict[str, float | None] = {}

    def parse(self, text: str) -> float | None:
        """The number ``text`` writes, or None when it is not one (finite) number."""
        if text in self._memo:
            return self._memo[text]
        try:
            if _DECIMAL.fullmatch(text):  # the common case (523.4), without folding
                value: float | None = float(text)
            else:
                value = self._signed(compact(text)) if text else None
                value = value if value is not None and math.isfinite(value) else None
        except ValueError:  # digits the regex module knows and float() does not (newer Unicode)
            value = None
        if len(self._memo) >= self.MEMO_SIZE:
            self._memo.clear()
        self._memo[text] = value
        return value

    def _signed(self, s: str) -> float | None:
        for neg in self.t.negative_signs:
            if s.startswith(neg):
                value = self._signed(s[len(neg):])
                return None if value is None else -value
        return self._value(s)

    def _value(self, s: str) -> float | None:
        """Percent, fractions, money, exponents and multipliers around a plain number."""
        if not s:
            return None
        for prefix in self.t.percent_prefixes:
            if s.startswith(prefix):
                return self._signed(s[len(prefix):])
        if s.endswith("%"):
            return self._signed(s[:-1])
        for joiner in self.t.mixed_fraction_joiners:
            whole, found, part = s.partition(joiner)
            if found:
                return _combine(self._signed(whole), self._value(part), lambda a, b: a + b)
        for infix in self.t.fraction_infixes:
            denominator, found, numerator = s.partition(infix)
            if found:
                return _combine(self._signed(numerator), self._signed(denominator),
                                lambda a, b: a / b if b else None)
        if self._is_money(s):
            return self._money(s)
        scientific = _SCIENTIFIC.fullmatch(s)
        if scientific:
            return _scientific(scientific)
        for suffix, factor in self.t.multipliers.items():
            if s.endswith(suffix) and len(s) > len(suffix):
                base = self._signed(s[: -len(suffix)])
                return None if base is None else scale(base, factor)
        return self._number(s)

    def _is_money(self, s: str) -> bool:
        """An amount in 元 (块) with any 角/分 after it, ending in a currency unit or suffix."""
        tail = s
        for suffix in self.t.currency_suffixes:
            tail = tail.removesuffix(suffix)
        whole_units = [u for u, factor in self.t.currency_units.items() if factor >= 1]
        return bool(tail) and tail[-1] in self.t.currency_units and any(u in tail for u in whole_units)

    def _money(self, s: str) -> float | None:
        """壹拾壹元壹角壹分 → 11.11; 壹拾壹元整 → 11; 十块三毛 → 10.3."""
        for suffix in self.t.currency_suffixes:
            s = s.removesuffix(suffix)
        total, rest, seen = 0.0, s, False
        for unit, factor in sorted(self.t.currency_units.items(), key=lambda kv: -kv[1]):
            if unit in rest:
                head, rest = rest.split(unit, 1)
                value = self._number(head)
                if value is None:
                    return None
                total += value * factor
                seen = True
        return total if seen and not rest else None

    def _number(self, s: str) -> float | None:
        """Integer part with units and magnitudes, optional decimal fraction, trailing magnitude."""
        if not s:
            return None
        if _DECIMAL.fullmatch(s):
            return float(s)
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
        value = float(Decimal(repr(whole)) + Decimal(f"0.{frac}"))  # 1 + 0.36 is 1.3599999999999999
        for ch in scale_text:
            value = scale(value, self.t.magnitudes[ch])
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
                value = self.t.digits[ch]
                tokens.append(("zero", 0) if value == 0 else ("digit", value))
            elif ch in self.t.fraction_digits:
                tokens.append(("num", self.t.fraction_digits[ch]))
            elif ch in self.t.approximate_digits:
                tokens.append(("approx", 0))
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
        """一千零一万一千零一, 万亿 stacking, 三万五 and 两千六 (the last digit takes the next lower unit)."""
        tokens = self._tokens(s)
        if not tokens or all(kind == "approx" for kind, _ in tokens):
            return None
        groups: list[tuple[float, float]] = []  # closed (magnitude, value) groups, value already scaled
        section, pending = 0.0, None
        units: list[float] = []  # small units of the open section, which must fall
        last_mag: float | None = None
        plain = True  # no 零 or approximate digit since the last unit: 三万五 may be abbreviated
        for i, (kind, val) in enumerate(tokens):
            following = tokens[i + 1][0] if i + 1 < len(tokens) else None
            if kind == "approx":
                if following == "unit":  # 几十, 数百: one of the unit
                    pending = 1.0
                plain = False
            elif kind == "zero":
                plain = False
            elif kind in ("digit", "num"):
                if pending is not None:
                    return None
                pending = val
                if kind == "num":
                    plain = False
            elif kind == "unit":
                if units and val >= units[-1]:
                    return None
                section += (1.0 if pending is None else pending) * val
                units.append(val)
                pending, plain, last_mag = None, True, None
            else:  # a magnitude closes the section and every lower group before it: 一千一百万一千亿
                value = section + (pending or 0.0)
                while groups and groups[-1][0] <= val:  # 万万 stacks like 万亿
                    value += groups.pop()[1]
                if value == 0 and not groups and i == 0:
                    value = 1.0
                groups.append((val, scale(value, val)))
                section, pending, units, last_mag, plain = 0.0, None, [], val, True
        if pending is not None:
            if plain and pending == int(pending) and pending < 10:
                if units and units[-1] >= 100:
                    pending *= units[-1] / 10  # 两千六 → 2600, 百三 → 130
                elif not units and last_mag is not None:
                    pending *= last_mag / 10  # 三万五 → 35000
            section += pending
        return sum(v for _, v in groups) + section


def _combine(a: float | None, b: float | None, op) -> float | None:
    return None if a is None or b is None else op(a, b)


def _scientific(m: regex.Match) -> float | None:
    if m.group(2) is not None:
        return float(f"{m.group(1)}e{m.group(2)}")
    base = float(m.group(1))
    exponent = float(m.group(4)) * (-1 if m.group(3).count("-") % 2 else 1)
    try:
        return math.pow(base, exponent)
    except (OverflowError, ValueError):
        return None
