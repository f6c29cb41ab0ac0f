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
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cqcparse.errors import InputError
from cqcparse.output.store import ErrorRow
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

