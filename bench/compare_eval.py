"""Score `cqcparse compare` on the labelled pairs in fixtures/compare and sweep the threshold.

.venv/bin/python bench/compare_eval.py [--threshold 0.6] [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cqcparse.compare import DEFAULT_THRESHOLD, compare_reports
from cqcparse.compare.gold import Gold, Score, score
from cqcparse.compare.match import CONCEPT_WEIGHT, DEFAULT_METHOD, METHODS
from cqcparse.pipeline import Pipeline


def _tfidf(**options):
    """TF-IDF cosine fitted on both reports' items (scikit-learn, installed for this bench only)."""

    def matrix(old, new, corpus):
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(sublinear_tf=True, **options).fit(corpus + old + new)
        return (vec.transform(old) @ vec.transform(new).T).toarray()

    return matrix


def _mean(*ms):
    return lambda old, new, corpus: sum(m(old, new, corpus) for m in ms) / len(ms)


def _max(*ms):
    return lambda old, new, corpus: np.maximum.reduce([m(old, new, corpus) for m in ms])


try:
    import sklearn  # noqa: F401

    METHODS["tfidf_word"] = _tfidf(analyzer="word", token_pattern=r"\S+")
    METHODS["tfidf_char"] = _tfidf(analyzer="char_wb", ngram_range=(3, 5))
    METHODS["set_tfidf_char"] = _mean(METHODS["token_set"], METHODS["tfidf_char"])
    METHODS["max_set_tfidf_char"] = _max(METHODS["token_set"], METHODS["tfidf_char"])
except ImportError:
    pass

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "compare"
SWEEP = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--method", default=DEFAULT_METHOD, choices=list(METHODS))
    ap.add_argument("--concept-weight", type=float, default=CONCEPT_WEIGHT)
    ap.add_argument("-v", action="store_true", help="list wrong and missed pairs at --threshold")
    args = ap.parse_args()
    pipe = Pipeline()
    pairs = []
    for d in sorted(p for p in PAIRS.iterdir() if (p / "gold.json").exists()):
        gold = Gold.model_validate_json((d / "gold.json").read_text())
        pairs.append((d.name, *(pipe.extract(d / f, include_text=True) for f in ("old.txt", "new.txt")), gold))
    print("| threshold | predicted | correct | expected | found | precision | recall | answered |")
    print("|---|---|---|---|---|---|---|---|")
    for t in sorted({*SWEEP, args.threshold}):
        total = Score()
        for _, old, new, gold in pairs:
            total = total.add(
                score(
                    compare_reports(old, new, threshold=t, method=args.method, concept_weight=args.concept_weight), gold
                )
            )
        mark = " (default)" if t == DEFAULT_THRESHOLD else ""
        print(
            f"| {t:.2f}{mark} | {total.predicted} | {total.correct} | {total.expected} | {total.found} | "
            f"{ratio(total.correct, total.predicted)} | {ratio(total.found, total.expected)} | "
            f"{total.answered}/{total.answered_expected} |"
        )
    print()
    for name, old, new, gold in pairs:
        c = compare_reports(old, new, threshold=args.threshold, method=args.method, concept_weight=args.concept_weight)
        s = score(c, gold)
        print(
            f"{name}: P {ratio(s.correct, s.predicted)} R {ratio(s.found, s.expected)} answered "
            f"{s.answered}/{s.answered_expected} ratings {'ok' if not s.ratings_wrong else s.ratings_wrong} "
            f"breaches {'ok' if not s.breaches_wrong else s.breaches_wrong}"
        )
        if args.v:
            for p in [*c.actions.recurring, *c.findings.recurring]:
                print(f"    {p.similarity:.2f} {p.old.kind[0]} {p.old.text[:70]!r} -> {p.new.text[:70]!r}")


if __name__ == "__main__":
    main()
