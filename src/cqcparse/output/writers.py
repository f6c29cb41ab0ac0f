"""Writers: JSON (the score.py contract), JSONL (one item a line) and CSV (one item a row). Columns are
declared once, in records.ITEM_COLUMNS; files are written atomically."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cqcparse.errors import OutputError
from cqcparse.records import ITEM_COLUMNS, Item, Report

FORMATS = ("json", "jsonl", "csv")
CSV_COLUMNS = ["source", *ITEM_COLUMNS]


def to_json(report: Report) -> str:
    exclude = {"api"} if report.api is None else None  # only batch of fetched reports has it
    return report.model_dump_json(indent=2, exclude_none=False, exclude=exclude) + "\n"


def item_rows(report: Report) -> Iterable[dict]:
    for item in report.items():
        yield {"source": report.source, **item.model_dump()}


def to_jsonl(reports: Iterable[Report]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for r in reports for row in item_rows(r))


def to_csv(reports: Iterable[Report], *, raw: bool = False) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in reports:
        for row in item_rows(r):
            w.writerow(csv_row(row, raw=raw))
    return buf.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP)


def csv_row(row: dict, *, raw: bool = False) -> dict:
    """A row as CSV cells: lists joined by ';', None empty, and text that a spreadsheet would take for a
    formula prefixed with a quote (OWASP's CSV injection advice) unless `raw`."""
    return {k: _cell(v, raw) for k, v in row.items()}


def _cell(value: object, raw: bool) -> object:
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if value is None:
        return ""
    if not raw and isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def render(report: Report, fmt: str, *, raw_csv: bool = False) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "jsonl":
        return to_jsonl([report])
    if fmt == "csv":
        return to_csv([report], raw=raw_csv)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_atomic(path: Path, content: str) -> None:
    """Write `content` to `path` so that no reader sees a partial file: to a temporary file beside it, then
    renamed over it. Only a regular file (or a new one) is replaced so; a device, FIFO or other special
    file (/dev/null, /dev/stdout) is written in place, and a symlink to a regular file keeps its link.
    Raises OutputError naming `path` (never the temporary file)."""
    try:
        target = path.resolve() if path.is_symlink() else path
        if target.exists() and not target.is_file():
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a folder")
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.write(content)
            return
        if any(p.exists() and not p.is_dir() for p in target.parents):
            raise NotADirectoryError(errno.ENOTDIR, "not a directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_beside(target)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(content)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise OutputError.of(path, e) from None


def temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in `path`'s folder, with the mode the user's umask gives new files (mkstemp
    alone makes them 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())
    return fd, tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def item_from_row(row: dict) -> Item:
    return Item(**{k: row[k] for k in ITEM_COLUMNS if k in row})
