"""Summaries of extracted items: counts per quality statement (or key question) and kind, for one report
or a batch, and the most frequent must-action themes. Pure functions returning data; the CLI draws the
tables and charts (cli_view.py), the review page reuses the same counts (review.py)."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .errors import InputError
from .records import Item, Report
from .rules import KEY_QUESTIONS, QUALITY_STATEMENTS
from .writers import item_from_row

OTHER = "other"
"""The group of items with neither a quality statement nor a key question."""
COUNT_COLUMNS = ("findings", "must", "should", "needs", "positives")
ROW_COLUMNS = ("group", "label", "key_question", *COUNT_COLUMNS, "score", "reports")


@dataclass(frozen=True, slots=True)
class SourcedItem:
    """An item and the report it came from (a batch row: items.jsonl or `extract --format jsonl`)."""
    report: str
    item: Item


@dataclass(slots=True)
class Row:
    """Counts for one quality statement (or key question, or OTHER) over one report or a batch."""
    group: str
    label: str
    key_question: str | None
    findings: int = 0
    must: int = 0
    should: int = 0
    needs: int = 0
    positives: int = 0
    score: float | None = None
    reports: int = 0

    @property
    def total(self) -> int:
        return self.findings + self.must + self.should + self.needs + self.positives


@dataclass(frozen=True, slots=True)
class Theme:
    """A word or two-word phrase frequent in must-actions; `actions` and `reports` count where it occurs."""
    theme: str
    actions: int
    reports: int


@dataclass(slots=True)
class Summary:
    reports: list[str]
    rows: list[Row]
    totals: Row
    ratings: dict[str, str] = field(default_factory=dict)
    overall_rating: str | None = None
    breaches: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    rating_counts: dict[str, int] = field(default_factory=dict)
    """Batch: how many reports have each overall rating (from the batch's report JSONs)."""

    def to_dict(self) -> dict:
        return {"reports": self.reports, "rows": [asdict(r) for r in self.rows], "totals": asdict(self.totals),
                "overall_rating": self.overall_rating, "ratings": self.ratings, "rating_counts": self.rating_counts,
                "breaches": self.breaches, "facts": self.facts, "themes": [asdict(t) for t in self.themes]}


# -- grouping ---------------------------------------------------------------------------------------------

_QS_ORDER = {qs: n for n, qs in enumerate(QUALITY_STATEMENTS)}
_KQ_ORDER = {kq: n for n, kq in enumerate(KEY_QUESTIONS)}


def group_of(item: Item) -> str:
    """The quality statement of an item, else its key question, else OTHER."""
    return item.quality_statement or item.key_question or OTHER


def group_label(group: str) -> str:
    if group == OTHER:
        return "Not labelled"
    if group in _KQ_ORDER:
        return group.capitalize()
    return group.replace("_", " ").capitalize()


def key_question_of(group: str) -> str | None:
    if group in _KQ_ORDER:
        return group
    return QUALITY_STATEMENTS.get(group)


def _sort_key(group: str) -> tuple:
    """Key questions in the framework's order, each followed by its quality statements; OTHER last."""
    if group == OTHER:
        return (len(KEY_QUESTIONS) + 1, 0, 0, group)
    kq = key_question_of(group)
    return (_KQ_ORDER.get(kq, len(KEY_QUESTIONS)) if kq else len(KEY_QUESTIONS),
            0 if group in _KQ_ORDER else 1, _QS_ORDER.get(group, len(_QS_ORDER)), group)


def count_column(item: Item) -> str:
    """The table column an item is counted in: findings, positives, or its action modality."""
    if item.kind == "action":
        return item.modality or "needs"
    return "findings" if item.kind == "finding" else "positives"


def count_rows(items: Iterable[SourcedItem], scores: dict[str, list[int]] | None = None) -> tuple[list[Row], Row]:
    """One row per group present in the items or the scores, in framework order, and a totals row.
    `scores` maps a quality statement to its scores (one per report); a row shows their mean."""
    scores = scores or {}
    rows: dict[str, Row] = {}
    seen: dict[str, set[str]] = {}
    totals = Row(group="total", label="Total", key_question=None)
    all_reports: set[str] = set()

    def row(group: str) -> Row:
        if group not in rows:
            rows[group] = Row(group=group, label=group_label(group), key_question=key_question_of(group))
            seen[group] = set()
        return rows[group]

    for si in items:
        g = group_of(si.item)
        col = count_column(si.item)
        r = row(g)
        setattr(r, col, getattr(r, col) + 1)
        setattr(totals, col, getattr(totals, col) + 1)
        seen[g].add(si.report)
        all_reports.add(si.report)
    for qs, values in scores.items():
        if values:
            row(qs).score = round(sum(values) / len(values), 2)
    for g, r in rows.items():
        r.reports = len(seen[g])
    totals.reports = len(all_reports)
    return [rows[g] for g in sorted(rows, key=_sort_key)], totals


# -- one report -------------------------------------------------------------------------------------------

def report_items(report: Report) -> list[SourcedItem]:
    return [SourcedItem(report.source, i) for i in report.items()]


def summarise_report(report: Report) -> Summary:
    scores = {qs: [s] for qs, s in report.report.quality_statement_scores.items()}
    rows, totals = count_rows(report_items(report), scores)
    facts = report.report.model_dump(exclude={"ratings", "quality_statement_scores", "overall_rating"})
    breaches = [{"regulation": b.regulation, "title": b.title, "instrument": b.instrument,
                 "pages": sorted({c.page for c in b.citations if c.page is not None}),
                 "citations": len(b.citations)} for b in report.breaches]
    return Summary(reports=[report.source], rows=rows, totals=totals, ratings=dict(report.report.ratings),
                   overall_rating=report.report.overall_rating, breaches=breaches, facts=facts)


# -- a batch ----------------------------------------------------------------------------------------------

def summarise_batch(items: list[SourcedItem], reports: list[Report] | None = None, *,
                    themes: int = 10) -> Summary:
    """Counts across reports. `reports`, the batch's report JSONs if at hand, add the mean score per
    quality statement, how many reports have each overall rating and each breach."""
    reports = reports or []
    scores: dict[str, list[int]] = {}
    for r in reports:
        for qs, score in r.report.quality_statement_scores.items():
            scores.setdefault(qs, []).append(score)
    rows, totals = count_rows(items, scores)
    names = sorted({si.report for si in items} | {_report_name(r) for r in reports})
    musts = [si for si in items if si.item.kind == "action" and si.item.modality == "must"]
    ratings = Counter(r.report.overall_rating or "not rated" for r in reports)
    breaches: dict[str, dict] = {}
    for r in reports:
        for b in r.breaches:
            entry = breaches.setdefault(b.regulation, {"regulation": b.regulation, "title": b.title, "reports": 0})
            entry["reports"] += 1
    return Summary(reports=names, rows=rows, totals=totals, themes=must_action_themes(musts, n=themes),
                   rating_counts=dict(ratings.most_common()),
                   breaches=sorted(breaches.values(), key=lambda b: (-b["reports"], _regulation_key(b))))


def _report_name(report: Report) -> str:
    return report.source


def _regulation_key(b: dict) -> tuple[int, str]:
    digits = re.match(r"\d+", b["regulation"])
    return (int(digits.group()) if digits else 10**6, b["regulation"])


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
            raise InputError(f"{path}:{n}", f"not an item row ({reason}); expected the JSONL of "
                             "`cqcparse extract --format jsonl` or a batch items.jsonl") from None
        out.append(SourcedItem(str(row.get("source") or row.get("report_id") or path), item))
    return out


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


# -- must-action themes -----------------------------------------------------------------------------------

# Words every must-action shares, which say nothing about its theme.
_BOILERPLATE = {"must", "ensure", "ensures", "ensuring", "ensured", "trust", "provider", "service", "services",
                "registered", "take", "taken", "make", "sure", "improve", "improvement", "improvements",
                "action", "actions", "practice", "location", "appropriate", "appropriately", "effective",
                "effectively", "place", "continue", "including", "line", "s"}
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS
    return frozenset(STOP_WORDS) | _BOILERPLATE


def content_words(text: str, stop: frozenset[str]) -> list[str | None]:
    """The words of `text`, lower case, with None for each stop word (it breaks a phrase)."""
    out: list[str | None] = []
    for w in _WORD.findall(text.lower().replace("’", "'")):
        w = w.removesuffix("'s")
        out.append(None if w in stop or len(w) < 3 else w)
    return out


def singular(words: Iterable[str]) -> dict[str, str]:
    """A plural -> its singular, where the singular occurs too ('risks' -> 'risk', 'processes' ->
    'process'): a cheap stand-in for lemmas, which a blank pipeline does not set."""
    vocab = set(words)
    out = {}
    for w in vocab:
        for cut in ("es", "s"):
            if w.endswith(cut) and not w.endswith("ss") and w[:-len(cut)] in vocab:
                out[w] = w[:-len(cut)]
                break
    return out


def theme_terms(words: list[str | None]) -> set[str]:
    """Content words and two-word phrases of adjacent content words."""
    terms = {w for w in words if w}
    terms |= {f"{a} {b}" for a, b in zip(words, words[1:]) if a and b}
    return terms


def must_action_themes(actions: list[SourcedItem], n: int = 10) -> list[Theme]:
    """The `n` most frequent themes: phrases and words ranked by how many must-actions contain them.
    A word is left out when a chosen phrase holding it covers as many actions (it would add nothing)."""
    stop = _stop_words()
    texts = [content_words(si.item.text, stop) for si in actions]
    one = singular(w for words in texts for w in words if w)
    per_action = [(si.report, theme_terms([one.get(w, w) if w else None for w in words]))
                  for si, words in zip(actions, texts)]
    df: Counter[str] = Counter(t for _, terms in per_action for t in terms)
    ranked = sorted(df, key=lambda t: (-df[t], -t.count(" "), t))
    chosen: list[str] = []
    for t in ranked:
        if len(chosen) == n:
            break
        if " " not in t and any(df[c] >= df[t] for c in chosen if t in c.split()):
            continue
        chosen.append(t)
    return [Theme(t, df[t], len({rep for rep, terms in per_action if t in terms})) for t in chosen]
