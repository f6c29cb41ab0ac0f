"""Sentences: the spans inside prose blocks, split at full stops that end a sentence (not abbreviations,
numbers or quotations), the quotation depth at an offset, and the index from an offset to its sentence."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from cqcparse.analysis.segment import Block

SENTENCE_END_CHARS = ".!?"


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    block: int  # index into blocks


def sentences(doc: str, bl: list[Block], prose: list[bool], abbreviations: set[str]) -> list[Sentence]:
    out = []
    for i, b in enumerate(bl):
        if not prose[i]:
            continue
        for s, e in split_sentences(doc, b.start, b.end, abbreviations):
            out.append(Sentence(s, e, i))
    return out


_QUOTE_CHARS = '\u201c\u201d"'
_QUOTE_MARK = re.compile(f"[{_QUOTE_CHARS}]")
# the only characters the sentence splitter acts on: it jumps from one to the next
_STOP = re.compile(f"[{re.escape(SENTENCE_END_CHARS)}{_QUOTE_CHARS}]")


def quote_step(doc: str, i: int, depth: int) -> int:
    """Quotation depth after the quotation mark at doc[i]. Curly quotes say which way they go; a straight
    quote opens after a space or bracket and closes otherwise, so one left unclosed by the report is
    closed by the next closing mark instead of inverting every quotation after it."""
    ch = doc[i]
    if ch == "\u201c":
        return depth + 1
    if ch == "\u201d":
        return max(0, depth - 1)
    before = doc[i - 1] if i > 0 else " "
    return 1 if before.isspace() or before in "([{\u2014\u2013-" else 0


def in_quotes(text: str, start: int, offset: int) -> bool:
    """Is text[offset] inside a quotation that opened at or after `start`? (Only the quotation marks
    between the two are looked at, found once per text: linear for many hits in one long sentence.)"""
    marks = _quote_marks(text)
    depth = 0
    for i in marks[bisect.bisect_left(marks, start) : bisect.bisect_left(marks, offset)]:
        depth = quote_step(text, i, depth)
    return depth > 0


_MARKS: list[tuple[str, list[int]]] = []  # the quotation marks of the last few texts


def _quote_marks(text: str) -> list[int]:
    """The offsets of the quotation marks in `text`, found once per text object. The cache goes by identity:
    one by value (lru_cache) compares a report's text in full with an equal one from an earlier run of the
    same report at every lookup, which for a 300-page report cost more than the rest of the run."""
    for seen, marks in _MARKS:
        if seen is text:
            return marks
    marks = [m.start() for m in _QUOTE_MARK.finditer(text)]
    _MARKS[:] = [(text, marks), *_MARKS[:3]]
    return marks


def split_sentences(doc: str, start: int, end: int, abbreviations: set[str]) -> list[tuple[int, int]]:
    """Sentence spans inside one block (`abbreviations`: lower-case, 'no.#' for one that is an abbreviation
    only before a number). A full stop ends a sentence before a space or a capital letter
    (so 'assessed.These' splits) unless it ends an abbreviation or a number; text inside double
    quotation marks is never split, so a quotation stays with the sentence that introduces it."""
    spans = []
    s = start
    depth = 0  # inside a double quotation
    i = start
    while i < end:
        stop = _STOP.search(doc, i, end)
        if stop is None:
            break
        i = stop.start()
        ch = doc[i]
        end_char = ch in SENTENCE_END_CHARS and depth == 0
        if ch in _QUOTE_CHARS:
            was = depth
            depth = quote_step(doc, i, depth)
            # a quotation closing on a full stop ('...kind." Staff') may end the sentence there
            end_char = was > 0 and depth == 0 and i > start and doc[i - 1] in SENTENCE_END_CHARS
            if end_char:
                i -= 1
        if end_char:
            j = i + 1
            while j < end and doc[j] in "\u2019')]\"\u201d":
                j += 1
            if j < end and _boundary(doc, s, i, j, end, abbreviations):
                spans.append((s, j))
                s = j
                while s < end and doc[s].isspace():
                    s += 1
                i = s
                continue
        i += 1
    if s < end:
        spans.append((s, end))
    return [(a, _rstrip(doc, a, b)) for a, b in spans if doc[a:b].strip()]


def _boundary(doc: str, s: int, i: int, j: int, end: int, abbreviations: set[str]) -> bool:
    k = j
    spaced = k < end and doc[k].isspace()
    while k < end and doc[k].isspace():
        k += 1
    if k >= end:
        return False
    nxt = doc[k]
    if doc[i] == ".":
        w = _word_before(doc, s, i).lower()
        if w.rstrip(".") + "." in abbreviations or w + "." in abbreviations:
            return False
        if (w + ".#" in abbreviations or w.rstrip(".") + ".#" in abbreviations) and nxt.isdigit():
            return False  # "Room No. 5", but "Staff said no. The manager..." ends a sentence
        if i > 0 and doc[i - 1].isdigit() and nxt.isdigit():
            return False  # 1.5
        if not spaced:
            # glued sentences: 'assessed.These' but not 'www.cqc.org.uk' or 'e.g.'
            return nxt.isupper() and len(w) >= 3 and w.isalnum() and doc[k + 1 : k + 2].islower()
    if not spaced:
        return False
    return nxt.isupper() or nxt.isdigit() or nxt in "\u201c\"'\u2018(" or nxt == "-"


MAX_WORD = 40  # longer than any abbreviation: the look back from a full stop stops here (linear time)


def _word_before(doc: str, s: int, i: int) -> str:
    """The characters before doc[i] back to a space or `s`, at most MAX_WORD of them."""
    k = i
    while k > max(s, i - MAX_WORD) and not doc[k - 1].isspace():
        k -= 1
    return doc[k:i]


def _rstrip(doc: str, a: int, b: int) -> int:
    while b > a and doc[b - 1].isspace():
        b -= 1
    return b


class SentenceIndex:
    """Maps a character offset to the sentence holding it."""

    def __init__(self, sents: list[Sentence]):
        self.sents = sents
        self.starts = [s.start for s in sents]

    def at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.sents[i].end:
            return i
        return None
