"""Joining pieces into blocks: when a line continues the block above, line pitch, narrow columns, headings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from cqcparse.readers.pdf.geometry import Block, Piece, starts_bullet

_FINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
_DANGLING = re.compile(r"\b(?:the|a|an|and|or|of|to|in|on|at|by|for|with|from)$", re.I)
_OPENERS = "\"'\u201c\u2018([\u2026"
_MAX_PITCH = 1.75  # lines of one paragraph are never further apart than this many times the font size


def starts_lower(text: str) -> bool:
    """The line starts in lower case, after any opening quote or bracket ("\u201ceverything was ...")."""
    return text.lstrip(_OPENERS)[:1].islower()


def col_right(prev: Piece, nxt: Piece, narrow: bool = True) -> float:
    if narrow and prev.narrow and nxt.narrow and not prev.region and not nxt.region:
        return prev.narrow
    return prev.col_right


def wrapped(prev: Piece, nxt: Piece, narrow: bool = True) -> bool:
    """True if `nxt`'s first word would not have fitted at the end of `prev` (so `prev` was wrapped).

    The right edge of a text column is only known from its longest lines, and glyph boxes are a little
    narrower than advance widths, so allow half an em of slack.
    """
    space = 0.28 * prev.size
    return prev.x1 + space + nxt.w1 > col_right(prev, nxt, narrow) - 0.5 * prev.size


def pitch_key(a: Piece, b: Piece) -> tuple[float, int]:
    two = 1 if (a.region or (a.narrow and b.narrow)) else 0
    return (round(a.size * 2) / 2, two)


def same_style(a: Piece, b: Piece) -> bool:
    # pdfium reports the size after the text matrix, which wobbles a little with character spacing
    return abs(a.size - b.size) <= max(0.6, 0.08 * max(a.size, b.size)) and a.bold == b.bold


def pitch_counts(pieces: list[Piece]) -> dict[tuple[float, int], Counter]:
    """Line pitches of wrapped lines on a page, counted for each (font size, single/two-column)."""
    c: dict[tuple[float, int], Counter] = defaultdict(Counter)
    for a, b in zip(pieces, pieces[1:], strict=False):
        if b.jump or a.row or b.row or a.region != b.region or not same_style(a, b):
            continue
        if abs(a.x0 - b.x0) > 3 and not starts_bullet(a.text):
            continue
        d = b.base - a.base
        if d <= 0 or d > _MAX_PITCH * a.size or not wrapped(a, b):
            continue
        c[pitch_key(a, b)][round(d, 1)] += 1
    return c


def continues(block: Block, p: Piece, refs: dict, doc_refs: dict) -> str | None:
    """Separator to append `p` to `block`, or None if `p` starts a new block."""
    last = block.pieces[-1]
    if block.bullet and len(block.pieces) == 1 and len(last.text) == 1 and not p.row and not starts_bullet(p.text):
        return " "  # a bullet mark printed on a line of its own, its text below
    if p.cell and not block.row and not block.bullet:
        return " "  # a table cell on the row of the cell read before it
    if block.row or p.row or starts_bullet(p.text):
        return None
    if not same_style(last, p):
        return None
    # indentation, relative to the text column: the second line of a block may sit under the first or, for a
    # bullet, under the text after its mark (a hanging indent); every later line sits under the one above
    rel = p.x0 - p.col_left
    first = block.pieces[0]
    if len(block.pieces) > 1:
        ok_x = abs(rel - (last.x0 - last.col_left)) <= 3
    else:
        # (a typesetter may push a bullet's first line past the indent its other lines keep: ReportLab)
        ok_x = abs(rel - (first.x0 - first.col_left)) <= 3 or (
            block.hang is not None
            and (abs(rel - (block.hang - first.col_left)) <= 3 or first.x0 + 0.5 * first.size < p.x0 < block.hang)
        )
    if not ok_x:
        return None
    sep = "" if last.text.endswith(("-", "\u00ad")) else " "
    if p.jump or p.page != last.page or p.base < last.base:
        # a page or column break: carry over only an unfinished sentence, and only to the very next page
        # (not a heading: a bold line, unless the bold line below goes on in lower case; and the guess of a
        # narrow column is not evidence enough here)
        if _FINAL.search(last.text) or p.page > last.page + 1 or (last.bold and not starts_lower(p.text)):
            return None
        if not (starts_lower(p.text) or wrapped(last, p, narrow=False)):
            return None
        return sep
    if (
        not wrapped(last, p)
        and not _DANGLING.search(last.text)
        and not (starts_lower(p.text) and not _FINAL.search(last.text))
    ):
        return None  # (a line ending "and" or "for", or one that the next goes on in lower case, was wrapped,
        # even in a table cell whose right edge is unknown)
    pitch = p.base - last.base
    # the block's own pitch, from two lines that follow its first (a first line with a bullet mark or a
    # different font mixed in can sit a little off its true baseline)
    if (
        len(block.pieces) >= 3
        and block.pieces[-2].page == last.page
        and block.pieces[-2].base < last.base
        and not last.jump
        and not block.pieces[-2].jump
    ):
        ref = last.base - block.pieces[-2].base
    else:
        key = pitch_key(last, p)
        ref = refs.get(key) or doc_refs.get(key) or 1.3 * last.size  # no evidence: break past ~1.5 em
    if pitch > 1.12 * ref + 0.3 or pitch > _MAX_PITCH * last.size or pitch < 0.3 * last.size:
        return None
    return sep


def heading_levels(sizes: list[float]):
    """Level 1 for the biggest heading font, 2 for the next, ...; sizes within 8% of each other share a level."""
    tops: list[float] = []  # the largest size of each level
    for size in sorted(set(sizes), reverse=True):
        if not tops or size < 0.92 * tops[-1] and size < tops[-1] - 0.6:
            tops.append(size)
        else:
            continue

    def level_of(size: float) -> int:
        for i, top in enumerate(tops):
            if size >= 0.92 * top or size >= top - 0.6:
                return min(6, i + 1)
        return min(6, len(tops))

    return level_of


def narrow_edge(all_pieces: list[list[Piece]], widths: list[float], left: float) -> float | None:
    """The right edge of a left-half column, if some paragraph of 3+ lines shows one, else None."""
    edge = None
    for ps, width in zip(all_pieces, widths, strict=False):
        limit = width / 2
        run: list[Piece] = []
        for pc in [*ps, None]:
            fits = (
                pc is not None
                and not pc.region
                and not pc.row
                and pc.x1 <= limit
                and abs(pc.x0 - left) <= 3
                and not starts_bullet(pc.text)
            )
            if fits and run and pc is not None:
                a = run[-1]
                pitch = pc.base - a.base
                same = (
                    pc.page == a.page
                    and same_style(a, pc)
                    and pitch > 0
                    and (len(run) < 2 or abs(pitch - (a.base - run[-2].base)) <= 0.3)
                )
                if not same:
                    edge = _run_edge(run, edge)
                    run = []
            if fits and pc is not None:
                run.append(pc)
            else:
                edge = _run_edge(run, edge)
                run = []
    return edge


def _run_edge(run: list[Piece], edge: float | None) -> float | None:
    if len(run) < 3:
        return edge
    right = max(pc.x1 for pc in run)
    for a, b in zip(run, run[1:], strict=False):
        if a.x1 + 0.28 * a.size + b.w1 <= right - 0.5 * a.size:
            return edge  # a line that was not full: not one paragraph set in a narrow column
    return right if edge is None else max(edge, right)


def body_font_size(blocks: list[Block]) -> float:
    c: Counter = Counter()
    for b in blocks:
        for pc in b.pieces:
            c[round(pc.size * 2) / 2] += len(pc.text)
    return c.most_common(1)[0][0] if c else 0.0


def is_heading(b: Block, body_size: float) -> bool:
    if b.row or b.bullet or len(b.pieces) > 3:
        return False
    first = b.pieces[0]
    text = " ".join(pc.text for pc in b.pieces)
    if len(text) > 250 or len(text.split()) > 40 or not any(ch.isalpha() for ch in text):
        return False
    if first.x0 - first.col_left > 0.3 * max(first.col_right - first.col_left, 1.0):
        return False  # a label printed off to the right (a rating above a heading), not a heading
    bold = all(pc.bold for pc in b.pieces)
    bigger = first.size >= body_size + 1.0 and len(text.split()) <= 25
    return bold or bigger
