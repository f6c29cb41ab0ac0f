#!/usr/bin/env python3
"""Benchmark the PDF text stage: cqcparse's two engines against `pdftotext`, plus end-to-end `extract`.

Usage:  python bench/bench_pdf.py [--corpus DIR] [--pages 300] [--repeat 3] [--big-only] [--modes pdfium,extract]
        [--src DIR]   (another checkout's src/, to measure it with the same script: before/after)

* Corpus: every PDF in ../shared/reports (next to the repo), or --corpus DIR.
* Big file: the corpus PDFs concatenated (pypdfium2 import_pages) to about --pages pages, written to
  bench/out/big-<N>.pdf (bench/out/ is gitignored; it is never committed).
* Each stage's CPU pages/s is also given as a ratio to pdftotext's on the same file in the same run
  ("x pdftotext": 0.5 means half as fast as pdftotext).
* Last, the command line's start-up time (bench_startup.py, fresh processes), unless --no-startup.
* Each measurement runs in a fresh child process so that its peak RSS (resource.getrusage ru_maxrss,
  which includes pdfium's C allocations) belongs to that run alone. Time is the best of --repeat runs
  of the stage itself, after the imports. CPU time and peak RSS include the measuring process's own
  children: `extract` reads a PDF in a forked child (limits.run_limited).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "reports"


def _child(mode: str, path: str, repeat: int, src: str) -> None:
    """Run one measurement in this process and print a JSON line."""
    sys.path.insert(0, src)
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(path) as doc:
        n_pages = len(doc)
    if mode in ("pdfium", "plumber"):
        from cqcparse.readers.pdf.reader import read_pdf

        def run():
            return len(read_pdf(path, engine=mode, max_seconds=3600).text)
    elif mode == "pdftotext":

        def run():
            out = subprocess.run(["pdftotext", "-layout", path, "-"], check=True, capture_output=True)
            return len(out.stdout)
    elif mode == "extract":
        try:
            from cqcparse import extract
        except Exception as exc:  # the pipeline may not be there yet
            print(json.dumps({"mode": mode, "skipped": f"{type(exc).__name__}: {exc}"}))
            return

        def run():
            extract(path)
            return 0
    else:
        raise SystemExit(f"unknown mode {mode}")
    best = best_cpu = float("inf")
    for _ in range(repeat):
        c0 = time.process_time() + _children_cpu()
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() + _children_cpu() - c0)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "mode": mode,
                "pages": n_pages,
                "seconds": best,
                "cpu": best_cpu,
                # the largest of this process and its children: pdftotext, and the forked child in which
                # `extract` reads a PDF (limits.run_limited), whose CPU time is counted above too
                "peak_mb": max(rss_kb, child_kb) / 1024,
            }
        )
    )


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def make_big(corpus: list[Path], target: int) -> Path:
    import pypdfium2 as pdfium

    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    dest = out_dir / f"big-{target}.pdf"
    if dest.exists():
        return dest
    big = pdfium.PdfDocument.new()
    sources = [pdfium.PdfDocument(str(p)) for p in corpus]
    while len(big) < target:
        for src in sources:
            if len(big) >= target:
                break
            take = min(len(src), target - len(big))
            big.import_pages(src, list(range(take)))
    big.save(str(dest))
    for s in sources:
        s.close()
    big.close()
    return dest


def measure(mode: str, path: Path, repeat: int, src: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), "--repeat", str(repeat), "--src", str(src)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return {"mode": mode, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--pages", type=int, default=300, help="size of the concatenated PDF")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--big-only", action="store_true", help="measure the concatenated file only")
    ap.add_argument("--modes", default="pdfium,plumber,pdftotext,extract", help="stages, comma-separated")
    ap.add_argument("--src", type=Path, default=REPO / "src", help="the cqcparse source tree to measure")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up times (bench_startup.py)")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PDF"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.repeat, str(args.src))
        return
    corpus = sorted(args.corpus.glob("*.pdf"))
    if not corpus:
        raise SystemExit(f"no PDFs in {args.corpus}")
    modes = [m for m in args.modes.split(",") if m != "pdftotext" or shutil.which("pdftotext")]
    if "pdftotext" in modes:  # measured first: the ratios are to it
        modes = ["pdftotext"] + [m for m in modes if m != "pdftotext"]
    big = make_big(corpus, args.pages)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; corpus {args.corpus} ({len(corpus)} PDFs); "
        f"cqcparse from {args.src}"
    )
    print(
        "seconds: best wall time of the stage; pages/s from it; CPU pages/s from the CPU time it used (steadier "
        "on a busy machine); peak MB: the child process's max RSS"
    )
    print(
        f"{'file':46} {'stage':10} {'pages':>5} {'seconds':>8} {'pages/s':>8} {'CPU p/s':>8} {'peak MB':>8} "
        f"{'x pdftotext':>11}"
    )
    totals: dict[str, list[float]] = {}
    for path in ([] if args.big_only else corpus) + [big]:
        ref = None
        for mode in modes:
            r = measure(mode, path, 1 if path == big and mode == "plumber" else args.repeat, args.src)
            name = path.name if path != big else f"{path.name} (concatenated)"
            if "seconds" not in r:
                print(f"{name[:46]:46} {mode:10} {'-':>5} {r.get('skipped') or r.get('error')}")
                continue
            pps = r["pages"] / r["seconds"] if r["seconds"] else float("inf")
            cps = r["pages"] / r["cpu"] if r["cpu"] else float("inf")
            if mode == "pdftotext":
                ref = cps
            ratio = f"{cps / ref:11.2f}" if ref else f"{'-':>11}"
            print(
                f"{name[:46]:46} {mode:10} {r['pages']:5d} {r['seconds']:8.3f} {pps:8.1f} {cps:8.1f} "
                f"{r['peak_mb']:8.1f} {ratio}"
            )
            if path != big:
                t = totals.setdefault(mode, [0, 0.0, 0.0, 0.0])
                t[0] += r["pages"]
                t[1] += r["seconds"]
                t[2] += r["cpu"]
                t[3] = max(t[3], r["peak_mb"])
    print()
    for mode, (pages, secs, cpu, peak) in totals.items():
        print(
            f"{'corpus total':46} {mode:10} {pages:5d} {secs:8.3f} {pages / secs:8.1f} {pages / cpu:8.1f} {peak:8.1f}"
        )
    if not args.no_startup:
        print("\nstart-up of the command line (bench/bench_startup.py --repeat 3):")
        subprocess.run([sys.executable, str(HERE / "bench_startup.py"), "--repeat", "3"], check=False)


if __name__ == "__main__":
    main()
