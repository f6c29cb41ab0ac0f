"""Batch extraction: many reports, parallel workers, one output folder.

    plan_inputs -> tasks (skipping those already up to date) -> workers -> one JSON per report
    -> combined tables rebuilt from every report JSON of the plan (store.py)

plan.py finds the inputs and what is up to date, worker.py runs them on local processes, dask.py on a Dask
cluster (`dask=ADDRESS`). Nothing here prints: progress goes to a callback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cqcparse.analysis.rules import RuleSet, load_rules
from cqcparse.batch.api_data import with_api
from cqcparse.batch.dask import run_dask
from cqcparse.batch.lock import folder_lock
from cqcparse.batch.plan import (
    MANIFEST,
    REPORTS_DIR,
    Entry,
    Manifest,
    Task,
    file_sha256,
    plan_inputs,
    read_path_list,
    report_id,
)
from cqcparse.batch.worker import DEFAULT_TIMEOUT, Done, Failed, Outcome, WorkerConfig, extract_one, run_local
from cqcparse.errors import CqcparseError, InputError, OutputError
from cqcparse.fetch.api import FetchedReport
from cqcparse.fetch.metadata import metadata_for
from cqcparse.limits import max_memory_mb
from cqcparse.output.rows import ErrorRow, ReportEntry
from cqcparse.output.store import TableWriter, check_targets
from cqcparse.output.writers import to_json, write_atomic
from cqcparse.records import Report
from cqcparse.version import __version__

__all__ = [
    "BatchSummary",
    "Failed",
    "Manifest",
    "Progress",
    "extract_one",
    "plan_inputs",
    "read_path_list",
    "report_id",
    "run_batch",
    "write_tables",
]


@dataclass(frozen=True, slots=True)
class Progress:
    """Sent to the progress callback at the start and after every input."""

    total: int  # inputs to extract in this run (those up to date are not counted)
    done: int
    failed: int
    pages: int
    skipped: int


@dataclass(frozen=True, slots=True)
class BatchSummary:
    out_dir: Path
    inputs: int  # distinct inputs planned
    extracted: int  # reports written by this run
    skipped: int  # up to date from an earlier run
    failed: int  # inputs of this run that could not be extracted (rows of errors.jsonl)
    pages: int  # pages read by this run (text and HTML count as one)
    seconds: float
    workers: int


# --- the batch ---------------------------------------------------------------------------------------------


def run_batch(
    inputs: Sequence[str],
    out_dir: str | Path,
    *,
    rules: RuleSet | None = None,
    rule_paths: list[Path] | None = None,
    default_rules: bool = True,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_memory: int | None = None,
    force: bool = False,
    sqlite: str | Path | None = None,
    dask=None,
    follow_links: bool = False,
    raw_csv: bool = False,
    progress: Callable[[Progress], None] | None = None,
    handler: Callable[..., Outcome] = extract_one,
) -> BatchSummary:
    """Extract every report named by `inputs` (files, folders, globs) into `out_dir`: reports/ID.json for each,
    items.jsonl, items.csv, reports.csv, breaches.csv and errors.jsonl for all (and `sqlite`, if given).
    The tables describe every report of the output folder, from this run and earlier ones. Inputs whose JSON
    is up to date (same content, rules and cqcparse version) are skipped unless `force`. Each finished
    report is recorded at once, so Ctrl-C or a kill loses none of them. One batch at a time holds the
    output folder."""
    started = time.monotonic()
    out = Path(out_dir).resolve()
    reports_dir = out / REPORTS_DIR
    if out.exists() and not out.is_dir():
        raise CqcparseError(f"{out} is a file: give a folder for the output")
    if max_memory is not None and sys.platform == "win32":
        raise CqcparseError("--max-memory is not supported on Windows")
    if max_memory is not None and dask is not None:
        raise CqcparseError(
            "--max-memory limits local workers; on Dask give the workers a memory limit (dask worker --memory-limit)"
        )
    sqlite_path = Path(sqlite).resolve() if sqlite else None
    check_targets(out, sqlite_path)
    rules = rules or load_rules(rule_paths, defaults=default_rules)
    files = plan_inputs(inputs, exclude=out, follow_links=follow_links)
    if not files:
        raise InputError(", ".join(inputs) or "(no inputs)", "no .pdf, .txt or .html reports found")
    fetched = metadata_for(files)  # fetched.jsonl rows; before any work, as a broken one is an input error
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError.of(reports_dir, e) from None
    with folder_lock(out):
        manifest = Manifest(out / MANIFEST)
        plan = [Task(str(p), report_id(p), file_sha256(p) or "") for p in files]
        tasks = [t for t in plan if force or not t.sha256 or not manifest.up_to_date(t, rules.fingerprint, reports_dir)]
        record = _Recorder(plan, manifest, reports_dir, rules.fingerprint, progress)
        record.start(Progress(total=len(tasks), done=0, failed=0, pages=0, skipped=len(plan) - len(tasks)))
        config = WorkerConfig(rules, timeout, max_memory_mb(max_memory) if sys.platform != "win32" else 0, handler)
        workers = 0
        try:
            if tasks and dask is not None:
                workers = run_dask(tasks, config, dask, record)
            elif tasks:
                workers = min(jobs or os.cpu_count() or 1, len(tasks))
                run_local(tasks, config, workers, record)
        finally:
            manifest.save()  # also after Ctrl-C; the journal already holds every finished report
        write_tables(out, manifest, sqlite=sqlite_path, raw_csv=raw_csv, fetched=fetched)
    state = record.state
    failed = len([t for t in plan if getattr(manifest.entries.get(t.source), "error", None) is not None])
    return BatchSummary(
        out,
        len(plan),
        state.done - state.failed,
        state.skipped,
        failed,
        state.pages,
        time.monotonic() - started,
        workers,
    )


class _Recorder:
    """Takes each outcome as it arrives: writes the report JSON, records it in the manifest, reports progress."""

    def __init__(
        self,
        plan: Sequence[Task],
        manifest: Manifest,
        reports_dir: Path,
        fingerprint: str,
        progress: Callable[[Progress], None] | None,
    ):
        self.by_source = {t.source: t for t in plan}
        self.manifest, self.reports_dir, self.fingerprint, self.progress = manifest, reports_dir, fingerprint, progress

    def start(self, state: Progress) -> None:
        self.state = state
        if self.progress:
            self.progress(state)

    def __call__(self, o: Outcome) -> None:
        t = self.by_source[o.source]
        entry = Entry(t.sha256, self.fingerprint, __version__, t.report_id)
        path = self.reports_dir / f"{t.report_id}.json"
        if isinstance(o, Done):
            write_atomic(path, o.json)
            entry.pages = o.pages
        else:  # a report that no longer reads leaves no JSON from an earlier version behind
            path.unlink(missing_ok=True)
            entry.error, entry.message = o.error, o.message
        self.manifest.record(o.source, entry)
        s = self.state
        self.start(
            Progress(
                s.total,
                s.done + 1,
                s.failed + isinstance(o, Failed),
                s.pages + (o.pages if isinstance(o, Done) else 0),
                s.skipped,
            )
        )


def write_tables(
    out: Path,
    manifest: Manifest,
    *,
    sqlite: Path | None = None,
    raw_csv: bool = False,
    fetched: dict[Path, FetchedReport] | None = None,
) -> int:
    """Rebuild the combined tables from every report JSON the manifest records (this run's and earlier
    runs'), in source order. A report that `fetch` downloaded gets the API's data (`fetched`) in its JSON
    too. Returns the number of error rows."""
    errors = []
    with TableWriter(out, sqlite=sqlite, raw_csv=raw_csv) as tables:
        for source, e in sorted(manifest.entries.items()):
            if e.error is not None:
                errors.append(ErrorRow(source, e.error, e.message or ""))
                continue
            path = out / REPORTS_DIR / f"{e.report_id}.json"
            try:
                report = Report.model_validate_json(path.read_bytes())
            except (OSError, ValueError) as exc:
                errors.append(
                    ErrorRow(
                        source,
                        "OutputError",
                        f"{REPORTS_DIR}/{e.report_id}.json cannot be "
                        f"read back ({type(exc).__name__}); rerun with --force",
                    )
                )
                continue
            joined = with_api(report, (fetched or {}).get(Path(source)))
            if joined is not report:  # fetched.jsonl is newer than the JSON, or the report was fetched again
                write_atomic(path, to_json(joined))
            tables.add_report(ReportEntry(e.report_id, source, e.sha256, e.pages), joined)
        for err in errors:
            tables.add_error(err)
    return len(errors)
