"""Two-column regions and reading order: a page's lines become pieces, read column by column."""

from __future__ import annotations

import re
from collections import Counter

from cqcparse.readers.pdf.geometry import Line, Piece, Seg, starts_bullet
from cqcparse.readers.pdf.lines import finish_seg

_PUNCT_ONLY = ",.;:"  # a line of nothing but these (and spaces) is a stray mark
_FINAL = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")


def _cut_points(ln: Line, width: float) -> list[tuple[int, int, float]]:
    """(segment, run, x0) of each run of a line that starts a segment other than the first, or starts 0.8 em
    or more after the run before it, in the middle part of the page where a gutter can be."""
    out = []
    for i, s in enumerate(ln.segs):
        for k, r in enumerate(s.runs):
            if not 0.3 * width < r.x0 < 0.75 * width:
                continue
            if (k == 0 and i > 0) or (k > 0 and r.x0 - s.runs[k - 1].x1 >= 0.8 * max(r.size, 1.0)):
                out.append((i, k, r.x0))
    return out


def split_at_gutter(lines: list[Line], width: float) -> None:
    """Split, in place, segments that run across the page's gutter: where runs of at least three lines start
    at one x after a gap of 0.8 em or more, a line whose column halves were printed less than 1.5 em apart
    (so that they came out as one segment) is cut there."""
    cuts = [_cut_points(ln, width) for ln in lines]
    xs = Counter(round(x) for cs in cuts for x in {round(c[2]) for c in cs})
    near = {x: sum(xs.get(x + d, 0) for d in range(-2, 3)) for x in xs}
    if not near or max(near.values()) < 3:
        return
    gutter = max(near, key=lambda x: near[x])
    for ln, cs in zip(lines, cuts, strict=True):
        at = {i: k for i, k, x in cs if k > 0 and abs(x - gutter) <= 2.5}
        if not at:
            continue
        out: list[Seg] = []
        for i, s in enumerate(ln.segs):
            if i not in at:
                out.append(s)
                continue
            for part in (s.runs[: at[i]], s.runs[at[i] :]):
                seg = Seg(
                    part, part[0].x0, min(r.top for r in part), max(r.x1 for r in part), max(r.bottom for r in part)
                )
                finish_seg(seg)
                out.append(seg)
        ln.segs = out


def find_regions(lines: list[Line], width: float) -> list[tuple[int, int, float, float, float]]:
    """Two-column regions: (first line, last line, left column right edge, right column x0, right edge)."""
    found = []
    n = len(lines)
    used = [False] * n
    for zone in sorted({ln.zone for ln in lines} - {0}):
        members = [j for j, ln in enumerate(lines) if ln.zone == zone]
        lo, hi = members[0], members[-1]
        x_right = lines[lo].gutter
        for j in range(lo, hi + 1):
            used[j] = True
        left_edge = max((s.x1 for ln in lines[lo : hi + 1] for s in ln.segs if s.x0 < x_right - 2), default=x_right)
        right_edge = max((s.x1 for ln in lines[lo : hi + 1] for s in ln.segs if s.x0 >= x_right - 2), default=width)
        found.append((lo, hi, left_edge, x_right, right_edge))
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

        def fits(ln: Line, x_right: float = x_right) -> bool:
            if len(ln.segs) == 2:
                return abs(ln.segs[1].x0 - x_right) <= 2.0 and ln.segs[0].x1 < x_right - 6
            if len(ln.segs) == 1:
                s = ln.segs[0]
                return s.x1 < x_right - 6 or s.x0 >= x_right - 2.0
            return False

        def close(a: Line, b: Line) -> bool:
            return b.top - a.bottom < 1.6 * max(a.segs[0].size, b.segs[0].size, 1.0)

        while lo - 1 >= 0 and not used[lo - 1] and fits(lines[lo - 1]) and close(lines[lo - 1], lines[lo]):
            lo -= 1
        while hi + 1 < n and not used[hi + 1] and fits(lines[hi + 1]) and close(lines[hi], lines[hi + 1]):
            hi += 1
        members = [j for j in core if lo <= j <= hi]
        rights = [lines[j].segs[1] for j in members]
        if len(members) < 2 and not (members and _wrapped_cell(lines, members[0], hi, x_right)):
            continue
        if len(members) > 1 and all(len(s.text.split()) <= 3 for s in rights):
            continue  # a value beside each label ("Are services safe? | Good"): a table, not a column
        if len(members) > 1 and max(s.x1 for s in rights) - min(s.x1 for s in rights) < 3.0:
            # right-aligned cells: a table, not a column -- unless the left-hand lines are wrapped text that
            # fills its column up to the gutter
            lefts = sorted(lines[j].segs[0].x1 for j in members)
            x_min = min(lines[j].segs[0].x0 for j in members)
            if lefts[len(lefts) // 2] < x_right - 0.2 * (x_right - x_min):
                continue
        for j in range(lo, hi + 1):
            used[j] = True
        left_edge = max((ln.segs[0].x1 for ln in lines[lo : hi + 1] if ln.segs[0].x0 < x_right - 2), default=x_right)
        right_edge = max((ln.segs[-1].x1 for ln in lines[lo : hi + 1] if ln.segs[-1].x0 >= x_right - 2), default=width)
        found.append((lo, hi, left_edge, x_right, right_edge))
    found.sort()
    return found


def first_word_width(s: Seg) -> float:
    """Width of the segment's first word, which may run over several runs ("(" "Person-centred"): the "would
    it have fitted on the line above" test needs all of it."""
    word = len(s.text.split(" ", 1)[0])
    if starts_bullet(s.text) or not s.runs or len(s.runs[0].text.strip()) >= word:
        return s.w1
    n = 0
    for r in s.runs:
        t = r.text.strip()
        if " " in t:
            return r.x0 - s.x0 + r.w1
        n += len(t)
        if n >= word:
            return r.x1 - s.x0
    return s.x1 - s.x0


def _wrapped_cell(lines: list[Line], j: int, hi: int, x_right: float) -> bool:
    """True if line j (two cells) is a table row one of whose cells wraps on to the next line: that line holds
    one segment, under that cell, in its font, less than a line's gap below, and the cell ends no sentence."""
    if j + 1 > hi or len(lines[j + 1].segs) != 1:
        return False
    below = lines[j + 1].segs[0]
    cell = lines[j].segs[int(below.x0 >= x_right - 2)]
    return (
        abs(below.x0 - cell.x0) <= 3
        and abs(below.size - cell.size) <= 0.5
        and below.bold == cell.bold
        and below.top - cell.bottom <= 0.8 * cell.size
        and not _FINAL.search(cell.text)
    )


def _row_cells(col_l: list[Seg], col_r: list[Seg]) -> bool:
    """A region that is one table row: a label cell of at most three lines, not a sentence, level with the
    first line of a longer cell beside it (a requirement table's regulated activity beside its regulation)."""
    return (
        0 < len(col_l) <= 3
        and len(col_r) > len(col_l)
        and abs(col_l[0].top - col_r[0].top) <= 3
        and not _FINAL.search(col_l[-1].text)
    )


def page_pieces(number: int, lines: list[Line], width: float, body_right: float, body_left: float) -> list[Piece]:
    # a stray punctuation mark printed on a line of its own (a comma set below its word) would break a paragraph
    lines = [ln for ln in lines if any(seg.text.replace(" ", "").strip(_PUNCT_ONLY) for seg in ln.segs)]
    split_at_gutter(lines, width)
    regions = find_regions(lines, width)
    out: list[Piece] = []
    # the text column's left edge: the document's usual one (a page may hold nothing but indented lines)
    left = min([body_left] + [ln.x0 for ln in lines if ln.x0 >= body_left - 3]) if lines else body_left
    region_of = {}
    for rid, (lo, hi, *_rest) in enumerate(regions, 1):
        for j in range(lo, hi + 1):
            region_of[j] = rid
    right_single = max([body_right] + [ln.x1 for j, ln in enumerate(lines) if j not in region_of and len(ln.segs) == 1])

    def piece(segs: list[Seg], col_left: float, col_right: float, region: int) -> Piece:
        s0 = segs[0]
        if len(segs) == 1:  # most lines: one segment
            text, top, bottom, size, bold = s0.text, s0.top, s0.bottom, s0.size, s0.bold
        else:
            text = " ".join(s.text for s in segs)
            top, bottom = min(s.top for s in segs), max(s.bottom for s in segs)
            size, bold = max(s.size for s in segs), all(s.bold for s in segs)
        return Piece(
            number,
            text,
            s0.x0,
            top,
            segs[-1].x1,
            bottom,
            size,
            bold,
            first_word_width(s0),
            len(segs) > 1,
            col_left,
            col_right,
            region,
            hang=s0.hang,
            base=s0.base,
        )

    j = 0
    n = len(lines)
    ri = 0
    while j < n:
        if ri < len(regions) and regions[ri][0] == j:
            lo, hi, left_edge, x_right, right_edge = regions[ri]
            rid = ri + 1
            col_l: list[Seg] = []
            col_r: list[Seg] = []
            for ln in lines[lo : hi + 1]:
                for s in ln.segs:
                    (col_r if s.x0 >= x_right - 2 else col_l).append(s)
            first = True
            size = max((s.size for s in col_l), default=10.0)
            if len(col_l) < 5:  # too few lines to know the column's right edge: assume a narrow gutter
                left_edge = max(left_edge, x_right - 2 * size)
            col_left = min((s.x0 for s in col_l), default=left)
            # columns are as wide as each other: the right one ends a left column's width after its start
            row = _row_cells(col_l, col_r)
            if not row:  # (a table's cells are as wide as their column's longest line says)
                right_edge = max(right_edge, x_right + (left_edge - col_left))
            for s in col_l:
                out.append(piece([s], col_left, left_edge, rid))
            for s in col_r:
                p = piece([s], x_right, right_edge, rid)
                if first:
                    p.jump = True
                    p.cell = row
                    first = False
                out.append(p)
            j = hi + 1
            ri += 1
            continue
        ln = lines[j]
        out.append(piece(ln.segs, left, right_single, 0))
        j += 1
    return out
