"""The typed result of `compare`: what changed between an old and a new report of one service.

Field order is declared once, here; the JSON output and the JSON Schema follow it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cqcparse.records import Breach, Item, Record, ReportFacts

RatingChange = Literal["improved", "declined", "same", "new", "not rated"]


class Side(Record):
    """One of the two reports: where it came from and its facts."""

    source: str
    facts: ReportFacts


class Rating(Record):
    question: str = Field(description="'overall' or a key question: safe, effective, caring, responsive, well-led.")
    old: str | None = None
    new: str | None = None
    change: RatingChange = Field(
        description="improved or declined in CQC's order (Inadequate, Requires "
        "improvement, Good, Outstanding); same; new (rated now, not before); "
        "not rated (no rating in the new report)."
    )


class BreachRef(Record):
    regulation: str
    instrument: str | None = None
    title: str | None = None


class Breaches(Record):
    repeated: list[BreachRef] = Field(default_factory=list, description="Cited in both reports.")
    new: list[BreachRef] = Field(default_factory=list, description="Cited in the new report only.")
    cleared: list[BreachRef] = Field(default_factory=list, description="Cited in the old report only.")


class Pair(Record):
    """An old item and the new item that says the same thing again."""

    old: Item
    new: Item
    similarity: float = Field(description="0-1, from the similarity of their normalised words.")
    labels: list[str] = Field(
        default_factory=list, description="Key question and quality statement labels the two items share."
    )


class Resolved(Record):
    """An old item with no counterpart in the new report."""

    item: Item
    evidence: Item | None = Field(
        None, description="A positive of the new report on the same point, when there is one."
    )
    similarity: float | None = Field(None, description="Similarity of the evidence to the item.")


class Changes(Record):
    recurring: list[Pair] = Field(default_factory=list)
    resolved: list[Resolved] = Field(default_factory=list)
    new: list[Item] = Field(default_factory=list)
    earlier: list[Item] = Field(
        default_factory=list,
        description="New-report items about the earlier "
        "inspection ('At our last inspection ...') that pair with no old item: "
        "neither recurring nor new.",
    )


class LabelCounts(Record):
    """Items per quality statement (or key question) old -> new; `label` null is 'not labelled'."""

    label: str | None
    findings: tuple[int, int]
    actions: tuple[int, int]
    positives: tuple[int, int]


class Comparison(Record):
    old: Side
    new: Side
    threshold: float = Field(description="Least similarity of a recurring pair.")
    method: str = Field(description="How item similarity was measured.")
    ratings: list[Rating]
    breaches: Breaches
    actions: Changes
    findings: Changes
    labels: list[LabelCounts]


__all__ = [
    "Breach",
    "BreachRef",
    "Breaches",
    "Changes",
    "Comparison",
    "LabelCounts",
    "Pair",
    "Rating",
    "Resolved",
    "Side",
]
