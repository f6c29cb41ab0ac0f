"""The two-report page: an old and a new report side by side, each item marked with its status
(recurring, resolved, new, earlier, answers) and linked to its counterpart on the other side. Clicking a
linked item (or its ↔ link) scrolls the other column to its counterpart and highlights both.

`build_diff` is a pure function returning the HTML string; the layout comes from review.layout, so the
text reaches the page escaped in the same way as the one-report page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from cqcparse.errors import InputError
from cqcparse.readers.source import Page
from cqcparse.records import Report
from cqcparse.tools.review import Block, _environment, layout
from cqcparse.version import __version__

STATUSES = ("recurring", "resolved", "new", "earlier", "answers")


class LinkLike(Protocol):
    """An item's status and the id of its counterpart (compare.links.Link)."""

    @property
    def status(self) -> str: ...

    @property
    def partner(self) -> str | None: ...


@dataclass(frozen=True)
class Column:
    side: str  # old or new
    report: Report
    blocks: list[Block]
    links: Mapping[str, LinkLike]
    counts: dict[str, int]


def column(side: str, report: Report, links: Mapping[str, LinkLike], pages: Sequence[Page] | None) -> Column:
    if report.text is None:
        raise InputError(report.source, "has no document text: extract it with include_text=True")
    counts = {s: sum(1 for link in links.values() if link.status == s) for s in STATUSES}
    return Column(side, report, layout(report, pages), links, counts)


def build_diff(
    old: Report,
    new: Report,
    old_links: Mapping[str, LinkLike],
    new_links: Mapping[str, LinkLike],
    *,
    ratings: Sequence[object] = (),
    breaches: object = None,
    old_pages: Sequence[Page] | None = None,
    new_pages: Sequence[Page] | None = None,
    title: str | None = None,
) -> str:
    """The page. `old_links` / `new_links` map item ids to their status and partner id (from
    compare.links.item_links); `ratings` and `breaches` are the comparison's, shown in the header."""
    name = title or new.report.location or new.report.provider or new.source
    return (
        _environment()
        .get_template("diff.html.j2")
        .render(
            title=name,
            columns=[column("old", old, old_links, old_pages), column("new", new, new_links, new_pages)],
            ratings=ratings,
            breaches=breaches,
            version=__version__,
        )
    )
