"""How fast the command line answers before any work: `--help`, `--version` and a usage error, each in a
fresh process (the target is under 0.3 s), and which heavy modules importing cqcparse.cli loads (none should).

    .venv/bin/python bench/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = [
    "spacy",
    "scipy",
    "weasel",
    "rich.console",
    "typer.rich_utils",
    "cqcparse.pipeline",
    "yaml",
    "pypdfium2",
    "pdfplumber",
]
CASES = {"--help": ["--help"], "--version": ["--version"], "usage error": ["extract"], "python -c pass": None}


def seconds(args: list[str] | None) -> float:
    cmd = [sys.executable, "-c", "pass"] if args is None else [sys.executable, "-m", "cqcparse", *args]
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    n = parser.parse_args().repeat
    print(f"{'case':16} {'best s':>7} {'median s':>9} {'user+sys CPU s':>15}")
    for name, args in CASES.items():
        times, cpu = [], []
        for _ in range(n):
            before = _children_cpu()
            times.append(seconds(args))
            cpu.append(_children_cpu() - before)
        print(f"{name:16} {min(times):7.3f} {statistics.median(times):9.3f} {statistics.median(cpu):15.3f}")
    probe = f"import sys, cqcparse.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip()
    print(f"heavy modules loaded by `import cqcparse.cli`: {loaded}")


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


if __name__ == "__main__":
    main()
