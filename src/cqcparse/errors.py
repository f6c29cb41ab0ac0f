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

    def __reduce__(self):  # pickled whole (from a child process or a worker), not rebuilt from str()
        return type(self), (self.path, self.message, self.page)


class OutputError(CqcparseError):
    """An output cannot be written: read-only, no permission, a full disk, a folder in the way..."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"cannot write {path}: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.reason)

    @classmethod
    def of(cls, path: str | object, error: OSError) -> OutputError:
        """The error for `path` from the OSError that stopped writing it (its reason, not its temporary
        file's name)."""
        return cls(str(path), (error.strerror or str(error)).lower())


class RuleError(CqcparseError):
    """A rule file is broken. `problems` holds every 'FILE:LINE: rule ID: message' line found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more if problems else "invalid rules")


class InputWarning(UserWarning):
    """An input was read, but not exactly as written (bytes replaced, for example); the CLI prints it as one
    'Warning: ' line on stderr."""
