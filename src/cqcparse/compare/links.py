"""What the two-report page needs from a Comparison: for each item id of either report, its status and
the item it is linked to on the other side (plain data, so the page builder needs no compare types)."""

from __future__ import annotations

from dataclasses import dataclass

from cqcparse.compare.model import Comparison


@dataclass(frozen=True)
class Link:
    status: str  # recurring, resolved, new, earlier, answers
    partner: str | None = None  # the linked item's id on the other side


def item_links(c: Comparison) -> tuple[dict[str, Link], dict[str, Link]]:
    """(old side, new side): recurring items link to each other; a resolved item links to the positive
    that answers it (marked `answers`, linking back to the first item it answers); new and earlier items
    link to nothing."""
    old: dict[str, Link] = {}
    new: dict[str, Link] = {}
    for ch in (c.actions, c.findings):
        for p in ch.recurring:
            old[p.old.id] = Link("recurring", p.new.id)
            new[p.new.id] = Link("recurring", p.old.id)
        for r in ch.resolved:
            old[r.item.id] = Link("resolved", r.evidence.id if r.evidence else None)
            if r.evidence is not None:
                new.setdefault(r.evidence.id, Link("answers", r.item.id))
        for it in ch.new:
            new[it.id] = Link("new")
        for it in ch.earlier:
            new[it.id] = Link("earlier")
    return old, new
