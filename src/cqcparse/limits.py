"""Process limits that keep one bad input from taking the machine down: the input size, a time limit that
stops a block wherever it is, and a child process with capped memory for the PDF engines (pdfium aborts the
whole process when an allocation fails, so a decompression bomb must not run in the process that reports)."""

from __future__ import annotations

import errno
import gc
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from cqcparse.errors import CqcparseError, InputError

MAX_INPUT_MB = 512  # the largest input read, unless CQCPARSE_MAX_INPUT_MB says otherwise
LIMIT_HINT = "set CQCPARSE_MAX_INPUT_MB to raise it"
# The address space of the process reading one PDF, in MB, unless --max-memory or CQCPARSE_MAX_MEMORY_MB says
# otherwise (0: no limit). A 300-page report needs under 1 GB; a stream that inflates to gigabytes stops here.
MAX_MEMORY_MB = 4096
MEMORY_HINT = "raise --max-memory or CQCPARSE_MAX_MEMORY_MB; 0 for no limit"

T = TypeVar("T")


def max_input_bytes() -> int:
    try:
        return int(float(os.environ.get("CQCPARSE_MAX_INPUT_MB", MAX_INPUT_MB)) * 2**20)
    except ValueError:
        return MAX_INPUT_MB * 2**20


MAX_LIST_BYTES = 64 * 2**20  # a list of paths or ids


def read_list_file(source: str, what: str) -> str:
    """The text of a small list file, or of stdin for '-': a regular file only (a FIFO would block, /dev/zero
    never ends), of at most 64 MB, in UTF-8. Raises InputError naming `source` and saying it is `what`."""
    import stat
    import sys

    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_LIST_BYTES + 1)
        else:
            if not stat.S_ISREG(os.stat(source).st_mode):
                raise InputError(source, f"cannot read {what}: not a regular file")
            with open(source, "rb") as f:
                data = f.read(MAX_LIST_BYTES + 1)
    except OSError as e:
        raise InputError(source, f"cannot read {what}: {(e.strerror or str(e)).lower()}") from None
    if len(data) > MAX_LIST_BYTES:
        raise InputError(source, f"cannot read {what}: over {MAX_LIST_BYTES // 2**20} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(source, f"cannot read {what}: not UTF-8 text (byte {e.start})") from None


def max_memory_mb(given: int | None = None) -> int:
    """The memory limit in MB: `given` (from --max-memory), else CQCPARSE_MAX_MEMORY_MB, else MAX_MEMORY_MB."""
    if given is not None:
        return max(0, given)
    try:
        return max(0, int(float(os.environ.get("CQCPARSE_MAX_MEMORY_MB", MAX_MEMORY_MB))))
    except ValueError:
        return MAX_MEMORY_MB


def address_space_mb() -> int:
    """This process's current address space (Linux), 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space: past it allocations fail with MemoryError instead of swapping.
    Call it once spaCy and the rules are loaded; a cap too close to what is already used cannot work."""
    used = address_space_mb()
    if megabytes < used + 64:
        raise CqcparseError(
            f"--max-memory {megabytes} MB is too low: cqcparse already uses {used} MB "
            f"before reading (give at least {used + 64})"
        )
    cap_address_space(megabytes)


def cap_address_space(megabytes: int) -> None:
    """Set this process's address-space limit to `megabytes`, never above the limit it already has."""
    import resource  # POSIX only: imported here so that the rest of this module works everywhere

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (min([megabytes * 2**20] + [x for x in (soft, hard) if x >= 0]), hard))


class Overran(BaseException):
    """Raised by `deadline`'s timer: a BaseException, so that no `except Exception` (ours or a library's)
    swallows it."""


@contextmanager
def deadline(seconds: float | None, error: type[BaseException] = Overran) -> Iterator[None]:
    """Raise `error` in the block after `seconds` (None or 0: never) wherever it is: Python code, regexes
    (the re module checks for signals) or a PDF engine's Python loop. POSIX main thread only; elsewhere, and
    inside a block already timed (the outer limit governs), the block is not timed here."""
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return

    def overran(signum, frame):
        raise error()

    previous = signal.signal(signal.SIGALRM, overran)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def overran_error(path: str, seconds: float) -> InputError:
    return InputError(path, f"not finished after {seconds:g} s (raise --timeout; 0 waits for ever)")


def run_limited(fn: Callable[..., T], *args: Any, path: str, memory_mb: int, seconds: float | None, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in a forked child process whose address space is capped at `memory_mb` (0: not
    capped) and which is killed after `seconds` (None: never). Whatever happens there -- an exception, an
    allocation that fails, an abort inside a C library, a loop that never ends -- arrives here as the
    exception fn raised or as one InputError naming `path`. Without fork (Windows) fn runs here. A plain
    fork, not multiprocessing: a batch worker (a daemon process) may not start multiprocessing children."""
    if not hasattr(os, "fork") or (not memory_mb and not seconds):
        return fn(*args, **kwargs)
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(receive)
            _child(send, memory_mb, fn, args, kwargs)
        finally:
            os._exit(0)
    os.close(send)
    try:
        data = _read_all(receive, seconds)
        if data is None:
            raise overran_error(path, seconds or 0)
    finally:
        os.close(receive)
        code = _end(pid)
    if not data:  # the child died without a word: killed, or aborted by a library (pdfium on no memory)
        raise InputError(path, _death(code, memory_mb))
    status, value = pickle.loads(data)
    if status == "memory":
        raise InputError(path, f"needs more than {memory_mb} MB of memory ({MEMORY_HINT})")
    if status == "error":
        raise value
    return value


def _read_all(fd: int, seconds: float | None) -> bytes | None:
    """Everything written to the pipe until the child closes it; None if that takes over `seconds`."""
    import select

    ends = time.monotonic() + seconds if seconds else None
    chunks: list[bytes] = []
    while True:
        left = None if ends is None else ends - time.monotonic()
        if left is not None and left <= 0:
            return None
        if not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _end(pid: int) -> int:
    """Kill the child if it still runs; its exit code (negative: the signal that ended it)."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
    return os.waitstatus_to_exitcode(status)


def _child(send: int, memory_mb: int, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops this process
    # the objects inherited from the parent (spaCy, the rules) stay out of this process's garbage collections,
    # which would otherwise touch each of them and so copy the memory pages they share with the parent
    gc.freeze()
    try:
        if memory_mb:
            cap_address_space(memory_mb)
        result: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except MemoryError:
        result = ("memory", None)
    except OSError as e:  # a library or file that cannot be mapped under the cap is out of memory too
        result = ("memory", None) if memory_mb and (e.errno == errno.ENOMEM or "map" in str(e)) else ("error", e)
    except Exception as e:
        result = ("error", e)
    try:
        data = pickle.dumps(result)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception as e:  # an exception that cannot be pickled: its message still can
        data = pickle.dumps(("error", RuntimeError(f"{type(e).__name__}: {e}")))
    with os.fdopen(send, "wb") as out:
        out.write(data)


def _death(exitcode: int | None, memory_mb: int) -> str:
    how = f"killed by {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0 else f"exit code {exitcode}"
    if memory_mb:
        return f"reading stopped ({how}), most likely past the memory limit of {memory_mb} MB ({MEMORY_HINT})"
    return f"reading stopped ({how})"
