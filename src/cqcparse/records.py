"""The typed output: what `extract` returns and every writer serialises.

Field order is declared once, here; JSON, JSONL and CSV writers all follow it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["finding", "action", "positive"]
Modality = Literal["must", "should", "needs"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(Record):
    """One finding, action or positive: a sentence of the report, grounded in the document text."""

    id: str = Field(description="Stable id: kind, then the offset of the sentence, e.g. 'action-001234'.")
    kind: Kind
    text: str
    modality: Modality | None = Field(None, description="Actions only: must, should or needs.")
    section: str | None = Field(None, description="Title of the innermost section holding the sentence.")
    quality_statement: str | None = None
    key_question: str | None = None
    start: int = Field(description="Offset of the first character in the document text.")
    end: int = Field(description="Offset after the last character in the document text.")
    page: int | None = Field(None, description="1-based page where the sentence starts (PDF input).")
    pages: list[int] | None = Field(None, description="Every page the sentence runs over, if more than one.")
    bbox: list[float] | None = Field(None, description="x0, top, x1, bottom of the first line, PDF points.")
    rules: list[str] = Field(default_factory=list, description="Ids of the rules that decided this item.")


class Section(Record):
    id: str
    title: str
    type: str = Field(description="Heading type from the heading rules, e.g. quality_statement, key_question.")
    level: int
    start: int
    end: int
    quality_statement: str | None = None
    key_question: str | None = None
    page_start: int | None = None
    page_end: int | None = None


class Citation(Record):
    text: str
    start: int
    end: int
    page: int | None = None


class Breach(Record):
    regulation: str = Field(description="Regulation number as cited: '12', '17', '9A'.")
    title: str | None = None
    instrument: str | None = None
    citations: list[Citation] = Field(default_factory=list)


class FactSource(Record):
    """Where a report field was read: the text that gave it and the rule that read it."""

    rule: str
    text: str
    start: int = Field(description="Offset of the first character in the document text.")
    end: int
    page: int | None = Field(default=None, description="1-based page (PDF input).")


REPORT_TYPES = (
    "nhs_trust_well_led",
    "nhs_trust_quality_report",
    "core_service",
    "adult_social_care",
    "home_care",
    "gp_practice",
    "dental",
    "ambulance",
    "independent_health",
    "mental_health",
)


class ReportFacts(Record):
    provider: str | None = Field(
        default=None,
        description="The location or service as the report's title names it (no site prefix such as 'Archived:').",
    )
    registered_provider: str | None = Field(
        default=None, description="The company that runs it, when the report names one apart from the provider."
    )
    location: str | None = Field(default=None, description="The location, when the report is about one.")
    location_id: str | None = Field(default=None, description="CQC location id as printed: '1-123456789', 'R1K02'.")
    provider_id: str | None = Field(
        default=None, description="CQC provider id as printed: '1-101234567', an NHS trust code such as 'RXT'."
    )
    report_type: str | None = Field(default=None, description="The layout: " + ", ".join(REPORT_TYPES) + ".")
    service_type: str | None = Field(
        default=None,
        description="The kind of service as the report names it: 'Care home', 'Urgent and emergency services'.",
    )
    assessment: str | None = None
    report_date: str | None = Field(default=None, description="Publication date, ISO 8601.")
    inspection_dates: list[str] = Field(default_factory=list)
    overall_rating: str | None = Field(
        default=None, description="Null when the report gives none (dental and other unrated reports)."
    )
    ratings: dict[str, str] = Field(default_factory=dict, description="Rating per key question.")
    service_ratings: dict[str, str] = Field(default_factory=dict, description="Rating per core service.")
    quality_statement_scores: dict[str, int] = Field(default_factory=dict)
    fact_sources: dict[str, FactSource] = Field(
        default_factory=dict,
        description="For every field read, "
        "where: keyed 'provider', 'ratings.safe', "
        "'quality_statement_scores.safeguarding', 'inspection_dates'.",
    )


class ApiData(Record):
    """What CQC's API says about the report, from the fetched.jsonl that `cqcparse fetch` wrote beside it
    (batch only)."""

    location_id: str
    provider_id: str | None = None
    link_id: str
    api_ratings: dict[str, str | None] = Field(
        default_factory=dict,
        description="The location's current ratings from the API: overall and the five key questions.",
    )
    overall_rating_agrees: bool | None = Field(
        None,
        description="Whether the extracted overall rating is the "
        "API's; null when either is missing or the API's current rating "
        "comes from another report of the location.",
    )


class Report(Record):
    source: str
    format: str
    report: ReportFacts
    sections: list[Section]
    findings: list[Item]
    actions: list[Item]
    positives: list[Item]
    breaches: list[Breach]
    text: str | None = Field(None, description="The document text the offsets refer to (--include-text).")
    api: ApiData | None = Field(
        None,
        description="Batch: CQC's own data on the report, when it was "
        "downloaded by `cqcparse fetch` (left out when absent).",
    )

    def items(self) -> list[Item]:
        """Every item in document order."""
        return sorted([*self.findings, *self.actions, *self.positives], key=lambda i: (i.start, i.kind))


ITEM_COLUMNS: list[str] = list(Item.model_fields)


def printable(name: str) -> str:
    """A path as text that can be written anywhere: undecodable bytes of a file name (which Python holds as
    surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
