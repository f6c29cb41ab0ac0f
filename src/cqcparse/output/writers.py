"""Writers: JSON (the score.py contract), JSONL (one item a line) and CSV (one item a row). Columns are
declared once, in records.ITEM_COLUMNS; files are written atomically."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

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


def to_csv(reports: Iterable[Report]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in reports:
        for row in item_rows(r):
            w.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else value


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "jsonl":
        return to_jsonl([report])
    if fmt == "csv":
        return to_csv([report])
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_atomic(path: Path, content: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(content)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def item_from_row(row: dict) -> Item:
    return Item(**{k: row[k] for k in ITEM_COLUMNS if k in row})
