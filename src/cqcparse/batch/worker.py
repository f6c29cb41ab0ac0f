"""Extracting one input, and worker processes that extract many.

Workers are processes that each build one `Pipeline` and read one input at a time. A worker that crashes,
overruns the timeout or runs out of memory is killed and replaced; only its input fails.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from cqcparse.analysis.rules import RuleSet
from cqcparse.batch.plan import Task
from cqcparse.errors import CqcparseError, InputError
from cqcparse.output.writers import to_json
from cqcparse.readers.text import read_source

DEFAULT_TIMEOUT = 120.0
GRACE = 5.0  # at most this long past --timeout before a worker is killed: the PDF reader may stop by itself


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
        # the PDF reader's child process (limits.run_limited) takes the same limit
        os.environ["CQCPARSE_MAX_MEMORY_MB"] = str(config.max_memory_mb or 0)
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
    ctx.set_forkserver_preload(["cqcparse.pipeline", "cqcparse.readers.pdf.reader", "cqcparse.readers.html"])
    return ctx


def run_local(tasks: Sequence[Task], config: WorkerConfig, jobs: int, on_outcome: Callable[[Outcome], None]) -> None:
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
                            raise CqcparseError(
                                "workers stop while starting ("
                                + _crash_message(w.process.exitcode, config.max_memory_mb)
                                + ")"
                            )
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
    how = (
        f"was killed by {signal.Signals(-exitcode).name}"
        if exitcode and exitcode < 0
        else f"exited with code {exitcode}"
    )
    hint = f" (perhaps out of memory: --max-memory is {max_memory} MB)" if max_memory else ""
    return f"the worker {how}{hint}"
