"""Score a Comparison against a hand-made gold file (fixtures/compare/PAIR/gold.json)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from cqcparse.compare.model import Comparison, Pair


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")
    old: list[str]
    new: list[str]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    old: str
    new: list[str]


class BreachGold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    repeated: list[str]
    new: list[str]
    cleared: list[str]


class Gold(BaseModel):
    """Groups of old and new sentences (substrings) that are one recurring shortfall; old shortfalls
    answered by a new positive; expected rating changes and breaches."""

    model_config = ConfigDict(extra="forbid")
    recurring: list[Group]
    answered: list[Answer] = []
    ratings: dict[str, str]
    breaches: BreachGold


@dataclass
class Score:
    predicted: int = 0  # distinct recurring pairs (old sentence, new sentence)
    correct: int = 0  # of those, inside one gold group
    expected: int = 0  # sum over groups of min(old, new)
    found: int = 0  # expected pairs found (at most min(old, new) per group)
    answered: int = 0  # gold answers whose old item is resolved with an acceptable positive
    answered_expected: int = 0
    ratings_wrong: list[str] = field(default_factory=list)
    breaches_wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> Score:
        return Score(
            self.predicted + other.predicted,
            self.correct + other.correct,
            self.expected + other.expected,
            self.found + other.found,
            self.answered + other.answered,
            self.answered_expected + other.answered_expected,
            self.ratings_wrong + other.ratings_wrong,
            self.breaches_wrong + other.breaches_wrong,
        )


def _group_of(pair: Pair, groups: list[Group]) -> int | None:
    for n, g in enumerate(groups):
        if any(s in pair.old.text for s in g.old) and any(s in pair.new.text for s in g.new):
            return n
    return None


def score(c: Comparison, gold: Gold) -> Score:
    pairs: dict[tuple[int, int], Pair] = {}
    for p in [*c.actions.recurring, *c.findings.recurring]:
        pairs.setdefault((p.old.start, p.new.start), p)
    per_group = [0] * len(gold.recurring)
    correct = 0
    for p in pairs.values():
        n = _group_of(p, gold.recurring)
        if n is not None:
            correct += 1
            per_group[n] += 1
    caps = [min(len(g.old), len(g.new)) for g in gold.recurring]
    resolved = [*c.actions.resolved, *c.findings.resolved]
    answered = sum(
        1
        for a in gold.answered
        if any(
            a.old in r.item.text and r.evidence is not None and any(s in r.evidence.text for s in a.new)
            for r in resolved
        )
    )
    ratings = {r.question: r.change for r in c.ratings}
    wrong_ratings = [f"{q}: {ratings.get(q)} not {want}" for q, want in gold.ratings.items() if ratings.get(q) != want]
    b = c.breaches
    got = {"repeated": b.repeated, "new": b.new, "cleared": b.cleared}
    wrong_breaches = [
        f"{k}: {[r.regulation for r in got[k]]} not {want}"
        for k, want in gold.breaches.model_dump().items()
        if sorted(r.regulation for r in got[k]) != sorted(want)
    ]
    return Score(
        len(pairs),
        correct,
        sum(caps),
        sum(min(f, cap) for f, cap in zip(per_group, caps, strict=True)),
        answered,
        len(gold.answered),
        wrong_ratings,
        wrong_breaches,
    )
