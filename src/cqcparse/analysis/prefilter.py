"""A cheap necessary condition for a regex: literal texts one of which every match must contain (or every
string it matches in must hold, for a lookahead or lookbehind). A sentence holding none of them cannot
match, so the regex need not run. `required_literals` looks anywhere in the pattern and keeps the most
selective set it finds. `LiteralIndex` puts the literals of every regex in one Aho-Corasick automaton
(pyahocorasick), which finds in one pass over a sentence which regexes it can match: a test per literal
and sentence costs far more. linescan.py uses these literals to run a regex over a whole text only near the
lines that hold one."""

from __future__ import annotations

import functools
import re
import re._constants as c  # the parse tree's opcodes
import re._parser as parser

import ahocorasick

MIN_LENGTH = 3  # shorter prefixes filter too little to be worth the test
MAX_PREFIXES = 500  # literals one set may hold (sets grow as products of alternatives)
# letters that ignore-case matching equates with an ASCII letter (or letters) while lower() does not: dotless
# i and long s; dotted capital I lowers to two characters. A text holding one gets no prefilter.
FOLDS_APART = "\u0130\u0131\u017f"


@functools.cache
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
    return starts_anchored(seq)


def starts_anchored(seq: list) -> bool:
    """Does every alternative of the parse items `seq` start with '^'?"""
    if not seq:
        return False
    op, av = seq[0]
    if op is c.AT:
        return av is c.AT_BEGINNING or av is c.AT_BEGINNING_STRING
    if op is c.BRANCH:
        return all(starts_anchored(list(a)) for a in av[1])
    if op is c.SUBPATTERN:
        return starts_anchored(list(av[-1]))
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


class LiteralIndex:
    """The regexes (by position) that a lower-cased sentence can match: those without a literal test, and
    those one of whose literals it holds."""

    def __init__(self, literal_sets: list[tuple[str, ...] | None]):
        self.untested = [j for j, found in enumerate(literal_sets) if found is None]
        owners: dict[str, list[int]] = {}
        for j, found in enumerate(literal_sets):
            for literal in found or ():
                owners.setdefault(literal, []).append(j)
        self.automaton = ahocorasick.Automaton() if owners else None
        for literal, js in owners.items():
            self.automaton.add_word(literal, tuple(js))  # type: ignore[union-attr]
        if self.automaton is not None:
            self.automaton.make_automaton()

    def candidates(self, lowered: str) -> list[int]:
        if self.automaton is None:
            return self.untested
        found = {js for _, js in self.automaton.iter(lowered)}
        return sorted(set(self.untested).union(*found)) if found else self.untested
