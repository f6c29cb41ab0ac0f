"""A cheap necessary condition for a regex: the literal texts one of which every match must begin with
(after zero-width assertions). A sentence holding none of them cannot match, so the regex need not run;
`in` on a lower-cased string is far faster than a scan of the regex engine."""

from __future__ import annotations

import re
import re._constants as c  # the parse tree's opcodes
import re._parser as parser

MIN_LENGTH = 3  # shorter prefixes filter too little to be worth the test
MAX_PREFIXES = 200


def literal_prefixes(regex: str) -> tuple[str, ...] | None:
    """Lower-case literal prefixes, one of which every match of `regex` starts with, or None when some
    alternative starts with something other than a literal (a class, an optional group)."""
    try:
        found, _ = _prefixes(list(parser.parse(regex)))
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    if not found or any(len(p) < MIN_LENGTH for p in found):
        return None
    # a prefix that extends another adds nothing to the test
    return tuple(sorted(p for p in found if not any(q != p and p.startswith(q) for q in found)))


def anchored(regex: str) -> bool:
    """Does every alternative of `regex` start with '^'? Then in a one-line sentence it can only match at
    the start, and `match` does the work of `finditer`."""
    try:
        seq = list(parser.parse(regex))
    except (re.error, RecursionError, TypeError, ValueError):
        return False
    return _anchored(seq)


def _anchored(seq: list) -> bool:
    if not seq:
        return False
    op, av = seq[0]
    if op is c.AT:
        return av is c.AT_BEGINNING or av is c.AT_BEGINNING_STRING
    if op is c.BRANCH:
        return all(_anchored(list(a)) for a in av[1])
    if op is c.SUBPATTERN:
        return _anchored(list(av[-1]))
    return False


def _prefixes(seq: list) -> tuple[set[str], bool]:
    """The literal prefixes of a sequence of parse items, and whether the whole sequence is literal."""
    out = {""}
    for op, av in seq:
        if op is c.AT:
            continue  # \b, ^: zero width
        if op is c.LITERAL:
            out = {s + chr(av).lower() for s in out}
            continue
        if op is c.SUBPATTERN:
            alternatives = [list(av[-1])]
        elif op is c.BRANCH:
            alternatives = [list(a) for a in av[1]]
        else:
            return out, False
        parts = [_prefixes(a) for a in alternatives]
        grown = {s + p for s in out for found, _ in parts for p in found}
        if len(grown) > MAX_PREFIXES:
            return out, False
        out = grown
        if not all(complete for _, complete in parts):
            return out, False
    return out, True


def may_match(prefixes: tuple[str, ...] | None, lowered: str) -> bool:
    if prefixes is None:
        return True
    for p in prefixes:  # a plain loop: a generator costs more than the tests it saves
        if p in lowered:
            return True
    return False
