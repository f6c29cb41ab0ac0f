"""A small thread pool whose workers stop when a shared event is set (Ctrl-C, a refused key)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(fn: Callable[[T], R], items: Sequence[T], jobs: int, cancel: threading.Event) -> list[R]:
    """`fn` over `items` on `jobs` daemon threads, results in input order. The first exception a worker
    raises stops the others and is raised here; Ctrl-C sets `cancel` and is raised at once."""
    if jobs <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    results: list[R | None] = [None] * len(items)
    raised: list[BaseException] = []
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(items)):
        todo.put(i)

    def work() -> None:
        while not cancel.is_set():
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[i] = fn(items[i])
            except BaseException as e:
                raised.append(e)
                cancel.set()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(jobs, len(items)))]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.1)
    except KeyboardInterrupt:
        cancel.set()
        raise
    if raised:
        raise raised[0]
    return results  # type: ignore[return-value]  # every slot is filled when no worker raised
