"""One fetch: ids -> locations (through providers' paged lists) -> the reports to take -> files, with
resume, a shared write lock that Ctrl-C waits for, and fetched.jsonl / fetch-errors.jsonl."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from ..errors import CqcparseError
from .api import (
    FetchedReport,
    FetchError,
    Location,
    ReportRef,
    api_ratings,
    ratings_link_id,
)
from .client import ApiClient, ApiError, Cancelled, KeyRefused
from .download import (
    CONTENT_TYPES,
    EXTENSIONS,
    SAFE_ID,
    existing_file,
    file_name,
    jsonl,
    merge_rows,
    relative,
    select_reports,
    sha256_of,
    write_atomic_bytes,
)
from .ids import Target, is_link_id
from .lookup import Lookup
from .metadata import ERRORS, FETCHED, read_fetched
from .workers import parallel_map


@dataclass(frozen=True)
class FetchOptions:
    every: bool = False  # every report, not only the latest
    since: date | None = None
    fmt: Literal["pdf", "text"] = "pdf"
    force: bool = False
    jobs: int = 4
    per_page: int = 500


@dataclass(frozen=True)
class Progress:
    stage: str  # "locations" or "reports"
    done: int
    total: int
    failed: int


@dataclass
class FetchSummary:
    fetched: int = 0
    up_to_date: int = 0
    rows: list[FetchedReport] = field(default_factory=list)
    errors: list[FetchError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class Job:
    location: Location
    provider_name: str | None
    report: ReportRef


class Fetcher:
    """The state of one run. Use `fetch()`."""

    def __init__(
        self, client: ApiClient, out: Path, options: FetchOptions, progress: Callable[[Progress], None] | None
    ):
        self.client, self.out, self.options, self.progress = client, out, options, progress
        self.summary = FetchSummary()
        self.lock = threading.Lock()  # guards the summary and every file write
        self.old = {r.link_id: r for r in read_fetched(out / FETCHED)} if (out / FETCHED).is_file() else {}
        self.lookup = Lookup(client, options.per_page)
        self.done = 0

    def fail(self, id: str, kind: str, error: ApiError) -> None:
        with self.lock:
            self.summary.errors.append(FetchError(id=id, kind=kind, status=error.status, message=error.message))

    def tick(self, stage: str, total: int) -> None:
        with self.lock:
            self.done += 1
            if self.progress:
                self.progress(Progress(stage, self.done, total, len(self.summary.errors)))

    # --- ids to locations

    def location_ids(self, target: Target) -> list[str]:
        """The location ids a target stands for; [] after recording why it failed."""
        if target.kind in ("location", "either"):
            try:
                self.lookup.location(target.id)
                return [target.id]
            except KeyRefused:
                raise
            except ApiError as e:
                if target.kind == "location" or e.status != 404:
                    self.fail(target.id, "location", e)
                    return []
        try:
            return self.lookup.provider_locations(target.id)
        except KeyRefused:
            raise
        except ApiError as e:
            if target.kind == "either" and e.status == 404:
                e = ApiError(target.id, 404, "not found as a location or as a provider (HTTP 404)")
            self.fail(target.id, "provider", e)
            return []

    def jobs_of(self, location_id: str, total: int) -> list[Job]:
        try:
            location = self.lookup.location(location_id)
        except KeyRefused:
            raise
        except ApiError as e:
            self.fail(location_id, "location", e)
            return []
        finally:
            self.tick("locations", total)
        if not SAFE_ID.fullmatch(location_id):
            self.fail(location_id, "location", ApiError(location_id, None, "not a usable location id"))
            return []
        name = self.lookup.provider_name(location.provider_id)
        return [
            Job(location, name, r)
            for r in select_reports(location.reports, every=self.options.every, since=self.options.since)
        ]

    # --- reports to files

    def download(self, job: Job) -> None:
        loc, link = job.location, job.report.link_id
        assert loc.location_id is not None
        if not is_link_id(link):
            self.fail(link, "report", ApiError(link, None, f"not a report link id (location {loc.location_id})"))
            return
        found = None if self.options.force else existing_file(self.out, loc.location_id, link)
        if found is not None:
            self.record(job, found, None)
            return
        accept = "text/plain" if self.options.fmt == "text" else "application/pdf"
        try:
            answer = self.client.get(f"reports/{link}", link, accept=accept)
        except KeyRefused:
            raise
        except ApiError as e:
            self.fail(link, "report", e)
            return
        extension = EXTENSIONS.get(answer.content_type)
        if extension is None:
            got = answer.content_type or "no content type"
            self.fail(link, "report", ApiError(link, None, f"the API answered {got}, not a PDF or text"))
            return
        self.record(job, self.out / loc.location_id / file_name(job.report, extension), answer.content)

    def record(self, job: Job, path: Path, content: bytes | None) -> None:
        """Write a downloaded report (content) or take the one already there (None), and its row."""
        loc, rep = job.location, job.report
        with self.lock:
            if self.client.cancel.is_set():
                raise Cancelled
            old = self.old.get(rep.link_id)
            rel = relative(self.out, path)
            if content is not None:
                stale = existing_file(self.out, loc.location_id or "", rep.link_id)
                write_atomic_bytes(path, content)
                if stale is not None and stale != path:
                    stale.unlink(missing_ok=True)
                digest, self.summary.fetched = sha256_of(content), self.summary.fetched + 1
            elif old is not None and old.path == rel:
                digest, self.summary.up_to_date = old.sha256, self.summary.up_to_date + 1
            else:
                digest, self.summary.up_to_date = sha256_of(path.read_bytes()), self.summary.up_to_date + 1
            self.summary.rows.append(
                FetchedReport(
                    location_id=loc.location_id or "",
                    location_name=loc.name,
                    provider_id=loc.provider_id,
                    provider_name=job.provider_name,
                    link_id=rep.link_id.lower(),
                    report_date=rep.report_date,
                    first_visit_date=rep.first_visit_date,
                    report_type=rep.report_type,
                    api_ratings=api_ratings(loc),
                    ratings_link_id=ratings_link_id(loc),
                    path=rel,
                    sha256=digest,
                    content_type=CONTENT_TYPES[path.suffix],
                )
            )

    def save(self) -> None:
        """fetched.jsonl (earlier rows kept) and fetch-errors.jsonl (this run's), atomically."""
        with self.lock:
            self.summary.errors.sort(key=lambda e: (e.kind, e.id))  # workers finish in any order
            if not self.summary.rows and not self.summary.errors and not (self.out / FETCHED).exists():
                return
            write_atomic_bytes(self.out / FETCHED, jsonl(merge_rows(self.old.values(), self.summary.rows)))
            write_atomic_bytes(self.out / ERRORS, jsonl(self.summary.errors))


def fetch(
    targets: Sequence[Target],
    out: Path,
    client: ApiClient,
    options: FetchOptions | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> FetchSummary:
    """Fetch the reports of `targets` into `out`. Failures of single ids or reports are in the summary's
    `errors`; a refused key raises KeyRefused; Ctrl-C raises KeyboardInterrupt after the files and rows
    finished so far are saved (never a partial file)."""
    options = options or FetchOptions()
    if out.exists() and not out.is_dir():
        raise CqcparseError(f"{out}: is a file; give a folder for the reports")
    run = Fetcher(client, out, options, progress)
    cancel = client.cancel
    try:
        location_ids: dict[str, None] = {}
        for target in targets:
            location_ids.update(dict.fromkeys(run.location_ids(target)))
        per_location = parallel_map(
            lambda lid: run.jobs_of(lid, len(location_ids)), list(location_ids), options.jobs, cancel
        )
        jobs = list({job.report.link_id.lower(): job for jobs in per_location for job in jobs}.values())
        run.done = 0

        def one(job: Job) -> None:
            try:
                run.download(job)
            finally:
                run.tick("reports", len(jobs))

        parallel_map(one, jobs, options.jobs, cancel)
    except (KeyboardInterrupt, Cancelled):
        cancel.set()
        run.save()  # takes the lock: waits for a write in progress, and no new write starts
        raise KeyboardInterrupt from None
    except KeyRefused:
        cancel.set()
        run.save()
        raise
    except OSError as e:  # the folder cannot be written: every report would fail the same way
        cancel.set()
        raise CqcparseError(f"{e.filename or out}: cannot write ({e.strerror or type(e).__name__})") from None
    run.save()
    return run.summary
