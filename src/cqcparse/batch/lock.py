"""A lock on a batch output folder: two batches writing one folder at once would each rebuild the tables
from a different set of reports. The lock is the kernel's (flock), so a killed batch never leaves it held."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cqcparse.errors import CqcparseError, OutputError

LOCK = "batch.lock"


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold the lock on `out` (its file names the holder) or raise CqcparseError saying who holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; batches into one folder must not overlap
        yield
        return
    path = out / LOCK
    try:
        f = path.open("a+", encoding="utf-8")
    except OSError as e:
        raise OutputError.of(path, e) from None
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise CqcparseError(
                f"{out} is in use by another batch ({holder}): wait for it to finish or give another --output"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} on {socket.gethostname()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        f.flush()
        yield
