"""Dask: the same tasks on a cluster (the workers must see the input files at the same paths)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence

from cqcparse.analysis.rules import RuleSet
from cqcparse.batch.plan import Task
from cqcparse.batch.worker import Failed, Outcome, WorkerConfig, _guarded
from cqcparse.errors import CqcparseError

_LOCAL = threading.local()


def _dask_task(task: Task, rules: RuleSet, timeout: float | None, handler: Callable[..., Outcome]) -> Outcome:
    pipes = _LOCAL.__dict__.setdefault("pipes", {})  # one Pipeline per Dask worker thread and rule set
    if rules.fingerprint not in pipes:
        from cqcparse.pipeline import Pipeline

        pipes[rules.fingerprint] = Pipeline(rules)
    return _guarded(handler, pipes[rules.fingerprint], task, timeout)


def run_dask(tasks: Sequence[Task], config: WorkerConfig, address, on_outcome: Callable[[Outcome], None]) -> int:
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
        futures = [
            client.submit(
                _dask_task, t, rules, config.timeout, config.handler, pure=False, key=f"cqcparse-{t.report_id}-{run}"
            )
            for t in tasks
        ]
        by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
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
