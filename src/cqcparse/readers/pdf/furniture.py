"""Running headers and footers: lines repeated at the same place on many pages, and bare page numbers."""

from __future__ import annotations

import re
from collections import defaultdict

from cqcparse.readers.pdf.geometry import Line

_DIGITS = re.compile(r"\d+")
_PAGE_NO = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)


def _mask(text: str) -> str:
    return _DIGITS.sub("#", text.lower()).replace(" ", "")


def find_furniture(pages: list[tuple[int, list[Line], float]]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(page number, line index) of running headers/footers and bare page numbers, and of the section bands
    kept.

    A section band -- a heading printed at the top of each page of a section, at the place where the other
    sections print theirs ("Is the service safe?" on pages 6-7, "Is the service effective?" on 8-9) -- names
    the section: it is kept on the first page of each run of pages that prints it, dropped on the others."""
    out: set[tuple[int, int]] = set()
    kept: set[tuple[int, int]] = set()
    seen: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for number, lines, height in pages:
        for i, ln in enumerate(lines):
            # a band starts in the top 12% of the page (a big heading printed there may reach below it)
            band = "top" if ln.top < 0.12 * height else "bottom" if ln.top > 0.88 * height else None
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
        for hits in _section_bands(seen):
            first = {h[0] for h in hits if h[0] - 1 not in {g[0] for g in hits}}
            out.difference_update((h[0], h[1]) for h in hits)
            out.update((h[0], h[1]) for h in hits if h[0] not in first)
            kept.update((h[0], h[1]) for h in hits if h[0] in first)
    return out, kept - out


def _section_bands(seen: dict[tuple[str, str], list[tuple[int, int, float]]]) -> list[list[tuple[int, int, float]]]:
    """Top-band texts repeated on two or more pages at a place where another such text is printed too."""
    repeated = [hits for (band, _), hits in seen.items() if band == "top" and len({h[0] for h in hits}) >= 2]
    tops = [sorted(h[2] for h in hits)[len(hits) // 2] for hits in repeated]
    return [
        hits
        for k, hits in enumerate(repeated)
        if any(j != k and abs(tops[j] - tops[k]) <= 3 for j in range(len(repeated)))
    ]
