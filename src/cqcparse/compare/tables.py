"""The files of `compare FOLDER`: changes.jsonl (a comparison a line), changes.csv (an item pair or an
unmatched item a row) and summary.csv (a group a row)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from cqcparse.compare.group import Group
from cqcparse.compare.model import Changes, Comparison
from cqcparse.output.writers import write_atomic
from cqcparse.records import Item

CHANGE_COLUMNS = [
    "group",
    "old_source",
    "new_source",
    "old_date",
    "new_date",
    "kind",
    "status",
    "similarity",
    "labels",
    "old_id",
    "old_modality",
    "old_text",
    "new_id",
    "new_modality",
    "new_text",
]
SUMMARY_COLUMNS = [
    "group",
    "name",
    "reports",
    "first_date",
    "last_date",
    "rating_path",
    "repeated_breaches",
    "old_must_actions",
    "recurring_must_actions",
    "must_recur_share",
]


def _side(prefix: str, item: Item | None) -> dict:
    return {
        f"{prefix}_id": item.id if item else "",
        f"{prefix}_modality": (item.modality or "") if item else "",
        f"{prefix}_text": item.text if item else "",
    }


def change_rows(key: str, c: Comparison) -> Iterator[dict]:
    head = {
        "group": key,
        "old_source": c.old.source,
        "new_source": c.new.source,
        "old_date": c.old.facts.report_date or "",
        "new_date": c.new.facts.report_date or "",
    }
    for kind, ch in (("action", c.actions), ("finding", c.findings)):
        yield from _rows(head, kind, ch)


def _rows(head: dict, kind: str, ch: Changes) -> Iterator[dict]:
    for p in ch.recurring:
        yield {
            **head,
            "kind": kind,
            "status": "recurring",
            "similarity": p.similarity,
            "labels": ";".join(p.labels),
            **_side("old", p.old),
            **_side("new", p.new),
        }
    for r in ch.resolved:
        yield {
            **head,
            "kind": kind,
            "status": "resolved",
            "similarity": "" if r.similarity is None else r.similarity,
            "labels": "",
            **_side("old", r.item),
            **_side("new", r.evidence),
        }
    for status, items in (("new", ch.new), ("earlier", ch.earlier)):
        for it in items:
            yield {
                **head,
                "kind": kind,
                "status": status,
                "similarity": "",
                "labels": "",
                **_side("old", None),
                **_side("new", it),
            }


def summary_row(g: Group) -> dict:
    facts = [e.report.report for e in g.entries]
    ratings = [f.overall_rating or "not rated" for f in facts]
    repeated = sorted({b.regulation for c in g.comparisons for b in c.breaches.repeated}, key=lambda r: (len(r), r))
    musts = sum(1 for c in g.comparisons for r in c.actions.resolved if r.item.modality == "must")
    recurring = sum(1 for c in g.comparisons for p in c.actions.recurring if p.old.modality == "must")
    total = musts + recurring
    name = next((f.location or f.provider for f in reversed(facts) if f.location or f.provider), "")
    return {
        "group": g.key,
        "name": name,
        "reports": len(g.entries),
        "first_date": facts[0].report_date or "",
        "last_date": facts[-1].report_date or "",
        "rating_path": " > ".join(ratings),
        "repeated_breaches": ";".join(repeated),
        "old_must_actions": total,
        "recurring_must_actions": recurring,
        "must_recur_share": f"{recurring / total:.3f}" if total else "",
    }


def _csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def render_changes(groups: list[Group]) -> dict[str, str]:
    """File name -> content, built in full before anything is written."""
    jsonl = "".join(
        json.dumps({"group": g.key, **c.model_dump(mode="json")}, ensure_ascii=False) + "\n"
        for g in groups
        for c in g.comparisons
    )
    rows = [row for g in groups for c in g.comparisons for row in change_rows(g.key, c)]
    return {
        "changes.jsonl": jsonl,
        "changes.csv": _csv(CHANGE_COLUMNS, rows),
        "summary.csv": _csv(SUMMARY_COLUMNS, [summary_row(g) for g in groups]),
    }


def write_changes(groups: list[Group], out: Path) -> None:
    for name, content in render_changes(groups).items():
        write_atomic(out / name, content)
