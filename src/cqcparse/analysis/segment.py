"""Blocks, sections and sentences: the document's structure, found by heading and context rules.

A block is a heading, paragraph, bullet or table row (one line of reader output; lines that a PDF
wrapped are joined back). Headings are never part of a sentence. Text before the first heading is a
preamble; a document with no headings is one section.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from cqcparse.analysis.rules import RuleSet
from cqcparse.analysis.ruleschema import Rule
from cqcparse.analysis.vocabulary import key_question_id
from cqcparse.readers.source import SourceText

BULLET = re.compile(r"[ \t]*(?:[-\u2022\u25cf\u25aa\u2023\u25e6*\u00b7]|\d{1,2}[.)])[ \t]+")
PROSE_END = re.compile(r"[.!?:;\"\u201d\u2019')\]]\s*$")
SENTENCE_END_CHARS = ".!?"
DANGLING_WORDS = {
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "that",
    "which",
    "who",
    "was",
    "were",
    "is",
    "are",
    "had",
    "has",
    "their",
    "its",
}


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # offset of the first character after any bullet mark
    end: int
    bullet: bool
    heading_level: int | None  # from the reader (HTML/PDF markup), None when unknown

    def text(self, doc: str) -> str:
        return " ".join(doc[self.start : self.end].split())


@dataclass(frozen=True, slots=True)
class Heading:
    block: Block
    title: str
    type: str
    level: int
    rule: str | None
    key_question: str | None
    quality_statement: str | None
    context: str | None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    block: int  # index into blocks


def blocks(src: SourceText) -> list[Block]:
    """Split reader output into blocks, joining lines a PDF wrapped mid-sentence. Run it on text whose
    running headers and footers are masked (`mask_furniture`)."""
    text = src.text
    hints = {h.start: h.level for h in src.headings or []}
    out: list[Block] = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start += lead
        end = start + len(stripped)
        level = hints.get(start) or hints.get(start - lead)
        m = BULLET.match(text, start, end) if level is None else None
        bullet = m is not None
        if bullet:
            start = m.end()
        if out and level is None and not bullet and _continues(text, out[-1], start):
            out[-1] = Block(out[-1].start, end, out[-1].bullet, None)
            continue
        out.append(Block(start, end, bullet, level))
    return out


def _continues(text: str, prev: Block, start: int) -> bool:
    """A line continues the previous block when that block stopped mid-sentence: no closing punctuation
    and this line starts in lower case (pdftotext-style wrapped text)."""
    if prev.heading_level is not None:
        return False
    last = text[prev.end - 1]
    first = text[start]
    if last in ",-\u2013" and first.isalnum():
        return True
    if last in '.!?:;\u201d"':
        return False
    # a line never ends on an article, preposition or conjunction: the PDF wrapped it
    last_word = text[max(prev.start, prev.end - 12) : prev.end].rsplit(None, 1)[-1].lower()
    return first.islower() or last_word in DANGLING_WORDS


def is_prose(b: Block, doc: str) -> bool:
    """Prose blocks hold sentences; short unpunctuated lines are headings, labels or table rows."""
    if b.heading_level is not None:
        return False
    text = doc[b.start : b.end]
    return bool(PROSE_END.search(text)) or len(text.split()) > 16


def find_headings(doc: str, bl: list[Block], rules: RuleSet) -> list[Heading | None]:
    """For each block: a Heading if it is one (typed by the first heading rule that matches the whole
    line, else a generic heading), None for prose."""
    heading_rules = rules.of("heading")
    out: list[Heading | None] = []
    for b in bl:
        title = b.text(doc)
        rule, m = _first_full_match(heading_rules, title)
        if b.bullet and rule is not None and rule.label in ("key_question", "quality_statement"):
            rule = None  # "- Safe" in a list names a key question; it does not open a section
            out.append(None)
        elif rule is not None and rule.label == "label":
            out.append(None)  # a rating, score or other label line: neither heading nor prose
        elif rule is not None and m is not None:
            kq = rule.key_question
            if kq == "$1":
                kq = key_question_id(next((g for g in m.groups() if g), ""))
            out.append(
                Heading(
                    b,
                    title,
                    rule.label or "heading",
                    rule.level or 4,
                    rule.id,
                    kq,
                    rule.quality_statement,
                    rule.context,
                )
            )
        elif b.heading_level is not None or _generic_heading(b, title, doc):
            out.append(Heading(b, title, "heading", 4, None, None, None, None))
        else:
            out.append(None)
    return out


def _first_full_match(rules: list[Rule], text: str) -> tuple[Rule | None, re.Match[str] | None]:
    for r in rules:
        m = r.compiled().fullmatch(text)
        if m:
            return r, m
    return None, None


def _generic_heading(b: Block, title: str, doc: str) -> bool:
    if b.bullet or is_prose(b, doc) or ":" in title or not title[:1].isupper():
        return False
    return len(title.split()) <= 12 and not re.search(r"\d", title)


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


@lru_cache(maxsize=4)
def _quote_marks(text: str) -> list[int]:
    return [m.start() for m in _QUOTE_MARK.finditer(text)]


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
