"""Benchmark `cqcparse batch`: N copies of the shared corpus (.txt, .html, .pdf; arreta left out) with 1 worker
and with 2, into bench/out/ (gitignored). Prints a markdown table: files/s, pages/s and the speed-up.

    python bench/bench_batch.py                 # 200 reports, 1 and 2 workers
    python bench/bench_batch.py -n 400 --jobs 1 2 4 --formats txt html

Each worker count runs --repeat times, alternating, and its fastest run is reported (the machine may be
shared). Wall time covers the whole batch (workers starting, reading, writing the tables); "steady" counts
from the first finished report to the last, which leaves out worker start-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from cqcparse.analysis.rules import RuleSet, load_rules
from cqcparse.batch.run import extract_one, run_batch

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT.parents[1] / "shared" / "reports"
COMBINED = ["items.jsonl", "items.csv", "reports.csv", "breaches.csv", "errors.jsonl"]
CPU_LOG = ROOT / "out" / "cpu"


def timed_extract(pipe, task, timeout):
    """extract_one, noting the CPU seconds it took. On a shared machine, worker CPU time over wall time
    shows how many CPUs the workers really had."""
    start = time.process_time()
    try:
        return extract_one(pipe, task, timeout)
    finally:
        with open(CPU_LOG / f"{os.getpid()}.txt", "a") as f:
            f.write(f"{time.process_time() - start}\n")


def make_inputs(folder: Path, n: int, formats: list[str]) -> list[Path]:
    sources = sorted(p for p in CORPUS.iterdir() if p.suffix.lstrip(".") in formats and not p.name.startswith("arreta"))
    if not sources:
        raise SystemExit(f"no {'/'.join(formats)} reports in {CORPUS}")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        dst = folder / f"{i:04d}-{src.name}"
        shutil.copy(src, dst)
        out.append(dst)
    return out


def run(inputs: Path, out: Path, jobs: int, rules: RuleSet) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(CPU_LOG, ignore_errors=True)
    CPU_LOG.mkdir(parents=True)
    stamps: list[float] = []
    start = time.perf_counter()
    s = run_batch(
        [str(inputs)],
        out,
        jobs=jobs,
        force=True,
        rules=rules,
        handler=timed_extract,
        progress=lambda p: stamps.append(time.perf_counter()) if p.done else None,
    )
    wall = time.perf_counter() - start
    steady = stamps[-1] - stamps[0] if len(stamps) > 1 else wall
    cpu = sum(float(x) for f in CPU_LOG.iterdir() for x in f.read_text().split())
    return {
        "jobs": jobs,
        "files": s.extracted,
        "failed": s.failed,
        "pages": s.pages,
        "wall": wall,
        "files_s": s.extracted / wall,
        "pages_s": s.pages / wall,
        "steady_files_s": (len(stamps) - 1) / steady if steady else 0.0,
        "cpu_ms": 1000 * cpu / max(1, s.extracted),
        "cpus": cpu / steady if steady else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200, help="number of reports")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--formats", nargs="+", default=["txt", "html", "pdf"])
    ap.add_argument("--repeat", type=int, default=3, help="runs per worker count; the fastest is reported")
    args = ap.parse_args()
    inputs = ROOT / "out" / "inputs"
    make_inputs(inputs, args.n, args.formats)
    rules = load_rules()  # loaded once: every run uses the same rules even if the files change meanwhile
    runs: dict[int, list[dict]] = {j: [] for j in args.jobs}
    for _ in range(args.repeat):
        for j in args.jobs:
            runs[j].append(run(inputs, ROOT / "out" / f"jobs{j}", j, rules))
    rows = [min(runs[j], key=lambda r: r["wall"]) for j in args.jobs]
    base = rows[0]
    print(
        f"{args.n} reports ({', '.join(args.formats)}), {os.cpu_count()} CPUs, best of {args.repeat}, "
        f"load average {os.getloadavg()[0]:.1f}, rules {rules.fingerprint}\n"
    )
    print(
        "| workers | files | failed | pages | wall s | files/s | pages/s | speed-up | steady files/s "
        "| steady speed-up | CPU ms/file | CPUs the workers had |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['jobs']} | {r['files']} | {r['failed']} | {r['pages']} | {r['wall']:.1f} | {r['files_s']:.1f} | "
            f"{r['pages_s']:.1f} | {base['wall'] / r['wall']:.2f}x | {r['steady_files_s']:.1f} | "
            f"{r['steady_files_s'] / base['steady_files_s']:.2f}x | {r['cpu_ms']:.0f} | {r['cpus']:.2f} |"
        )
    same = all(
        (ROOT / "out" / f"jobs{args.jobs[0]}" / f).read_bytes() == (ROOT / "out" / f"jobs{j}" / f).read_bytes()
        for j in args.jobs[1:]
        for f in COMBINED
    )
    print(f"\ncombined files identical across worker counts: {same}")


if __name__ == "__main__":  # workers are started by a fork server or spawned: the guard is required
    main()
