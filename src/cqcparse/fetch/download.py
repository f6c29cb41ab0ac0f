"""Files of a fetch: which reports to take, where each goes, which are already there, and atomic writes of
reports, fetched.jsonl and fetch-errors.jsonl."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from .api import FetchedReport, FetchError, ReportRef

EXTENSIONS = {"application/pdf": ".pdf", "text/plain": ".txt"}
CONTENT_TYPES = {ext: media for media, ext in EXTENSIONS.items()}
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")  # an id from the API that may name a folder


def report_day(report: ReportRef) -> date | None:
    try:
        return date.fromisoformat((report.report_date or "")[:10])
    except ValueError:
        return None


def select_reports(reports: Sequence[ReportRef], *, every: bool = False, since: date | None = None) -> list[ReportRef]:
    """The reports to fetch, newest first: the latest only, or every one with `every`; with `since`, only
    those published on or after it (an undated report is then left out)."""
    chosen = [r for r in reports if since is None or ((day := report_day(r)) is not None and day >= since)]
    chosen.sort(key=lambda r: r.report_date or "", reverse=True)  # stable: the API's order breaks ties
    return chosen if every else chosen[:1]


def file_name(report: ReportRef, extension: str) -> str:
    day = report_day(report)
    return f"{day.isoformat() if day else 'undated'}_{report.link_id.lower()}{extension}"


def existing_file(out: Path, location_id: str, link_id: str) -> Path | None:
    """A report already fetched: any file of this link id in the location's folder."""
    folder = out / location_id
    for ext in EXTENSIONS.values():
        for path in sorted(folder.glob(f"*_{link_id.lower()}{ext}")):
            if not path.name.startswith("."):
                return path
    return None


def relative(out: Path, path: Path) -> str:
    return path.relative_to(out).as_posix()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write to a hidden temporary file beside `path`, then rename: no reader, and no Ctrl-C, ever leaves a
    partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def jsonl(rows: Iterable[FetchedReport | FetchError]) -> bytes:
    return "".join(row.model_dump_json() + "\n" for row in rows).encode("utf-8")


def merge_rows(old: Iterable[FetchedReport], new: Iterable[FetchedReport]) -> list[FetchedReport]:
    """fetched.jsonl after a run: this run's rows, and the earlier rows of reports it did not see, in a
    stable order (location, newest report first)."""
    rows = {row.link_id: row for row in old}
    rows.update((row.link_id, row) for row in new)
    ordered = sorted(rows.values(), key=lambda r: r.link_id)
    ordered.sort(key=lambda r: r.report_date or "", reverse=True)
    ordered.sort(key=lambda r: r.location_id)
    return ordered
