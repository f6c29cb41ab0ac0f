"""Which item of the new report says again what an item of the old report said.

Similarity is rapidfuzz's token-set ratio of the two texts after normalisation (lower case, stop words,
negations and action boilerplate dropped, a light suffix stemmer; texts of fewer than MIN_WORDS words are
compared whole, with the token-sort ratio), so that a reworded shortfall still
matches and "not managed safely" matches its answer "managed safely". Labels constrain it: two items can
only pair when they share a key question or quality statement, or when either has none; when both cite
regulations, they must cite one in common; an item about the last inspection ("At our last inspection
...") only pairs with another such item. The pairing is one-to-one and maximises the total similarity
above the threshold (scipy's linear_sum_assignment), not greedy; pairs below the threshold are never
made. Two items of a shared label that express one concept of compare/concepts.yaml (CQC's stock
phrasings of one shortfall) gain CONCEPT_WEIGHT of the similarity their words lack. bench/compare_eval.py
measures the choices on the labelled pairs in fixtures/compare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from cqcparse.analysis.vocabulary import QUALITY_STATEMENTS
from cqcparse.compare.concepts import concepts_of
from cqcparse.compare.defaults import CONCEPT_WEIGHT, DEFAULT_THRESHOLD
from cqcparse.records import Item

STOP_WORDS = frozenset(
    """
a an the of to in on at by for with from into about and or but as that this these those there their they them
it its which who whom whose what when where while was were is are be been being had has have having do
does did done so such than then also any all some each other more most very can could would will may
we our us you your he she his her i me my one ones
not no nor never none always often sometimes still yet some several every only consistently fully sufficiently robust robustly properly appropriately
failed fail failing ensure ensured ensuring must should needed required make made
service services provider providers people person's people's persons home practice trust location
registered manager leaders staff
""".split()
)
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


def _rapidfuzz(scorer):
    def matrix(old: list[str], new: list[str], corpus: list[str]) -> np.ndarray:
        return process.cdist(old, new, scorer=scorer, dtype=np.float64) / 100

    return matrix


MIN_WORDS = 3
"""Below this many normalised words a text is compared whole (token-sort ratio): a token-set ratio would
score 1 for any text containing its one or two words ("The service was not always safe." -> "saf")."""


def _token_set_guarded(old: list[str], new: list[str], corpus: list[str]) -> np.ndarray:
    s = process.cdist(old, new, scorer=fuzz.token_set_ratio, dtype=np.float64) / 100
    short_old = np.array([len(t.split()) < MIN_WORDS for t in old])
    short_new = np.array([len(t.split()) < MIN_WORDS for t in new])
    short = short_old[:, None] | short_new[None, :]
    if short.any():
        whole = process.cdist(old, new, scorer=fuzz.token_sort_ratio, dtype=np.float64) / 100
        s = np.where(short, whole, s)
    return s


def _mean(*matrices):
    def matrix(old: list[str], new: list[str], corpus: list[str]) -> np.ndarray:
        return sum(m(old, new, corpus) for m in matrices) / len(matrices)

    return matrix


METHODS = {
    "token_set": _token_set_guarded,
    "token_set_plain": _rapidfuzz(fuzz.token_set_ratio),
    "token_sort": _rapidfuzz(fuzz.token_sort_ratio),
    "set_sort": _mean(_rapidfuzz(fuzz.token_set_ratio), _rapidfuzz(fuzz.token_sort_ratio)),
}
"""Similarity measures of normalised texts; bench/compare_eval.py compares them (and TF-IDF ones)."""
DEFAULT_METHOD = "token_set"


def similarity_matrix(
    old: Sequence[str], new: Sequence[str], corpus: Sequence[str] = (), method: str = DEFAULT_METHOD
) -> np.ndarray:
    """similarity(old[i], new[j]) of the normalised texts for every pair, shape (len(old), len(new)).
    `corpus` (every item text of both reports) is there for measures that weigh words by rarity."""
    if not old or not new:
        return np.zeros((len(old), len(new)))
    return METHODS[method]([normalise(t) for t in old], [normalise(t) for t in new], [normalise(t) for t in corpus])


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


REGULATION = re.compile(r"\bregulations? (\d{1,2}[A-Z]?)\b", re.IGNORECASE)  # not "Regulations 2014"
EARLIER = re.compile(
    r"(?:at|following|after|during) (?:our|the|its) (?:last|previous|earlier) (?:inspection|assessment|visit)s?\b",
    re.IGNORECASE,
)
"""How a sentence about an earlier inspection starts ("At our last inspection the provider had failed
to ..."); "since our last inspection" is about now."""


def regulations(text: str) -> set[str]:
    return {m.group(1).upper() for m in REGULATION.finditer(text)}


SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
LEAD = re.compile(r"^[\s\-\u2022\u25cf*]+")


def sentence_before(text: str, start: int) -> str:
    """The sentence that ends right before `start` in the document text, within its line (bullet mark
    dropped): a sentence wrapped over two lines is not seen whole, and then not taken as earlier."""
    parts = [p for p in SENTENCE_END.split(text[max(0, start - 600) : start]) if p.strip()]
    return LEAD.sub("", parts[-1]) if parts else ""


def earlier_items(items: Sequence[Item], text: str | None = None) -> set[str]:
    """Ids of the items that describe an earlier inspection: those saying so, and a sentence starting
    'This' straight after one ("This was a breach of regulation 17."), an item or, given the document
    text, a sentence that is no item (the classifier reads most such sentences as past inspection)."""
    out: set[str] = set()
    prev: Item | None = None
    for it in sorted(items, key=lambda i: (i.start, i.kind)):
        if prev is not None and it.start == prev.start:
            if prev.id in out:
                out.add(it.id)
            continue
        follows = it.text.startswith("This ") and (
            (prev is not None and prev.id in out and it.start - prev.end <= 3)
            or (text is not None and EARLIER.match(sentence_before(text, it.start)) is not None)
        )
        if EARLIER.match(it.text) or follows:
            out.add(it.id)
        prev = it
    return out


@dataclass(frozen=True)
class Settings:
    """How items are matched: the least similarity, the method (see METHODS), every item text of both
    reports (word weights for TF-IDF) and the ids of items about an earlier inspection."""

    threshold: float = DEFAULT_THRESHOLD
    method: str = DEFAULT_METHOD
    corpus: tuple[str, ...] = ()
    earlier: frozenset[str] = frozenset()
    concept_weight: float = CONCEPT_WEIGHT


def allowed(a: Item, b: Item, settings: Settings) -> bool:
    """Labels agree (or one is missing), both or neither are about an earlier inspection, and the
    regulations they cite (if both cite one) overlap."""
    if shared_labels(a, b) is None or ((a.id in settings.earlier) != (b.id in settings.earlier)):
        return False
    ra, rb = regulations(a.text), regulations(b.text)
    return not (ra and rb and not ra & rb)


def scores(old: Sequence[Item], new: Sequence[Item], settings: Settings) -> np.ndarray:
    """Similarities (raised by shared concepts), with pairs that are not allowed or fall below the
    threshold set to 0."""
    s = similarity_matrix([i.text for i in old], [i.text for i in new], settings.corpus, settings.method)
    new_concepts = [concepts_of(b.text) for b in new]
    for i, a in enumerate(old):
        old_concepts = concepts_of(a.text)
        for j, b in enumerate(new):
            if old_concepts & new_concepts[j] and shared_labels(a, b):
                s[i, j] += settings.concept_weight * (1 - s[i, j])
            if s[i, j] < settings.threshold or not allowed(a, b, settings):
                s[i, j] = 0.0
    return s


def assign(old: Sequence[Item], new: Sequence[Item], settings: Settings) -> list[tuple[int, int, float]]:
    """One-to-one pairs (old index, new index, similarity) maximising the total similarity, each at
    least the threshold, in old-index order."""
    s = scores(old, new, settings)
    if s.size == 0:
        return []
    # each pair is worth what it has above the threshold, so two weak pairs never outweigh a strong one
    gain = np.where(s > 0, s - settings.threshold + 1e-6, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [(int(i), int(j), round(float(s[i, j]), 4)) for i, j in zip(rows, cols, strict=True) if s[i, j] > 0]


def best_answer(item: Item, positives: Sequence[Item], settings: Settings) -> tuple[Item, float] | None:
    """The positive of the new report most similar to an old finding or action (at least the threshold,
    allowed as a pair), earliest on ties."""
    if not positives:
        return None
    s = scores([item], positives, settings)[0]
    j = int(np.argmax(s))
    return (positives[j], round(float(s[j]), 4)) if s[j] > 0 else None
