"""Assembly: pages of lines -> pieces -> blocks -> the document text with offsets, line boxes and headings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from cqcparse.readers.pdf.blocks import body_font_size, continues, heading_levels, is_heading, narrow_edge, pitch_counts
from cqcparse.readers.pdf.columns import page_pieces
from cqcparse.readers.pdf.geometry import Block, Piece, starts_bullet
from cqcparse.readers.source import HeadingHint, LineBox, Page, SourceText

_WORD = re.compile(r"[^\W\d_]+", re.U)


def assemble(path: Path, wanted: list[int], per_page, junk, bands=frozenset()) -> SourceText:
    """The document from each page's lines, leaving out `junk` (furniture). A section band kept (`bands`) is
    read before its page's text -- unless that text goes on with a sentence of the page before: then the band
    repeats a section already open, as a running header does, and is left out."""
    # page pieces, with header/footer lines removed
    all_pieces: list[list[Piece]] = []
    band_pieces: list[list[Piece]] = []
    # the right edge of the body text: where its full lines end (the 90th percentile, robust to a stray
    # line running into the margin). With too few lines there to trust it, the longest line.
    rights: list[float] = []
    starts: Counter = Counter()
    page_w = 0.0
    for number, (lines, width, _height) in per_page.items():
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
        kept = [ln for j, ln in enumerate(lines) if (number, j) not in junk and (number, j) not in bands]
        all_pieces.append(page_pieces(number, kept, width, body_right, body_left))
        banded = [ln for j, ln in enumerate(lines) if (number, j) in bands]
        band_pieces.append(page_pieces(number, banded, width, body_right, body_left) if banded else [])
    # the two-column geometry, if the document has any: lines outside a detected region that fit the left
    # column (a short paragraph typeset in columns that never reached the right one) wrap at its edge
    geo = Counter(
        (round(pc.col_left), round(pc.col_right))
        for ps in all_pieces
        for pc in ps
        if pc.region and not pc.jump and pc.col_right < 0.6 * body_right
    )
    lefts = Counter(round(pc.x0) for ps in all_pieces for pc in ps if not pc.region)
    gl: float
    gr: float | None
    gl, gr = geo.most_common(1)[0][0] if geo else (0.0, None)
    if gr is None and lefts:
        # no two-column line seen: a paragraph of three or more lines set in the left half of the page, each
        # line but the last full, still shows a narrow column and where it ends
        gl = lefts.most_common(1)[0][0]
        gr = narrow_edge(all_pieces, [per_page[n][1] for n in wanted], gl)
    if gr is not None:
        for ps in all_pieces:
            for pc in ps:
                if not pc.region and pc.x1 <= gr + 2 and abs(pc.x0 - gl) <= 3 and not pc.row:
                    pc.narrow = float(gr)
    # the usual pitch: the page's own if it has enough wrapped lines, else the document's
    page_counts = [pitch_counts(ps) for ps in all_pieces]
    doc_counts: dict[tuple[float, int], Counter] = defaultdict(Counter)
    for pcs in page_counts:
        for k, v in pcs.items():
            doc_counts[k].update(v)
    # (a pitch seen once proves nothing: it may be the very pair in question)
    doc_refs = {k: v.most_common(1)[0][0] for k, v in doc_counts.items() if v.most_common(1)[0][1] >= 2}
    page_refs = [{k: v.most_common(1)[0][0] for k, v in pcs.items() if sum(v.values()) >= 6} for pcs in page_counts]

    blocks: list[Block] = []
    block_page: list[int] = []
    for body, band, refs in zip(all_pieces, band_pieces, page_refs, strict=False):
        if body:
            body[0].jump = True
        if band and body and blocks and continues(blocks[-1], body[0], refs, doc_refs) is not None:
            band = []
        for i, pc in enumerate(band + body):
            if i == 0:
                pc.jump = True
            cur = blocks[-1] if blocks else None
            sep = continues(cur, pc, refs, doc_refs) if cur is not None else None
            if sep is None or cur is None:
                b = Block([pc], [], bullet=starts_bullet(pc.text), row=pc.row)
                if b.bullet:
                    # x0 of the text after the mark (a hanging indent), if the mark stands apart
                    b.hang = pc.hang
                blocks.append(b)
                block_page.append(pc.page)
            else:
                cur.pieces.append(pc)
                cur.joins.append(sep)

    # hyphen decisions need the document's vocabulary
    # (one findall over the lines joined by newlines, which no word crosses)
    raw_words = Counter(map(str.lower, _WORD.findall("\n".join(pc.text for b in blocks for pc in b.pieces))))

    body_size = body_font_size(blocks)
    heads = [is_heading(b, body_size) for b in blocks]
    level_of = heading_levels([b.pieces[0].size for b, head in zip(blocks, heads, strict=True) if head])

    text_parts: list[str] = []
    boxes: list[LineBox] = []
    headings: list[HeadingHint] = []
    page_spans: dict[int, list[int]] = {}
    pos = 0
    for b, head in zip(blocks, heads, strict=True):
        start = pos
        chunks: list[str] = []
        spans: list[tuple[int, int, Piece]] = []
        for ki, pc in enumerate(b.pieces):
            t = pc.text
            if ki == 0 and b.bullet:
                rest = t[1:].strip()
                t = "- " + rest if rest else "-"
            if ki > 0:
                sep = b.joins[ki - 1]
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
            t = t.replace("\u00ad", "") if ki == len(b.pieces) - 1 else t[:-1].replace("\u00ad", "") + t[-1:]
            spans.append((pos, pos + len(t), pc))
            chunks.append(t)
            pos += len(t)
        block_text = "".join(chunks)
        text_parts.append(block_text)
        for s, e, pc in spans:
            boxes.append(
                LineBox(s, e, pc.page, round(pc.x0, 2), round(pc.top, 2), round(pc.x1, 2), round(pc.bottom, 2))
            )
            span = page_spans.get(pc.page)
            if span is None:
                page_spans[pc.page] = [s, e]
            else:
                span[0], span[1] = min(span[0], s), max(span[1], e)
        if head:
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
