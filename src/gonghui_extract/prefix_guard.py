"""A cheap first test for a pattern: the two characters any of its matches can begin with.

The regex engine skips ahead by a match's first character only.  Where that character is
common (国, 中, 一, a digit) it tries the whole pattern at every one of them, which is slow
for a long alternation.  ``with_prefix_guard`` puts a lookahead of every possible
two-character beginning in front, so most of those positions fail after two character tests.
The beginnings are derived from the pattern itself, a superset by construction (lookarounds
count as empty, classes stay whole): the guarded pattern has exactly the matches of the
pattern.  Constructs the analysis does not model (backreferences, inline flags, conditionals)
and patterns that can match the empty string are left as they are.
"""

from __future__ import annotations

import regex

#: how many leading characters the guard tests
_LENGTH = 2
#: past this many beginnings the guard is no cheap test any more: the pattern is left as it is
_MAX_BEGINNINGS = 200
_QUANTIFIER = regex.compile(r"\{(\d*)(,?)(\d*)\}")
_CODE_POINT = regex.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2})")

#: the first characters of a match: one regex fragment matching one character per position
Beginning = tuple[str, ...]


class _Unmodelled(Exception):
    """A construct the analysis does not model."""


class _Beginnings:
    """Recursive descent over a pattern, giving for each part the beginnings of its matches."""

    def __init__(self, pattern: str):
        self.pattern, self.pos = pattern, 0

    def whole(self) -> frozenset[Beginning]:
        out = self.alternation()
        if self.pos != len(self.pattern):
            raise _Unmodelled("unbalanced parenthesis")
        return out

    def alternation(self) -> frozenset[Beginning]:
        out = set(self.sequence())
        while self.peek("|"):
            self.pos += 1
            out |= self.sequence()
        return frozenset(out)

    def sequence(self) -> frozenset[Beginning]:
        out: frozenset[Beginning] = frozenset({()})
        while self.pos < len(self.pattern) and self.pattern[self.pos] not in "|)":
            out = _concat(out, self.repeated(self.item()))
        return out

    def peek(self, text: str) -> bool:
        return self.pattern.startswith(text, self.pos)

    def item(self) -> frozenset[Beginning]:
        char = self.pattern[self.pos]
        if char == "(":
            return self.group()
        if char == "[":
            return frozenset({(self.bracketed(),)})
        if char == "\\":
            return self.escape()
        if char in "*+?{":
            raise _Unmodelled(f"{char} where an item belongs")
        self.pos += 1
        if char in "^$":
            return frozenset({()})
        return frozenset({(char if char == "." else regex.escape(char),)})

    def group(self) -> frozenset[Beginning]:
        if self.peek("(?<=") or self.peek("(?<!"):
            self.pos += 4
        elif self.peek("(?=") or self.peek("(?!"):
            self.pos += 3
        else:
            return self.consuming_group()
        self.alternation()
        self.close()
        return frozenset({()})  # a lookaround consumes nothing

    def consuming_group(self) -> frozenset[Beginning]:
        if self.peek("(?:") or self.peek("(?>"):
            self.pos += 3
        elif self.peek("(?P<") or self.peek("(?<"):  # a named group (lookbehinds are gone)
            self.pos = self.pattern.index(">", self.pos) + 1
        elif self.peek("(?"):
            raise _Unmodelled("a backreference, flags or a conditional")
        else:
            self.pos += 1
        out = self.alternation()
        self.close()
        return out

    def close(self) -> None:
        if not self.peek(")"):
            raise _Unmodelled("unbalanced parenthesis")
        self.pos += 1

    def bracketed(self) -> str:
        """A class (V1 classes nest) kept whole: one fragment matching one character."""
        pattern, start, depth = self.pattern, self.pos, 0
        self.pos += 2 if self.peek("[^") else 1
        if self.peek("]"):  # a ] right after [ or [^ is a literal ]
            self.pos += 1
        while True:
            char = pattern[self.pos]
            self.pos += 2 if char == "\\" else 1
            if char == "[":
                depth += 1
            elif char == "]":
                if depth == 0:
                    return pattern[start:self.pos]
                depth -= 1

    def escape(self) -> frozenset[Beginning]:
        pattern, start = self.pattern, self.pos
        char = pattern[start + 1]
        if char in "bBAZG":
            self.pos += 2
            return frozenset({()})
        if char in "pP":
            self.pos = pattern.index("}", start) + 1 if pattern[start + 2] == "{" else start + 3
        elif code_point := _CODE_POINT.match(pattern, start):
            self.pos = code_point.end()
        elif char in "dDsSwWntrfva" or not char.isalnum():
            self.pos += 2
        else:
            raise _Unmodelled(f"escape \\{char}")
        return frozenset({(pattern[start:self.pos],)})

    def repeated(self, item: frozenset[Beginning]) -> frozenset[Beginning]:
        """``item`` with the quantifier after it, if any: its minimum number of repetitions, then
        up to _LENGTH more (each more one adds a character to a beginning or is empty)."""
        if self.pos >= len(self.pattern) or self.pattern[self.pos] not in "?*+{":
            return item
        if self.peek("{"):
            bounds = _QUANTIFIER.match(self.pattern, self.pos)
            if bounds is None:
                raise _Unmodelled("a brace that is no quantifier")
            low, comma, high = bounds.groups()
            least = int(low or 0)
            most = (int(high) if high else None) if comma else least
            self.pos = bounds.end()
        else:
            least, most = {"?": (0, 1), "*": (0, None), "+": (1, None)}[self.pattern[self.pos]]
            self.pos += 1
        if self.pos < len(self.pattern) and self.pattern[self.pos] in "?+":  # lazy or possessive
            self.pos += 1
        power: frozenset[Beginning] = frozenset({()})
        for _ in range(least):
            power = _concat(power, item)
        out = set(power)
        for _ in range(_LENGTH if most is None else min(most - least, _LENGTH)):
            power = _concat(power, item)
            out |= power
        return frozenset(out)


def _concat(left: frozenset[Beginning], right: frozenset[Beginning]) -> frozenset[Beginning]:
    out = frozenset(a if len(a) >= _LENGTH else (a + b)[:_LENGTH] for a in left for b in right)
    if len(out) > _MAX_BEGINNINGS:
        raise _Unmodelled("too many beginnings")
    return out


def beginnings(pattern: str) -> frozenset[Beginning] | None:
    """Every way a match of ``pattern`` can begin (its first two characters, or all of a shorter
    match), each character as a regex fragment; None when the analysis does not model it."""
    try:
        return _Beginnings(pattern).whole()
    except (_Unmodelled, IndexError, ValueError):
        return None


def with_prefix_guard(pattern: str) -> str:
    """``pattern`` behind a lookahead of the beginnings of its matches (the same matches, found
    faster where its first characters are common); as it is when no guard can be derived."""
    found = beginnings(pattern)
    if not found or () in found:
        return pattern
    return f"(?=(?:{'|'.join(sorted(''.join(b) for b in found))}))(?:{pattern})"
