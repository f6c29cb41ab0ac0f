"""Quality statement labels from topic words, for sentences that no quality statement heading encloses.
Pure functions over cue hits; the topic rules themselves are data (rules/topics.yaml)."""

from __future__ import annotations

from collections import defaultdict

from cqcparse.analysis.match import Hit

# In "Leaders must make sure the strategy is ...", the actor before the modal verb is not the topic.
ACTOR_WEIGHT = 0.5
# Below this weight a sentence's topic words do not outweigh the paragraph's topic ("They reported it to the board").
STRONG_TOPIC = 1.0


def topic_weight(hit: Hit, text: str) -> float:
    """A longer phrase is a surer sign of its topic: the rule's weight times (1 + 0.5 per extra word)."""
    return hit.weight * (1 + 0.5 * (len(text[hit.start : hit.end].split()) - 1))


def outermost(hits: list[Hit]) -> list[Hit]:
    """Topic hits not inside a longer hit of another topic ("board" in "board assurance framework")."""
    return [
        h
        for h in hits
        if not any(o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start for o in hits)
    ]


def topic_scores(hits: list[Hit], text: str, *, actor_end: int | None = None) -> dict[str, float]:
    """Each quality statement's topic weight in a sentence. Hits ending before `actor_end` (an action's
    modal verb) weigh ACTOR_WEIGHT as much."""
    score: dict[str, float] = defaultdict(float)
    for h in outermost(hits):
        assert h.label is not None
        actor = actor_end is not None and h.end <= actor_end
        score[h.label] += topic_weight(h, text) * (ACTOR_WEIGHT if actor else 1.0)
    return dict(score)


def best_topic(hits: list[Hit], text: str, *, actor_end: int | None = None) -> tuple[str | None, list[str]]:
    """The quality statement with the most topic weight, and its rules; ties go to the earliest mention."""
    score = topic_scores(hits, text, actor_end=actor_end)
    if not score:
        return None, []
    first = {lab: min(h.start for h in hits if h.label == lab) for lab in score}
    best = max(score, key=lambda k: (score[k], -first[k]))
    return best, sorted({h.rule for h in outermost(hits) if h.label == best})


def carries_over(hits: list[Hit], text: str, *, actor_end: int | None = None) -> bool:
    """Whether a sentence's own topic words are too weak to label it (none, or only weak ones such as
    'the board'), so that it continues the topic of the sentence before it in the paragraph."""
    return max(topic_scores(hits, text, actor_end=actor_end).values(), default=0.0) < STRONG_TOPIC
