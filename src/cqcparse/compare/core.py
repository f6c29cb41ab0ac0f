"""Two reports -> a Comparison."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cqcparse.analysis.vocabulary import KEY_QUESTIONS, QUALITY_STATEMENTS
from cqcparse.compare.breaches import breach_changes
from cqcparse.compare.match import (
    CONCEPT_WEIGHT,
    DEFAULT_METHOD,
    DEFAULT_THRESHOLD,
    METHODS,
    Settings,
    assign,
    best_answer,
    earlier_items,
    shared_labels,
)
from cqcparse.compare.model import Changes, Comparison, LabelCounts, Pair, Resolved, Side
from cqcparse.compare.ratings import rating_changes
from cqcparse.records import Item, Report


def item_changes(
    old: Sequence[Item], new: Sequence[Item], new_positives: Sequence[Item], settings: Settings
) -> Changes:
    """Recurring pairs, resolved old items (with a new positive as evidence when one answers them), new
    items, and the new report's items about the earlier inspection that pair with none."""
    pairs = assign(old, new, settings)
    recurring = [
        Pair(old=old[i], new=new[j], similarity=s, labels=shared_labels(old[i], new[j]) or []) for i, j, s in pairs
    ]
    matched_old = {i for i, _, _ in pairs}
    matched_new = {j for _, j, _ in pairs}
    resolved = []
    for i, item in enumerate(old):
        if i in matched_old:
            continue
        answer = best_answer(item, new_positives, settings)
        resolved.append(
            Resolved(item=item, evidence=answer[0] if answer else None, similarity=answer[1] if answer else None)
        )
    unmatched = [b for j, b in enumerate(new) if j not in matched_new]
    return Changes(
        recurring=recurring,
        resolved=resolved,
        new=[b for b in unmatched if b.id not in settings.earlier],
        earlier=[b for b in unmatched if b.id in settings.earlier],
    )


def _label_keys(item: Item) -> list[str | None]:
    kq = item.key_question or QUALITY_STATEMENTS.get(item.quality_statement or "")
    return [kq, item.quality_statement] if item.quality_statement else [kq]


def label_counts(old: Report, new: Report) -> list[LabelCounts]:
    """Findings, actions and positives per key question and per quality statement, old -> new."""
    counts: dict[str, dict[str | None, Counter[str]]] = {"old": {}, "new": {}}
    for side, report in (("old", old), ("new", new)):
        for kind, items in (
            ("findings", report.findings),
            ("actions", report.actions),
            ("positives", report.positives),
        ):
            for it in items:
                for key in _label_keys(it):
                    counts[side].setdefault(key, Counter())[kind] += 1
    order: list[str | None] = [
        x for kq in KEY_QUESTIONS for x in (kq, *(q for q, k in QUALITY_STATEMENTS.items() if k == kq))
    ]
    order.append(None)
    present = set(counts["old"]) | set(counts["new"])
    rows = []
    for key in sorted(present, key=lambda k: order.index(k) if k in order else len(order)):
        a, b = counts["old"].get(key, Counter()), counts["new"].get(key, Counter())
        rows.append(
            LabelCounts(
                label=key,
                findings=(a["findings"], b["findings"]),
                actions=(a["actions"], b["actions"]),
                positives=(a["positives"], b["positives"]),
            )
        )
    return rows


def compare_reports(
    old: Report,
    new: Report,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    method: str = DEFAULT_METHOD,
    concept_weight: float = CONCEPT_WEIGHT,
) -> Comparison:
    """What changed from `old` to `new` (two reports of one service, in date order)."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    if method not in METHODS:
        raise ValueError(f"unknown similarity method {method!r}; choose one of {', '.join(METHODS)}")
    earlier = earlier_items(old.items(), old.text) | earlier_items(new.items(), new.text)
    settings = Settings(
        threshold=threshold,
        method=method,
        earlier=frozenset(earlier),
        corpus=tuple(i.text for i in (*old.items(), *new.items())),
        concept_weight=concept_weight,
    )
    return Comparison(
        old=Side(source=old.source, facts=old.report),
        new=Side(source=new.source, facts=new.report),
        threshold=threshold,
        method=method,
        ratings=rating_changes(old.report, new.report),
        breaches=breach_changes(old.breaches, new.breaches),
        actions=item_changes(old.actions, new.actions, new.positives, settings),
        findings=item_changes(old.findings, new.findings, new.positives, settings),
        labels=label_counts(old, new),
    )
