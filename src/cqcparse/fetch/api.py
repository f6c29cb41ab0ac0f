"""The API's answers as typed shapes (only the fields we use; the API sends many more), and the record
`fetch` writes for each report (one line of fetched.jsonl)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..records import Record
from .client import ApiError

KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well-led")
RATING_KEYS = ("overall", *KEY_QUESTIONS)


class Shape(BaseModel):
    """An API answer: camelCase names, unknown fields ignored, nulls allowed where the API leaves gaps."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Provider(Shape):
    provider_id: str | None = Field(None, alias="providerId")
    name: str | None = None
    location_ids: list[str] = Field(default_factory=list, alias="locationIds")


class LocationRef(Shape):
    location_id: str = Field(alias="locationId")
    location_name: str | None = Field(None, alias="locationName")


class LocationPage(Shape):
    total: int | None = None
    page: int | None = None
    per_page: int | None = Field(None, alias="perPage")
    total_pages: int | None = Field(None, alias="totalPages")
    locations: list[LocationRef] = Field(default_factory=list)


class KeyQuestionRating(Shape):
    name: str
    rating: str | None = None


class OverallRating(Shape):
    rating: str | None = None
    report_date: str | None = Field(None, alias="reportDate")
    report_link_id: str | None = Field(None, alias="reportLinkId")
    key_question_ratings: list[KeyQuestionRating] = Field(default_factory=list, alias="keyQuestionRatings")


class CurrentRatings(Shape):
    overall: OverallRating | None = None


class ReportRef(Shape):
    link_id: str = Field(alias="linkId")
    report_date: str | None = Field(None, alias="reportDate")
    first_visit_date: str | None = Field(None, alias="firstVisitDate")
    report_uri: str | None = Field(None, alias="reportUri")
    report_type: str | None = Field(None, alias="reportType")


class Location(Shape):
    location_id: str | None = Field(None, alias="locationId")
    name: str | None = None
    provider_id: str | None = Field(None, alias="providerId")
    current_ratings: CurrentRatings | None = Field(None, alias="currentRatings")
    reports: list[ReportRef] = Field(default_factory=list)


class ShapeError(ApiError):
    """The API answered something that is not the documented shape: that id fails, the run goes on."""


S = TypeVar("S", bound=Shape)


def parse(shape: type[S], data: object, what: str) -> S:
    try:
        return shape.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "answer"
        raise ShapeError(what, None, f"unexpected answer from the API ({where}: {first['msg']})") from None


def key_question_name(name: str) -> str | None:
    """'Well-led', 'Well led', 'wellLed' -> 'well-led'; None for names that are not a key question."""
    folded = "".join(c for c in name.lower() if c.isalpha())
    return {"wellled": "well-led"}.get(folded, folded if folded in KEY_QUESTIONS else None)


def api_ratings(location: Location) -> dict[str, str | None]:
    """The location's current ratings: `overall` and the five key questions (None where not rated)."""
    ratings: dict[str, str | None] = dict.fromkeys(RATING_KEYS)
    overall = location.current_ratings.overall if location.current_ratings else None
    if overall is None:
        return ratings
    ratings["overall"] = overall.rating
    for kq in overall.key_question_ratings:
        key = key_question_name(kq.name)
        if key:
            ratings[key] = kq.rating
    return ratings


def ratings_link_id(location: Location) -> str | None:
    overall = location.current_ratings.overall if location.current_ratings else None
    return overall.report_link_id.lower() if overall and overall.report_link_id else None


class FetchedReport(Record):
    """One downloaded report: what CQC says about it, and where it was written. A line of fetched.jsonl."""

    location_id: str
    location_name: str | None = None
    provider_id: str | None = None
    provider_name: str | None = None
    link_id: str
    report_date: str | None = None
    first_visit_date: str | None = None
    report_type: str | None = None
    api_ratings: dict[str, str | None] = Field(
        default_factory=lambda: dict.fromkeys(RATING_KEYS),
        description="The location's current ratings from the API: overall and the five key questions.",
    )
    ratings_link_id: str | None = Field(
        None, description="The report the current ratings come from (currentRatings.overall.reportLinkId)."
    )
    path: str = Field(description="The file, relative to the fetch folder (forward slashes).")
    sha256: str
    content_type: str


class FetchError(Record):
    """One id or report that failed: a line of fetch-errors.jsonl."""

    id: str
    kind: str = Field(description="location, provider or report.")
    status: int | None = Field(
        None, description="The HTTP status (or the soft-429 body's statusCode); null for connection errors."
    )
    message: str
