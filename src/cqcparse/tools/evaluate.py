"""Score extractions against hand-made gold annotations (docs/gold-format.md).

The scoring functions are a port of the project's reference scorer (shared/eval/score.py): the same text
normalisation, similarity, greedy one-to-one matching and totals, so `cqcparse evaluate` prints the numbers
score.py prints for the same predictions. The port adds what score.py cannot know: the rule ids behind
each extra item and the label errors of matched ones. `evaluate` runs the pipeline over a folder of
reports and scores them; it returns data and never prints.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqcparse.errors import CqcparseError, InputError
from cqcparse.limits import Overran, deadline, overran_error

KINDS = {"finding": "findings", "action": "actions", "positive": "positives"}
COUNTS = ("tp", "fp", "fn", "qs_ok", "qs_n", "mod_ok", "mod_n", "kq_ok", "kq_n")


# -- matching (as score.py) ---------------------------------------------------------------------------


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u00ad", "")
    text = re.sub(r"(?<=\w)-\s*\n\s*(?=\w)", "", text)  # words hyphenated across PDF lines
    text = re.sub(r"^[\s\-\u2022\u25cf\u25aa*•·]+", "", text.lower())
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .;:")


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9%]+", text))


def similarity(pred: str, gold: str) -> float:
    """1.0 for a near-exact span, lower for partial overlap, 0 for no match."""
    p, g = norm(pred), norm(gold)
    if not p or not g:
        return 0.0
    if g in p and len(p) <= 2 * len(g) + 40:
        return 0.9 + 0.1 * len(g) / len(p)
    if p in g and len(p) >= 0.6 * len(g):
        return 0.8 + 0.1 * len(p) / len(g)
    tp, tg = tokens(p), tokens(g)
    if not tp or not tg:
        return 0.0
    jac = len(tp & tg) / len(tp | tg)
    return jac if jac >= 0.7 else 0.0


def match(preds: list[dict], golds: list[dict]) -> list[tuple[int, int]]:
    """One-to-one greedy matching by similarity, best pairs first: (prediction index, gold index)."""
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            s = similarity(p.get("text", ""), g["quote"])
            if s > 0:
                pairs.append((s, i, j))
    pairs.sort(reverse=True)
    used_p, used_g, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


# -- one report ---------------------------------------------------------------------------------------


def score_kind(kind: str, preds: list[dict], golds: list[dict]) -> dict[str, Any]:
    """Counts for one kind of one report, as score.py's, plus the misses (gold quotes), the extras
    (text and the rule ids that produced them) and label errors of matched items."""
    pairs = match(preds, golds)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    res: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    res["tp"] = sum(1 for _, j in pairs if not golds[j].get("optional"))
    res["fp"] = len(preds) - len(matched_p)
    res["fn"] = sum(1 for j, g in enumerate(golds) if j not in matched_g and not g.get("optional"))
    res["misses"] = [g["quote"] for j, g in enumerate(golds) if j not in matched_g and not g.get("optional")]
    res["extras"] = [
        {"text": p.get("text", ""), "rules": p.get("rules") or []} for i, p in enumerate(preds) if i not in matched_p
    ]
    res["label_errors"] = []
    for i, j in pairs:
        g, p = golds[j], preds[i]
        if g.get("optional"):
            continue
        checks = []
        if g.get("quality_statements"):
            checks.append(
                (
                    "qs",
                    "quality_statement",
                    p.get("quality_statement") in g["quality_statements"],
                    g["quality_statements"],
                )
            )
        if g.get("key_question"):
            checks.append(
                ("kq", "key_question", norm(str(p.get("key_question"))) == norm(g["key_question"]), g["key_question"])
            )
        if kind == "action" and g.get("modality"):
            checks.append(("mod", "modality", p.get("modality") == g["modality"], g["modality"]))
        for prefix, name, ok, want in checks:
            res[f"{prefix}_n"] += 1
            res[f"{prefix}_ok"] += ok
            if not ok:
                res["label_errors"].append(
                    {"text": g["quote"], "field": name, "want": want, "got": p.get(name), "rules": p.get("rules") or []}
                )
    return res


def score_report(pred: dict, gold: dict) -> dict[str, Any]:
    """Every kind of one report, then its report fields (gold's `report`, flattened, against the
    prediction's; gold's breached_regulations against the regulations of the prediction's breaches)."""
    res: dict[str, Any] = {}
    for kind, key in KINDS.items():
        preds = [p for p in pred.get(key) or [] if isinstance(p, dict)]
        res[kind] = score_kind(kind, preds, [g for g in gold["items"] if g["kind"] == kind])
    got_report = flatten(pred.get("report") or {})
    got_report["breached_regulations"] = [
        b.get("regulation") for b in pred.get("breaches") or [] if isinstance(b, dict)
    ]
    ok, misses = 0, []
    want_fields = flatten(gold.get("report") or {})
    for name, want in want_fields.items():
        got = got_report.get(name)
        if isinstance(want, list):
            same = {norm(str(w)) for w in want} == {norm(str(g)) for g in (got or [])}
        else:
            same = norm(str(got)) == norm(str(want))
        if same:
            ok += 1
        else:
            misses.append(f"{name}: want {want!r}, got {got!r}")
    res["report"] = {"ok": ok, "n": len(want_fields), "misses": misses}
    return res


def flatten(d: dict, prefix: str = "") -> dict:
    """{"ratings": {"safe": "Good"}} -> {"ratings.safe": "Good"}"""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


# -- totals -------------------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _ratio(ok: int, n: int) -> float | None:
    return round(ok / n, 3) if n else None


def summarise(per_report: dict[str, dict], missing: list[str]) -> dict[str, Any]:
    """Micro-averaged totals over reports: exactly the dict `score.py --json` prints."""
    totals = {k: {c: sum(r[k][c] for r in per_report.values()) for c in COUNTS} for k in KINDS}
    summary: dict[str, Any] = {}
    for k, t in totals.items():
        p, r, f = prf(t["tp"], t["fp"], t["fn"])
        summary[k] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "qs_accuracy": _ratio(t["qs_ok"], t["qs_n"]),
            **({"modality_accuracy": _ratio(t["mod_ok"], t["mod_n"])} if k == "action" else {}),
            "tp": t["tp"],
            "fp": t["fp"],
            "fn": t["fn"],
        }
    summary["quality_statement_accuracy"] = _ratio(
        sum(t["qs_ok"] for t in totals.values()), sum(t["qs_n"] for t in totals.values())
    )
    summary["key_question_accuracy"] = _ratio(
        sum(t["kq_ok"] for t in totals.values()), sum(t["kq_n"] for t in totals.values())
    )
    meta_ok = sum(r["report"]["ok"] for r in per_report.values())
    meta_n = sum(r["report"]["n"] for r in per_report.values())
    summary["report_fields"] = f"{meta_ok}/{meta_n}"
    summary["missing_predictions"] = list(missing)
    return summary


# -- running the pipeline over a corpus --------------------------------------------------------------


@dataclass
class Evaluation:
    """One input format scored: per-report scores, the score.py summary, and what could not be scored."""

    ext: str
    summary: dict[str, Any]
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)  # NAME -> extract JSON
    skipped: list[str] = field(default_factory=list)  # gold files with no NAME.<ext> input

    def to_dict(self) -> dict[str, Any]:
        return {"ext": self.ext, "summary": self.summary, "reports": self.reports, "skipped": self.skipped}


def gold_files(gold: Path) -> list[Path]:
    """A gold file, or every *.json in a gold folder (sorted, as score.py)."""
    if gold.is_dir():
        found = sorted(p for p in gold.glob("*.json") if p.is_file())
        if not found:
            raise InputError(str(gold), "holds no gold files (NAME.json): nothing to score")
        return found
    if gold.is_file():
        return [gold]
    raise InputError(str(gold), "no such gold file or folder")


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot be read: {(e.strerror or str(e)).lower()}") from None
    except RecursionError:
        raise InputError(str(path), "is not a gold file: its JSON is nested too deeply") from None
    except ValueError as e:
        raise InputError(str(path), f"is not JSON: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise InputError(
            str(path), "is not a gold file: expected an object with an 'items' list (see docs/gold-format.md)"
        )
    for n, item in enumerate(data["items"], 1):
        if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
            raise InputError(str(path), f"item {n} is not an object with a 'quote' (see docs/gold-format.md)")
    return data


def evaluate(gold: Path, inputs: Path, pipeline: Any, *, ext: str = "txt", timeout: float | None = None) -> Evaluation:
    """Extract inputs/NAME.<ext> for each gold NAME.json and score it. A gold file without its input is
    skipped (listed in `skipped`); an input that cannot be read scores as an empty prediction and is
    listed in the summary's missing_predictions, as score.py does with a missing prediction file. An input
    not extracted within `timeout` seconds stops the run with an InputError naming it."""
    if not inputs.is_dir():
        raise InputError(str(inputs), "is not a folder of reports")
    ext = ext.lstrip(".")
    per_report: dict[str, dict] = {}
    predictions: dict[str, dict] = {}
    missing: list[str] = []
    skipped: list[str] = []
    for g in gold_files(gold):
        want = load_gold(g)  # first, so that a broken gold file is reported even without its input
        source = inputs / f"{g.stem}.{ext}"
        if not source.exists():
            skipped.append(g.stem)
            continue
        try:
            with deadline(timeout):
                pred = pipeline.extract(source, timeout=timeout).model_dump(mode="json")
        except Overran:
            raise overran_error(str(source), timeout or 0) from None
        except CqcparseError as e:
            missing.append(f"{source.name} ({e})")
            pred = {}
        predictions[g.stem] = pred
        per_report[g.stem] = score_report(pred, want)
    return Evaluation(
        ext=ext, summary=summarise(per_report, missing), reports=per_report, predictions=predictions, skipped=skipped
    )
