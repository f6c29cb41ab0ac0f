"""Blocks and headings: the document's structure, found by heading and context rules (sentences: sentences.py).

A block is a heading, paragraph, bullet or table row (one line of reader output; lines that a PDF
wrapped are joined back). Headings are never part of a sentence. Text before the first heading is a
preamble; a document with no headings is one section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cqcparse.analysis.prefilter import FOLDS_APART, LiteralIndex, required_literals
from cqcparse.analysis.rules import RuleSet
from cqcparse.analysis.ruleschema import Rule
from cqcparse.analysis.vocabulary import key_question_id
from cqcparse.readers.source import SourceText

BULLET = re.compile(r"[ \t]*(?:[-\u2022\u25cf\u25aa\u2023\u25e6*\u00b7]|\d{1,2}[.)])[ \t]+")
PROSE_END = re.compile(r"[.!?:;\"\u201d\u2019')\]]\s*$")
# a requirement or enforcement table's row: the regulated activity and the regulation with its title
TABLE_ROW = re.compile(r"\bregulation \d{1,2}[a-z]? (?:hsca|cqc)\b", re.I)
# the regulation's parts that close a table row's "how the regulation was not met" cell: "Regulation 12 (2) (a)"
PARTS_LINE = re.compile(r"\(?regulations? \d{1,2}[a-z]?\s*\(", re.I)
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
        if level is not None and stripped.endswith(".") and len(stripped.split()) >= 8:
            level = None  # a bold line that is a full sentence ('The failure to ... was a breach.') is prose
        m = BULLET.match(text, start, end) if level is None else None
        bullet = m is not None
        if m is not None:
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
    if PROSE_END.search(text):
        return True
    if len(text.split()) > 16:
        return not TABLE_ROW.search(text)
    return len(text.split()) >= 4 and _not_met_cell(b, doc)


def _not_met_cell(b: Block, doc: str) -> bool:
    """A requirement table's "how the regulation was not met" cell, printed without a full stop between
    the row's regulation title and the regulation's parts, is a sentence."""
    before = doc[doc.rfind("\n", 0, max(b.start - 1, 0)) + 1 : b.start]
    after_end = doc.find("\n", b.end + 1)
    after = doc[b.end : after_end if after_end >= 0 else len(doc)].strip()
    return bool(TABLE_ROW.search(before)) and bool(PARTS_LINE.match(after))


def find_headings(doc: str, bl: list[Block], rules: RuleSet) -> list[Heading | None]:
    """For each block: a Heading if it is one (typed by the first heading rule that matches the whole
    line, else a generic heading), None for prose."""
    heading_rules = [(r, r.compiled()) for r in rules.of("heading")]
    index = LiteralIndex([required_literals(r.regex or "") for r, _ in heading_rules])  # the rules a title can match
    every = range(len(heading_rules))
    out: list[Heading | None] = []
    for b in bl:
        title = b.text(doc)
        tested = not any(ch in title for ch in FOLDS_APART)
        rule, m = _first_full_match(
            [heading_rules[j] for j in (index.candidates(title.lower()) if tested else every)], title
        )
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


def _first_full_match(rules: list[tuple[Rule, re.Pattern[str]]], text: str) -> tuple[Rule | None, re.Match[str] | None]:
    for r, regex in rules:
        m = regex.fullmatch(text)
        if m:
            return r, m
    return None, None


def _generic_heading(b: Block, title: str, doc: str) -> bool:
    if b.bullet or is_prose(b, doc) or ":" in title or not title[:1].isupper():
        return False
    return len(title.split()) <= 12 and not re.search(r"\d", title)
