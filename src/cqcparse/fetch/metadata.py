"""Reading fetched.jsonl: what `fetch` recorded about each report it wrote, for `batch` to join to what it
extracts."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import CqcparseError
from .api import FetchedReport

FETCHED = "fetched.jsonl"
ERRORS = "fetch-errors.jsonl"


class MetadataError(CqcparseError):
    """fetched.jsonl cannot be read."""


def read_fetched(path: Path) -> list[FetchedReport]:
    """Every line of a fetched.jsonl; a broken line is an error naming the file and line."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise MetadataError(f"{path}: cannot read ({type(e).__name__})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(FetchedReport.model_validate(json.loads(line)))
        except (ValueError, ValidationError):
            raise MetadataError(f"{path}:{number}: not a line written by cqcparse fetch") from None
    return rows


def find_fetched(folder: Path) -> Path | None:
    """The fetched.jsonl in `folder` or the nearest folder above it."""
    for parent in [folder, *folder.parents]:
        candidate = parent / FETCHED
        if candidate.is_file():
            return candidate
    return None


def index_by_file(fetched: Path) -> dict[Path, FetchedReport]:
    """The rows of one fetched.jsonl keyed by the resolved path of the file each names."""
    return {(fetched.parent / row.path).resolve(): row for row in read_fetched(fetched)}


def metadata_for(paths: list[Path]) -> dict[Path, FetchedReport]:
    """For each input file under a fetch folder, its fetched.jsonl row (keyed by the resolved path)."""
    found: dict[Path, FetchedReport] = {}
    indexes: dict[Path, dict[Path, FetchedReport]] = {}
    for path in paths:
        fetched = find_fetched(path.resolve().parent)
        if fetched is None:
            continue
        if fetched not in indexes:
            indexes[fetched] = index_by_file(fetched)
        row = indexes[fetched].get(path.resolve())
        if row is not None:
            found[path.resolve()] = row
    return found
