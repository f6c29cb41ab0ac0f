"""The rows of a batch's tables: each table's column order, and the rows of one report, of its items and of
its breaches, built from its extracted record (the SQLite tables and the files are written by store.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cqcparse.output.writers import CSV_COLUMNS, item_rows
from cqcparse.records import Report, printable

KEY_QUESTIONS = ["safe", "effective", "caring", "responsive", "well-led"]

ITEM_COLUMNS = ["report_id", *CSV_COLUMNS]
# From CQC's API, for reports downloaded by `cqcparse fetch` (empty otherwise); the location and provider
# ids are the report's own where it prints them, else the API's
API_COLUMNS = ["link_id", *[f"api_{k.replace('-', '_')}" for k in ["overall", *KEY_QUESTIONS]], "overall_rating_agrees"]
REPORT_COLUMNS = [
    "report_id",
    "source",
    "format",
    "pages",
    "sha256",
    "provider",
    "registered_provider",
    "location",
    "location_id",
    "provider_id",
    "report_type",
    "service_type",
    "assessment",
    "report_date",
    "inspection_dates",
    "overall_rating",
    *[f"rating_{k.replace('-', '_')}" for k in KEY_QUESTIONS],
    "findings",
    "actions",
    "positives",
    "breaches",
    *API_COLUMNS,
]
BREACH_COLUMNS = [
    "report_id",
    "source",
    "n",
    "regulation",
    "title",
    "instrument",
    "citations",
    "pages",
    "first_citation",
]
ERROR_COLUMNS = ["source", "error", "message"]


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """What the tables know of a report beside its extracted content."""

    report_id: str
    source: str
    sha256: str
    pages: int


@dataclass(frozen=True, slots=True)
class ErrorRow:
    source: str
    error: str
    message: str


def report_row(entry: ReportEntry, report: Report) -> dict:
    f = report.report
    return {
        "report_id": entry.report_id,
        "source": printable(entry.source),
        "format": report.format,
        "pages": entry.pages,
        "sha256": entry.sha256,
        "provider": f.provider,
        "registered_provider": f.registered_provider,
        "location": f.location,
        "location_id": f.location_id or (report.api and report.api.location_id),
        "provider_id": f.provider_id or (report.api and report.api.provider_id),
        "report_type": f.report_type,
        "service_type": f.service_type,
        "assessment": f.assessment,
        "report_date": f.report_date,
        "inspection_dates": f.inspection_dates,
        "overall_rating": f.overall_rating,
        **{f"rating_{k.replace('-', '_')}": f.ratings.get(k) for k in KEY_QUESTIONS},
        "findings": len(report.findings),
        "actions": len(report.actions),
        "positives": len(report.positives),
        "breaches": len(report.breaches),
        **api_row(report),
    }


def api_row(report: Report) -> dict:
    api = report.api
    ratings = api.api_ratings if api else {}
    return {
        "link_id": api and api.link_id,
        **{f"api_{k.replace('-', '_')}": ratings.get(k) for k in ["overall", *KEY_QUESTIONS]},
        "overall_rating_agrees": api and api.overall_rating_agrees,
    }


def report_item_rows(entry: ReportEntry, report: Report) -> Iterator[dict]:
    for row in item_rows(report):
        yield {"report_id": entry.report_id, **row, "source": printable(entry.source)}


def breach_rows(entry: ReportEntry, report: Report) -> Iterator[dict]:
    for n, b in enumerate(report.breaches, 1):
        pages = sorted({c.page for c in b.citations if c.page is not None})
        yield {
            "report_id": entry.report_id,
            "source": printable(entry.source),
            "n": n,
            "regulation": b.regulation,
            "title": b.title,
            "instrument": b.instrument,
            "citations": len(b.citations),
            "pages": pages,
            "first_citation": b.citations[0].text if b.citations else None,
        }
