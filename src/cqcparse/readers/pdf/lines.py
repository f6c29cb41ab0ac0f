"""Runs -> printed lines -> segments: group runs by vertical overlap, split lines at wide gaps."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from cqcparse.readers.pdf.engines import BULLET_MARKS, Run
from cqcparse.readers.pdf.geometry import Line, Seg, by_x0
from cqcparse.readers.pdf.gutters import find_zones, side_of

_WS = re.compile(r"\s+")
# ligatures spelled out; control characters (other than whitespace, which is collapsed) dropped
_CLEAN = {
    0xFB00: "ff",
    0xFB01: "fi",
    0xFB02: "fl",
    0xFB03: "ffi",
    0xFB04: "ffl",
    0xFB05: "st",
    0xFB06: "st",
    **{c: None for c in range(32) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"},
    0x7F: None,
    # private-use glyphs of symbol fonts (rating dots, ticks), except the ones used as bullet marks
    **{c: None for c in range(0xE000, 0xF900) if chr(c) not in BULLET_MARKS},
}
# rating dots printed as a row of dashes after a rating word ("Good –––"): never prose
_LIGATURES = {"fi", "fl", "ff", "ffi", "ffl", "\ufb00", "\ufb01", "\ufb02", "\ufb03", "\ufb04"}
_DOTS = re.compile(r"\s*[\u2012-\u2015]{2,}")


def _clean(text: str) -> str:
    """Ligatures spelled out; control characters, private-use glyphs and rating dots dropped. Printable
    ASCII (most runs) has none of them."""
    if text.isascii() and text.isprintable():
        return text
    return _DOTS.sub("", text.translate(_CLEAN))


def group_lines(runs: list[Run], width: float = 0.0) -> list[Line]:
    """Group runs into printed lines by vertical overlap, then split each line at wide gaps. In a zone of two
    columns whose lines are not level (gutters.py), runs join only runs of their own column."""
    # vertical text (a margin note) would smear lines together: leave it out, unless it is most of the page
    upright = [r for r in runs if r.bottom - r.top <= 2.5 * max(r.size, 1.0) or len(r.text.strip()) <= 1]
    if len(upright) >= 0.8 * len(runs):
        runs = upright
    # runs of nothing but glyph junk (rating dots, private-use symbols) would widen the line they sit on
    runs = sorted(
        (r for r in dedupe(runs) if _clean(r.text).strip()),
        key=lambda r: (r.top + r.bottom) / 2,
    )
    zones = find_zones(runs, width) if width else []
    groups: list[list[Run]] = []
    spans: list[list[float]] = []
    keys: list[tuple[int, int]] = []
    for r in runs:
        rt, rb = r.top, r.bottom
        h = rb - rt
        h = 0.1 if 0.1 > h else h  # max(h, 0.1), inline: this loop runs once per run of the document
        key = side_of(r, zones) if zones else (0, 0)
        n = len(groups)
        for gi in range(n - 1, -1 if n < 4 else n - 4, -1):
            if keys[gi] != key:
                continue
            span = spans[gi]
            top, bottom = span
            lap = bottom - top
            if (rb if rb < bottom else bottom) - (rt if rt > top else top) >= 0.5 * (lap if lap < h else h):
                groups[gi].append(r)
                span[0], span[1] = (rt if rt < top else top), (rb if rb > bottom else bottom)
                break
        else:
            groups.append([r])
            spans.append([rt, rb])
            keys.append(key)
    lines: list[Line] = []
    for g, key in zip(groups, keys, strict=True):
        g.sort(key=by_x0)
        segs: list[Seg] = []
        for r in g:
            if segs:
                s = segs[-1]
                em = r.size
                em = s.runs[-1].size if s.runs[-1].size > em else em
                if r.x0 - s.x1 < 1.5 * (1.0 if 1.0 > em else em):
                    s.runs.append(r)
                    s.x1 = r.x1 if r.x1 > s.x1 else s.x1
                    s.top = r.top if r.top < s.top else s.top
                    s.bottom = r.bottom if r.bottom > s.bottom else s.bottom
                    continue
            segs.append(Seg([r], r.x0, r.top, r.x1, r.bottom))
        for s in segs:
            finish_seg(s)
        segs = [s for s in segs if s.text]
        if not segs:
            continue
        # a bullet mark printed apart from its text belongs to it, not a table cell
        merged: list[Seg] = []
        for s in segs:
            if merged and len(merged[-1].text) == 1 and merged[-1].text in BULLET_MARKS:
                m = merged[-1]
                m.runs += s.runs
                m.x1, m.top, m.bottom = s.x1, min(m.top, s.top), max(m.bottom, s.bottom)
                finish_seg(m)
                m.w1 = s.x0 - m.x0 + s.w1
                continue
            merged.append(s)
        lines.append(
            Line(
                merged,
                min(s.top for s in merged),
                max(s.bottom for s in merged),
                zone=key[0],
                gutter=zones[key[0] - 1].gutter if key[0] else 0.0,
            )
        )
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def dedupe(runs: list[Run]) -> list[Run]:
    """Runs without overprinted copies: the same text printed again within a quarter em of where it was
    printed (a heading made to look bold by printing it twice), as pdfplumber's dedupe_chars does for glyphs."""
    seen: dict[str, tuple[list[float], list[Run]]] = {}  # by text: the tops of the runs kept, sorted, and the runs
    out: list[Run] = []
    for r in runs:
        key, top = r.text.strip(), r.top
        entry = seen.get(key)
        if entry is None:
            seen[key] = ([top], [r])
            out.append(r)
            continue
        tops, kept = entry
        tol = r.size
        tol = 0.25 * (1.0 if 1.0 > tol else tol)
        # kerned fragments ('e', 'the') recur on a page: look only at those printed near this height
        for i in range(bisect_left(tops, top - 2 * tol), bisect_right(tops, top + 2 * tol)):
            o = kept[i]
            if abs(o.x0 - r.x0) <= tol and abs(o.top - top) <= tol:
                break
        else:
            k = bisect_right(tops, top)
            tops.insert(k, top)
            kept.insert(k, r)
            out.append(r)
    return out


def _letter_gap(runs: list[Run]) -> float:
    """Twice the usual gap between glyphs printed one per run (letter-spaced text), else 0."""
    if len(runs) < 4:  # fewer than three gaps
        return 0.0
    gaps = sorted(
        b.x0 - a.x1 for a, b in zip(runs, runs[1:], strict=False) if len(a.text) == 1 and len(b.text.rstrip()) == 1
    )
    return 2 * gaps[len(gaps) // 2] if len(gaps) >= 3 else 0.0


def _counts_for_bold(text: str) -> bool:
    """A run whose font says whether its segment is bold: any but a blank one or a bullet mark."""
    t = text.strip()
    return bool(t) and not (len(t) == 1 and t in BULLET_MARKS)


def finish_seg(s: Seg) -> None:
    """The segment's text, its main font and bullet geometry. A space goes where the engine gave none and
    the gap between two runs is wider than 0.12 em (pdfminer's word_margin idea) -- and wider than twice the
    usual gap of letter-spaced text, and than 0.3 em beside a ligature's glyph, whose box is narrower than
    its advance ("de|fi|brillator")."""
    runs = s.runs
    first = prev = runs[0]
    parts = [first.text]
    spaced = _letter_gap(runs)
    # the main font: of the longest run (the first of them); bold if every run but a bullet mark is
    main, longest = first, len(first.text.strip())
    bold = first.bold or not _counts_for_bold(first.text)
    for r in runs[1:]:
        t = r.text
        gap = r.x0 - prev.x1
        em = 1 if 1 > r.size else r.size
        lig = prev.text in _LIGATURES or t.rstrip() in _LIGATURES
        margin = 0.3 * em if lig else 0.12 * em
        if gap > (spaced if spaced > margin else margin) and not parts[-1].endswith(" ") and not t.startswith(" "):
            parts.append(" ")
        parts.append(t)
        n = len(t.strip())
        if n > longest:
            main, longest = r, n
        if bold and not r.bold and _counts_for_bold(t):
            bold = False
        prev = r
    s.text = _WS.sub(" ", _clean("".join(parts))).strip().replace("\u00ad ", "\u00ad")
    s.size = main.size
    s.base = main.base
    s.bold = bold
    s.w1 = first.w1
    s.hang = None
    if s.text[:1] in BULLET_MARKS:
        if len(first.text.strip()) == 1 and len(runs) > 1:
            s.hang = runs[1].x0
        else:
            s.hang = s.x0 + first.w1 + 0.28 * s.size
