"""The combined tables of a batch: reports, items, breaches and errors, as JSONL/CSV files and as SQLite.

Rows (built by rows.py) come from the per-report JSONs, so the tables are complete after a resumed run. Every
table is written to temporary files that replace the old ones only once all of them are complete: an
interrupted or failed rebuild leaves the previous tables in place. No timestamps: the same reports give
byte-identical files.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from cqcparse.errors import OutputError
from cqcparse.output.rows import (
    BREACH_COLUMNS,
    ITEM_COLUMNS,
    REPORT_COLUMNS,
    ErrorRow,
    ReportEntry,
    breach_rows,
    report_item_rows,
    report_row,
)
from cqcparse.output.writers import csv_row, temp_beside
from cqcparse.records import Report, printable

SQLITE_MAGIC = b"SQLite format 3\x00"
TABLE_FILES = ["items.jsonl", "items.csv", "reports.csv", "breaches.csv", "errors.jsonl"]


def check_targets(out_dir: Path, sqlite: Path | None) -> None:
    """Raise OutputError before any work if a table cannot go where it is asked to: a folder in the way of
    a table, or a --sqlite path that is a folder or a file that is not a SQLite database (never replaced)."""
    for name in TABLE_FILES:
        if (out_dir / name).is_dir():
            raise OutputError(str(out_dir / name), "is a folder")
    if sqlite is None:
        return
    if sqlite.is_dir():
        raise OutputError(str(sqlite), "is a folder")
    if sqlite.exists():
        try:
            with sqlite.open("rb") as f:
                head = f.read(len(SQLITE_MAGIC))
        except OSError as e:
            raise OutputError.of(sqlite, e) from None
        if head and head != SQLITE_MAGIC:
            raise OutputError(str(sqlite), "is not a SQLite database (it is not replaced)")


class _TempFiles:
    """Temporary files beside their targets, renamed over them together by `commit`."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path]] = []

    def open(self, path: Path) -> IO[str]:
        fd, tmp = temp_beside(path)
        self.pending.append((tmp, path))
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    def reserve(self, path: Path) -> str:
        """A temporary path for a file written by someone else (SQLite)."""
        fd, tmp = temp_beside(path)
        os.close(fd)
        os.unlink(tmp)  # sqlite3 wants to create the file itself
        self.pending.append((tmp, path))
        return tmp

    def commit(self) -> None:
        for tmp, path in self.pending:
            os.replace(tmp, path)
        self.pending = []

    def discard(self) -> None:
        for tmp, _ in self.pending:
            Path(tmp).unlink(missing_ok=True)
        self.pending = []


class TableWriter:
    """items.jsonl, items.csv, reports.csv, breaches.csv and errors.jsonl in `out_dir`, plus the same tables
    in SQLite at `sqlite` if given. Use as a context manager: the files appear only if the block completes."""

    def __init__(self, out_dir: Path, *, sqlite: Path | None = None, raw_csv: bool = False):
        self.out_dir, self.sqlite_path, self.raw_csv = out_dir, sqlite, raw_csv
        self._temp = _TempFiles()
        self._files: list[IO[str]] = []
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> TableWriter:
        try:
            self.items_jsonl = self._open("items.jsonl")
            self.items_csv = self._csv("items.csv", ITEM_COLUMNS)
            self.reports_csv = self._csv("reports.csv", REPORT_COLUMNS)
            self.breaches_csv = self._csv("breaches.csv", BREACH_COLUMNS)
            self.errors_jsonl = self._open("errors.jsonl")
            if self.sqlite_path is not None:
                self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
                self._db = create_database(self._temp.reserve(self.sqlite_path))
        except BaseException as e:
            self._close()
            self._temp.discard()
            if isinstance(e, sqlite3.Error):
                raise OutputError(str(self.sqlite_path), str(e)) from None
            if isinstance(e, OSError):
                raise OutputError.of(self._blamed(e), e) from None
            raise
        return self

    def _blamed(self, e: OSError) -> Path:
        """The output a failed file operation was for (never its temporary file)."""
        where = Path(e.filename).parent if e.filename else None
        if where != self.out_dir and self.sqlite_path is not None and where == self.sqlite_path.parent:
            return self.sqlite_path
        return self.out_dir

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._db is not None and exc_type is None:
                self._db.commit()
        finally:
            self._close()
        if exc_type is not None:
            self._temp.discard()
            return
        try:
            self._temp.commit()
        except OSError as e:
            self._temp.discard()
            raise OutputError.of(self._blamed(e), e) from None

    def _open(self, name: str) -> IO[str]:
        f = self._temp.open(self.out_dir / name)
        self._files.append(f)
        return f

    def _csv(self, name: str, columns: list[str]) -> csv.DictWriter:
        w = csv.DictWriter(self._open(name), fieldnames=columns, lineterminator="\n")
        w.writeheader()
        return w

    def _close(self) -> None:
        for f in self._files:
            f.close()
        self._files = []
        if self._db is not None:
            self._db.close()
            self._db = None

    def add_report(self, entry: ReportEntry, report: Report) -> None:
        row = report_row(entry, report)
        items = list(report_item_rows(entry, report))
        breaches = list(breach_rows(entry, report))
        self.reports_csv.writerow(csv_row(row, raw=self.raw_csv))
        for item in items:
            self.items_jsonl.write(json.dumps(item, ensure_ascii=False) + "\n")
            self.items_csv.writerow(csv_row(item, raw=self.raw_csv))
        for b in breaches:
            self.breaches_csv.writerow(csv_row(b, raw=self.raw_csv))
        if self._db is not None:
            insert_report(self._db, row, items, breaches)

    def add_error(self, error: ErrorRow) -> None:
        row = {"source": printable(error.source), "error": error.error, "message": printable(error.message)}
        self.errors_jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO errors VALUES (?, ?, ?)", list(row.values()))


# --- SQLite: the same tables, normalised (items and breaches refer to reports by report_id) ---------------

SCHEMA = """
CREATE TABLE reports (
  report_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, format TEXT NOT NULL, pages INTEGER NOT NULL,
  sha256 TEXT NOT NULL, provider TEXT, registered_provider TEXT, location TEXT, location_id TEXT,
  provider_id TEXT, report_type TEXT, service_type TEXT, assessment TEXT, report_date TEXT,
  inspection_dates TEXT, overall_rating TEXT, rating_safe TEXT, rating_effective TEXT, rating_caring TEXT,
  rating_responsive TEXT, rating_well_led TEXT, findings INTEGER NOT NULL, actions INTEGER NOT NULL,
  positives INTEGER NOT NULL, breaches INTEGER NOT NULL,
  link_id TEXT, api_overall TEXT, api_safe TEXT, api_effective TEXT,
  api_caring TEXT, api_responsive TEXT, api_well_led TEXT, overall_rating_agrees INTEGER
);
CREATE TABLE items (
  report_id TEXT NOT NULL REFERENCES reports(report_id), id TEXT NOT NULL, kind TEXT NOT NULL,
  text TEXT NOT NULL, modality TEXT, section TEXT, quality_statement TEXT, key_question TEXT,
  "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, page INTEGER, pages TEXT, bbox TEXT, rules TEXT,
  PRIMARY KEY (report_id, id)
);
CREATE TABLE breaches (
  report_id TEXT NOT NULL REFERENCES reports(report_id), n INTEGER NOT NULL, regulation TEXT NOT NULL,
  title TEXT, instrument TEXT, citations INTEGER NOT NULL, pages TEXT, first_citation TEXT,
  PRIMARY KEY (report_id, n)
);
CREATE TABLE errors (source TEXT PRIMARY KEY, error TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX items_kind ON items (kind);
CREATE INDEX items_quality_statement ON items (quality_statement);
CREATE INDEX breaches_regulation ON breaches (regulation);
CREATE INDEX reports_provider ON reports (provider);
CREATE INDEX reports_location_id ON reports (location_id);
"""
# Lists (dates, pages, bbox, rule ids) are stored as JSON text: json_each() can open them in queries.
_SQL_ITEM_COLUMNS = [c for c in ITEM_COLUMNS if c != "source"]
_SQL_BREACH_COLUMNS = [c for c in BREACH_COLUMNS if c != "source"]


def create_database(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(SCHEMA)
    return db


def _sql(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def _insert(db: sqlite3.Connection, table: str, columns: list[str], rows: Iterable[dict]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", [[_sql(r[c]) for c in columns] for r in rows])


def insert_report(db: sqlite3.Connection, row: dict, items: list[dict], breaches: list[dict]) -> None:
    _insert(db, "reports", REPORT_COLUMNS, [row])
    _insert(db, "items", _SQL_ITEM_COLUMNS, items)
    _insert(db, "breaches", _SQL_BREACH_COLUMNS, breaches)
