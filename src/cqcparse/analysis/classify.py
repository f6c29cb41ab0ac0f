"""Decide each sentence's kinds (finding, action with modality, positive) and labels from its cue hits
and its context (section heading, list introduction), in stages: the statement type (only evidence can
be a finding or positive), the action, then polarity by composition (modifiers turn cues round) with a
default polarity for evidence. Pure functions over typed values."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from cqcparse.analysis.labels import best_topic
from cqcparse.analysis.match import Hit
from cqcparse.analysis.modifiers import Scope, overlapping, scopes
from cqcparse.analysis.polarity import compose, quote
from cqcparse.analysis.rates import compare_rates, measure_end
from cqcparse.analysis.sentences import in_quotes

MODALITY_RANK = {"must": 3, "should": 2, "needs": 1}
# When several statement-type rules fire, the first type in this order wins; "reported" is evidence.
TYPE_ORDER = (
    "citation",
    "quotation",
    "definition",
    "law",
    "cqc_process",
    "past_inspection",
    "rating",
    "method",
    "background",
    "description",
    "reported",
)
EVIDENCE = ("evidence", "reported")
OPENING_QUOTES = ("\u201c", '"', "\u2018", "'")


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
    statement_type: str = "evidence"
    modifiers: list[Scope] = field(default_factory=list)
    action_end: int | None = None  # where the modal cue that made the action ends


OPENING_WORDS = 4  # a modal after at most this many words opens the sentence ('The registered provider must')


def statement_type(hits: list[Hit], text: str, sent_start: int) -> tuple[str, list[str]]:
    """The sentence's statement type and the rules that set it: a quotation when it opens with a quotation
    mark, else the first type of TYPE_ORDER a rule gives, else evidence."""
    if text[sent_start : sent_start + 1] in OPENING_QUOTES:
        return "quotation", ["type.quotation"]
    typed = {h.label or "background": h.rule for h in hits if h.kind in ("statement_type", "not_item")}
    found = next((t for t in TYPE_ORDER if t in typed), None)
    return (found, [typed[found]]) if found else ("evidence", [])


def decide(hits: list[Hit], ctx: Context, text: str, sent_start: int, sent_end: int) -> Decision:
    d = Decision()
    by_kind: dict[str, list[Hit]] = defaultdict(list)
    pseudo = [h for h in hits if h.kind == "modifier" and h.label == "pseudo"]
    for h in hits:
        if h.kind in ("finding", "positive", "action"):
            # quotations are evidence, not the inspectors' own words: their cues do not count
            if in_quotes(text, sent_start, h.start):
                continue
            # default and neutral rules match the sentence, not words: a pseudo trigger cancels neither
            p = None if h.label in ("default", "neutral") else next((p for p in pseudo if overlapping(p, h)), None)
            if p:  # 'people who could not read': the words name a group, they state no shortfall
                d.path.append(f"cue {h.rule} {quote(text, h.start, h.end)} ignored: pseudo trigger {p.rule}")
                continue
        by_kind[h.kind].append(h)
    if ctx.kind == "expectation" or text[sent_start:sent_end].rstrip().endswith((":", "?", " -", " \u2013")):
        # what CQC expects of every provider; list introductions ("the trust must:") are not items
        d.path.append("not an item: expectation or list introduction or question")
        return d
    d.statement_type, type_rules = statement_type(by_kind["statement_type"] + by_kind["not_item"], text, sent_start)
    d.modifiers = scopes(by_kind["modifier"], sent_start, sent_end)
    evidence = d.statement_type in EVIDENCE
    d.path.append(f"statement type: {d.statement_type}" + (f" {type_rules}" if type_rules else ""))
    _decide_action(d, ctx, by_kind, evidence, text, sent_start)
    if not evidence:
        d.path.append(f"no finding or positive: a {d.statement_type} statement is not evidence")
    else:
        _decide_polarity(d, ctx, by_kind, text, sent_start, sent_end)
    d.quality_statement = ctx.quality_statement
    if d.quality_statement:
        d.path.append(f"quality statement {d.quality_statement} from section")
    elif ctx.use_topics:
        actor_end = min((h.start for h in by_kind["action"]), default=None) if d.modality else None
        d.quality_statement, topic_rules = best_topic(by_kind["topic"], text, actor_end=actor_end)
        if d.quality_statement:
            d.path.append(f"quality statement {d.quality_statement} from topics {topic_rules}")
            for k in d.kinds:
                d.rules[k] = sorted(set(d.rules.get(k, [])) | set(topic_rules))
    return d


def _decide_action(
    d: Decision, ctx: Context, by_kind: dict[str, list[Hit]], evidence: bool, text: str, sent_start: int
) -> None:
    """A heading or list context sets the modality; else the strongest modal cue of an evidence sentence,
    unless a trap (law, CQC process) is present or a conditional or historical modifier governs it. A
    sentence that opens with its modal ('We recommend the provider ...', 'The provider must ...') is an
    action whatever the clauses after it mention: only a trap before the modal, or on it, withholds it."""
    traps = by_kind["not_action"]
    actions = []
    for h in by_kind["action"]:
        s = next(
            (s for s in d.modifiers if s.category in ("conditional", "historical") and (s.covers(h) or s.overlaps(h))),
            None,
        )
        if s:
            d.path.append(
                f"action cue {h.rule} {quote(text, h.start, h.end)} ignored: {s.category} "
                f"modifier {s.rule} {quote(text, s.start, s.end)}"
            )
        else:
            actions.append(h)
    # with a trap in the sentence, only a modal that opens it, with every trap after it, still counts
    kept = [
        h
        for h in actions
        if not traps
        or (len(text[sent_start : h.start].split()) <= OPENING_WORDS and all(t.start >= h.end for t in traps))
    ]
    if ctx.kind in ("must", "should") and d.statement_type == "citation":
        d.path.append(f"no action from context {ctx.kind_rule}: a bare citation of a regulation")
    elif ctx.kind in ("must", "should"):
        d.modality = ctx.kind
        d.rules["action"] = [ctx.kind_rule or f"context.{ctx.kind}"]
        d.path.append(f"action ({ctx.kind}) from context {ctx.kind_rule}")
    elif actions and not evidence:
        d.path.append(f"action cues {[h.rule for h in actions]} ignored: a {d.statement_type} statement")
    elif actions and not kept:
        d.path.append(f"action cues {[h.rule for h in actions]} ignored: trap {[h.rule for h in traps]}")
    elif kept:
        best = max(kept, key=lambda h: (MODALITY_RANK[h.label or "needs"], -h.start))
        d.modality = best.label
        d.action_end = min(h.end for h in kept)
        d.rules["action"] = sorted({h.rule for h in kept})
        d.path.append(
            f"action ({best.label}) from cue {best.rule}"
            + (f": it opens the sentence, traps {[h.rule for h in traps]} come after it" if traps else "")
        )
    if d.modality:
        d.kinds.append("action")


def _decide_polarity(
    d: Decision, ctx: Context, by_kind: dict[str, list[Hit]], text: str, sent_start: int, sent_end: int
) -> None:
    """Finding, positive or neither, from the composed cues, the contrast modifiers, the section or list
    context and, for evidence with no cue at all, the default polarity: a strength."""
    # a default strength (label 'default': evidence in the past tense, not a dated fact) counts only when no
    # other cue does
    defaults = [h for h in by_kind["positive"] if h.label == "default"]
    # 'neutral' rules (an individual case, the provider's own account, a plan, a bare count) keep a sentence
    # from being a strength by default; they are no cue either way
    neutral = sorted({h.rule for h in by_kind["positive"] if h.label == "neutral"})
    cues = [h for h in by_kind["positive"] if h.label not in ("default", "neutral")]
    # a negated subject ('No one ... in the previous year') is no count or plan: it stays a strength
    withheld = neutral and not any(s.category == "negation" and s.start == sent_start for s in d.modifiers)
    # words naming a practice ('monitored', 'in place') judge nothing in a case or someone's account, nor, in
    # reports before the single assessment framework, where the default polarity could not count (a dated
    # fact, a rate, a sentence with no past-tense verb)
    undated = ctx.use_topics or bool(defaults)
    weak = [h for h in cues if h.label == "weak"] if withheld or not undated else []
    if weak:
        why = neutral if withheld else "no default polarity could count here"
        d.path.append(f"practice words {sorted({h.rule for h in weak})} ignored: {why}")
        cues = [h for h in cues if h.label != "weak"]
    if ctx.kind == "background":  # a section describing the service: no default polarity
        defaults = []
    elif defaults and withheld:
        d.path.append(f"no default polarity: {neutral}")
        defaults = []
    elif defaults and by_kind["action"] and by_kind["not_action"]:  # a rule, a process or someone's view
        d.path.append("no default polarity: a modal verb caught by a trap")
        defaults = []
    f_hits = by_kind["finding"]
    if d.modality and d.action_end is not None:
        # "The trust needs to reduce the number of delays": what follows the modal is the action's target
        target = [h for h in f_hits if h.start >= d.action_end]
        f_hits = [h for h in f_hits if h.start < d.action_end]
        if target:
            d.path.append(f"shortfall cues {[h.rule for h in target]} after the modal name what the action is to fix")
    f_hits, cues = _rates(d, f_hits, cues, text)
    pol = compose(f_hits, cues, d.modifiers, text)
    if defaults and not pol.shortfalls and not pol.strengths:
        pol.strengths += defaults
        pol.rules["positive"] += [h.rule for h in defaults]
    d.path += pol.path
    d.finding_score = sum(h.weight for h in pol.shortfalls)
    d.positive_score = sum(h.weight for h in pol.strengths)
    f_rules, p_rules = pol.rules["finding"], pol.rules["positive"]
    if d.modality is None and ctx.kind == "improvement":
        d.finding_score += 1.0
        f_rules.append(ctx.kind_rule or "context.improvement")
    if d.modality is None and ctx.kind == "positive":
        d.positive_score += 1.0
        p_rules.append(ctx.kind_rule or "context.positive")
    contrast = next((s for s in d.modifiers if s.category in ("contrast", "concession")), None)
    if (
        contrast
        and contrast.category == "contrast"
        and not pol.shortfalls
        and d.modality is None
        and not any(contrast.covers(h) for h in pol.strengths if h.label != "weak")
        and contrast.scope_end > contrast.end
    ):
        # "X, but Y" with no cue in Y: in this register the clause after the contrast is the shortfall
        d.finding_score += 1.0
        f_rules.append(contrast.rule)
        d.path.append(
            f"contrast {contrast.rule} {quote(text, contrast.start, contrast.end)}: the clause after it "
            "states no strength, so it is the shortfall"
        )
    if d.modality in ("must", "should") and d.finding_score < 2:
        d.path.append("an action stating no clear shortfall is not a finding")
    elif d.finding_score > 0 and (d.finding_score >= d.positive_score or contrast):
        d.kinds.append("finding")
        d.rules["finding"] = sorted(set(f_rules) | ({contrast.rule} if contrast else set()))
        why = (
            f"{contrast.category} {contrast.rule} {quote(text, contrast.start, contrast.end)} makes a mixed "
            "sentence a finding"
            if contrast and d.finding_score < d.positive_score
            else "score"
        )
        d.path.append(f"finding: {why}: shortfall {d.finding_score:g}, strength {d.positive_score:g}")
    elif d.modality is not None:
        return
    elif d.positive_score > 0:
        d.kinds.append("positive")
        d.rules["positive"] = sorted(set(p_rules))
        d.path.append(f"positive: strength {d.positive_score:g} > shortfall {d.finding_score:g}")
    if defaults and "positive" in d.kinds and set(d.rules["positive"]) == {h.rule for h in defaults}:
        d.path[-1] = f"positive by default {d.rules['positive']}: evidence about practice with no shortfall"


def _rates(d: Decision, f_hits: list[Hit], cues: list[Hit], text: str) -> tuple[list[Hit], list[Hit]]:
    """A rate comparison (label 'comparison') is a shortfall when the rate is below its reference and a
    strength when above, the other way round for a measure of something bad (a shortfall cue before
    'compared with'); equal rates say nothing."""
    shortfalls, strengths = [h for h in f_hits if h.label != "comparison"], list(cues)
    for h in f_hits:
        if h.label != "comparison":
            continue
        span = text[h.start : h.end]
        sign = compare_rates(span)
        bad = [o.rule for o in shortfalls if h.start <= o.start < h.start + measure_end(span)]
        sign = -sign if bad else sign
        if sign:
            (shortfalls if sign < 0 else strengths).append(h)
        what = {-1: "a shortfall", 0: "neither", 1: "a strength"}[sign]
        d.path.append(
            f"rate comparison {h.rule} {quote(text, h.start, h.end)}: {what}"
            + (f" (a measure of something bad: {bad})" if bad else "")
        )
    return shortfalls, strengths
