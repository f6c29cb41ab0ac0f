"""`cqcparse compare`: what changed between two inspections of a service, and across a batch.

`compare_reports` and `Comparison` load on first use, so that importing `cqcparse.compare.defaults` (as
the command line does) stays cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cqcparse.compare.defaults import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from cqcparse.compare.core import compare_reports
    from cqcparse.compare.model import Comparison

__all__ = ["DEFAULT_THRESHOLD", "Comparison", "compare_reports"]


def __getattr__(name: str) -> Any:
    if name == "compare_reports":
        from cqcparse.compare.core import compare_reports

        return compare_reports
    if name == "Comparison":
        from cqcparse.compare.model import Comparison

        return Comparison
    raise AttributeError(f"module 'cqcparse.compare' has no attribute {name!r}")
