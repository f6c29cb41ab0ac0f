"""A cheap test in front of a regex, for the positions where no match can start. Python's re tries a search at
every position, and under ignore-case it enters every alternative of a word list there, since it cannot skip
an alternative by its first letter. When every match of a regex starts with one of a few characters (its
alternatives start with literal words), `guarded` puts a class of those characters in front (and `\\b` when
every match starts a word): zero-width tests that each match passes anyway, so the regex finds exactly the
same matches, with the same groups, and rejects most positions with one test."""

from __future__ import annotations

import functools
import re
import re._constants as c  # the parse tree's opcodes
import re._parser as parser

from cqcparse.analysis.prefilter import starts_anchored

# zero-width assertions after which a word character starts a word
_WORD_STARTS = {c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_LINE, c.AT_BEGINNING_STRING}
_MAX_RANGE = 64  # characters a class range may add to the set (wider: no guard)


@functools.cache
def guarded(source: str, flags: int) -> str:
    """`source` with its guard in front, or `source` itself when no match start can be told this way."""
    try:
        seq = list(parser.parse(source, flags))
    except (re.error, RecursionError, TypeError, ValueError):
        return source
    first = _first(seq, False)
    if first is None or first[1] or not first[0] or starts_anchored(seq):
        return source  # unknown first characters, a regex that can match the empty string, or one that '^' tests
    chars, _, word_start = first
    if not any(chr(ch).lower() != chr(ch).upper() for ch in chars):
        return source  # first characters without case: re finds them by itself
    word_start = word_start and all(ch.isalnum() or ch == "_" for ch in map(chr, chars))
    out = (
        ("\\b" if word_start else "")
        + "(?=["
        + "".join(re.escape(chr(ch)) for ch in sorted(chars))
        + "])(?:"
        + source
        + ")"
    )
    try:
        re.compile(out, flags)  # global inline flags, for one, must stay at the start
    except re.error:
        return source
    return out


def _first(seq: list, at: bool) -> tuple[set[int], bool, bool] | None:
    """The characters a match of the parse items `seq` can start with, whether it can match the empty string,
    and whether every path to its first character passes a `\\b` or `^` (`at`: the path so far did); None
    when a path starts with anything but literal characters."""
    chars: set[int] = set()
    word_start = True
    for op, av in seq:
        if op is c.AT:
            at = at or av in _WORD_STARTS
            continue
        if op is c.ASSERT or op is c.ASSERT_NOT:
            continue  # zero width: the first character comes after
        if op is c.LITERAL or op is c.IN:
            found = {av} if op is c.LITERAL else _class(av)
            if found is None:
                return None
            return chars | found, False, word_start and at
        if op is c.SUBPATTERN or op is c.BRANCH:
            if op is c.SUBPATTERN and (av[1] or av[2]):
                return None  # local flags (case) change what a letter matches
            alternatives = [list(av[-1])] if op is c.SUBPATTERN else [list(a) for a in av[1]]
            low = 1
        elif op is c.MAX_REPEAT or op is c.MIN_REPEAT or op is c.POSSESSIVE_REPEAT:
            alternatives, low = [list(av[2])], av[0]
        else:
            return None
        parts = [_first(a, at) for a in alternatives]
        if any(p is None for p in parts):
            return None
        for p in parts:
            assert p is not None
            chars |= p[0]
            word_start = word_start and p[2]
        if low >= 1 and not any(p[1] for p in parts if p is not None):
            return chars, False, word_start
    return chars, True, word_start


def _class(items: list) -> set[int] | None:
    """The characters of a class of literals and short ranges; None for a negated class or a category."""
    out: set[int] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(av)
        elif op is c.RANGE and av[1] - av[0] < _MAX_RANGE:
            out.update(range(av[0], av[1] + 1))
        else:
            return None
    return out
