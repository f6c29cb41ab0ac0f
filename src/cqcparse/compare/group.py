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


def fetched_rows(f: Path) -> dict[str, dict]:
    """The rows of one fetched.jsonl, by the resolved path of the report each describes."""
    try:
        lines = f.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(f), f"cannot read ({e})") from None
    rows: dict[str, dict] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise InputError(str(f), f"line {n}: not a JSON line of `cqcparse fetch` ({e})") from None
        if isinstance(row, dict) and row.get("path"):
            rows[str((f.parent / row["path"]).resolve())] = row
    return rows


def fetch_metadata(source: str, extra: tuple[Path, ...] = (), seen: dict[Path, dict] | None = None) -> dict:
    """What `fetch` wrote about a report: the row for its source in a fetched.jsonl in one of the source's
    folders (or in `extra` folders)."""
    seen = {} if seen is None else seen  # fetched.jsonl files read so far, for one folder's reports
    path = Path(source).resolve()
    for folder in (*path.parents, *extra):
        f = folder / FETCHED
        if f not in seen:
            seen[f] = fetched_rows(f) if f.is_file() else {}
        if str(path) in seen[f]:
            return seen[f][str(path)]
    return {}


def read_entry(path: Path, extra: tuple[Path, ...] = (), seen: dict[Path, dict] | None = None) -> Entry:
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
    # ids the JSON itself holds (facts read from the report, or copied in by batch) win over fetch's rows
    meta = fetch_metadata(report.source, extra, seen)
    for held in (raw.get("report") or {}, raw):
        meta = {**meta, **{k: v for k, v in held.items() if k in ("location_id", "provider_id") and v}}
    return Entry(report, meta.get("location_id"), meta.get("provider_id"))


def load_folder(folder: Path) -> list[Entry]:
    """The reports of a batch output folder (its reports/ folder) or of any folder of report JSONs."""
    if not folder.is_dir():
        raise InputError(str(folder), "not a folder")
    root = folder / "reports" if (folder / "reports").is_dir() else folder
    files = sorted(f for f in root.rglob("*.json") if f.name not in SKIP)
    if not files:
        raise InputError(str(folder), "no report JSONs (expected a batch output folder or `extract` JSONs)")
    seen: dict[Path, dict] = {}
    return [read_entry(f, (folder.resolve(),), seen) for f in files]


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
