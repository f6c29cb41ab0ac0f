"""List tracked files that share word 8-grams with the real CQC reports in ../shared/reports.

Real reports are every report there except the typeset fictional ones (those with a source in
reports/src/NAME.md, which are free to copy). An 8-gram that also occurs in a fictional report, or in two
real reports (the .txt and .html of one report count once), is CQC's common wording (regulation titles,
rating headings, framework phrases), so it is not counted. Each hit prints the passages of the tracked
file made of shared 8-grams, with their length in words.

Usage: .venv/bin/python bench/check_real_text.py [--shared ../shared] [-n 8] [--show 3]
Exit code 1 when any tracked file shares an 8-gram with a real report.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from bs4 import BeautifulSoup

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
TEXT_SUFFIXES = {".txt", ".md", ".py", ".yaml", ".yml", ".json", ".jsonl", ".csv", ".toml", ".sh", ".j2", ".cfg"}


Gram = tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    path: str
    report: str
    words: int
    passages: tuple[str, ...]


def read_text(path: Path) -> str:
    """The words of a text, web page or PDF file ('' for other binary files)."""
    if path.suffix == ".pdf":
        pdf = pypdfium2.PdfDocument(str(path))
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    if path.suffix in {".html", ".htm"}:
        return BeautifulSoup(path.read_bytes(), "lxml").get_text(" ")
    if path.suffix in TEXT_SUFFIXES or not path.suffix:
        return path.read_text(encoding="utf-8", errors="replace")
    return ""


def words(text: str) -> list[str]:
    folded = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return WORD.findall(folded)


def ngrams(tokens: list[str], n: int) -> set[Gram]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def passages(tokens: list[str], n: int, grams: set[Gram]) -> list[str]:
    """The maximal runs of `tokens` covered by n-grams in `grams`."""
    runs: list[list[int]] = []
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in grams:
            if runs and i <= runs[-1][1]:
                runs[-1][1] = i + n
            else:
                runs.append([i, i + n])
    return [" ".join(tokens[start:end]) for start, end in runs]


def corpus_ngrams(reports: Path, n: int) -> tuple[dict[str, set[Gram]], set[Gram]]:
    """The n-grams of each real report (by name without suffix), and the common wording to ignore."""
    fictional_names = {src.stem for src in (reports / "src").glob("*.md")}
    real: dict[str, set[Gram]] = {}
    common: set[Gram] = set()
    for path in sorted(p for p in reports.rglob("*") if p.is_file() and p.name != "README.md"):
        grams = ngrams(words(read_text(path)), n)
        if path.stem in fictional_names:
            common |= grams
        else:
            real[path.stem] = real.get(path.stem, set()) | grams
    seen: set[Gram] = set()
    for grams in real.values():
        common |= grams & seen
        seen |= grams
    return real, common


def check(repo: Path, reports: Path, n: int) -> list[Hit]:
    real, common = corpus_ngrams(reports, n)
    tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout
    hits = []
    for name in tracked.splitlines():
        if name == "bench/check_real_text.py" or not (repo / name).is_file():
            continue
        tokens = words(read_text(repo / name))
        grams = ngrams(tokens, n) - common
        for report, report_grams in real.items():
            found = passages(tokens, n, grams & report_grams)
            if found:
                hits.append(Hit(name, report, sum(len(p.split()) for p in found), tuple(found)))
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared")
    parser.add_argument("-n", type=int, default=8)
    parser.add_argument("--show", type=int, default=3, help="passages to print per hit")
    args = parser.parse_args()
    reports = args.shared / "reports"
    if not reports.is_dir():
        print(f"Error: {reports}: no such folder", file=sys.stderr)
        return 1
    hits = check(Path(__file__).resolve().parents[1], reports, args.n)
    for hit in hits:
        print(f"{hit.path}\t{hit.report}\t{len(hit.passages)} passages, {hit.words} words")
        for passage in hit.passages[: args.show]:
            print(f"    {passage}")
    print(f"{len(hits)} (file, real report) pairs share {args.n}-grams", file=sys.stderr)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
