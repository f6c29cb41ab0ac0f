"""Process limits that keep one bad input from taking the machine down."""

from __future__ import annotations

import os

from cqcparse.errors import CqcparseError

MAX_INPUT_MB = 512  # the largest input read, unless CQCPARSE_MAX_INPUT_MB says otherwise
LIMIT_HINT = "set CQCPARSE_MAX_INPUT_MB to raise it"


def max_input_bytes() -> int:
    try:
        return int(float(os.environ.get("CQCPARSE_MAX_INPUT_MB", MAX_INPUT_MB)) * 2**20)
    except ValueError:
        return MAX_INPUT_MB * 2**20


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
    import resource  # POSIX only: imported here so that the rest of this module works everywhere

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
