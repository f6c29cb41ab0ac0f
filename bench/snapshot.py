#!/usr/bin/env python3
"""Write what cqcparse makes of every corpus report to a folder, to check that a speed change changes no
output: the reader's SourceText (text, pages, line boxes, heading hints) and `extract --include-text` JSON.

Usage:  python bench/snapshot.py OUT_DIR [--corpus DIR] [--big bench/out/big-300.pdf ...]
        diff -r OUT_BEFORE OUT_AFTER        # byte for byte

Every .pdf, .txt and .html in the corpus (default ../shared/reports) is read, plus each --big file; for
each, OUT_DIR gets NAME.source.json and NAME.extract.json. Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "reports"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--big", type=Path, action="append", default=[])
    args = ap.parse_args()
    from cqcparse import Pipeline
    from cqcparse.readers.text import read_source

    pipe = Pipeline()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = sorted(p for p in args.corpus.iterdir() if p.suffix in (".pdf", ".txt", ".html")) + args.big
    for path in paths:
        src = read_source(path, timeout=3600)
        source = json.dumps(dataclasses.asdict(src), ensure_ascii=False, indent=0)
        (args.out / f"{path.name}.source.json").write_text(source, encoding="utf-8")
        report = pipe.run(src, include_text=True)
        (args.out / f"{path.name}.extract.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
        print(path.name, len(src.text))


if __name__ == "__main__":
    main()
