"""Benchmark `Pipeline.run` alone on one report (by default the 300-page corpus file bench_pdf.py makes).

Usage:  python bench/bench_run.py [REPORT] [--rounds N] [--src DIR ...]

Each --src (a checkout's src/ folder, its rules in src/cqcparse/rules when they are not installed from it;
default this repository's) runs in a fresh child process, in turn, `--rounds` times, so that a before/after
pair shares the machine's load. A child reads the report once, then prints the CPU seconds of:
  init   Pipeline(): spaCy and the rules loaded
  cold   the first run (as `cqcparse extract` does once)
  warm   three more runs on the same SourceText (as a profile after a warm-up does)
  fresh  two runs, each on a new but equal SourceText (as bench_pdf.py's `extract` repeats do)
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _child(src: str, report: str) -> None:
    sys.path.insert(0, src)
    from cqcparse.pipeline import Pipeline
    from cqcparse.readers.text import read_source

    t = time.process_time()
    pipe = Pipeline()
    init = time.process_time() - t
    data = pickle.dumps(read_source(report))

    def run(source) -> float:
        t = time.process_time()
        pipe.run(source)
        return time.process_time() - t

    source = pickle.loads(data)
    cold = run(source)
    warm = [run(source) for _ in range(3)]
    fresh = [run(pickle.loads(data)) for _ in range(2)]
    print(json.dumps({"init": init, "cold": cold, "warm": warm, "fresh": fresh}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", nargs="?", default=str(HERE / "out" / "big-300.pdf"))
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--src", type=Path, action="append", help="a cqcparse src/ folder (repeatable)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.report)
        return
    if not Path(args.report).exists():
        raise SystemExit(f"{args.report} not found: make it with bench/bench_pdf.py --big-only --modes pdfium")
    print(f"{'cqcparse from':32} {'init':>5} {'cold':>6}  {'warm (3 runs)':>20}  {'fresh (2 runs)':>13}   CPU s")
    for _ in range(args.rounds):
        for src in args.src or [REPO / "src"]:
            cmd = [sys.executable, __file__, str(Path(args.report).resolve()), "--child", str(src.resolve())]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{str(src)[-32:]:32} failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
                continue
            d = json.loads(proc.stdout.strip().splitlines()[-1])
            warm, fresh = " ".join(f"{w:6.3f}" for w in d["warm"]), " ".join(f"{w:6.3f}" for w in d["fresh"])
            print(f"{str(src)[-32:]:32} {d['init']:5.2f} {d['cold']:6.3f}  {warm}  {fresh}")


if __name__ == "__main__":
    main()
