#!/usr/bin/env python3
"""Speed of the matching stage (CueMatcher over the document and its sentences) and of Pipeline.run, in
characters per second of CPU time (best of several runs; the machine is shared), on a large text: the 9
typeset .txt reports of the dev corpus concatenated N times (default 3).
Usage: .venv/bin/python bench/bench_classify.py [N] [--repeat R]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cqcparse import Pipeline
from cqcparse.readers.source import SourceText

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def best_cpu(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        run()
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("copies", nargs="?", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    names = sorted(p.stem for p in (SHARED / "reports" / "src").glob("*.md"))
    text = "\n".join((SHARED / "reports" / f"{n}.txt").read_text(encoding="utf-8") for n in names)
    text = "\n".join([text] * args.copies)
    pipe = Pipeline()
    src = SourceText(path="bench.txt", format="text", text=text)
    structure = pipe.structure(src)
    spans = [(a.sentence.start, a.sentence.end) for a in structure.analysed]
    doc = pipe.nlp.make_doc(structure.source.text)
    matching = best_cpu(lambda: pipe.matcher(doc, spans), args.repeat + 2)
    run = best_cpu(lambda: pipe.run(src), args.repeat)
    print(
        f"{len(text)} chars: matching {len(text) / matching:,.0f} chars/s, "
        f"Pipeline.run {len(text) / run:,.0f} chars/s (CPU time, best of runs)"
    )


if __name__ == "__main__":
    main()
