"""PDF engines: pdfium and pdfplumber behind one interface, each giving the text runs of a page.

`read_pdf` (the layout stage) turns the runs into lines and blocks; this module only lists what each page
prints (`opening.py` checks and opens the file).
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

from cqcparse.readers.pdf import cloop
from cqcparse.readers.pdf.geometry import BULLET_MARKS, Run
from cqcparse.readers.pdf.marks import MAX_OBJECTS, bullets, pdfium_shapes, plumber_shapes

__all__ = ["BULLET_MARKS", "PdfiumPages", "PlumberPages", "Run"]

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demibold|extrabold", re.I)


# --------------------------------------------------------------------------------------------------------
# pdfium engine


class PdfiumPages:
    """Yields the runs of selected pages via pypdfium2's text page API (no per-character Python loop).

    `fast`: the per-run loop in C (`_pdfium_runs`), when it was built; False runs the Python loop below."""

    def __init__(self, doc, fast: bool = True):
        import pypdfium2.raw as raw

        self.doc, self.raw = doc, raw
        self._c = cloop.bound(raw) if fast else None
        self._buf = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()
        self._box = [ctypes.c_double() for _ in range(4)]
        self._refs = [ctypes.byref(v) for v in self._box]  # made once: byref() per call costs as much as the call
        self._fonts: dict[bytes, bool] = {}

    @property
    def fast(self) -> bool:
        """True when the C loop reads the pages."""
        return self._c is not None

    def page_size(self, number: int) -> tuple[float, float]:
        w, h = self.doc.get_page_size(number - 1)
        return float(w), float(h)

    def runs(self, number: int) -> tuple[list[Run], int, float, float]:
        page = self.doc[number - 1]
        try:
            tp = page.get_textpage()
            try:
                n_chars = tp.count_chars()
                mb = page.get_bbox()  # inherited MediaBox resolved (get_mediabox is not)
                width, height = page.get_width(), page.get_height()
                if n_chars <= 0:
                    return [], 0, width, height
                out = self._page_runs(tp, n_chars, mb[0], mb[3])
                if self._c is not None:
                    shapes = self._c.page_shapes(cloop.address(page.raw), mb[3], mb[0], MAX_OBJECTS)
                else:
                    shapes = pdfium_shapes(self.raw, page, mb[3], mb[0])
                return out + bullets(shapes, out), n_chars, width, height
            finally:
                tp.close()
        finally:
            page.close()

    def _page_runs(self, tp, n_chars: int, left: float, top_y: float) -> list[Run]:
        raw, handle = self.raw, tp.raw
        # the page's text, fetched once: a rect's text runs from its first character to the next rect's
        # (rects come in character order). Asking pdfium for the text inside each rect instead is slower and
        # repeats a glyph that reaches into the next rect (overprinted, kerned letters).
        full = tp.get_text_range(0, n_chars)
        if self._c is not None:
            ok = full if len(full) == n_chars else None
            return self._c.page_runs(cloop.address(handle), n_chars, ok, left, top_y, self._fonts, Run)
        rects = self._rects(handle, raw.FPDFText_CountRects(handle, 0, -1))
        firsts = [_first_char(raw, handle, x0, y0, x1, y1) for x0, y0, x1, y1 in rects]
        self._repair(handle, rects, firsts, n_chars)
        starts = _char_starts(firsts, n_chars if len(full) == n_chars else 0)
        out: list[Run] = []
        for i, (lft, b, r, t) in enumerate(rects):
            span = starts[i]
            text = tp.get_text_bounded(lft, b, r, t) if span is None else full[span[0] : span[1]]
            if not text or not text.strip():
                continue
            # pdfium marks a hyphen at the end of a line as \x02 (\ufffe in range text)
            text = text.replace("\r", " ").replace("\n", " ").replace("\x02", "-").replace("\ufffe", "-")
            out.append(self._run(handle, n_chars, firsts[i], (lft, b, r, t), text, left, top_y))
        return out

    def _rects(self, handle, n_rects: int) -> list[tuple[float, float, float, float]]:
        """The page's text rects as (left, bottom, right, top), as `PdfTextPage.get_rect` gives them."""
        get, (cl, cb, cr, ct) = self.raw.FPDFText_GetRect, self._box
        pl, pb, pr, pt = self._refs
        out = []
        for i in range(n_rects):
            if not get(handle, i, pl, pt, pr, pb):
                raise ValueError(f"pdfium cannot give text rect {i}")
            out.append((cl.value, cb.value, cr.value, ct.value))
        return out

    def _run(self, handle, n_chars: int, idx: int, rect, text: str, left: float, top_y: float) -> Run:
        """One run: font size, boldness and baseline of its first printed character, width of its first word."""
        raw, (_, cb, cr, _) = self.raw, self._box
        pl, pb, pr, pt = self._refs
        lft, b, r, t = rect
        first_ok = idx >= 0
        if idx < 0:  # the run starts with a box-less character: ask for one in its middle
            idx = raw.FPDFText_GetCharIndexAtPos(handle, (lft + r) / 2, (b + t) / 2, 3.0, max(1.0, (t - b) / 2))
        # a generated space carries no real font size: use the first printed character
        for _ in range(3):
            if idx < 0 or idx + 1 >= n_chars or raw.FPDFText_GetUnicode(handle, idx) not in (32, 9, 13, 10):
                break
            idx += 1
        base = b  # the glyph box bottom, if pdfium cannot say where the baseline is
        if idx < 0:
            size, bold = t - b, False
        else:
            if raw.FPDFText_GetCharOrigin(handle, idx, pl, pb):
                base = cb.value
            size = raw.FPDFText_GetFontSize(handle, idx)
            bold = self._bold(handle, idx)
        # width of the first word: box of its last character
        stripped = text.lstrip()
        w1 = r - lft
        k = stripped.find(" ")
        if k > 0 and not first_ok:
            w1 = (r - lft) * (k / max(len(stripped), 1))
        elif first_ok and k > 0:
            # idx is the first printed character
            if raw.FPDFText_GetCharBox(handle, idx + k - 1, pl, pr, pb, pt) and cr.value >= lft:
                w1 = cr.value - lft
        return Run(lft - left, top_y - t, r - left, top_y - b, text, float(size), bold, w1, top_y - base)

    def _bold(self, handle, idx: int) -> bool:
        raw, buf, flags = self.raw, self._buf, self._flags
        n = raw.FPDFText_GetFontInfo(handle, idx, buf, 256, ctypes.byref(flags))
        name = buf.raw[: max(0, n - 1)] if 0 < n <= 256 else b""
        known = self._fonts.get(name)
        if known is None:
            known = bool(_BOLD_RE.search(name.decode("latin-1"))) or bool(flags.value & (1 << 18))
            self._fonts[name] = known
        return known or raw.FPDFText_GetFontWeight(handle, idx) >= 600

    def _repair(self, handle, rects: list, firsts: list[int], n_chars: int) -> None:
        """Where the character found at a rect's left edge is not after the previous rect's (a glyph that
        reaches into the next rect), take the first later character whose box centre is inside the rect."""
        raw, (cl, cb, cr, ct) = self.raw, self._box
        pl, pb, pr, pt = self._refs
        last = -1
        for i, k in enumerate(firsts):
            if last < k:
                last = k
                continue
            x0, y0, x1, y1 = rects[i]
            for j in range(last + 1, min(n_chars, last + 40)):
                if raw.FPDFText_GetCharBox(handle, j, pl, pr, pb, pt) and cr.value > cl.value:
                    if x0 <= (cl.value + cr.value) / 2 <= x1 and y0 <= (cb.value + ct.value) / 2 <= y1:
                        firsts[i] = last = j
                        break


def _first_char(raw, handle, x0: float, y0: float, x1: float, y1: float) -> int:
    """The character at a rect's left edge, as pdfium's nearest-character search with a 1 pt tolerance finds
    it. That search measures its distance to every character of the page; asked with no tolerance first,
    pdfium stops at the first character whose box holds the point (the same answer, when there is one)."""
    x, y = x0 + min(0.5, (x1 - x0) / 2), (y0 + y1) / 2
    k = raw.FPDFText_GetCharIndexAtPos(handle, x, y, 0.0, 0.0)
    return k if k >= 0 else raw.FPDFText_GetCharIndexAtPos(handle, x, y, 1.0, 1.0)


def _char_starts(firsts: list[int], n_chars: int) -> list[tuple[int, int] | None]:
    """Character range of each rect: from its first character up to the next rect's first.

    None where that is unknown (a first index missing or out of order, here or in the next rect): then the
    rect's text is asked for by its box."""
    ok = [-1] * len(firsts)
    last = -1
    for i, k in enumerate(firsts):
        if n_chars and last < k < n_chars:
            ok[i] = last = k
    ends = ok[1:] + [n_chars]
    return [(k, e) if k >= 0 and e > k else None for k, e in zip(ok, ends, strict=True)]


# --------------------------------------------------------------------------------------------------------
# pdfplumber engine


class PlumberPages:
    def __init__(self, path: Path, password: str | None):
        import pdfplumber

        self.pdf = pdfplumber.open(str(path), password=password or "")

    def close(self) -> None:
        try:
            self.pdf.close()
        except Exception:  # closing flushes the pages, which may fail again on a broken file: its error is said
            pass

    def runs(self, number: int) -> tuple[list[Run], int, float, float]:
        page = self.pdf.pages[number - 1]
        chars = page.dedupe_chars().chars  # a glyph printed twice to look bold is read once
        out: list[Run] = []
        if not chars:
            page.close()
            return out, 0, float(page.width), float(page.height)
        # group into runs: same font, same line, no big gap; chars in content order like pdfium does
        cur: list[dict] = []

        def flush():
            if not cur:
                return
            text = "".join(c["text"] for c in cur)
            if text.strip():
                x0 = min(c["x0"] for c in cur)
                x1 = max(c["x1"] for c in cur)
                top = min(c["top"] for c in cur)
                bottom = max(c["bottom"] for c in cur)
                s = text.lstrip()
                k = s.find(" ")
                w1 = x1 - x0
                if k > 0:
                    j = len(text) - len(s) + k - 1
                    w1 = cur[j]["x1"] - x0
                name = cur[0]["fontname"]
                # pdfminer's boxes come from the font's ascent and descent: their bottom is as good as a baseline
                out.append(
                    Run(
                        x0,
                        top,
                        x1,
                        bottom,
                        text,
                        float(cur[0]["size"]),
                        bool(_BOLD_RE.search(name)),
                        w1,
                        max(c["bottom"] for c in cur),
                    )
                )
            cur.clear()

        prev = None
        tight = 0.0  # the gap between the last two letters, if they overlap
        for c in chars:
            if c["text"].startswith("(cid:"):  # a glyph pdfminer cannot map to text
                continue
            if prev is not None:
                same_line = abs(c["top"] - prev["top"]) < 0.5 * max(prev["size"], 1) and c["x0"] >= prev["x0"] - 0.5
                gap = c["x0"] - prev["x1"]
                if (
                    not same_line
                    or c["fontname"] != prev["fontname"]
                    or abs(c["size"] - prev["size"]) > 0.1
                    or gap > 1.0 * max(c["size"], 1)
                    or (prev["text"] in BULLET_MARKS and gap > 0.12 * c["size"])
                ):
                    flush()
                elif gap - tight > 0.12 * c["size"] and prev["text"] != " " and c["text"] != " ":
                    # pdfminer leaves out spaces that were never drawn (gaps measured from tightly set letters)
                    cur.append({**c, "text": " "})
                    cur[-1]["x0"] = cur[-1]["x1"] = prev["x1"]
                tight = min(0.0, gap) if same_line else 0.0
            cur.append(c)
            prev = c
        flush()
        n = len(chars)
        w, h = float(page.width), float(page.height)
        out += bullets(plumber_shapes(page), out)
        page.close()
        return out, n, w, h
