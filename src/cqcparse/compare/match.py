"""Which item of the new report says again what an item of the old report said.

Similarity is rapidfuzz's token-set ratio of the two texts after normalisation (lower case, stop words,
negations and action boilerplate dropped, a light suffix stemmer), so that a reworded shortfall still
matches and "not managed safely" matches its answer "managed safely". Labels constrain it: two items can
only pair when they share a key question or quality statement, or when either has none. The pairing is
one-to-one and maximises the total similarity (scipy's linear_sum_assignment), not greedy; pairs below
the threshold are never made.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from ..records import Item
from ..rules import QUALITY_STATEMENTS

DEFAULT_THRESHOLD = 0.6
"""Least similarity (0-1) of a recurring pair; measured on the labelled pairs in fixtures/compare."""

STOP_WORDS = frozenset("""
a an the of to in on at by for with from into and or but as that this these those there their they them
it its which who whom whose what when where while was were is are be been being had has have having do
does did done so such than then also any all some each other more most very can could would will may
we our us you your he she his her i me my one ones
not no nor never none always consistently fully sufficiently robust robustly properly appropriately
failed fail failing ensure ensured ensuring must should need needs needed required make made
service services provider providers people person's people's persons home practice trust location
registered manager leaders staff
""".split())
"""Words that say who or how strongly, not what: dropped before comparing."""

SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ness", "ies", "ied", "ed", "es", "ly", "s")
WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """Strip one common suffix, then a final e: managed, manage, management -> manag."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def normalise(text: str) -> str:
    words = WORD.findall(text.lower().replace("\u2019", "'").replace("'s ", " "))
    return " ".join(stem(w) for w in words if w not in STOP_WORDS)


def similarity(a: str, b: str) -> float:
    return fuzz.token_set_ratio(normalise(a), normalise(b)) / 100


def similarity_matrix(old: Sequence[str], new: Sequence[str]) -> np.ndarray:
    """similarity(old[i], new[j]) for every pair, as a float array of shape (len(old), len(new))."""
    if not old or not new:
        return np.zeros((len(old), len(new)))
    return process.cdist([normalise(t) for t in old], [normalise(t) for t in new],
                         scorer=fuzz.token_set_ratio, dtype=np.float64) / 100


def labels(item: Item) -> set[str]:
    """The key question and quality statement of an item (the key question of its quality statement)."""
    out = {x for x in (item.key_question, item.quality_statement) if x}
    if item.quality_statement in QUALITY_STATEMENTS:
        out.add(QUALITY_STATEMENTS[item.quality_statement])
    return out


def shared_labels(a: Item, b: Item) -> list[str] | None:
    """The labels two items share, [] when either has none, None when they cannot pair."""
    la, lb = labels(a), labels(b)
    if not la or not lb:
        return []
    common = la & lb
    return sorted(common) if common else None


def scores(old: Sequence[Item], new: Sequence[Item], threshold: float) -> np.ndarray:
    """Similarities with pairs that the labels forbid, or below the threshold, set to 0."""
    s = similarity_matrix([i.text for i in old], [i.text for i in new])
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            if s[i, j] < threshold or shared_labels(a, b) is None:
                s[i, j] = 0.0
    return s


def assign(old: Sequence[Item], new: Sequence[Item], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (old index, new index, similarity) maximising the total similarity, each at
    least `threshold`, in old-index order."""
    s = scores(old, new, threshold)
    if s.size == 0:
        return []
    rows, cols = linear_sum_assignment(s, maximize=True)
    return [(int(i), int(j), round(float(s[i, j]), 4)) for i, j in zip(rows, cols) if s[i, j] > 0]


def best_answer(item: Item, positives: Sequence[Item], threshold: float) -> tuple[Item, float] | None:
    """The positive of the new report most similar to an old finding or action (at least `threshold`,
    labels allowing), earliest on ties."""
    if not positives:
        return None
    s = scores([item], positives, threshold)[0]
    j = int(np.argmax(s))
    return (positives[j], round(float(s[j]), 4)) if s[j] > 0 else None
