#!/usr/bin/env python3
"""Score cqcparse on the dev corpus split into a held-out part and a design part.

HELD is every third of the gold files in sorted order, starting with the third; DESIGN is the rest.
Each report is extracted once per format (one Pipeline, in this process), then ../shared/eval/score.py
scores the whole corpus, HELD and DESIGN.

Usage: .venv/bin/python bench/score_split.py [txt] [pdf] [html] [--set all|held|design] [-v] [--json]
  -v prints the per-report errors, for the design part only (held-out errors stay unseen while designing).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cqcparse import Pipeline
from cqcparse.output.writers import to_json

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def split(gold_dir: Path) -> tuple[list[str], list[str]]:
    names = sorted(p.stem for p in gold_dir.glob("*.json"))
    held = names[2::3]
    return held, [n for n in names if n not in held]


def extract_all(pipe: Pipeline, reports: Path, names: list[str], ext: str, out: Path) -> list[str]:
    done = []
    for name in names:
        src = reports / f"{name}.{ext}"
        if src.exists():
            (out / f"{name}.json").write_text(to_json(pipe.extract(src)), encoding="utf-8")
            done.append(name)
    return done


def score(pairs: list[tuple[Path, Path]], verbose: bool) -> tuple[dict, str]:
    """Score (prediction, gold) pairs, each pair named by its prediction file."""
    with tempfile.TemporaryDirectory() as tmp:
        pred_dir, gold_dir = Path(tmp, "pred"), Path(tmp, "gold")
        pred_dir.mkdir()
        gold_dir.mkdir()
        for pred, gold in pairs:
            name = f"{pred.parent.name}-{pred.name}"
            shutil.copy(pred, pred_dir / name)
            shutil.copy(gold, gold_dir / name)
        scorer = [sys.executable, str(SHARED / "eval" / "score.py"), str(pred_dir), str(gold_dir)]
        totals = json.loads(subprocess.run([*scorer, "--json"], capture_output=True, text=True).stdout)
        detail = subprocess.run([*scorer, "-v"], capture_output=True, text=True).stdout if verbose else ""
    return totals, detail


def row(label: str, s: dict) -> str:
    f = [s[k]["f1"] for k in ("finding", "action", "positive")]
    return (
        f"{label:18} {f[0]:7.3f} {f[1]:7.3f} {f[2]:8.3f} {s['action']['modality_accuracy']!s:>8} "
        f"{s['quality_statement_accuracy']!s:>6}"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("formats", nargs="*", default=["txt"])
    ap.add_argument("--set", dest="sets", action="append", choices=["all", "held", "design"])
    ap.add_argument("-v", action="store_true", help="per-report errors of the design part")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    gold_dir, reports = SHARED / "eval" / "gold", SHARED / "reports"
    held, design = split(gold_dir)
    sets = {"all": held + design, "held": held, "design": design}
    chosen = args.sets or ["all", "held", "design"]
    pipe = Pipeline()
    results: dict[str, dict] = {}
    print(f"{'format/set':18} {'finding':>7} {'action':>7} {'positive':>8} {'modality':>8} {'qs_acc':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        done = {}
        for ext in args.formats:
            (Path(tmp) / ext).mkdir()
            done[ext] = extract_all(pipe, reports, sorted(sets["all"]), ext, Path(tmp) / ext)
        groups = [(ext, [ext]) for ext in args.formats]
        if len(args.formats) > 1:
            groups.append(("+".join(args.formats), args.formats))
        for label, exts in groups:
            for name in chosen:
                pairs = [
                    (Path(tmp) / ext / f"{n}.json", gold_dir / f"{n}.json")
                    for ext in exts
                    for n in sets[name]
                    if n in done[ext]
                ]
                if not pairs:
                    continue
                totals, detail = score(pairs, args.v and name == "design" and len(exts) == 1)
                results[f"{label}/{name}"] = totals
                print(row(f"{label}/{name}({len(pairs)})", totals))
                if detail:
                    print(detail)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
