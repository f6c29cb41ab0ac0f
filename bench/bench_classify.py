#!/usr/bin/env python3
"""Speed of the matching stage (CueMatcher over the document and its sentences) and of Pipeline.run, in
characters per second of CPU time (best of several runs; the machine is shared), on a large text: the 9
typeset .txt reports of the dev corpus concatenated N times (default 3).

Usage: .venv/bin/python bench/bench_classify.py [N] [--repeat R] [--src DIR ...]

Each --src (a checkout's src/ folder; default this repository's) is measured in a fresh child process in
the same run, so a before/after pair shares the machine's load: `--src /tmp/old/src --src src`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def best_cpu(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        run()
        best = min(best, time.process_time() - t)
    return best


def bench_text(copies: int) -> str:
    names = sorted(p.stem for p in (SHARED / "reports" / "src").glob("*.md"))
    text = "\n".join((SHARED / "reports" / f"{n}.txt").read_text(encoding="utf-8") for n in names)
    return "\n".join([text] * copies)


def _child(src: str, copies: int, repeat: int) -> None:
    """Measure the cqcparse found in `src` and print one JSON line."""
    sys.path.insert(0, src)
    from cqcparse import Pipeline

    try:
        from cqcparse.readers.source import SourceText
    except ImportError:  # the layout before the readers package
        from cqcparse.source import SourceText  # type: ignore[no-redef]
    text = bench_text(copies)
    pipe = Pipeline()
    source = SourceText(path="bench.txt", format="text", text=text)
    matching = None
    try:
        structure = pipe.structure(source)
        spans = [(a.sentence.start, a.sentence.end) for a in structure.analysed]
        doc = pipe.nlp.make_doc(structure.source.text)
        matching = best_cpu(lambda: pipe.matcher(doc, spans), repeat + 2)
    except (AttributeError, TypeError):  # an older matcher interface: Pipeline.run only
        pass
    run = best_cpu(lambda: pipe.run(source), repeat)
    print(json.dumps({"chars": len(text), "matching": matching, "run": run}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("copies", nargs="?", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--src", type=Path, action="append", help="a cqcparse src/ folder (repeatable)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.copies, args.repeat)
        return
    print(f"{'cqcparse from':40} {'chars':>9} {'matching chars/s':>17} {'Pipeline.run chars/s':>21}")
    for src in args.src or [REPO / "src"]:
        cmd = [sys.executable, __file__, str(args.copies), "--repeat", str(args.repeat), "--child", str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{str(src)[-40:]:40} failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        match = f"{r['chars'] / r['matching']:17,.0f}" if r["matching"] else f"{'-':>17}"
        print(f"{str(src)[-40:]:40} {r['chars']:9d} {match} {r['chars'] / r['run']:21,.0f}")


if __name__ == "__main__":
    main()
