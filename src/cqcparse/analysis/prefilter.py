"""A cheap necessary condition for a regex: literal texts one of which every match must contain (or every
string it matches in must hold, for a lookahead or lookbehind). A sentence holding none of them cannot
match, so the regex need not run; `in` on a lower-cased string is far faster than a scan of the regex
engine. `literal_prefixes` finds the texts a match starts with; `required_literals` looks anywhere in the
pattern and keeps the most selective set it finds."""

from __future__ import annotations

import re
import re._constants as c  # the parse tree's opcodes
import re._parser as parser

MIN_LENGTH = 3  # shorter prefixes filter too little to be worth the test
MAX_PREFIXES = 200
KEY_LENGTH = 4  # the texts of `cover`
# letters that ignore-case matching equates with an ASCII letter (or letters) while lower() does not: dotless
# i and long s; dotted capital I lowers to two characters. A text holding one gets no prefilter.
FOLDS_APART = "\u0130\u0131\u017f"


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


def required_literals(regex: str) -> tuple[str, ...] | None:
    """Lower-case literals one of which every string that `regex` finds a match in holds, or None when
    no such set of literals of at least MIN_LENGTH characters is known."""
    try:
        found = _required(list(parser.parse(regex)))
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    if not found:
        return None
    return tuple(sorted(p for p in found if not any(q != p and q in p for q in found)))


def _required(seq: list) -> set[str] | None:
    """The most selective set of literals one of which a match of the parse items `seq` must hold: a run of
    literal characters (through zero-width assertions and all-literal groups), or what every alternative of
    a group, a repeated item or a positive lookaround requires."""
    best: set[str] | None = None

    def offer(found: set[str] | None) -> None:
        nonlocal best
        if not found or len(found) > MAX_PREFIXES or min(map(len, found)) < MIN_LENGTH:
            return
        if best is None or (min(map(len, found)), -len(found)) > (min(map(len, best)), -len(best)):
            best = found

    run = {""}
    for op, av in seq:
        if op is c.AT:
            continue  # zero width: the literals on both sides are adjacent in the text
        if op is c.LITERAL:
            run = {s + chr(av).lower() for s in run}
            continue
        if op is c.SUBPATTERN or op is c.BRANCH:
            alternatives = [list(av[-1])] if op is c.SUBPATTERN else [list(a) for a in av[1]]
            parts = [_prefixes(a) for a in alternatives]
            if all(complete for _, complete in parts):  # a group of literals extends the run
                grown = {s + p for s in run for found, _ in parts for p in found}
                if len(grown) <= MAX_PREFIXES:
                    run = grown
                    continue
            offer(run)
            run = {""}
            each = [_required(a) for a in alternatives]
            if all(each):
                offer(set().union(*each))  # type: ignore[arg-type]
            continue
        if op is c.ASSERT:  # a positive lookaround: zero width, and its text is in the searched string
            offer(_required(list(av[1])))
            continue
        offer(run)
        run = {""}
        if (op is c.MAX_REPEAT or op is c.MIN_REPEAT) and av[0] >= 1:
            offer(_required(list(av[2])))
    offer(run)
    return best


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


def cover(literals: tuple[str, ...], most: int = 8) -> tuple[str, ...] | None:
    """A few short texts one of which each literal contains (so a text holding none of them holds no
    literal either): a first test that rules out most sentences in `most` steps instead of one per literal.
    Chosen greedily, each covering the most literals not yet covered, longest first, of KEY_LENGTH to
    KEY_LENGTH + 3 characters (a shorter literal is its own key). None if the literals are few already or
    `most` texts do not cover them."""
    if len(literals) <= most:
        return None
    left, keys = set(literals), list[str]()
    while left and len(keys) < most:
        counts: dict[str, int] = {}
        for lit in left:
            sizes = range(KEY_LENGTH, min(len(lit), KEY_LENGTH + 3) + 1) if len(lit) > KEY_LENGTH else [len(lit)]
            for sub in {lit[i : i + n] for n in sizes for i in range(len(lit) - n + 1)}:
                counts[sub] = counts.get(sub, 0) + 1
        key = max(sorted(counts), key=lambda k: (counts[k], len(k)))
        keys.append(key)
        left = {lit for lit in left if key not in lit}
    return None if left else tuple(keys)


def may_match(prefixes: tuple[str, ...] | None, lowered: str) -> bool:
    if prefixes is None:
        return True
    for p in prefixes:  # a plain loop: a generator costs more than the tests it saves
        if p in lowered:
            return True
    return False
