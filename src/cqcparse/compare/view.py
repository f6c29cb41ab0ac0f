"""The terminal view of a Comparison: rich renderables, printed by the CLI."""

from __future__ import annotations

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from cqcparse.analysis.vocabulary import KEY_QUESTIONS
from cqcparse.compare.model import BreachRef, Changes, Comparison

CHANGE_STYLES = {"improved": "green", "declined": "red", "same": "", "new": "cyan", "not rated": "dim"}


def _title(c: Comparison) -> str:
    f = c.new.facts
    name = f.location or f.provider or c.new.source
    return f"{name}: {c.old.facts.report_date or c.old.source} -> {f.report_date or c.new.source}"


def ratings_table(c: Comparison) -> Table:
    t = Table(title="Ratings", title_justify="left", box=box.HORIZONTALS)
    for col in ("Question", "Old", "New", "Change"):
        t.add_column(col)
    for r in c.ratings:
        t.add_row(r.question, r.old or "·", r.new or "·", Text(r.change, style=CHANGE_STYLES[r.change]))
    return t


def _refs(refs: list[BreachRef]) -> str:
    return ", ".join(f"{r.regulation}" + (f" {r.title}" if r.title else "") for r in refs) or "none"


def breaches_text(c: Comparison) -> Text:
    b = c.breaches
    out = Text("Breaches\n", style="bold")
    out.append(f"  repeated: {_refs(b.repeated)}\n", style="red" if b.repeated else "")
    out.append(f"  new:      {_refs(b.new)}\n", style="red" if b.new else "")
    out.append(f"  cleared:  {_refs(b.cleared)}", style="green" if b.cleared else "")
    return out


def changes_table(name: str, ch: Changes) -> Table:
    t = Table(
        title=f"{name}: {len(ch.recurring)} recurring, {len(ch.resolved)} resolved, {len(ch.new)} new",
        title_justify="left",
        box=box.HORIZONTALS,
        show_lines=False,
    )
    t.add_column("", no_wrap=True)
    t.add_column("Old", ratio=1)
    t.add_column("New", ratio=1)
    t.add_column("Sim", justify="right", no_wrap=True)
    for p in ch.recurring:
        t.add_row(Text("recurring", style="red"), p.old.text, p.new.text, f"{p.similarity:.2f}")
    for r in ch.resolved:
        evidence = r.evidence.text if r.evidence else ""
        sim = f"{r.similarity:.2f}" if r.similarity is not None else ""
        t.add_row(Text("resolved", style="green"), r.item.text, Text(evidence, style="green"), sim)
    for item in ch.new:
        t.add_row(Text("new", style="cyan"), "", item.text, "")
    return t


def labels_table(c: Comparison) -> Table:
    t = Table(
        title="Items per key question and quality statement, old -> new", title_justify="left", box=box.HORIZONTALS
    )
    for col in ("Label", "Findings", "Actions", "Positives"):
        t.add_column(col, justify="left" if col == "Label" else "right")
    for row in c.labels:
        label = (row.label or "not labelled").replace("_", " ")
        t.add_row(
            label if row.label in KEY_QUESTIONS or row.label is None else f"  {label}",
            *(f"{a} -> {b}" for a, b in (row.findings, row.actions, row.positives)),
        )
    return t


def renderables(c: Comparison) -> list[RenderableType]:
    out: list[RenderableType] = [Text(_title(c), style="bold"), ratings_table(c), breaches_text(c)]
    for name, ch in (("Actions", c.actions), ("Findings", c.findings)):
        if ch.recurring or ch.resolved or ch.new:
            out.append(changes_table(name, ch))
        else:
            out.append(Text(f"{name}: none in either report"))
    return [*out, labels_table(c)]
