"""Cheap tests derived from a pattern, which may only skip work where it cannot match.

* ``with_prefix_guard``: the regex engine skips ahead by a match's first character only.  Where
  that character is common (国, 中, 一, a digit) it tries the whole pattern at every one of them,
  which is slow for a long alternation.  A lookahead of every possible two-character beginning
  in front makes most of those positions fail after two character tests.
* ``with_line_start_guard``: a pattern that begins with ``^`` is tried at line starts only when a
  lookahead follows the anchor (see there).
* ``literal_needs``: the plain text any match needs (its own, or what a lookahead after it
  reads), as a test of a stretch: a stretch without it cannot hold a match, so a rule need not
  run there.

All are derived from the pattern and are supersets (or the same matches) by construction: lookarounds consume
nothing, classes stay whole, a lookbehind (which may read before the stretch) needs nothing.
Constructs the analysis does not model (backreferences, inline flags, conditionals) give no
test.  Patterns are read as SafePattern compiles them: regex's V1 syntax (classes nest), no
other flags (a case-insensitive pattern would need case-insensitive tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

import ahocorasick_rs
import regex

from .patterns import SPAN_GROUP, SafePattern

#: how many leading characters the guard tests
_LENGTH = 2
#: past this many beginnings the guard is no cheap test any more: the pattern is left as it is
_MAX_BEGINNINGS = 200
_QUANTIFIER = regex.compile(r"\{(\d*)(,?)(\d*)\}")
#: characters a literal must escape to stay one (more than needed does no harm)
_SPECIAL = frozenset(".^$*+?{}[]|()\\-#&~ \t\n")
_CODE_POINT = regex.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2})")
#: a class of plain characters (and ranges of them), which a needed text may name one by one
_PLAIN_CLASS = regex.compile(r"\[((?:[^\\\[\]^-]|\\[^\w\s])(?:-?(?:[^\\\[\]-]|\\[^\w\s]))*)\]")
_CLASS_TOKEN = regex.compile(r"\\[^\w\s]|[^\\]")
_MAX_CLASS_CHARS = 16

#: the first characters of a match: one regex fragment matching one character per position
Beginning = tuple[str, ...]


class _Unmodelled(Exception):
    """A construct the analysis does not model."""


# --- the pattern as a tree -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Char:
    """One character: ``fragment`` matches it; ``chars`` lists what it may be, when plain."""

    fragment: str
    chars: frozenset[str] | None


@dataclass(frozen=True)
class _Look:
    """A lookaround (or an anchor, with no body): it consumes nothing."""

    body: _Node | None
    ahead: bool
    positive: bool


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    branches: tuple[_Node, ...]


@dataclass(frozen=True)
class _Repeat:
    body: _Node
    least: int
    most: int | None


_Node = _Char | _Look | _Seq | _Alt | _Repeat
_ANCHOR = _Look(None, ahead=True, positive=False)


class _Parser:
    """Recursive descent over a pattern (the regex module's V1 syntax, the parts rules use)."""

    def __init__(self, pattern: str):
        self.pattern, self.pos = pattern, 0

    def whole(self) -> _Node:
        node = self.alternation()
        if self.pos != len(self.pattern):
            raise _Unmodelled("unbalanced parenthesis")
        return node

    def peek(self, text: str) -> bool:
        return self.pattern.startswith(text, self.pos)

    def alternation(self) -> _Node:
        branches = [self.sequence()]
        while self.peek("|"):
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _Alt(tuple(branches))

    def sequence(self) -> _Node:
        items = []
        while self.pos < len(self.pattern) and self.pattern[self.pos] not in "|)":
            items.append(self.repeated(self.item()))
        return items[0] if len(items) == 1 else _Seq(tuple(items))

    def item(self) -> _Node:
        char = self.pattern[self.pos]
        if char == "(":
            return self.group()
        if char == "[":
            return self.bracketed()
        if char == "\\":
            return self.escape()
        if char in "*+?{":
            raise _Unmodelled(f"{char} where an item belongs")
        self.pos += 1
        if char in "^$":
            return _ANCHOR
        if char == ".":
            return _Char(".", None)
        return _Char("\\" + char if char in _SPECIAL else char, frozenset(char))

    def group(self) -> _Node:
        for opening, ahead, positive in (("(?<=", False, True), ("(?<!", False, False),
                                         ("(?=", True, True), ("(?!", True, False)):
            if self.peek(opening):
                self.pos += len(opening)
                body = self.alternation()
                self.close()
                return _Look(body, ahead, positive)
        if self.peek("(?:") or self.peek("(?>"):
            self.pos += 3
        elif self.peek("(?P<") or self.peek("(?<"):  # a named group (lookbehinds are gone)
            self.pos = self.pattern.index(">", self.pos) + 1
        elif self.peek("(?"):
            raise _Unmodelled("a backreference, flags or a conditional")
        else:
            self.pos += 1
        body = self.alternation()
        self.close()
        return body

    def close(self) -> None:
        if not self.peek(")"):
            raise _Unmodelled("unbalanced parenthesis")
        self.pos += 1

    def bracketed(self) -> _Char:
        """A class (V1 classes nest) kept whole; its characters listed when they are plain."""
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
                    break
                depth -= 1
        fragment = pattern[start:self.pos]
        return _Char(fragment, _class_chars(fragment))

    def escape(self) -> _Node:
        pattern, start = self.pattern, self.pos
        char = pattern[start + 1]
        if char in "bBAZG":
            self.pos += 2
            return _ANCHOR
        if char in "pP":
            self.pos = pattern.index("}", start) + 1 if pattern[start + 2] == "{" else start + 3
        elif code_point := _CODE_POINT.match(pattern, start):
            self.pos = code_point.end()
        elif char in "dDsSwWntrfva":
            self.pos += 2
        elif not char.isalnum():
            self.pos += 2
            return _Char(pattern[start:self.pos], frozenset(char))
        else:
            raise _Unmodelled(f"escape \\{char}")
        return _Char(pattern[start:self.pos], None)

    def repeated(self, node: _Node) -> _Node:
        if self.pos >= len(self.pattern) or self.pattern[self.pos] not in "?*+{":
            return node
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
        return _Repeat(node, least, most)


@lru_cache(maxsize=1024)
def _class_chars(fragment: str) -> frozenset[str] | None:
    """The characters of a class of plain characters and short ranges ([至到], [1-4]); else None."""
    if _PLAIN_CLASS.fullmatch(fragment) is None:
        return None
    tokens = _CLASS_TOKEN.findall(fragment, 1, len(fragment) - 1)  # an escaped - is no range
    chars: set[str] = set()
    while tokens:
        if len(tokens) >= 3 and tokens[1] == "-":
            (first, _, last), tokens = tokens[:3], tokens[3:]
        else:
            (first,), tokens = tokens[:1], tokens[1:]
            last = first
        chars.update(chr(c) for c in range(ord(first[-1]), ord(last[-1]) + 1))
        if len(chars) > _MAX_CLASS_CHARS:
            return None
    return frozenset(chars)


@lru_cache(maxsize=256)  # a rule's guard and its needed text read the same pattern
def _parse(pattern: str) -> _Node | None:
    try:
        return _Parser(pattern).whole()
    except (_Unmodelled, IndexError, ValueError):
        return None


# --- the first two characters --------------------------------------------------------------------

def _concat(left: frozenset[Beginning], right: frozenset[Beginning]) -> frozenset[Beginning]:
    out = frozenset(a if len(a) >= _LENGTH else (a + b)[:_LENGTH] for a in left for b in right)
    if len(out) > _MAX_BEGINNINGS:
        raise _Unmodelled("too many beginnings")
    return out


def _beginnings(node: _Node) -> frozenset[Beginning]:
    if isinstance(node, _Char):
        return frozenset({(node.fragment,)})
    if isinstance(node, _Look):
        return frozenset({()})
    if isinstance(node, _Seq):
        out: frozenset[Beginning] = frozenset({()})
        for item in node.items:
            out = _concat(out, _beginnings(item))
        return out
    if isinstance(node, _Alt):
        return frozenset().union(*(_beginnings(b) for b in node.branches))
    # a repeat: its least number of repetitions, then up to _LENGTH more (each more one adds a
    # character to a beginning or is empty, so further ones add no beginning)
    body, power = _beginnings(node.body), frozenset({()})
    for _ in range(node.least):
        power = _concat(power, body)
    out = set(power)
    for _ in range(_LENGTH if node.most is None else min(node.most - node.least, _LENGTH)):
        power = _concat(power, body)
        out |= power
    return frozenset(out)


def beginnings(pattern: str) -> frozenset[Beginning] | None:
    """Every way a match of ``pattern`` can begin (its first two characters, or all of a shorter
    match), each character as a regex fragment; None when the analysis does not model it."""
    node = _parse(pattern)
    try:
        return None if node is None else _beginnings(node)
    except _Unmodelled:
        return None


def with_prefix_guard(pattern: str) -> str:
    """``pattern`` behind a lookahead of the beginnings of its matches (the same matches, found
    faster where its first characters are common); as it is when no guard can be derived."""
    found = beginnings(pattern)
    if not found or () in found:
        return pattern
    return f"(?=(?:{'|'.join(sorted(''.join(b) for b in found))}))(?:{pattern})"


#: an inline flag a pattern may begin with that changes only what ``^`` and ``$`` mean
_MULTILINE_FLAG = "(?m)"


def with_line_start_guard(pattern: str) -> str:
    """``pattern`` with a lookahead every character passes right after its leading ``^`` (the same
    matches: none is empty, so a character follows the anchor anyway); as it is otherwise.

    Measured with the regex module: a ``^`` followed by a class such as ``\\s`` or ``\\p{Han}``
    makes the engine scan ahead for the pattern's possible first characters, a Unicode property
    test at every character, which costs several times a test for a line start; behind the
    lookahead it tests for line starts (3-6x fewer instructions on the seed texts' bylines).
    """
    flag = _MULTILINE_FLAG if pattern.startswith(_MULTILINE_FLAG) else ""
    body = pattern[len(flag):]
    if not body.startswith("^") or body[1:2] in ("*", "+", "?", "{"):
        return pattern
    found = beginnings(body)  # the flag changes no beginning: anchors consume nothing
    if not found or () in found:
        return pattern
    return f"{flag}^(?=[\\s\\S]){body[1:]}"


# --- the text a match needs ----------------------------------------------------------------------

#: a clause: one of its texts occurs; a match needs every clause of its list ([]: nothing known)
Clause = frozenset[str]
#: clauses kept for a pattern (the most telling ones), and texts in one clause
_MAX_CLAUSES = 3
_MAX_CLAUSE_TEXTS = 16


def _clause(texts: frozenset[str]) -> Clause:
    """A text holding another of the clause is implied by it (以来 by 来): only the other stays."""
    return frozenset(t for t in texts if not any(o != t and o in t for o in texts))


def _implies(known: Clause, clause: Clause) -> bool:
    """Whether a text that satisfies ``known`` satisfies ``clause`` (each of its texts holds one)."""
    return all(any(c in k for c in clause) for k in known)


def _best(clauses: list[Clause]) -> list[Clause]:
    """The clauses likeliest to fail on a text without a match (few texts, long ones), less those
    another one implies ({年} implies {年, 来})."""
    kept = {c for c in clauses if len(c) <= _MAX_CLAUSE_TEXTS}
    kept = {c for c in kept if not any(d != c and _implies(d, c) for d in kept)}
    return sorted(kept, key=lambda c: (len(c), -min(map(len, c)), sorted(c)))[:_MAX_CLAUSES]


def _needs(node: _Node) -> list[Clause]:
    """Clauses every match of ``node`` (with what its lookaheads read) satisfies."""
    if isinstance(node, _Char):
        return [] if node.chars is None else [node.chars]
    if isinstance(node, _Look):
        return _needs(node.body) if node.body is not None and node.ahead and node.positive else []
    if isinstance(node, _Repeat):
        return _needs(node.body) if node.least > 0 else []
    if isinstance(node, _Alt):  # (a1 and a2) or (b1 and b2) = (a1 or b1) and (a1 or b2) and …
        needs = _needs(node.branches[0])
        for branch in node.branches[1:]:
            other = _needs(branch)
            needs = _best([_clause(a | b) for a in needs for b in other])
        return needs
    clauses, run = [], ""  # a sequence: a run of single plain characters needs the whole run
    for item in (*node.items, None):
        if isinstance(item, _Char) and item.chars is not None and len(item.chars) == 1:
            run += next(iter(item.chars))
            continue
        if run:
            clauses.append(frozenset({run}))
            run = ""
        if item is not None:
            clauses += _needs(item)
    return _best([_clause(c) for c in clauses])


def literal_needs(pattern: str, known: str | None = None) -> Callable[[str, int, int], bool] | None:
    """A test of ``text[start:end]``: False only where no match of ``pattern`` can be found when
    it runs on that stretch; None when the pattern needs no known text.  ``known``: a pattern that
    matches in every stretch tested (a trigger): what it implies is not tested again."""
    node, known_node = _parse(pattern), known and _parse(known)
    given = _needs(known_node) if known_node else []
    clauses = [c for c in (_needs(node) if node else []) if not any(_implies(k, c) for k in given)]
    if not clauses:
        return None

    def holds(text: str, start: int, end: int) -> bool:
        stretch = text[start:end]
        return all(any(t in stretch for t in clause) for clause in clauses)

    return holds


def _line_bound(node: _Node) -> bool:
    """Whether no match of ``node`` holds a line break, nor reads one in a lookaround, nor is
    empty: its matches in a text are then those it finds in each line of it on its own."""
    def bound(node: _Node) -> bool:
        if isinstance(node, _Char):
            if node.chars is not None:
                return "\n" not in node.chars
            return regex.match(node.fragment, "\n", regex.V1) is None
        if isinstance(node, _Look):  # an anchor (no body) differs at a stretch's edge
            return node.body is not None and bound(node.body)
        if isinstance(node, _Repeat):
            return bound(node.body)
        return all(map(bound, node.branches if isinstance(node, _Alt) else node.items))

    def nullable(node: _Node) -> bool:
        if isinstance(node, _Char):
            return False
        if isinstance(node, _Look):
            return True
        if isinstance(node, _Repeat):
            return node.least == 0 or nullable(node.body)
        if isinstance(node, _Alt):
            return any(map(nullable, node.branches))
        return all(map(nullable, node.items))

    try:
        return bound(node) and not nullable(node)
    except regex.error:
        return False


#: at most this many first characters, all listed, and the engine's own skip to them scans a text
#: faster than line windows do (measured: 第, 一, quotes, 前/后/名 scanned whole 1.3-3x faster; a
#: number's 60 first characters and \d 2.5-3.5x slower than in windows)
_FEW_FIRST_CHARACTERS = 8


def _skips_fast(node: _Node) -> bool:
    """Whether every match of ``node`` begins with one of a few listed characters."""
    chars: set[str] = set()
    for fragment in _first_fragments(node, empty_allowed=False) or ["."]:
        first = _parse(fragment)
        if not isinstance(first, _Char) or first.chars is None:
            return False
        chars |= first.chars
    return len(chars) <= _FEW_FIRST_CHARACTERS


def line_finder(pattern: str) -> ahocorasick_rs.AhoCorasick | None:
    """An automaton of the texts of the first clause ``pattern``'s matches need, when the pattern
    is line-bound (``_line_bound``) and the engine's skip to its first characters is slow
    (``_skips_fast``): run on the lines holding one (``lines_holding``), it finds every match
    it finds in the whole text, faster.  None for any other pattern."""
    node = _parse(pattern)
    clauses = _needs(node) if node is not None else []
    if not clauses or not _line_bound(node) or _skips_fast(node):
        return None
    return automaton(sorted(clauses[0]))


def lines_holding(text: str, finder: ahocorasick_rs.AhoCorasick) -> list[tuple[int, int]]:
    """The lines of ``text`` (without their line break) holding a word ``finder`` finds, lines
    next to each other as one stretch."""
    try:
        found = finder.find_matches_as_indexes(text)
    except UnicodeEncodeError:  # a lone surrogate, which the automaton cannot read: all of it
        return [(0, len(text))]
    stretches: list[tuple[int, int]] = []
    for _, start, _ in found:
        if stretches and start < stretches[-1][1]:
            continue  # in the line just taken
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        if stretches and line_start == stretches[-1][1] + 1:
            stretches[-1] = (stretches[-1][0], line_end)
        else:
            stretches.append((line_start, line_end))
    return stretches


@dataclass(frozen=True)
class NeededTextPattern:
    """A rule pattern run only on a text that holds what every match of it needs (the clauses
    ``literal_needs`` tests): a rule that runs once per text or paragraph and rarely matches skips
    most of them unread.  Each clause is tested by ``map`` over ``str.__contains__``, in C.

    ``spans`` runs it only on the lines holding a text of its first clause (``line_finder``),
    where that finds every match: 月 for a duration, 届 for a session are in one line of ten."""

    pattern: SafePattern
    clauses: tuple[Clause, ...]  # a match needs one text of each
    #: the lines it runs on (``line_finder``); None: the whole text
    lines: ahocorasick_rs.AhoCorasick | None = None

    @classmethod
    def compile(cls, rule_id: str, source: str, origin: str) -> NeededTextPattern:
        node = _parse(source)
        clauses = tuple(_needs(node)) if node else ()
        return cls(worded(SafePattern.compile(rule_id, source, origin)), clauses, line_finder(source))

    @property
    def rule_id(self) -> str:
        return self.pattern.rule_id

    def may_match(self, text: str) -> bool:
        return all(any(map(text.__contains__, clause)) for clause in self.clauses)

    def finditer(self, text: str, warnings: list | None = None) -> Iterator[regex.Match]:
        return self.pattern.finditer(text, warnings) if self.may_match(text) else iter(())

    def search(self, text: str) -> regex.Match | None:
        return self.pattern.search(text) if self.may_match(text) else None

    def spans(self, text: str, warnings: list | None = None) -> list[tuple[int, int]]:
        """The (start, end) of every match, as ``pattern.spans`` finds them in ``text``."""
        if not self.may_match(text):
            return []
        if self.lines is None:
            return self.pattern.spans(text, warnings)
        return [span for start, end in lines_holding(text, self.lines)
                if len(self.clauses) == 1 or self.may_match(text[start:end])
                for span in self.pattern.spans(text, warnings, start, end)]


# --- the first and last character of a match pinned to the start or end of a line ------------------

#: ``^`` and ``$`` as the edge parser reads them: anchors (lookarounds with no body, consuming
#: nothing) told apart from the others, which stay ``_ANCHOR``
_START = _Look(None, ahead=False, positive=True)
_END = _Look(None, ahead=True, positive=True)


class _EdgeParser(_Parser):
    """The parser, with ``^`` and ``$`` told apart from the other anchors."""

    def item(self) -> _Node:
        char = self.pattern[self.pos]
        if char in "^$":
            self.pos += 1
            return _START if char == "^" else _END
        return super().item()


def _pinned(node: _Node, edge: _Look) -> bool:
    """Whether every match of ``node`` begins (``_START``) or ends (``_END``) at that anchor."""
    if isinstance(node, _Alt):
        return all(_pinned(branch, edge) for branch in node.branches)
    if isinstance(node, _Seq):
        return (node.items[0] if edge is _START else node.items[-1]) is edge
    return node is edge


def _reversed(node: _Node) -> _Node:
    """``node`` read backwards: what its matches end with is what the reversed node's begin with."""
    if isinstance(node, _Seq):
        return _Seq(tuple(_reversed(item) for item in reversed(node.items)))
    if isinstance(node, _Alt):
        return _Alt(tuple(_reversed(branch) for branch in node.branches))
    if isinstance(node, _Repeat):
        return _Repeat(_reversed(node.body), node.least, node.most)
    return node  # a character, or a lookaround: it consumes nothing, whichever way it reads


def edge_characters(pattern: str) -> tuple[str | None, str | None]:
    """For a pattern run on text without line breaks (where ``^`` is its start and ``$`` its end):
    a regex matching one character that the first character of every match is, when every match
    begins at ``^``, and one that the last is, when every match ends at ``$``; None for an edge
    a match is not pinned to, may be empty at, or the analysis does not model."""
    try:
        node = _EdgeParser(pattern).whole()
    except (_Unmodelled, IndexError, ValueError):
        return None, None
    first = _first_character(node, empty_allowed=False) if _pinned(node, _START) else None
    last = _first_character(_reversed(node), empty_allowed=False) if _pinned(node, _END) else None
    return first, last


def _first_fragments(node: _Node, empty_allowed: bool) -> list[str] | None:
    """Regex fragments, each matching one character, that every non-empty match of ``node``
    begins with one of; None when the analysis does not model it, when no match is non-empty,
    or when a match may be empty and ``empty_allowed`` is False."""
    try:
        found = _beginnings(node)
    except _Unmodelled:
        return None
    if () in found and not empty_allowed:
        return None
    return sorted({beginning[0] for beginning in found if beginning}) or None


def _first_character(node: _Node, empty_allowed: bool) -> str | None:
    """A regex matching one character that every non-empty match of ``node`` begins with (see
    ``_first_fragments``)."""
    fragments = _first_fragments(node, empty_allowed)
    return None if fragments is None else "|".join(fragments)


def nonempty_start(pattern: str) -> str | None:
    """For a pattern whose every match begins at ``^`` (the start of the text it searches): a regex
    matching one character that every non-empty match begins with; None when its matches are not
    pinned to ``^``, are always empty, or the analysis does not model it.  On a text whose first
    character it does not match, the pattern finds at most the empty match at the start."""
    try:
        node = _EdgeParser(pattern).whole()
    except (_Unmodelled, IndexError, ValueError):
        return None
    return _first_character(node, empty_allowed=True) if _pinned(node, _START) else None


# --- every match in one engine call --------------------------------------------------------------

def span_loop(pattern: str) -> str | None:
    """``pattern`` as one match that walks its text and captures, in ``SPAN_GROUP``, every match
    finditer finds: at each position a run of characters no match can begin with is skipped
    whole, else the pattern is tried (atomic: its first match, as finditer takes it), else one
    character is passed.  None when a match may be empty (finditer steps past one, the loop would
    stop), when a first character may be any, and for what the analysis does not model
    (backreferences, whose numbers the capture would shift; ``\\G``, which the loop moves)."""
    node = None if "\\G" in pattern else _parse(pattern)
    fragments = None if node is None else _first_fragments(node, empty_allowed=False)
    if fragments is None or "." in fragments:
        return None
    return f"(?:[^{''.join(fragments)}]++|(?>(?P<{SPAN_GROUP}>{pattern}))|[\\s\\S])*+"


def spanning(pattern: SafePattern) -> SafePattern:
    """``pattern`` whose ``spans`` find every match in one engine call (``span_loop``).

    For patterns with a match every few characters (clause and sentence breaks): finditer pays
    a call into the engine, and the timeout a read of the process clock, per match, which
    tripled their cost; the loop halves it.  A pattern with few matches is faster with finditer,
    whose engine skips to a possible first character by itself: it stays as it is."""
    loop = span_loop(pattern.source)
    if loop is None or SPAN_GROUP in pattern.compiled.groupindex:  # a group of its own of that name
        return pattern
    try:
        return replace(pattern, every=regex.compile(loop, pattern.compiled.flags))
    except regex.error:  # a first character the analysis read but a class cannot hold
        return pattern


# --- a list of plain words, found by an automaton ------------------------------------------------

#: past this many words (nested groups multiply) a pattern is left to the regex engine
_MAX_WORDS = 4096
#: flags under which a plain character matches another or a match runs backwards
_WORD_FLAGS = regex.IGNORECASE | regex.REVERSE


def _plain_words(node: _Node) -> list[str]:
    """Every string ``node`` matches, in the order the engine tries them at one position."""
    if isinstance(node, _Char):
        if node.chars is None:
            raise _Unmodelled("a class of unlisted characters")
        return sorted(node.chars)  # one character each: at a position, one at most matches
    if isinstance(node, _Alt):
        return [word for branch in node.branches for word in _plain_words(branch)]
    if isinstance(node, _Seq):
        words = [""]
        for item in node.items:
            words = [head + tail for head in words for tail in _plain_words(item)]
            if len(words) > _MAX_WORDS:
                raise _Unmodelled("too many words")
        return words
    raise _Unmodelled("a repeat, a lookaround or an anchor")  # a repeat's laziness is not parsed


def literal_words(pattern: str) -> tuple[str | None, list[str]] | None:
    """``(not_after, words)`` when ``pattern`` is an alternation of plain strings (groups nested in
    any way, classes of listed characters), maybe behind a negative lookbehind of one character
    (``(?<![一二三\\d])``, whose class is ``not_after``; None without one): its matches are then
    the leftmost-first matches of ``words`` (in the order the engine prefers them at one position)
    at positions not after such a character.  None for anything else: a repeat, another
    lookaround, an anchor, an escape such as ``\\d`` among the words, an empty match."""
    node = _parse(pattern)
    not_after = None
    if isinstance(node, _Seq) and len(node.items) > 1:
        first, rest = node.items[0], node.items[1:]
        if (isinstance(first, _Look) and not first.ahead and not first.positive
                and isinstance(first.body, _Char)):
            not_after, node = first.body.fragment, rest[0] if len(rest) == 1 else _Seq(rest)
    try:
        words = None if node is None else _plain_words(node)
    except _Unmodelled:
        return None
    return (not_after, words) if words and all(words) else None


def worded(pattern: SafePattern) -> SafePattern:
    """``pattern`` whose ``spans`` come from an Aho-Corasick automaton of its words
    (``literal_words``), leftmost-first as the engine: the same matches in one pass however many
    words there are, in linear time, so no input can make it hang.

    The regex engine tries a long alternation at every position whose character one of its
    words begins with, testing that character against each first character in turn: a trigger
    of 40 holiday names, or the 170 suffixes of organisation names, cost 5-30 ms per MB each
    that the automaton finds in 1-5.  Behind a lookbehind (``not_after``), the automaton reports
    every occurrence and ``spans`` takes them as the engine would.  A pattern of anything else
    stays as it is."""
    found = None if pattern.compiled.flags & _WORD_FLAGS else literal_words(pattern.source)
    if found is None:
        return pattern
    not_after, words = found
    return replace(pattern, words=automaton(words, every=not_after is not None),
                   not_after=None if not_after is None else regex.compile(not_after, pattern.compiled.flags))


def automaton(words: list[str], every: bool = False) -> ahocorasick_rs.AhoCorasick:
    """An automaton finding ``words`` leftmost-first, as the regex engine finds an alternation, or
    with ``every`` each occurrence of each (overlapping): a DFA, which scanned the text for the
    170 organisation suffixes in 2.5 ms per MB against 4.2 for the default (an NFA); word lists
    this short make it small."""
    kind = ahocorasick_rs.MATCHKIND_STANDARD if every else ahocorasick_rs.MATCHKIND_LEFTMOST_FIRST
    return ahocorasick_rs.AhoCorasick(words, matchkind=kind, implementation=ahocorasick_rs.Implementation.DFA)
