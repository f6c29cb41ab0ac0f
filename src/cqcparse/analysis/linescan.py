"""`LineScan`: regexes run over a whole text only near the lines that hold one of their required literals.
A regex whose matches, lookarounds included, step over at most N newlines (`line_reach`) and hold a literal
start at most N lines before or after a line holding it, and look no further than N lines past their start,
so its matches over the whole text are those found searching from N lines before each such line to N lines
after it. Fact and breach rules run over the whole text; most stay on one line (N = 0), the others on a few."""

from __future__ import annotations

import functools
import re
import re._constants as c  # the parse tree's opcodes
import re._parser as parser
from collections.abc import Iterator
from itertools import accumulate

import ahocorasick
import numpy as np

from cqcparse.analysis.prefilter import FOLDS_APART, required_literals

CHUNK = 1 << 16  # characters of a text a LineScan lowers at a time
Key = tuple[str, int]  # a compiled regex's pattern and flags


@functools.cache
def line_reach(regex: str, flags: int) -> tuple[tuple[str, ...], int] | None:
    """The `required_literals` of a regex and the most newlines its matches, lookarounds included, can step
    over; None for a regex without literals, or one whose newlines have no bound (or that this cannot tell)."""
    try:
        tree = parser.parse(regex, flags)
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    reach = _newlines(list(tree), tree.state.flags)
    literals = required_literals(regex)
    if reach is None or not literals or any("\n" in lit for lit in literals):
        return None
    return literals, reach


_NEWLINE = ord("\n")
# character classes that hold a newline
_NEWLINE_CATEGORIES = {c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD, c.CATEGORY_NOT_DIGIT, c.CATEGORY_LINEBREAK}


def _newlines(seq: list, flags: int) -> int | None:
    """At most how many newline characters can the parse items `seq` match, lookarounds counted as if they
    matched too? None when there is no bound, and for `$` without re.MULTILINE (the newline at the end of a
    searched range would fake the end of the string) and unknown items."""
    total = 0
    for op, av in seq:
        if op is c.LITERAL or op is c.NOT_LITERAL:
            n: int | None = int((av == _NEWLINE) == (op is c.LITERAL))
        elif op is c.ANY:
            n = 1 if flags & re.DOTALL else 0
        elif op is c.IN:
            n = int(_class_holds_newline(av))
        elif op is c.AT:
            n = None if av is c.AT_END and not flags & re.MULTILINE else 0
        elif op is c.SUBPATTERN:
            n = _newlines(list(av[3]), (flags | av[1]) & ~av[2])
        elif op is c.BRANCH:
            each = [_newlines(list(a), flags) for a in av[1]]
            n = None if None in each else max(each)  # type: ignore[type-var]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            n = _newlines(list(av[2]), flags)
            if n:
                n = None if av[1] == c.MAXREPEAT else n * av[1]
        elif op in (c.ASSERT, c.ASSERT_NOT):
            n = _newlines(list(av[1]), flags)
        elif op is c.ATOMIC_GROUP:
            n = _newlines(list(av), flags)
        else:  # back references, conditionals
            n = None
        if n is None:
            return None
        total += n
    return total


def _class_holds_newline(items: list) -> bool:
    negated, holds = False, False
    for op, av in items:
        if op is c.NEGATE:
            negated = True
        elif op is c.LITERAL:
            holds = holds or av == _NEWLINE
        elif op is c.RANGE:
            holds = holds or av[0] <= _NEWLINE <= av[1]
        elif op is c.CATEGORY:
            holds = holds or av in _NEWLINE_CATEGORIES
        else:
            return True
    return holds != negated


class LineScan:
    """`finditer` of regexes over one text, each run only near the lines holding one of its literals (found
    for all the regexes in one Aho-Corasick pass). Such a regex gives the same matches as over the whole text:
    searching with pos and endpos still sees the characters before pos (lookbehinds, `\\b`, `^`), and endpos
    lies past the last character a match starting in range can test."""

    def __init__(self, text: str, regexes: list[re.Pattern[str]]):
        self.text = text
        self.lines: dict[Key, list[int]] = {}  # a tested regex -> starts of the lines holding a literal
        self.reach: dict[Key, int] = {}  # and the newlines its matches can step over
        self.starts: list[int] = []  # the start of every line, when a regex is tested
        if any(ch in text for ch in FOLDS_APART):
            return
        owners: dict[str, list[Key]] = {}
        for rx in regexes:
            key = (rx.pattern, rx.flags)
            if found := line_reach(*key):
                self.reach[key] = found[1]
                for literal in found[0]:
                    owners.setdefault(literal, []).append(key)
        if not owners:
            return
        automaton = ahocorasick.Automaton()
        for literal, keys in owners.items():
            automaton.add_word(literal, tuple(keys))
        automaton.make_automaton()
        lines: dict[Key, set[int]] = {key: set() for key in self.reach}
        a = 0
        while a < len(text):  # in chunks of whole lines (no literal holds a newline): a lower-case copy of
            b = text.find("\n", a + CHUNK) + 1 or len(text)  # a long report at once costs tens of MB
            chunk = text[a:b].lower()
            for end, keys in automaton.iter(chunk):
                line = a + chunk.rfind("\n", 0, end) + 1
                for key in keys:
                    lines[key].add(line)
            a = b
        self.lines = {key: sorted(starts) for key, starts in lines.items()}
        self.starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]

    def ranges(self, key: Key) -> list[tuple[int, int, int]]:
        """(pos, limit, endpos) to search a tested regex in: its matches start before `limit`."""
        text, reach, n = self.text, self.reach[key], len(self.text)
        if not self.lines[key]:
            return []
        if not reach:  # each line on its own
            return [(a, b, b) for a in self.lines[key] for b in (text.find("\n", a) + 1 or n,)]
        # the first and last line a match can start on, around each line holding a literal, overlaps merged
        last = len(self.starts) - 1
        at = np.searchsorted(self.starts, self.lines[key])
        lo, hi = np.maximum(at - reach, 0), np.minimum(at + reach, last)
        apart = lo[1:] > hi[:-1] + 1  # (hi grows with the line)
        firsts, lasts = lo[np.r_[True, apart]].tolist(), hi[np.r_[apart, True]].tolist()
        line = lambda i: self.starts[i] if i <= last else n  # noqa: E731
        return [(line(a), line(b + 1), line(b + reach + 1)) for a, b in zip(firsts, lasts)]

    def finditer(self, regex: re.Pattern[str]) -> Iterator[re.Match[str]]:
        key = (regex.pattern, regex.flags)
        if key not in self.lines:
            yield from regex.finditer(self.text)
            return
        text, n = self.text, len(self.text)
        for pos, limit, endpos in self.ranges(key):
            # a match ends within N lines of its literal's line, so before the next range's first line
            for m in regex.finditer(text, pos, endpos):
                if m.start() >= limit and limit < n:  # an empty match at the next line's start is that line's
                    break
                yield m

    def search(self, regex: re.Pattern[str]) -> re.Match[str] | None:
        return next(self.finditer(regex), None)
