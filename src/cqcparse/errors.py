"""Typed errors. Core code raises these; only the CLI turns them into messages and exit codes."""
from __future__ import annotations


class CqcparseError(Exception):
    """Base class: its str() is the one-line message a user sees after 'Error: '."""


class InputError(CqcparseError):
    """An input file cannot be read: missing, empty, binary, undecodable, corrupt, encrypted..."""

    def __init__(self, path: str, message: str, page: int | None = None):
        self.path, self.page, self.message = path, page, message
        where = f"{path} (page {page})" if page is not None else path
        super().__init__(f"{where}: {message}")


class RuleError(CqcparseError):
    """A rule file is broken. `problems` holds every 'FILE:LINE: rule ID: message' line found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more if problems else "invalid rules")
