#!/usr/bin/env python3
"""Pipeline.run speed in characters per second on a large text: the 9 typeset .txt reports of the dev
corpus concatenated N times (default 3). Usage: .venv/bin/python bench/bench_classify.py [N] [--repeat R]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cqcparse import Pipeline
from cqcparse.readers.source import SourceText

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("copies", nargs="?", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    names = sorted(p.stem for p in (SHARED / "reports" / "src").glob("*.md"))
    text = "\n".join((SHARED / "reports" / f"{n}.txt").read_text(encoding="utf-8") for n in names)
    text = "\n".join([text] * args.copies)
    pipe = Pipeline()
    best = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        pipe.run(SourceText(path="bench.txt", format="text", text=text))
        best = min(best, time.perf_counter() - t)
    print(f"{len(text)} chars, best of {args.repeat}: {best:.2f} s, {len(text) / best:,.0f} chars/s")


if __name__ == "__main__":
    main()
