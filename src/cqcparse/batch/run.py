"""Batch extraction: many reports, parallel workers, one output folder.

    plan_inputs -> tasks (skipping those already up to date) -> workers -> one JSON per report
    -> combined tables rebuilt from every report JSON of the plan (store.py)

Workers are processes that each build one `Pipeline` and read one input at a time. A worker that crashes,
overruns the timeout or runs out of memory is killed and replaced; only its input fails. The same tasks can
run on a Dask cluster instead (`dask=ADDRESS`). Nothing here prints: progress goes to a callback.
"""
from __future__ import annotations

import glob
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from cqcparse.version import __version__
from cqcparse.errors import CqcparseError, InputError
from cqcparse.readers.text import HTML_SUFFIXES, PDF_SUFFIXES, read_source
from cqcparse.records import Report
from cqcparse.analysis.rules import RuleSet, load_rules
from cqcparse.output.store import ErrorRow, ReportEntry, TableWriter
from cqcparse.output.writers import to_json, write_atomic
from cqcparse.batch.api_data import with_api
from cqcparse.fetch.api import FetchedReport
from cqcparse.fetch.metadata import metadata_for

SUFFIXES = {*PDF_SUFFIXES, *HTML_SUFFIXES, ".txt"}
MANIFEST = "manifest.json"
REPORTS_DIR = "reports"
DEFAULT_TIMEOUT = 120.0
GRACE = 5.0  # at most this long past --timeout before a worker is killed: the PDF reader may stop by itself
TRANSIENT = {"Timeout", "WorkerCrashed", "MemoryError"}  # not remembered: tried again on the next run


@dataclass(frozen=True, slots=True)
class Task:
    source: str  # the resolved path
    report_id: str  # the name of its JSON in reports/
    sha256: str


@dataclass(frozen=True, slots=True)
class Done:
    source: str
    json: str
    pages: int


@dataclass(frozen=True, slots=True)
class Failed:
    source: str
    error: str
    message: str


Outcome = Done | Failed


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
    inputs: int  # distinct inputs planned, including missing paths
    extracted: int  # reports written by this run
    skipped: int  # up to date from an earlier run
    failed: int  # rows of errors.jsonl
    pages: int  # pages read by this run (text and HTML count as one)
    seconds: float
    workers: int


# --- planning --------------------------------------------------------------------------------------------

def read_path_list(source: str) -> list[str]:
    """Paths one a line from a file, or from stdin for '-'; blank lines and '#' comments are skipped."""
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(source, f"cannot read the list of paths: {e.strerror}") from None
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def plan_inputs(inputs: Iterable[str], *, exclude: Path | None = None) -> tuple[list[Path], list[ErrorRow]]:
    """Resolved report files, sorted and distinct, and an error for each path or glob that names nothing.
    Folders are searched recursively for .pdf, .txt and .html files (hidden ones and `exclude` left out);
    a file named directly is taken whatever its suffix."""
    found: set[Path] = set()
    missing: list[ErrorRow] = []
    for given in inputs:
        p = Path(given).expanduser()
        if p.is_dir():
            found.update(_reports_under(p.resolve(), exclude))
        elif p.is_file():
            found.add(p.resolve())
        elif glob.has_magic(given):
            matches = [Path(m) for m in glob.glob(os.path.expanduser(given), recursive=True)]
            if not matches:
                missing.append(ErrorRow(given, "InputError", "the pattern matches no files"))
            for m in matches:
                if m.is_dir():
                    found.update(_reports_under(m.resolve(), exclude))
                elif m.is_file() and m.suffix.lower() in SUFFIXES:
                    found.add(m.resolve())
        else:
            missing.append(ErrorRow(given, "InputError", "no such file or folder"))
    return sorted(found), sorted(missing, key=lambda e: e.source)


def _reports_under(folder: Path, exclude: Path | None) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (exclude is None or here / d != exclude))
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                yield here / name


def report_id(path: Path) -> str:
    """The name of a report's JSON: its file name made safe (no separators, no leading dot, so it stays in
    the output folder) and a short hash of its resolved path (so a.txt in two folders does not collide)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", path.name).strip("._-")[:80] or "report"
    return f"{safe}-{hashlib.sha256(str(path).encode()).hexdigest()[:10]}"


def file_sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None  # the worker reports why it cannot be read
    return h.hexdigest()


# --- the manifest: what each input gave, so a second run can skip it ----------------------------------------

@dataclass(slots=True)
class Entry:
    sha256: str
    fingerprint: str
    version: str
    report_id: str
    pages: int = 0
    error: str | None = None
    message: str | None = None


class Manifest:
    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, Entry] = {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self.entries = {k: Entry(**v) for k, v in raw["entries"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no manifest, or a broken one: everything is redone

    def up_to_date(self, task: Task, fingerprint: str, reports_dir: Path) -> bool:
        e = self.entries.get(task.source)
        if e is None or (e.sha256, e.fingerprint, e.version) != (task.sha256, fingerprint, __version__):
            return False
        if e.error is None:
            return (reports_dir / f"{task.report_id}.json").is_file()
        return e.error not in TRANSIENT

    def save(self) -> None:
        body = {"entries": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        write_atomic(self.path, json.dumps(body, indent=1, ensure_ascii=False) + "\n")


# --- extracting one input (in a worker process or on a Dask worker) ------------------------------------------

def extract_one(pipe, task: Task, timeout: float | None) -> Outcome:
    """Read and extract one input. Other exceptions are turned into a `Failed` by `_guarded`."""
    try:
        src = read_source(task.source, timeout=timeout or float("inf"))
    except InputError as e:
        return Failed(task.source, "InputError", e.message if e.page is None else f"page {e.page}: {e.message}")
    return Done(task.source, to_json(pipe.run(src)), max(1, len(src.pages)))


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    rules: RuleSet
    timeout: float | None
    max_memory_mb: int | None
    # What a worker does with each input: (pipeline, task, timeout) -> Outcome. A module-level function
    # (workers are spawned, so it is pickled by name); tests swap in one that crashes or hangs.
    handler: Callable[..., Outcome] = extract_one


def _worker_main(conn: Connection, config: WorkerConfig) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        if config.max_memory_mb:
            from cqcparse.limits import limit_memory
            limit_memory(config.max_memory_mb)
        from cqcparse.pipeline import Pipeline
        pipe = Pipeline(config.rules)
    except BaseException as e:
        hint = f" (is --max-memory {config.max_memory_mb} MB enough?)" if config.max_memory_mb else ""
        conn.send(("failed", f"{type(e).__name__}{f': {e}' if str(e) else ''}{hint}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
            if task is None:
                return
            outcome = _guarded(config.handler, pipe, task, config.timeout)
            conn.send(outcome)
        except (EOFError, OSError):
            return  # the parent has gone
        if _retires(outcome):
            return


def _retires(outcome: Outcome) -> bool:
    """After running out of memory a worker may be left fragmented: a fresh one takes the next input."""
    return isinstance(outcome, Failed) and outcome.error == "MemoryError"


def _guarded(handler: Callable[..., Outcome], pipe, task: Task, timeout: float | None) -> Outcome:
    """Whatever the handler raises costs its input only, never the worker."""
    try:
        return handler(pipe, task, timeout)
    except MemoryError:
        return Failed(task.source, "MemoryError", "ran out of memory (raise --max-memory)")
    except Exception as e:
        return Failed(task.source, type(e).__name__, str(e) or repr(e))


class _Worker:
    def __init__(self, ctx, config: WorkerConfig):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, config), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task, timeout: float | None) -> None:
        self.task = task
        self.deadline = time.monotonic() + (timeout + min(GRACE, timeout / 4) if timeout else float("inf"))
        self.conn.send(task)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _process_context():
    """Not fork: the parent may run threads. Where it exists, a fork server that has imported spaCy and the
    readers once starts each worker in a fraction of a second (spawn re-imports them every time)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cqcparse.pipeline", "cqcparse.read_pdf", "cqcparse.read_html"])
    return ctx


def run_local(tasks: Sequence[Task], config: WorkerConfig, jobs: int,
              on_outcome: Callable[[Outcome], None]) -> None:
    """Run tasks on `jobs` worker processes. Outcomes arrive in completion order."""
    ctx = _process_context()
    pending = deque(tasks)
    workers = [_Worker(ctx, config) for _ in range(min(jobs, len(tasks)))]
    startup_deaths = 0
    try:
        while pending or any(w.task for w in workers):
            for w in workers:
                if w.ready and w.task is None and pending:
                    w.give(pending.popleft(), config.timeout)
            deadlines = [w.deadline for w in workers if w.task]
            until = min(deadlines, default=float("inf")) - time.monotonic()
            wait([w.conn for w in workers] + [w.process.sentinel for w in workers], timeout=min(max(0.0, until), 60.0))
            for i, w in enumerate(workers):
                replace, outcome = _check(w, config)
                if outcome is not None:
                    on_outcome(outcome)
                if replace:
                    if not w.ready:  # died while building its Pipeline: do not respawn forever
                        startup_deaths += 1
                        if startup_deaths > 3:
                            raise CqcparseError("workers stop while starting ("
                                                + _crash_message(w.process.exitcode, config.max_memory_mb) + ")")
                    w.stop()
                    workers[i] = _Worker(ctx, config)
    finally:
        for w in workers:
            w.stop()


def _check(w: _Worker, config: WorkerConfig) -> tuple[bool, Outcome | None]:
    """What happened to a worker: (must it be replaced, the outcome of its task if it has one)."""
    while True:
        try:
            if not w.conn.poll():
                break
            msg = w.conn.recv()
        except Exception:  # EOF, or a message cut short by the worker's death: see below
            break
        if isinstance(msg, tuple):
            if msg[0] == "failed":
                raise CqcparseError(f"a worker could not start: {msg[1]}")
            w.ready = True
        else:
            w.task = None
            return _retires(msg), msg
    if not w.process.is_alive():
        task, w.task = w.task, None
        if task is None:
            return True, None
        return True, Failed(task.source, "WorkerCrashed", _crash_message(w.process.exitcode, config.max_memory_mb))
    if w.task and time.monotonic() > w.deadline:
        task, w.task = w.task, None
        return True, Failed(task.source, "Timeout", f"not finished after {config.timeout:g} s (raise --timeout)")
    return False, None


def _crash_message(exitcode: int | None, max_memory: int | None) -> str:
    how = (f"was killed by {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0
           else f"exited with code {exitcode}")
    hint = f" (perhaps out of memory: --max-memory is {max_memory} MB)" if max_memory else ""
    return f"the worker {how}{hint}"


# --- Dask: the same tasks on a cluster (the workers must see the input files at the same paths) -----------

_LOCAL = threading.local()


def _dask_task(task: Task, rules: RuleSet, timeout: float | None, handler: Callable[..., Outcome]) -> Outcome:
    pipes = _LOCAL.__dict__.setdefault("pipes", {})  # one Pipeline per Dask worker thread and rule set
    if rules.fingerprint not in pipes:
        from cqcparse.pipeline import Pipeline
        pipes[rules.fingerprint] = Pipeline(rules)
    return _guarded(handler, pipes[rules.fingerprint], task, timeout)


def run_dask(tasks: Sequence[Task], config: WorkerConfig, address,
             on_outcome: Callable[[Outcome], None]) -> int:
    """Run tasks on the Dask cluster at `address` (or an existing `distributed.Client`). Returns the number
    of worker threads. A task whose worker dies (crash, memory limit) fails as WorkerCrashed."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise CqcparseError("--dask needs the distributed package: pip install 'cqcparse[dask]'") from None
    try:
        client = address if isinstance(address, Client) else Client(address, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise CqcparseError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    run = os.urandom(4).hex()  # keys unique to this run: a cluster may still hold an earlier run's tasks
    futures = []
    try:
        rules = client.scatter(config.rules, broadcast=True)
        futures = [client.submit(_dask_task, t, rules, config.timeout, config.handler, pure=False,
                                 key=f"cqcparse-{t.report_id}-{run}") for t in tasks]
        by_key = {f.key: t for f, t in zip(futures, tasks)}
        for f in as_completed(futures, loop=client.loop):
            on_outcome(_dask_outcome(f, by_key[f.key]))
            f.release()  # the cluster may drop the result now: it holds only the results not yet written
        return sum(client.nthreads().values())
    finally:
        client.cancel(futures)
        if client is not address:
            client.close()


def _dask_outcome(future, task: Task) -> Outcome:
    if future.status == "finished":
        return future.result()
    try:
        e = future.exception()
    except BaseException as cancelled:  # CancelledError: the scheduler dropped it
        e = cancelled
    if type(e).__name__ == "KilledWorker":  # its worker died (crash, memory limit) on every try
        return Failed(task.source, "WorkerCrashed", "the Dask workers reading this input died")
    return Failed(task.source, type(e).__name__, str(e) or repr(e))


# --- the batch ---------------------------------------------------------------------------------------------

def run_batch(inputs: Sequence[str], out_dir: str | Path, *, rules: RuleSet | None = None,
              rule_paths: list[Path] | None = None, default_rules: bool = True, jobs: int | None = None,
              timeout: float | None = DEFAULT_TIMEOUT, max_memory: int | None = None, force: bool = False,
              sqlite: str | Path | None = None, dask=None,
              progress: Callable[[Progress], None] | None = None,
              handler: Callable[..., Outcome] = extract_one) -> BatchSummary:
    """Extract every report named by `inputs` (files, folders, globs) into `out_dir`: reports/ID.json for each,
    items.jsonl, items.csv, reports.csv, breaches.csv and errors.jsonl for all (and `sqlite`, if given).
    Inputs whose JSON is up to date (same content, rules and cqcparse version) are skipped unless `force`.
    Ctrl-C stops the workers; reports already written are kept for the next run."""
    started = time.monotonic()
    out = Path(out_dir).resolve()
    reports_dir = out / REPORTS_DIR
    if out.exists() and not out.is_dir():
        raise CqcparseError(f"{out} is a file: give a folder for the output")
    reports_dir.mkdir(parents=True, exist_ok=True)
    if max_memory is not None and sys.platform == "win32":
        raise CqcparseError("--max-memory is not supported on Windows")
    if max_memory is not None and dask is not None:
        raise CqcparseError("--max-memory limits local workers; on Dask give the workers a memory limit "
                            "(dask worker --memory-limit)")
    rules = rules or load_rules(rule_paths, defaults=default_rules)
    fingerprint = rules.fingerprint
    files, missing = plan_inputs(inputs, exclude=out)
    if not files and not missing:
        raise InputError(", ".join(inputs) or "(no inputs)", "no .pdf, .txt or .html reports found")
    fetched = metadata_for(files)  # fetched.jsonl rows; before any work, as a broken one is an input error

    manifest = Manifest(out / MANIFEST)
    plan = [Task(str(p), report_id(p), file_sha256(p) or "") for p in files]
    tasks = [t for t in plan if force or not t.sha256 or not manifest.up_to_date(t, fingerprint, reports_dir)]
    record = _Recorder(plan, manifest, reports_dir, fingerprint, progress)
    record.start(Progress(total=len(tasks), done=0, failed=0, pages=0, skipped=len(plan) - len(tasks)))
    config = WorkerConfig(rules, timeout, max_memory, handler)
    workers = 0
    try:
        if tasks and dask is not None:
            workers = run_dask(tasks, config, dask, record)
        elif tasks:
            workers = min(jobs or os.cpu_count() or 1, len(tasks))
            run_local(tasks, config, workers, record)
    finally:
        manifest.save()  # also after Ctrl-C: finished reports are not redone
    state = record.state
    failed = write_tables(out, plan, manifest, missing, sqlite=Path(sqlite) if sqlite else None, fetched=fetched)
    return BatchSummary(out, len(plan) + len(missing), state.done - state.failed, state.skipped, failed,
                        state.pages, time.monotonic() - started, workers)


class _Recorder:
    """Takes each outcome as it arrives: writes the report JSON, notes it in the manifest, reports progress."""

    def __init__(self, plan: Sequence[Task], manifest: Manifest, reports_dir: Path, fingerprint: str,
                 progress: Callable[[Progress], None] | None):
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
        self.manifest.entries[o.source] = entry
        s = self.state
        self.start(Progress(s.total, s.done + 1, s.failed + isinstance(o, Failed),
                            s.pages + (o.pages if isinstance(o, Done) else 0), s.skipped))


def write_tables(out: Path, plan: Sequence[Task], manifest: Manifest, missing: Sequence[ErrorRow], *,
                 sqlite: Path | None = None, fetched: dict[Path, FetchedReport] | None = None) -> int:
    """Rebuild the combined tables from the report JSONs of `plan`, in source order. A report that `fetch`
    downloaded gets the API's data (`fetched`) in its JSON too. Returns the error count."""
    errors = list(missing)
    with TableWriter(out, sqlite=sqlite) as tables:
        for t in plan:  # plan is sorted by source
            e = manifest.entries.get(t.source)
            if e is None:
                continue  # interrupted before it was read
            if e.error is not None:
                errors.append(ErrorRow(t.source, e.error, e.message or ""))
                continue
            path = out / REPORTS_DIR / f"{t.report_id}.json"
            try:
                report = Report.model_validate_json(path.read_bytes())
            except (OSError, ValueError) as exc:
                errors.append(ErrorRow(t.source, "OutputError", f"{REPORTS_DIR}/{t.report_id}.json cannot be "
                                       f"read back ({type(exc).__name__}); rerun with --force"))
                continue
            joined = with_api(report, (fetched or {}).get(Path(t.source)))
            if joined is not report:  # fetched.jsonl is newer than the JSON, or the report was fetched again
                write_atomic(path, to_json(joined))
            tables.add_report(ReportEntry(t.report_id, t.source, t.sha256, e.pages), joined)
        for err in sorted(errors, key=lambda r: r.source):
            tables.add_error(err)
    return len(errors)
