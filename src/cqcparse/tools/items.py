"""The items of one report or of a batch (items.jsonl, report JSONs), each with the report it came from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from cqcparse.errors import InputError
from cqcparse.output.writers import item_from_row
from cqcparse.records import Item, Report


@dataclass(frozen=True, slots=True)
class SourcedItem:
    """An item and the report it came from (a batch row: items.jsonl or `extract --format jsonl`)."""

    report: str
    item: Item


def report_items(report: Report) -> list[SourcedItem]:
    return [SourcedItem(report.source, i) for i in report.items()]


def batch_file(path: Path) -> Path:
    """items.jsonl itself, or the items.jsonl inside a batch output folder."""
    if path.is_dir():
        inside = path / "items.jsonl"
        if not inside.is_file():
            raise InputError(str(path), "folder has no items.jsonl; give a batch output folder or a .jsonl file")
        return inside
    return path


def load_batch_reports(path: Path) -> list[Report]:
    """The report JSONs of a batch output folder (its reports/ folder); none for a bare .jsonl."""
    folder = path / "reports" if path.is_dir() else path.parent / "reports"
    if not path.is_dir() and not (path.parent / "manifest.json").is_file():
        return []
    out = []
    for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            out.append(Report.model_validate_json(f.read_bytes()))
        except (OSError, ValueError) as e:
            raise InputError(str(f), f"not a report JSON ({str(e).splitlines()[0]})") from None
    return out


def load_items(path: Path) -> list[SourcedItem]:
    """Rows of items.jsonl (Item fields plus `source`, maybe `report_id`) or of `extract --format jsonl`."""
    path = batch_file(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(str(path), e.strerror or str(e)) from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text; expected JSON lines of items") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("a line must be a JSON object")
            item = item_from_row(row)
        except (ValueError, KeyError, ValidationError) as e:
            reason = str(e).splitlines()[0] if not isinstance(e, ValidationError) else _first_error(e)
            raise InputError(
                f"{path}:{n}",
                f"not an item row ({reason}); expected the JSONL of "
                "`cqcparse extract --format jsonl` or a batch items.jsonl",
            ) from None
        out.append(SourcedItem(str(row.get("source") or row.get("report_id") or path), item))
    return out


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
