"""Decide each sentence's kinds (finding, action with modality, positive) and labels from its cue hits
and its context (section heading, list introduction). Pure functions over typed values."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from cqcparse.analysis.match import Hit
from cqcparse.analysis.segment import in_quotes

MODALITY_RANK = {"must": 3, "should": 2, "needs": 1}
NEGATION = re.compile(r"\b(?:not|never|no|without|lack of)\b|n't\b")


@dataclass(frozen=True, slots=True)
class Context:
    """What the enclosing section and list say about a sentence."""
    section: str | None = None
    key_question: str | None = None
    quality_statement: str | None = None
    kind: str | None = None  # improvement, positive, must, should
    kind_rule: str | None = None  # the heading or context rule that set `kind`
    use_topics: bool = True


@dataclass(slots=True)
class Decision:
    kinds: list[str] = field(default_factory=list)
    modality: str | None = None
    quality_statement: str | None = None
    rules: dict[str, list[str]] = field(default_factory=dict)  # kind -> rule ids that decided it
    finding_score: float = 0.0
    positive_score: float = 0.0
    path: list[str] = field(default_factory=list)  # the decision steps, for `explain`


def clause_start(text: str, sent_start: int, offset: int) -> int:
    """Start of the clause holding `offset`: after the last comma, semicolon or colon before it."""
    cut = max(text.rfind(c, sent_start, offset) for c in ",;:")
    return cut + 1 if cut >= 0 else sent_start


def decide(hits: list[Hit], ctx: Context, text: str, sent_start: int, sent_end: int) -> Decision:
    d = Decision()
    by_kind: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        # quotations are evidence, not the inspectors' own words: their cues do not count
        if h.kind in ("finding", "positive", "action") and in_quotes(text, sent_start, h.start):
            continue
        if h.kind == "positive" and NEGATION.search(text, clause_start(text, sent_start, h.start), h.start):
            continue  # "not always safely": a negated strength is no strength
        by_kind[h.kind].append(h)
    blocked = by_kind["not_item"]
    traps = by_kind["not_action"]
    actions = by_kind["action"]
    if ctx.kind == "expectation" or text[:sent_end].rstrip().endswith((":", "?")):
        # what CQC expects of every provider; list introductions ("the trust must:") are not items
        d.path.append("not an item: expectation or list introduction or question")
        return d

    # action: a heading or list context sets the modality; else the strongest modal cue, unless a trap
    # (law, CQC process) is present.
    if blocked and ctx.kind not in ("must", "should"):
        d.path.append(f"not an item: {[h.rule for h in blocked]}")
        return d
    if ctx.kind in ("must", "should") and not blocked:
        d.modality = ctx.kind
        d.rules["action"] = [ctx.kind_rule or f"context.{ctx.kind}"]
        d.path.append(f"action ({ctx.kind}) from context {ctx.kind_rule}")
    elif actions and traps:
        d.path.append(f"action cues {[h.rule for h in actions]} ignored: trap {[h.rule for h in traps]}")
    elif actions:
        best = max(actions, key=lambda h: (MODALITY_RANK[h.label or "needs"], -h.start))
        d.modality = best.label
        d.rules["action"] = sorted({h.rule for h in actions})
        d.path.append(f"action ({best.label}) from cue {best.rule}")
    if d.modality:
        d.kinds.append("action")

    f_hits, p_hits = by_kind["finding"], by_kind["positive"]
    d.finding_score = sum(h.weight for h in f_hits)
    d.positive_score = sum(h.weight for h in p_hits)
    f_rules = [h.rule for h in f_hits]
    p_rules = [h.rule for h in p_hits]
    if d.modality is None and ctx.kind == "improvement":
        d.finding_score += 1.0
        f_rules.append(ctx.kind_rule or "context.improvement")
    if d.modality is None and ctx.kind == "positive":
        d.positive_score += 1.0
        p_rules.append(ctx.kind_rule or "context.positive")
    if blocked:
        d.path.append(f"no finding or positive: {[h.rule for h in blocked]}")
    elif d.modality in ("must", "should") and d.finding_score < 2:
        d.path.append("an action stating no clear shortfall is not a finding")
    elif d.finding_score > 0 and d.finding_score >= d.positive_score:
        d.kinds.append("finding")
        d.rules["finding"] = sorted(set(f_rules))
        d.path.append(f"finding: score {d.finding_score:g} >= positive {d.positive_score:g}")
    elif d.positive_score > 0 and d.modality is None:
        d.kinds.append("positive")
        d.rules["positive"] = sorted(set(p_rules))
        d.path.append(f"positive: score {d.positive_score:g} > finding {d.finding_score:g}")

    d.quality_statement = ctx.quality_statement
    if d.quality_statement:
        d.path.append(f"quality statement {d.quality_statement} from section")
    elif ctx.use_topics:
        d.quality_statement, topic_rules = best_topic(by_kind["topic"])
        if d.quality_statement:
            d.path.append(f"quality statement {d.quality_statement} from topics {topic_rules}")
            for k in d.kinds:
                d.rules[k] = sorted(set(d.rules.get(k, [])) | set(topic_rules))
    return d


def best_topic(hits: list[Hit]) -> tuple[str | None, list[str]]:
    """The quality statement with the most topic weight; ties go to the earliest mention."""
    score: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    rules: dict[str, list[str]] = defaultdict(list)
    for h in hits:
        assert h.label is not None
        score[h.label] += h.weight
        first.setdefault(h.label, h.start)
        rules[h.label].append(h.rule)
    if not score:
        return None, []
    best = max(score, key=lambda k: (score[k], -first[k]))
    return best, sorted(set(rules[best]))
