"""Summaries of extracted items: counts per quality statement (or key question) and kind, for one report
or a batch, and the most frequent must-action themes. Pure functions returning data; the CLI draws the
tables and charts (cli/summary.py), the review page reuses the same counts (review.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from cqcparse.analysis.vocabulary import KEY_QUESTIONS, QUALITY_STATEMENTS
from cqcparse.records import Item, Report
from cqcparse.tools.items import SourcedItem, report_items
from cqcparse.tools.themes import Theme, must_action_themes

OTHER = "other"
"""The group of items with neither a quality statement nor a key question."""
COUNT_COLUMNS = ("findings", "must", "should", "needs", "positives")
ROW_COLUMNS = ("group", "label", "key_question", *COUNT_COLUMNS, "score", "reports")


@dataclass(slots=True)
class Row:
    """Counts for one quality statement (or key question, or OTHER) over one report or a batch."""

    group: str
    label: str
    key_question: str | None
    findings: int = 0
    must: int = 0
    should: int = 0
    needs: int = 0
    positives: int = 0
    score: float | None = None
    reports: int = 0

    @property
    def total(self) -> int:
        return self.findings + self.must + self.should + self.needs + self.positives


@dataclass(slots=True)
class Summary:
    reports: list[str]
    rows: list[Row]
    totals: Row
    ratings: dict[str, str] = field(default_factory=dict)
    overall_rating: str | None = None
    breaches: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    rating_counts: dict[str, int] = field(default_factory=dict)
    """Batch: how many reports have each overall rating (from the batch's report JSONs)."""

    def to_dict(self) -> dict:
        return {
            "reports": self.reports,
            "rows": [asdict(r) for r in self.rows],
            "totals": asdict(self.totals),
            "overall_rating": self.overall_rating,
            "ratings": self.ratings,
            "rating_counts": self.rating_counts,
            "breaches": self.breaches,
            "facts": self.facts,
            "themes": [asdict(t) for t in self.themes],
        }


# -- grouping ---------------------------------------------------------------------------------------------

_QS_ORDER = {qs: n for n, qs in enumerate(QUALITY_STATEMENTS)}
_KQ_ORDER = {kq: n for n, kq in enumerate(KEY_QUESTIONS)}


def group_of(item: Item) -> str:
    """The quality statement of an item, else its key question, else OTHER."""
    return item.quality_statement or item.key_question or OTHER


def group_label(group: str) -> str:
    if group == OTHER:
        return "Not labelled"
    if group in _KQ_ORDER:
        return group.capitalize()
    return group.replace("_", " ").capitalize()


def rows_are(rows: Iterable[Row]) -> str:
    """What a table of these rows is by: 'quality statement' when any row is one, else 'key question'
    (a pre-2024 report, whose items carry only the key question they sit under)."""
    return "quality statement" if any(r.key_question and r.group != r.key_question for r in rows) else "key question"


def is_key_question_only(row: Row) -> bool:
    """A key question's own row: the items labelled with the key question but no quality statement."""
    return row.group == row.key_question


def chart_label(row: Row, by: str) -> str:
    """A row's label standing alone (a chart bar): in a table by quality statement, a key question's own
    row says that it holds only the items labelled with no statement."""
    return f"{row.label} (key question only)" if by == "quality statement" and is_key_question_only(row) else row.label


def key_question_of(group: str) -> str | None:
    if group in _KQ_ORDER:
        return group
    return QUALITY_STATEMENTS.get(group)


def _sort_key(group: str) -> tuple:
    """Key questions in the framework's order, each followed by its quality statements; OTHER last."""
    if group == OTHER:
        return (len(KEY_QUESTIONS) + 1, 0, 0, group)
    kq = key_question_of(group)
    return (
        _KQ_ORDER.get(kq, len(KEY_QUESTIONS)) if kq else len(KEY_QUESTIONS),
        0 if group in _KQ_ORDER else 1,
        _QS_ORDER.get(group, len(_QS_ORDER)),
        group,
    )


def count_column(item: Item) -> str:
    """The table column an item is counted in: findings, positives, or its action modality."""
    if item.kind == "action":
        return item.modality or "needs"
    return "findings" if item.kind == "finding" else "positives"


def count_rows(items: Iterable[SourcedItem], scores: dict[str, list[int]] | None = None) -> tuple[list[Row], Row]:
    """One row per group present in the items or the scores, in framework order, and a totals row.
    `scores` maps a quality statement to its scores (one per report); a row shows their mean."""
    scores = scores or {}
    rows: dict[str, Row] = {}
    seen: dict[str, set[str]] = {}
    totals = Row(group="total", label="Total", key_question=None)
    all_reports: set[str] = set()

    def row(group: str) -> Row:
        if group not in rows:
            rows[group] = Row(group=group, label=group_label(group), key_question=key_question_of(group))
            seen[group] = set()
        return rows[group]

    for si in items:
        g = group_of(si.item)
        col = count_column(si.item)
        r = row(g)
        setattr(r, col, getattr(r, col) + 1)
        setattr(totals, col, getattr(totals, col) + 1)
        seen[g].add(si.report)
        all_reports.add(si.report)
    for qs, values in scores.items():
        if values:
            row(qs).score = round(sum(values) / len(values), 2)
    for g, r in rows.items():
        r.reports = len(seen[g])
    totals.reports = len(all_reports)
    return [rows[g] for g in sorted(rows, key=_sort_key)], totals


# -- one report -------------------------------------------------------------------------------------------


def summarise_report(report: Report) -> Summary:
    scores = {qs: [s] for qs, s in report.report.quality_statement_scores.items()}
    rows, totals = count_rows(report_items(report), scores)
    facts = report.report.model_dump(exclude={"ratings", "quality_statement_scores", "overall_rating"})
    breaches = [
        {
            "regulation": b.regulation,
            "title": b.title,
            "instrument": b.instrument,
            "pages": sorted({c.page for c in b.citations if c.page is not None}),
            "citations": len(b.citations),
        }
        for b in report.breaches
    ]
    return Summary(
        reports=[report.source],
        rows=rows,
        totals=totals,
        ratings=dict(report.report.ratings),
        overall_rating=report.report.overall_rating,
        breaches=breaches,
        facts=facts,
    )


# -- a batch ----------------------------------------------------------------------------------------------


def summarise_batch(items: list[SourcedItem], reports: list[Report] | None = None, *, themes: int = 10) -> Summary:
    """Counts across reports. `reports`, the batch's report JSONs if at hand, add the mean score per
    quality statement, how many reports have each overall rating and each breach."""
    reports = reports or []
    scores: dict[str, list[int]] = {}
    for r in reports:
        for qs, score in r.report.quality_statement_scores.items():
            scores.setdefault(qs, []).append(score)
    rows, totals = count_rows(items, scores)
    names = sorted({si.report for si in items} | {_report_name(r) for r in reports})
    musts = [si for si in items if si.item.kind == "action" and si.item.modality == "must"]
    ratings = Counter(r.report.overall_rating or "not rated" for r in reports)
    breaches: dict[str, dict] = {}
    for r in reports:
        for b in r.breaches:
            entry = breaches.setdefault(b.regulation, {"regulation": b.regulation, "title": b.title, "reports": 0})
            entry["reports"] += 1
    return Summary(
        reports=names,
        rows=rows,
        totals=totals,
        themes=must_action_themes(musts, n=themes),
        rating_counts=dict(ratings.most_common()),
        breaches=sorted(breaches.values(), key=lambda b: (-b["reports"], _regulation_key(b))),
    )


def _report_name(report: Report) -> str:
    return report.source


def _regulation_key(b: dict) -> tuple[int, str]:
    digits = re.match(r"\d+", b["regulation"])
    return (int(digits.group()) if digits else 10**6, b["regulation"])
