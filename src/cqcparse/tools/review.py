"""The review page: one self-contained HTML file showing a report's text with every item highlighted.

`build_review(report)` is a pure function returning the HTML string. The layout work happens here, in
plain data (blocks of text pieces and nested marks); the Jinja2 template (autoescape on) only walks that
data, so every piece of report text reaches the page escaped.

Items can share a span (one sentence can be a finding and an action) or, in principle, overlap. Each item
gets exactly one <mark data-item-id=...>: identical and nested spans become nested marks; an item that
would cross the end of an enclosing mark, or a line, continues in further marks carrying
data-item-part instead of data-item-id, so counting `mark[data-item-id]` finds each item once.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import jinja2

from cqcparse.errors import InputError
from cqcparse.readers.source import Page
from cqcparse.records import Item, Report
from cqcparse.tools.items import report_items
from cqcparse.tools.summary import COUNT_COLUMNS, chart_label, count_rows, group_label, group_of, rows_are
from cqcparse.version import __version__

KIND_ORDER = {"finding": 0, "action": 1, "positive": 2}
HEADING_TAGS = {1: "h2", 2: "h3", 3: "h4"}


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(slots=True)
class Mark:
    """One <mark>: the whole of an item's span, or (first=False) a continuation piece of it."""

    item: Item
    start: int
    end: int
    first: bool
    depth: int = 0
    children: list[Text | Mark] = field(default_factory=list)

    @property
    def label(self) -> str:
        what = self.item.modality if self.item.kind == "action" and self.item.modality else self.item.kind
        return f"{what} · {group_label(group_of(self.item))}"

    @property
    def tooltip(self) -> str:
        i = self.item
        parts = [
            i.id,
            f"section: {i.section}" if i.section else "",
            f"pages {', '.join(map(str, i.pages))}" if i.pages else f"page {i.page}" if i.page else "",
            f"rules: {', '.join(i.rules)}" if i.rules else "",
        ]
        return " | ".join(p for p in parts if p)


@dataclass(slots=True)
class Block:
    """One line of the document text: a heading, a paragraph or a bullet, with the page that starts here."""

    kind: str  # heading, paragraph, bullet
    start: int
    end: int
    pieces: list[Text | Mark]
    tag: str = "p"
    anchor: str | None = None
    page: int | None = None


# -- layout -----------------------------------------------------------------------------------------------


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def nest(items: Sequence[Item], start: int, end: int) -> list[Mark]:
    """The marks for the parts of `items` inside [start, end), nested: an item is opened outside the items
    it contains; an item crossing the end of an enclosing mark is cut there and continues after it."""
    queue: list[tuple[int, int, int, int, Mark]] = []
    for n, it in enumerate(items):
        s, e = max(it.start, start), min(it.end, end)
        if s < e:
            heapq.heappush(queue, (s, -e, KIND_ORDER.get(it.kind, 9), n, Mark(it, s, e, first=False)))
    root = Mark(item=None, start=start, end=end, first=False, depth=-1)  # type: ignore[arg-type]
    stack = [root]
    while queue:
        s, _, order, n, m = heapq.heappop(queue)
        while stack[-1].end <= s:
            stack.pop()
        parent = stack[-1]
        if m.end > parent.end:  # crosses the enclosing mark: cut here, continue after it
            rest = Mark(m.item, parent.end, m.end, first=False)
            heapq.heappush(queue, (rest.start, -rest.end, order, n, rest))
            m.end = parent.end
        m.depth = parent.depth + 1
        parent.children.append(m)
        stack.append(m)
    return [c for c in root.children if isinstance(c, Mark)]


def fill_text(text: str, start: int, end: int, marks: list[Mark]) -> list[Text | Mark]:
    """Interleave the text between marks (recursively) so each piece holds text[start:end] in order."""
    out: list[Text | Mark] = []
    pos = start
    for m in marks:
        if m.start > pos:
            out.append(Text(text[pos : m.start]))
        m.children = fill_text(text, m.start, m.end, [c for c in m.children if isinstance(c, Mark)])
        out.append(m)
        pos = m.end
    if end > pos:
        out.append(Text(text[pos:end]))
    return out


def mark_first_pieces(pieces: Sequence[Text | Mark], seen: set[str]) -> None:
    """Give the first piece shown of each item (in document order) its data-item-id; the rest are parts.
    Decided on what is shown, so an item starting on a blank line (not shown) still gets its id."""
    for p in pieces:
        if isinstance(p, Mark):
            p.first = p.item.id not in seen
            seen.add(p.item.id)
            mark_first_pieces(p.children, seen)


def items_per_line(items: Sequence[Item], spans: Sequence[tuple[int, int]]) -> list[list[Item]]:
    """The items overlapping each line, in one sweep (reports can have thousands of lines and items)."""
    pending = sorted(items, key=lambda i: i.start)
    out, current, j = [], [], 0
    for ls, le in spans:
        while j < len(pending) and pending[j].start < le:
            current.append(pending[j])
            j += 1
        current = [i for i in current if i.end > ls]
        out.append(list(current))
    return out


def page_starts(report: Report, pages: Sequence[Page] | None) -> dict[int, int]:
    """page number -> offset where it starts: exact from the reader's pages, else the earliest offset the
    report puts on each page (items, sections, breach citations)."""
    if pages:
        return {p.number: p.start for p in pages}
    seen: dict[int, int] = {}

    def note(page: int | None, offset: int) -> None:
        if page is not None and offset < seen.get(page, offset + 1):
            seen[page] = offset

    for i in report.items():
        note(i.page, i.start)
    for s in report.sections:
        note(s.page_start, s.start)
    for b in report.breaches:
        for c in b.citations:
            note(c.page, c.start)
    return seen


def layout(report: Report, pages: Sequence[Page] | None = None) -> list[Block]:
    text = report.text or ""
    items = report.items()
    headings = {s.start: s for s in report.sections if s.type != "preamble"}
    starts = sorted((off, num) for num, off in page_starts(report, pages).items())
    blocks: list[Block] = []
    next_page, page = 0, None
    spans = lines(text)
    shown: set[str] = set()
    for (ls, le), inside in zip(spans, items_per_line(items, spans)):
        # A page marker goes before the first line starting on that page (a paragraph running over a
        # page break keeps the page it started on, as Item.page does); blank lines pass it on.
        while next_page < len(starts) and starts[next_page][0] <= ls:
            page = starts[next_page][1]
            next_page += 1
        if not text[ls:le].strip():
            continue
        pieces = fill_text(text, ls, le, nest(inside, ls, le))
        mark_first_pieces(pieces, shown)
        sec = headings.get(ls)
        if sec is not None:
            blocks.append(
                Block("heading", ls, le, pieces, tag=HEADING_TAGS.get(sec.level, "h4"), anchor=sec.id, page=page)
            )
        else:
            kind = "bullet" if text[ls:le].lstrip().startswith(("- ", "• ")) else "paragraph"
            blocks.append(Block(kind, ls, le, pieces, page=page))
        page = None
    return blocks


# -- the page ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = csp_hash
    return env


def _load_template(name: str) -> str:
    return resources.files("cqcparse.tools").joinpath(name).read_text(encoding="utf-8")


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source allowing exactly this inline script and no other."""
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def build_review(report: Report, *, pages: Sequence[Page] | None = None, title: str | None = None) -> str:
    """The review page of `report` (extracted with include_text=True). `pages`, the reader's pages of a
    PDF, place page markers exactly; without them markers come from the items' and sections' pages."""
    if report.text is None:
        raise InputError(
            report.source,
            "has no document text: extract it with include_text=True (or `cqcparse extract --include-text`)",
        )
    rows, totals = count_rows(
        report_items(report), {qs: [s] for qs, s in report.report.quality_statement_scores.items()}
    )
    facts = report.report
    name = title or facts.provider or report.source
    by = rows_are(rows)  # a pre-2024 report's items are counted by the key question they sit under
    return (
        _environment()
        .get_template("review.html.j2")
        .render(
            title=name,
            report=report,
            facts=facts,
            blocks=layout(report, pages),
            rows=rows,
            by=by,
            labels={r.group: chart_label(r, by) for r in rows},
            totals=totals,
            columns=COUNT_COLUMNS,
            sections=[s for s in report.sections if s.type != "preamble"],
            item_count=len(report.items()),
            version=__version__,
            has_pages=any(i.page for i in report.items()) or bool(pages),
        )
    )
