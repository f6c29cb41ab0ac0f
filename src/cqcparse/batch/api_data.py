"""Joining what CQC's API says (fetched.jsonl, written by `cqcparse fetch`) to what a batch extracts."""

from __future__ import annotations

from cqcparse.fetch.api import FetchedReport
from cqcparse.records import ApiData, Report


def _folded(rating: str | None) -> str | None:
    return " ".join(rating.lower().split()) or None if rating else None


def rating_agrees(extracted: str | None, row: FetchedReport) -> bool | None:
    """Whether the extracted overall rating is the API's current one. None when either is missing, or when
    the API's current rating comes from another report of the location (an older report fetched with --all)."""
    api = _folded(row.api_ratings.get("overall"))
    mine = _folded(extracted)
    if api is None or mine is None or (row.ratings_link_id not in (None, row.link_id)):
        return None
    return api == mine


def api_data(row: FetchedReport, report: Report) -> ApiData:
    return ApiData(
        location_id=row.location_id,
        provider_id=row.provider_id,
        link_id=row.link_id,
        api_ratings=row.api_ratings,
        overall_rating_agrees=rating_agrees(report.report.overall_rating, row),
    )


def with_api(report: Report, row: FetchedReport | None) -> Report:
    """The report carrying the API's data for it (or none, when it was not fetched)."""
    api = api_data(row, report) if row is not None else None
    return report if report.api == api else report.model_copy(update={"api": api})
