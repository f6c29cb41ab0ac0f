"""Planning a batch: which inputs, their ids and hashes, and what an earlier run left up to date.

inputs (files, folders, globs, lists) -> sorted distinct files -> Task (id, hash)
manifest.json: for each input, the hash, rules and version of its last extraction, or its error
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from cqcparse.errors import InputError, OutputError
from cqcparse.limits import read_list_file
from cqcparse.output.writers import write_atomic
from cqcparse.readers.text import HTML_SUFFIXES, PDF_SUFFIXES
from cqcparse.version import __version__

SUFFIXES = {*PDF_SUFFIXES, *HTML_SUFFIXES, ".txt"}
MANIFEST = "manifest.json"
REPORTS_DIR = "reports"
TRANSIENT = {"Timeout", "WorkerCrashed", "MemoryError"}  # not remembered: tried again on the next run


@dataclass(frozen=True, slots=True)
class Task:
    source: str  # the resolved path
    report_id: str  # the name of its JSON in reports/
    sha256: str


def read_path_list(source: str) -> list[str]:
    """Paths one a line from a file, or from stdin for '-'; blank lines and '#' comments are skipped."""
    text = read_list_file(source, "the list of paths")
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def plan_inputs(inputs: Iterable[str], *, exclude: Path | None = None, follow_links: bool = False) -> list[Path]:
    """Resolved report files, sorted and distinct (a file named twice, or directly and through a link, is
    read once). Folders are searched recursively for .pdf, .txt and .html files (hidden ones and `exclude`
    left out); a link in a folder to a file outside it is followed only with `follow_links`. A file named
    directly is taken whatever its suffix. Only regular files are read (never a FIFO or a device). Raises
    InputError, before any work, for a path or glob that names nothing."""
    found: set[Path] = set()
    missing: list[InputError] = []
    for given in inputs:
        p = Path(given).expanduser()
        if p.is_dir():
            found.update(_reports_under(p.resolve(), exclude, follow_links))
        elif p.is_file():
            found.add(p.resolve())
        elif glob.has_magic(given):
            matches = [Path(m) for m in glob.glob(os.path.expanduser(given), recursive=True)]
            if not matches:
                missing.append(InputError(given, "the pattern matches no files"))
            for m in matches:
                if m.is_dir():
                    found.update(_reports_under(m.resolve(), exclude, follow_links))
                elif m.is_file() and m.suffix.lower() in SUFFIXES:
                    found.add(m.resolve())
        elif p.exists():
            missing.append(InputError(given, "is not a regular file (a FIFO, device or socket): not read"))
        else:
            missing.append(InputError(given, "no such file or folder"))
    if missing:
        more = f" (and {len(missing) - 1} more inputs that name nothing)" if len(missing) > 1 else ""
        raise InputError(missing[0].path, missing[0].message + more)
    return sorted(found)


def _reports_under(folder: Path, exclude: Path | None, follow_links: bool) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (exclude is None or here / d != exclude))
        for name in files:
            if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
                continue
            path = (here / name).resolve()
            if path.is_file() and (follow_links or path.is_relative_to(folder)):
                yield path


def report_id(path: Path) -> str:
    """The name of a report's JSON: its file name made safe (no separators, no leading dot, so it stays in
    the output folder) and a short hash of its resolved path (so a.txt in two folders does not collide)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", path.name).strip("._-")[:80] or "report"
    return f"{safe}-{hashlib.sha256(os.fsencode(path)).hexdigest()[:10]}"


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
    """manifest.json, plus manifest.jsonl: one line appended (and flushed) as each report finishes, so that
    a batch killed at any point (kill -9, a full disk) loses no finished report. `save` folds the lines into
    manifest.json."""

    def __init__(self, path: Path):
        self.path = path
        self.journal = path.with_suffix(".jsonl")
        self.entries: dict[str, Entry] = {}
        self._appending: IO[str] | None = None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self.entries = {k: Entry(**v) for k, v in raw["entries"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no manifest, or a broken one: everything is redone
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            lines = []
        for line in lines:
            try:
                source, entry = json.loads(line)
                self.entries[source] = Entry(**entry)
            except (ValueError, TypeError):
                pass  # a line cut short by a kill: that report is redone

    def up_to_date(self, task: Task, fingerprint: str, reports_dir: Path) -> bool:
        e = self.entries.get(task.source)
        if e is None or (e.sha256, e.fingerprint, e.version) != (task.sha256, fingerprint, __version__):
            return False
        if e.error is None:
            return (reports_dir / f"{task.report_id}.json").is_file()
        return e.error not in TRANSIENT

    def record(self, source: str, entry: Entry) -> None:
        self.entries[source] = entry
        try:
            if self._appending is None:
                self._appending = self.journal.open("a", encoding="utf-8")
            self._appending.write(json.dumps([source, asdict(entry)]) + "\n")
            self._appending.flush()
        except OSError as e:
            raise OutputError.of(self.journal, e) from None

    def save(self) -> None:
        if self._appending is not None:
            self._appending.close()
            self._appending = None
        body = {"entries": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        write_atomic(self.path, json.dumps(body, indent=1) + "\n")
        self.journal.unlink(missing_ok=True)
