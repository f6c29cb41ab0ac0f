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

import gc
import re
import time
from collections.abc import Callable
from pathlib import Path

from cqcparse.errors import InputError
from cqcparse.readers.pdf.assemble import assemble
from cqcparse.readers.pdf.engines import BULLET_MARKS, PdfiumPages, PlumberPages
from cqcparse.readers.pdf.furniture import find_furniture
from cqcparse.readers.pdf.geometry import Line
from cqcparse.readers.pdf.lines import group_lines
from cqcparse.readers.pdf.opening import check_file, fail, open_pdfium
from cqcparse.readers.source import SourceText

__all__ = ["read_pdf", "parse_page_spec", "ENGINES", "DEFAULT_ENGINE", "BULLET_MARKS"]

ENGINES = ("pdfium", "plumber")
DEFAULT_ENGINE = "pdfium"


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


def read_pdf(
    path: str | Path,
    *,
    pages: str | None = None,
    engine: str = DEFAULT_ENGINE,
    password: str | None = None,
    max_seconds: float = 120.0,
    progress: Callable[[int, int], None] | None = None,
) -> SourceText:
    """Read a PDF report. `pages` is a spec like "2,5-7" (1-based); `engine` is "pdfium" or "plumber";
    `progress(done, total)` is called after each page read."""
    started = time.monotonic()
    p = Path(path)
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}: use one of {', '.join(ENGINES)}")
    check_file(p)
    doc = open_pdfium(p, password)
    plumber = None
    # the layout makes a few objects per printed run and keeps them to the end, none of ours in a cycle: the cyclic
    # collector's full passes over them cost a 1,000-page report a fifth of its reading time
    collecting = gc.isenabled()
    gc.disable()
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
            src: PlumberPages | PdfiumPages = plumber
        else:
            src = PdfiumPages(doc)
        # pages looked at only to spot running headers/footers when few pages are selected
        extra: list[int] = []
        if len(wanted) < 4 and n_doc > len(wanted):
            pool = [k for k in range(1, n_doc + 1) if k not in wanted]
            pool.sort(key=lambda k: min(abs(k - w) for w in wanted))
            extra = sorted(pool[: 4 - len(wanted)])
        per_page: dict[int, tuple[list[Line], float, float]] = {}
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
            per_page[number] = (group_lines(runs, width), width, height)
        if total_chars == 0:
            raise fail(p, "has no text layer (a scanned report?); OCR is not done")
        junk, bands = find_furniture([(k, v[0], v[2]) for k, v in sorted(per_page.items())])
        result = assemble(p, wanted, per_page, junk, bands)
        if not result.text.strip():  # every line recurs on every page (a page listed twice): say so, not exit 0
            raise fail(p, "has no text besides lines repeated on every page (running headers and footers)")
        return result
    finally:
        if collecting:
            gc.enable()
        if plumber is not None:
            plumber.close()
        doc.close()
