"""Bullet marks drawn as shapes: a browser printing a web page (Chromium's --print-to-pdf) draws a list's
discs and squares as small vector paths, not glyphs, so the text layer has no bullet character.

A small filled square-ish shape (1.5 to 8 pt across) with a text run starting just right of it on the same
line and no text left of it there becomes a bullet-mark run, as if the glyph had been printed. A shape with
text to its left (a coloured rating dot after "Good") is not a bullet.
"""

from __future__ import annotations

import ctypes

from cqcparse.readers.pdf.geometry import Run

MAX_OBJECTS = 5000  # pages with more objects than this are not searched (the search is per object)


def bullets(shapes: list[tuple[float, float, float, float]], runs: list[Run]) -> list[Run]:
    """Bullet runs for the shapes (x0, top, x1, bottom; top measured from the page top) that mark a line."""
    out = []
    for x0, top, x1, bottom in shapes:
        w, h = x1 - x0, bottom - top
        if not (1.5 <= w <= 8 and 1.5 <= h <= 8 and abs(w - h) <= 0.25 * max(w, h)):
            continue
        mid = (top + bottom) / 2
        level = [r for r in runs if r.top - 1 <= mid <= r.bottom + 1]
        after = [r for r in level if x1 <= r.x0 <= x1 + 3 * w + 12]
        if after and not any(r.x1 <= x0 + 0.5 for r in level):
            r = min(after, key=lambda r: r.x0)
            out.append(Run(x0, top, x1, bottom, "\u2022", r.size, False, w, r.base))
    return out


def pdfium_shapes(raw, page, top_y: float, left: float) -> list[tuple[float, float, float, float]]:
    """Boxes of a pdfium page's small filled path objects (`page_shapes` in _pdfium_runs.c does the same)."""
    n = raw.FPDFPage_CountObjects(page)
    if n > MAX_OBJECTS:
        return []
    x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(v) for v in (x0, y0, x1, y1)]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    out = []
    for i in range(n):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetBounds(obj, *refs):
            continue
        if x1.value - x0.value > 8 or y1.value - y0.value > 8:
            continue
        if raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)) and not fill.value:
            continue
        out.append((x0.value - left, top_y - y1.value, x1.value - left, top_y - y0.value))
    return out


def plumber_shapes(page) -> list[tuple[float, float, float, float]]:
    """Boxes of a pdfplumber page's small filled rects and curves."""
    return [
        (o["x0"], o["top"], o["x1"], o["bottom"])
        for kind in ("rect", "curve")
        for o in page.objects.get(kind, [])
        if o.get("fill") and o["x1"] - o["x0"] <= 8
    ]
