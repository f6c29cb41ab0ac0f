"""Repeated, new and cleared breaches, by (instrument, regulation)."""

from __future__ import annotations

from cqcparse.compare.model import Breaches, BreachRef
from cqcparse.records import Breach


def _ref(b: Breach) -> BreachRef:
    return BreachRef(regulation=b.regulation, instrument=b.instrument, title=b.title)


def _same(a: Breach, b: Breach) -> bool:
    """Same regulation of the same instrument; a breach whose instrument was not read matches any."""
    return a.regulation.upper() == b.regulation.upper() and (
        a.instrument is None or b.instrument is None or a.instrument == b.instrument
    )


def _order(refs: list[BreachRef]) -> list[BreachRef]:
    def key(r: BreachRef) -> tuple[int, str, str]:
        digits = "".join(c for c in r.regulation if c.isdigit())
        return (int(digits) if digits else 0, r.regulation, r.instrument or "")

    return sorted(refs, key=key)


def breach_changes(old: list[Breach], new: list[Breach]) -> Breaches:
    repeated = [_ref(b) for b in new if any(_same(a, b) for a in old)]
    fresh = [_ref(b) for b in new if not any(_same(a, b) for a in old)]
    cleared = [_ref(a) for a in old if not any(_same(a, b) for b in new)]
    return Breaches(repeated=_order(repeated), new=_order(fresh), cleared=_order(cleared))
