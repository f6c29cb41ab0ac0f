"""Read a PDF report into a `SourceText`: one block per line, with page offsets, line boxes and heading hints.

Two engines sit behind one interface:

* ``engine="pdfium"`` (default, fast): pypdfium2's text page. Text comes run by run (pdfium's text "rects":
  one horizontal run of glyphs of one font on one line), font size, name and baseline from ``pypdfium2.raw``;
  no Python loop over characters.
* ``engine="plumber"``: pdfplumber (pdfminer) characters with font name and size; about 10x slower, kept as
  a cross-check (the tests require both to give the same lines).

Both produce the same `Run` records and share the layout code below, which:

1. groups runs into printed lines by vertical overlap (so a rating printed beside its question, a little
   higher or lower, stays on its line) and splits each line into segments at gaps wider than 1.5 em
   (table cells, or the two halves of a two-column line);
2. drops running headers and footers: lines in the top or bottom 12% of the page whose text, with digit
   runs masked, recurs at about the same height on at least half of the pages (and bare page numbers).
   With fewer than four pages selected, a few neighbouring pages are read too, to see what repeats;
3. finds two-column regions (a run of lines whose right-hand segments start at one x and have a ragged
   right edge -- table cells are right-aligned or start at varying x) and reads them column by column;
4. joins printed lines into blocks (a paragraph, a bullet, a heading, a table row). A new block starts at a
   bullet mark, a table row, a change of font size or boldness, a change of indentation, a line pitch
   (baseline to baseline) wider than the block's or the document's usual one, or when the first word of the
   next line would have fitted at the end of the previous one (so the previous line was not wrapped). A
   block carries over a page or column break when it does not end with sentence-final punctuation and the
   next line has the same style and either starts in lower case or follows a wrapped (full) line.

Where a text column ends is taken from its longest lines; a left column with no line beside it in the right
one is assumed to end at mid-page (or where the document's detected columns end), and columns of one layout
are assumed to be equally wide.

Hyphens at the end of a line: the two parts are joined without a space. The hyphen is dropped only if the
unhyphenated word occurs elsewhere in the document (``manage-|ment`` -> ``management``); otherwise it is a
real compound (``well-|led`` -> ``well-led``). Soft hyphens (U+00AD) are always dropped.

Headings: a block of at most three lines that is all bold, or (up to 25 words) at least 1 pt bigger than
the body text, and starts at the left of its column, unless it is a table row or a bullet. Levels follow
font size: sizes within 8% of each other share a level, the biggest is level 1.

pdfium is not thread-safe: read PDFs in parallel with processes, not threads.
"""
from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cqcparse.errors import InputError
from cqcparse.readers.pdf.engines import (BULLET_MARKS, PdfiumPages, PlumberPages, Run, check_file, fail,
                          open_pdfium)
from cqcparse.readers.source import HeadingHint, LineBox, Page, SourceText

__all__ = ["read_pdf", "parse_page_spec", "ENGINES", "DEFAULT_ENGINE"]

ENGINES = ("pdfium", "plumber")
DEFAULT_ENGINE = "pdfium"

_DIGITS = re.compile(r"\d+")
_PAGE_NO = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)
_FINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
_WS = re.compile(r"\s+")
_MAX_PITCH = 1.75  # lines of one paragraph are never further apart than this many times the font size
_WORD = re.compile(r"[^\W\d_]+", re.U)
# ligatures spelled out; control characters (other than whitespace, which is collapsed) dropped
_CLEAN = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
          **{c: None for c in range(32) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"}, 0x7F: None}


# --------------------------------------------------------------------------------------------------------
# --pages


def parse_page_spec(spec: str, n_pages: int) -> list[int]:
    """Turn "3", "1-12", "2,5-7" (or "4-" for 4 to the end) into sorted 1-based page numbers.

    Raises ValueError with a one-line message on a malformed spec or a page outside 1..n_pages.
    """
    if spec is None or not str(spec).strip():
        raise ValueError("empty page spec: use e.g. 3, 1-12 or 2,5-7")
    pages: set[int] = set()
    for part in str(spec).split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d*))?", part)
        if not m:
            raise ValueError(f"bad page spec {spec!r}: {part!r} is not a page or range (use e.g. 3, 1-12 or 2,5-7)")
        first = int(m.group(1))
        last = first if m.group(2) is None else (int(m.group(2)) if m.group(2) else n_pages)
        if first < 1 or last < 1:
            raise ValueError(f"bad page spec {spec!r}: pages are numbered from 1")
        if last < first:
            raise ValueError(f"bad page spec {spec!r}: range {part!r} runs backwards")
        if last > n_pages:
            raise ValueError(f"bad page spec {spec!r}: page {last} is past the last page ({n_pages})")
        pages.update(range(first, last + 1))
    return sorted(pages)


@dataclass(slots=True)
class _Seg:
    runs: list[Run]
    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""
    size: float = 0.0
    bold: bool = False
    w1: float = 0.0
    hang: float | None = None
    base: float = 0.0


@dataclass(slots=True)
class _Line:
    segs: list[_Seg]
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segs)


@dataclass(slots=True)
class _Piece:
    """A printed line (or one column's half of it) in reading order."""
    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    w1: float
    row: bool        # a table row: several cells on one line
    col_left: float  # the text column this line sits in
    col_right: float
    region: int      # 0 single column, >0 a two-column region id
    jump: bool = False  # first line of a new column or page
    narrow: float = 0.0  # if set: the line fits the left column of the document's two-column layout
    hang: float | None = None  # x0 of the text after a bullet mark
    base: float = 0.0  # baseline: line pitch is measured on it, as glyph boxes vary with the letters


@dataclass(slots=True)
class _Block:
    pieces: list[_Piece] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)  # separator before pieces[i + 1]: " ", or "" after a hyphen
    bullet: bool = False
    row: bool = False
    hang: float | None = None  # x0 of a bullet's text after its mark


# --------------------------------------------------------------------------------------------------------
# Errors and opening




# --------------------------------------------------------------------------------------------------------
# Layout: runs -> lines -> segments


def _lines(runs: list[Run]) -> list[_Line]:
    """Group runs into printed lines by vertical overlap, then split each line at wide gaps."""
    # vertical text (a margin note) would smear lines together: leave it out, unless it is most of the page
    upright = [r for r in runs if r.bottom - r.top <= 2.5 * max(r.size, 1.0) or len(r.text.strip()) <= 1]
    if len(upright) >= 0.8 * len(runs):
        runs = upright
    runs = sorted(runs, key=lambda r: (r.top + r.bottom) / 2)
    groups: list[list[Run]] = []
    spans: list[list[float]] = []
    for r in runs:
        h = max(r.bottom - r.top, 0.1)
        placed = False
        for g in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            top, bottom = spans[g]
            ov = min(bottom, r.bottom) - max(top, r.top)
            if ov >= 0.5 * min(h, bottom - top):
                groups[g].append(r)
                spans[g][0], spans[g][1] = min(top, r.top), max(bottom, r.bottom)
                placed = True
                break
        if not placed:
            groups.append([r])
            spans.append([r.top, r.bottom])
    lines: list[_Line] = []
    for g in groups:
        g.sort(key=lambda r: r.x0)
        segs: list[_Seg] = []
        for r in g:
            if segs:
                s = segs[-1]
                gap = r.x0 - s.x1
                if gap < 1.5 * max(r.size, s.runs[-1].size, 1.0):
                    s.runs.append(r)
                    s.x1 = max(s.x1, r.x1)
                    s.top, s.bottom = min(s.top, r.top), max(s.bottom, r.bottom)
                    continue
            segs.append(_Seg([r], r.x0, r.top, r.x1, r.bottom))
        for s in segs:
            _finish_seg(s)
        # a bullet mark printed apart from its text belongs to it, not a table cell
        merged: list[_Seg] = []
        for s in segs:
            if merged and len(merged[-1].text) == 1 and merged[-1].text in BULLET_MARKS:
                m = merged[-1]
                m.runs += s.runs
                m.x1, m.top, m.bottom = s.x1, min(m.top, s.top), max(m.bottom, s.bottom)
                _finish_seg(m)
                m.w1 = s.x0 - m.x0 + s.w1
                continue
            merged.append(s)
        lines.append(_Line(merged, min(s.top for s in merged), max(s.bottom for s in merged)))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _finish_seg(s: _Seg) -> None:
    parts: list[str] = []
    prev: Run | None = None
    for r in s.runs:
        t = r.text
        if prev is not None and parts:
            gap = r.x0 - prev.x1
            if gap > 0.12 * max(r.size, 1) and not parts[-1].endswith(" ") and not t.startswith(" "):
                parts.append(" ")
        parts.append(t)
        prev = r
    s.text = _WS.sub(" ", "".join(parts).translate(_CLEAN)).strip().replace("\u00ad ", "\u00ad")
    # the main font: of the longest run
    main = max(s.runs, key=lambda r: len(r.text.strip()))
    s.size = main.size
    s.base = main.base
    s.bold = all(r.bold for r in s.runs if r.text.strip() and not (len(r.text.strip()) == 1 and r.text.strip() in BULLET_MARKS))
    s.w1 = s.runs[0].w1
    s.hang = None
    if s.text[:1] in BULLET_MARKS:
        first = s.runs[0].text.strip()
        if len(first) == 1 and len(s.runs) > 1:
            s.hang = s.runs[1].x0
        else:
            s.hang = s.x0 + s.runs[0].w1 + 0.28 * s.size


# --------------------------------------------------------------------------------------------------------
# Running headers and footers


def _mask(text: str) -> str:
    return _DIGITS.sub("#", text.lower()).replace(" ", "")


def _furniture(pages: list[tuple[int, list[_Line], float]]) -> set[tuple[int, int]]:
    """(page number, line index) of running headers/footers and bare page numbers."""
    out: set[tuple[int, int]] = set()
    seen: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for number, lines, height in pages:
        for i, ln in enumerate(lines):
            band = "top" if ln.bottom < 0.12 * height else "bottom" if ln.top > 0.88 * height else None
            if band is None:
                continue
            text = ln.text.strip()
            if _PAGE_NO.match(text):
                out.add((number, i))
                continue
            seen[(band, _mask(text))].append((number, i, ln.top))
    n = len(pages)
    if n >= 2:
        need = max(2, (n + 1) // 2)
        for hits in seen.values():
            if len({h[0] for h in hits}) < need:
                continue
            tops = sorted(h[2] for h in hits)
            med = tops[len(tops) // 2]
            near = [h for h in hits if abs(h[2] - med) <= 6]
            if len({h[0] for h in near}) >= need:
                out.update((h[0], h[1]) for h in near)
    return out


# --------------------------------------------------------------------------------------------------------
# Columns and reading order


def _regions(lines: list[_Line], width: float) -> list[tuple[int, int, float, float, float]]:
    """Two-column regions: (first line, last line, left column right edge, right column x0, right edge)."""
    found = []
    n = len(lines)
    used = [False] * n
    cand = [k for k, ln in enumerate(lines) if len(ln.segs) == 2]
    for k in cand:
        if used[k]:
            continue
        x_right = lines[k].segs[1].x0
        if not (0.3 * width < x_right < 0.75 * width):
            continue
        core = [j for j in cand if not used[j] and abs(lines[j].segs[1].x0 - x_right) <= 2.0]
        # keep the core contiguous around k: grow outward over lines that fit the gutter
        lo = hi = k

        def fits(ln: _Line) -> bool:
            if len(ln.segs) == 2:
                return abs(ln.segs[1].x0 - x_right) <= 2.0 and ln.segs[0].x1 < x_right - 6
            if len(ln.segs) == 1:
                s = ln.segs[0]
                return s.x1 < x_right - 6 or s.x0 >= x_right - 2.0
            return False

        def close(a: _Line, b: _Line) -> bool:
            return b.top - a.bottom < 1.6 * max(a.segs[0].size, b.segs[0].size, 1.0)

        while lo - 1 >= 0 and not used[lo - 1] and fits(lines[lo - 1]) and close(lines[lo - 1], lines[lo]):
            lo -= 1
        while hi + 1 < n and not used[hi + 1] and fits(lines[hi + 1]) and close(lines[hi], lines[hi + 1]):
            hi += 1
        members = [j for j in core if lo <= j <= hi]
        rights = [lines[j].segs[1] for j in members]
        if len(members) < 2:
            continue
        if max(s.x1 for s in rights) - min(s.x1 for s in rights) < 3.0:
            # right-aligned cells: a table, not a column -- unless the left-hand lines are wrapped text that
            # fills its column up to the gutter
            lefts = sorted(lines[j].segs[0].x1 for j in members)
            x_min = min(lines[j].segs[0].x0 for j in members)
            if lefts[len(lefts) // 2] < x_right - 0.2 * (x_right - x_min):
                continue
        for j in range(lo, hi + 1):
            used[j] = True
        left_edge = max((ln.segs[0].x1 for ln in lines[lo:hi + 1] if ln.segs[0].x0 < x_right - 2), default=x_right)
        right_edge = max((ln.segs[-1].x1 for ln in lines[lo:hi + 1] if ln.segs[-1].x0 >= x_right - 2), default=width)
        found.append((lo, hi, left_edge, x_right, right_edge))
    found.sort()
    return found


def _pieces(number: int, lines: list[_Line], width: float, body_right: float, body_left: float) -> list[_Piece]:
    regions = _regions(lines, width)
    out: list[_Piece] = []
    # the text column's left edge: the document's usual one (a page may hold nothing but indented lines)
    left = min([body_left] + [ln.x0 for ln in lines if ln.x0 >= body_left - 3]) if lines else body_left
    region_of = {}
    for rid, (lo, hi, *_rest) in enumerate(regions, 1):
        for j in range(lo, hi + 1):
            region_of[j] = rid
    right_single = max([body_right] + [ln.x1 for j, ln in enumerate(lines) if j not in region_of and len(ln.segs) == 1])

    def piece(segs: list[_Seg], col_left: float, col_right: float, region: int) -> _Piece:
        text = " ".join(s.text for s in segs)
        size = max(s.size for s in segs) if len(segs) > 1 else segs[0].size
        return _Piece(number, text, segs[0].x0, min(s.top for s in segs), segs[-1].x1, max(s.bottom for s in segs),
                      size, all(s.bold for s in segs), segs[0].w1, len(segs) > 1, col_left, col_right, region,
                      hang=segs[0].hang, base=segs[0].base)

    j = 0
    n = len(lines)
    ri = 0
    while j < n:
        if ri < len(regions) and regions[ri][0] == j:
            lo, hi, left_edge, x_right, right_edge = regions[ri]
            rid = ri + 1
            col_l: list[_Seg] = []
            col_r: list[_Seg] = []
            for ln in lines[lo:hi + 1]:
                for s in ln.segs:
                    (col_r if s.x0 >= x_right - 2 else col_l).append(s)
            first = True
            size = max((s.size for s in col_l), default=10.0)
            if len(col_l) < 5:  # too few lines to know the column's right edge: assume a narrow gutter
                left_edge = max(left_edge, x_right - 2 * size)
            col_left = min((s.x0 for s in col_l), default=left)
            # columns are as wide as each other: the right one ends a left column's width after its start
            right_edge = max(right_edge, x_right + (left_edge - col_left))
            for s in col_l:
                out.append(piece([s], col_left, left_edge, rid))
            for s in col_r:
                p = piece([s], x_right, right_edge, rid)
                if first:
                    p.jump = True
                    first = False
                out.append(p)
            j = hi + 1
            ri += 1
            continue
        ln = lines[j]
        out.append(piece(ln.segs, left, right_single, 0))
        j += 1
    return out


# --------------------------------------------------------------------------------------------------------
# Blocks


def _starts_bullet(text: str) -> bool:
    return text[:1] in BULLET_MARKS and text[:1] != ""


def _col_right(prev: _Piece, nxt: _Piece, narrow: bool = True) -> float:
    if narrow and prev.narrow and nxt.narrow and not prev.region and not nxt.region:
        return prev.narrow
    return prev.col_right


def _wrapped(prev: _Piece, nxt: _Piece, narrow: bool = True) -> bool:
    """True if `nxt`'s first word would not have fitted at the end of `prev` (so `prev` was wrapped).

    The right edge of a text column is only known from its longest lines, and glyph boxes are a little
    narrower than advance widths, so allow half an em of slack.
    """
    space = 0.28 * prev.size
    return prev.x1 + space + nxt.w1 > _col_right(prev, nxt, narrow) - 0.5 * prev.size


def _key(a: _Piece, b: _Piece) -> tuple[float, int]:
    two = 1 if (a.region or (a.narrow and b.narrow)) else 0
    return (round(a.size * 2) / 2, two)


def _same_style(a: _Piece, b: _Piece) -> bool:
    # pdfium reports the size after the text matrix, which wobbles a little with character spacing
    return abs(a.size - b.size) <= max(0.6, 0.08 * max(a.size, b.size)) and a.bold == b.bold


def _pitch_counts(pieces: list[_Piece]) -> dict[tuple[float, int], Counter]:
    """Line pitches of wrapped lines on a page, counted for each (font size, single/two-column)."""
    c: dict[tuple[float, int], Counter] = defaultdict(Counter)
    for a, b in zip(pieces, pieces[1:]):
        if b.jump or a.row or b.row or a.region != b.region or not _same_style(a, b):
            continue
        if abs(a.x0 - b.x0) > 3 and not _starts_bullet(a.text):
            continue
        d = b.base - a.base
        if d <= 0 or d > _MAX_PITCH * a.size or not _wrapped(a, b):
            continue
        c[_key(a, b)][round(d, 1)] += 1
    return c


def _continues(block: _Block, p: _Piece, refs: dict, doc_refs: dict) -> str | None:
    """Separator to append `p` to `block`, or None if `p` starts a new block."""
    last = block.pieces[-1]
    if block.bullet and len(block.pieces) == 1 and len(last.text) == 1 and not p.row and not _starts_bullet(p.text):
        return " "  # a bullet mark printed on a line of its own, its text below
    if block.row or p.row or _starts_bullet(p.text):
        return None
    if not _same_style(last, p):
        return None
    # indentation, relative to the text column: the second line of a block may sit under the first or, for a
    # bullet, under the text after its mark (a hanging indent); every later line sits under the one above
    rel = p.x0 - p.col_left
    first = block.pieces[0]
    if len(block.pieces) > 1:
        ok_x = abs(rel - (last.x0 - last.col_left)) <= 3
    else:
        ok_x = abs(rel - (first.x0 - first.col_left)) <= 3 or (
            block.hang is not None and abs(rel - (block.hang - first.col_left)) <= 3)
    if not ok_x:
        return None
    sep = "" if last.text.endswith(("-", "\u00ad")) else " "
    if p.jump or p.page != last.page or p.base < last.base:
        # a page or column break: carry over only an unfinished sentence, and only to the very next page
        # (not a heading: a bold line; and the guess of a narrow column is not evidence enough here)
        if _FINAL.search(last.text) or p.page > last.page + 1 or last.bold:
            return None
        if not (p.text[:1].islower() or _wrapped(last, p, narrow=False)):
            return None
        return sep
    if not _wrapped(last, p):
        return None
    pitch = p.base - last.base
    # the block's own pitch, from two lines that follow its first (a first line with a bullet mark or a
    # different font mixed in can sit a little off its true baseline)
    if len(block.pieces) >= 3 and block.pieces[-2].page == last.page and block.pieces[-2].base < last.base \
            and not last.jump and not block.pieces[-2].jump:
        ref = last.base - block.pieces[-2].base
    else:
        key = _key(last, p)
        ref = refs.get(key) or doc_refs.get(key) or 1.3 * last.size  # no evidence: break past ~1.5 em
    if pitch > 1.12 * ref + 0.3 or pitch > _MAX_PITCH * last.size or pitch < 0.3 * last.size:
        return None
    return sep


# --------------------------------------------------------------------------------------------------------
# Main entry


def read_pdf(path: str | Path, *, pages: str | None = None, engine: str = DEFAULT_ENGINE,
             password: str | None = None, max_seconds: float = 120.0,
             progress: Callable[[int, int], None] | None = None) -> SourceText:
    """Read a PDF report. `pages` is a spec like "2,5-7" (1-based); `engine` is "pdfium" or "plumber";
    `progress(done, total)` is called after each page read."""
    started = time.monotonic()
    p = Path(path)
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}: use one of {', '.join(ENGINES)}")
    check_file(p)
    doc = open_pdfium(p, password)
    plumber = None
    try:
        try:
            n_doc = len(doc)
        except Exception as exc:  # pragma: no cover - pdfium rarely fails here
            raise fail(p, f"is corrupt ({exc})") from None
        if n_doc == 0:
            raise fail(p, "has zero pages")
        if pages:
            try:
                wanted = parse_page_spec(pages, n_doc)
            except ValueError as exc:
                raise fail(p, str(exc)) from None
        else:
            wanted = list(range(1, n_doc + 1))
        if engine == "plumber":
            try:
                plumber = PlumberPages(p, password)
            except Exception as exc:
                raise fail(p, f"pdfplumber cannot read it ({type(exc).__name__}: {exc})") from None
            src = plumber
        else:
            src = PdfiumPages(doc)
        # pages looked at only to spot running headers/footers when few pages are selected
        extra: list[int] = []
        if len(wanted) < 4 and n_doc > len(wanted):
            pool = [k for k in range(1, n_doc + 1) if k not in wanted]
            pool.sort(key=lambda k: min(abs(k - w) for w in wanted))
            extra = sorted(pool[: 4 - len(wanted)])
        per_page: dict[int, tuple[list[_Line], float, float]] = {}
        total_chars = 0
        reading = sorted(set(wanted) | set(extra))
        for done, number in enumerate(reading):
            if progress is not None:
                progress(done, len(reading))
            elapsed = time.monotonic() - started
            if elapsed > max_seconds:
                raise fail(p, f"stopped after {elapsed:.0f} s (raise --timeout)", page=number)
            try:
                runs, n_chars, width, height = src.runs(number)
            except InputError:
                raise
            except Exception as exc:
                raise fail(p, f"cannot read page text ({type(exc).__name__}: {exc})", page=number) from None
            if number in wanted:
                total_chars += n_chars
            per_page[number] = (_lines(runs), width, height)
        if total_chars == 0:
            raise fail(p, "has no text layer (a scanned report?); OCR is not done")
        junk = _furniture([(k, v[0], v[2]) for k, v in sorted(per_page.items())])
        return _assemble(p, wanted, per_page, junk)
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()


def _assemble(path: Path, wanted: list[int], per_page, junk) -> SourceText:
    # page pieces, with header/footer lines removed
    all_pieces: list[list[_Piece]] = []
    # the right edge of the body text: where its full lines end (the 90th percentile, robust to a stray
    # line running into the margin). With too few lines there to trust it, the longest line.
    rights: list[float] = []
    starts: Counter = Counter()
    page_w = 0.0
    for number, (lines, width, height) in per_page.items():
        page_w = max(page_w, width)
        for j, ln in enumerate(lines):
            if (number, j) not in junk and len(ln.segs) == 1:
                rights.append(ln.x1)
                starts[round(ln.x0)] += 1
    rights.sort()
    body_left = float(starts.most_common(1)[0][0]) if starts else 0.0
    body_right = rights[int(0.9 * (len(rights) - 1))] if rights else 0.0
    if sum(1 for x in rights if x >= body_right - 0.03 * page_w) < 5 and rights:
        body_right = rights[-1]
    for number in wanted:
        lines, width, height = per_page[number]
        kept = [ln for j, ln in enumerate(lines) if (number, j) not in junk]
        all_pieces.append(_pieces(number, kept, width, body_right, body_left))
    # the two-column geometry, if the document has any: lines outside a detected region that fit the left
    # column (a short paragraph typeset in columns that never reached the right one) wrap at its edge
    geo = Counter((round(pc.col_left), round(pc.col_right)) for ps in all_pieces for pc in ps
                  if pc.region and not pc.jump and pc.col_right < 0.6 * body_right)
    lefts = Counter(round(pc.x0) for ps in all_pieces for pc in ps if not pc.region)
    gl, gr = (geo.most_common(1)[0][0] if geo else (0.0, None))
    if gr is None and lefts:
        # no two-column line seen: a paragraph of three or more lines set in the left half of the page, each
        # line but the last full, still shows a narrow column and where it ends
        gl = lefts.most_common(1)[0][0]
        gr = _narrow_edge(all_pieces, [per_page[n][1] for n in wanted], gl)
    if gr is not None:
        for ps in all_pieces:
            for pc in ps:
                if not pc.region and pc.x1 <= gr + 2 and abs(pc.x0 - gl) <= 3 and not pc.row:
                    pc.narrow = float(gr)
    # the usual pitch: the page's own if it has enough wrapped lines, else the document's
    page_counts = [_pitch_counts(ps) for ps in all_pieces]
    doc_counts: dict[tuple[float, int], Counter] = defaultdict(Counter)
    for pcs in page_counts:
        for k, v in pcs.items():
            doc_counts[k].update(v)
    # (a pitch seen once proves nothing: it may be the very pair in question)
    doc_refs = {k: v.most_common(1)[0][0] for k, v in doc_counts.items() if v.most_common(1)[0][1] >= 2}
    page_refs = [{k: v.most_common(1)[0][0] for k, v in pcs.items() if sum(v.values()) >= 6} for pcs in page_counts]

    blocks: list[_Block] = []
    block_page: list[int] = []
    for ps, refs in zip(all_pieces, page_refs):
        for i, pc in enumerate(ps):
            if i == 0:
                pc.jump = True
            cur = blocks[-1] if blocks else None
            sep = _continues(cur, pc, refs, doc_refs) if cur is not None else None
            if sep is None:
                b = _Block([pc], [], bullet=_starts_bullet(pc.text), row=pc.row)
                if b.bullet:
                    # x0 of the text after the mark (a hanging indent), if the mark stands apart
                    b.hang = pc.hang
                blocks.append(b)
                block_page.append(pc.page)
            else:
                cur.pieces.append(pc)
                cur.joins.append(sep)

    # hyphen decisions need the document's vocabulary
    raw_words = Counter(w.lower() for b in blocks for pc in b.pieces for w in _WORD.findall(pc.text))

    body_size = _body_size(blocks)
    level_of = _heading_levels([b.pieces[0].size for b in blocks if _is_heading(b, body_size)])

    text_parts: list[str] = []
    boxes: list[LineBox] = []
    headings: list[HeadingHint] = []
    page_spans: dict[int, list[int]] = {}
    pos = 0
    for b in blocks:
        start = pos
        chunks: list[str] = []
        spans: list[tuple[int, int, _Piece]] = []
        for k, pc in enumerate(b.pieces):
            t = pc.text
            if k == 0 and b.bullet:
                rest = t[1:].strip()
                t = "- " + rest if rest else "-"
            if k > 0:
                sep = b.joins[k - 1]
                prev = chunks[-1]
                if prev.endswith("\u00ad"):
                    chunks[-1] = prev[:-1]
                    pos -= 1
                    spans[-1] = (spans[-1][0], spans[-1][1] - 1, spans[-1][2])
                elif sep == "" and prev.endswith("-"):
                    m1 = re.search(r"([^\W\d_]+)-$", prev)
                    m2 = re.match(r"([^\W\d_]+)", t)
                    if m1 and m2 and m2.group(1)[:1].islower() and raw_words.get((m1.group(1) + m2.group(1)).lower()):
                        chunks[-1] = prev[:-1]
                        pos -= 1
                        spans[-1] = (spans[-1][0], spans[-1][1] - 1, spans[-1][2])
                chunks.append(sep)
                pos += len(sep)
            t = t.replace("\u00ad", "") if k == len(b.pieces) - 1 else t[:-1].replace("\u00ad", "") + t[-1:]
            spans.append((pos, pos + len(t), pc))
            chunks.append(t)
            pos += len(t)
        block_text = "".join(chunks)
        text_parts.append(block_text)
        for s, e, pc in spans:
            boxes.append(LineBox(s, e, pc.page, round(pc.x0, 2), round(pc.top, 2), round(pc.x1, 2),
                                 round(pc.bottom, 2)))
            span = page_spans.setdefault(pc.page, [s, e])
            span[0], span[1] = min(span[0], s), max(span[1], e)
        if _is_heading(b, body_size):
            headings.append(HeadingHint(start, pos, level_of(b.pieces[0].size)))
        pos += 1  # newline
    text = "\n".join(text_parts)
    pages: list[Page] = []
    cursor = 0
    for number in wanted:
        if number in page_spans:
            s, e = page_spans[number]
            s = max(s, cursor)
            pages.append(Page(number, s, max(s, e)))
            cursor = max(cursor, e)
        else:
            pages.append(Page(number, cursor, cursor))
    return SourceText(path=str(path), format="pdf", text=text, pages=pages, boxes=boxes, headings=headings)


def _heading_levels(sizes: list[float]):
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


def _narrow_edge(all_pieces: list[list[_Piece]], widths: list[float], left: float) -> float | None:
    """The right edge of a left-half column, if some paragraph of 3+ lines shows one, else None."""
    edge = None
    for ps, width in zip(all_pieces, widths):
        limit = width / 2
        run: list[_Piece] = []
        for pc in ps + [None]:
            fits = (pc is not None and not pc.region and not pc.row and pc.x1 <= limit
                    and abs(pc.x0 - left) <= 3 and not _starts_bullet(pc.text))
            if fits and run:
                a = run[-1]
                pitch = pc.base - a.base
                same = (pc.page == a.page and _same_style(a, pc) and pitch > 0
                        and (len(run) < 2 or abs(pitch - (a.base - run[-2].base)) <= 0.3))
                if not same:
                    edge = _run_edge(run, edge)
                    run = []
            if fits:
                run.append(pc)
            else:
                edge = _run_edge(run, edge)
                run = []
    return edge


def _run_edge(run: list[_Piece], edge: float | None) -> float | None:
    if len(run) < 3:
        return edge
    right = max(pc.x1 for pc in run)
    for a, b in zip(run, run[1:]):
        if a.x1 + 0.28 * a.size + b.w1 <= right - 0.5 * a.size:
            return edge  # a line that was not full: not one paragraph set in a narrow column
    return right if edge is None else max(edge, right)


def _body_size(blocks: list[_Block]) -> float:
    c: Counter = Counter()
    for b in blocks:
        for pc in b.pieces:
            c[round(pc.size * 2) / 2] += len(pc.text)
    return c.most_common(1)[0][0] if c else 0.0


def _is_heading(b: _Block, body_size: float) -> bool:
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
