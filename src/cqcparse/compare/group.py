"""Compare across a batch: group the reports of a batch output folder (or a folder of report JSONs) by
location or provider, and compare each report with the one before it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel

from cqcparse.compare.core import compare_reports
from cqcparse.compare.match import DEFAULT_THRESHOLD
from cqcparse.compare.model import Comparison
from cqcparse.errors import InputError
from cqcparse.records import Report, ReportFacts

FETCHED = "fetched.jsonl"  # written by `cqcparse fetch`: location_id, provider_id, path, ... per report
SKIP = {"manifest.json"}


@dataclass(frozen=True)
class Entry:
    report: Report
    location_id: str | None = None
    provider_id: str | None = None


@dataclass
class Group:
    key: str
    entries: list[Entry] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)


def _fields(raw: dict, model: type[BaseModel]) -> dict:
    return {k: v for k, v in raw.items() if k in model.model_fields}


def _fetched(folder: Path) -> dict[str, dict]:
    """Rows of every fetched.jsonl in or under the folder's parents, by resolved report path."""
    rows: dict[str, dict] = {}
    for f in sorted({*folder.rglob(FETCHED), *(p / FETCHED for p in folder.resolve().parents)}):
        if not f.is_file():
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("path"):
                    rows[str((f.parent / row["path"]).resolve())] = row
    return rows


def read_entry(path: Path, fetched: dict[str, dict]) -> Entry:
    """A report JSON with the ids `fetch` knows about it: from the JSON itself (batch copies them in) or
    from a fetched.jsonl beside its source."""
    try:
        raw = json.loads(path.read_bytes())
        report = Report.model_validate(
            {**_fields(raw, Report), "report": _fields(raw.get("report") or {}, ReportFacts)}
        )
    except OSError as e:
        raise InputError(str(path), e.strerror or str(e)) from None
    except (ValueError, AttributeError) as e:
        raise InputError(str(path), f"not a report JSON ({str(e).splitlines()[0]})") from None
    meta = {**fetched.get(str(Path(report.source).resolve()), {}), **(raw.get("fetch") or {}), **raw}
    return Entry(report, meta.get("location_id"), meta.get("provider_id"))


def load_folder(folder: Path) -> list[Entry]:
    """The reports of a batch output folder (its reports/ folder) or of any folder of report JSONs."""
    if not folder.is_dir():
        raise InputError(str(folder), "not a folder")
    root = folder / "reports" if (folder / "reports").is_dir() else folder
    files = sorted(f for f in root.rglob("*.json") if f.name not in SKIP)
    if not files:
        raise InputError(str(folder), "no report JSONs (expected a batch output folder or `extract` JSONs)")
    fetched = _fetched(folder)
    return [read_entry(f, fetched) for f in files]


def group_key(entry: Entry, by: str) -> str:
    """The location id (or provider id), else the provider and location names."""
    f = entry.report.report
    provider = f.registered_provider or f.provider or ""
    if by == "provider":
        return entry.provider_id or provider or entry.report.source
    names = dict.fromkeys(x for x in (provider, f.location or f.provider) if x)  # once when they are the same
    return entry.location_id or " / ".join(names) or entry.report.source


def distinct_inspections(entries: list[Entry]) -> list[Entry]:
    """In date order, without further copies of one inspection (its PDF and its text: same date)."""
    out: list[Entry] = []
    seen: set[str] = set()
    for e in sorted(entries, key=lambda e: (e.report.report.report_date or "", e.report.source)):
        date = e.report.report.report_date
        if date is None or date not in seen:
            out.append(e)
        if date is not None:
            seen.add(date)
    return out


def compare_folder(folder: Path, *, by: str = "location", threshold: float = DEFAULT_THRESHOLD) -> list[Group]:
    """Groups in key order, reports in date order (one per inspection), each compared with the one before."""
    if by not in ("location", "provider"):
        raise ValueError(f"group by location or provider, not {by!r}")
    groups: dict[str, Group] = {}
    for e in load_folder(folder):
        key = group_key(e, by)
        groups.setdefault(key, Group(key)).entries.append(e)
    out = []
    for key in sorted(groups):
        g = groups[key]
        g.entries = distinct_inspections(g.entries)
        g.comparisons = [compare_reports(a.report, b.report, threshold=threshold) for a, b in pairwise(g.entries)]
        out.append(g)
    return out
