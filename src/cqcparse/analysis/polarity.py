"""Polarity by composition (ConText): the shortfall and strength cues of a sentence after the modifiers
that govern them: a negated shortfall is a strength, a negated strength a shortfall, cues in a
historical scope belong to an earlier inspection, cues in a condition ('if a dose had not been signed for')
state nothing that happened, and strength cues in a purpose clause name an aim. Pure functions over typed
values."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqcparse.analysis.match import Hit
from cqcparse.analysis.modifiers import Scope, governing

# the words of a bare negation: a shortfall cue made only of these is negation, nothing more
NEGATION_WORDS = frozenset(
    "not no none nobody never did do does had has have was were is are could would can "
    "been be being to of the which these them any one".split()
)


# what turns a shortfall cue round; only a negation turns a strength round ('to manage risks safely' is no
# negated strength)
NEGATING = ("negation", "prevention")


@dataclass(slots=True)
class Polarity:
    """The shortfall and strength cues of a sentence after its modifiers (see `compose`)."""

    shortfalls: list[Hit] = field(default_factory=list)
    strengths: list[Hit] = field(default_factory=list)
    rules: dict[str, list[str]] = field(default_factory=lambda: {"finding": [], "positive": []})
    path: list[str] = field(default_factory=list)


def quote(text: str, a: int, b: int) -> str:
    return repr(" ".join(text[a:b].split()))


def compose(f_hits: list[Hit], p_hits: list[Hit], scopes: list[Scope], text: str) -> Polarity:
    """Polarity by composition: a negated shortfall is a strength (and the negation's own shortfall cues,
    'did not' in 'did not have to wait too long', go with it); a negated strength is a shortfall; cues
    in a historical scope belong to an earlier inspection and do not count."""
    pol = Polarity()
    flipped: list[Scope] = []

    def note(h: Hit, s: Scope, what: str) -> None:
        pol.path.append(
            f"{s.rule} {quote(text, s.start, s.end)} (scope {quote(text, s.end, s.scope_end)}) "
            f"{what} {h.rule} {quote(text, h.start, h.end)}"
        )

    def discounted(h: Hit) -> bool:  # in an earlier inspection or in a condition
        s = governing(scopes, h, "historical")
        if s:
            note(h, s, "puts in an earlier inspection")
        elif s := next((s for s in scopes if s.category == "hypothetical" and s.overlaps(h)), None):
            note(h, s, "makes a condition of")
        return s is not None

    has_purpose = any(s.category == "purpose" for s in scopes)

    def aimed(h: Hit) -> bool:  # a bare negation in 'so that people are not ...': what the practice aims at
        s = governing(scopes, h, "purpose") if has_purpose and not _bound(h, text) else None
        if s:
            note(h, s, "names as the aim")
        return s is not None

    live_f = [h for h in f_hits if not discounted(h) and not aimed(h)]
    # a trigger inside a shortfall cue of its own ('not always', 'no clear') is spent on that cue
    spent = [s for s in scopes if s.category in NEGATING and any(s.overlaps(h) and _bound(h, text) for h in live_f)]
    triggers = [s for s in scopes if s.category in NEGATING]
    for h in live_f:
        s = _negating(scopes, h)
        # a cue holding another negation trigger is a new negation, not a negated shortfall
        if s and s not in spent and not any(t is not s and t.overlaps(h) and _negates(h, t, text) for t in triggers):
            note(h, s, "negates shortfall")
            flipped.append(s)
            pol.strengths.append(h)
            pol.rules["positive"].append(s.rule)
    for h in live_f:
        if h in pol.strengths or any(s.overlaps(h) for s in flipped):
            continue
        pol.shortfalls.append(h)
        pol.rules["finding"].append(h.rule)
    for h in p_hits:
        if discounted(h):
            continue
        aim = governing(scopes, h, "purpose") if has_purpose else None
        if aim:  # 'not enough staff to make sure people were safe': the aim, not what was achieved
            note(h, aim, "names as the aim")
            continue
        s = governing(scopes, h, "negation")
        if s and s not in flipped:
            note(h, s, "negates strength")
            pol.shortfalls.append(h)
            pol.rules["finding"].append(s.rule)
        else:
            pol.strengths.append(h)
            pol.rules["positive"].append(h.rule)
    return pol


def _negates(h: Hit, t: Scope, text: str) -> bool:
    """Is cue `h` a negation of its own, made with trigger `t` ('had not assessed', 'did not'), rather than
    a shortfall phrase holding a negation word ('left without help')?"""
    return (
        not _bound(Hit(h.rule, h.kind, h.label, h.weight, h.start, t.start), text)
        if t.start > h.start
        else t.start <= h.start
    )


def _bound(h: Hit, text: str) -> bool:
    """Does cue `h` say more than a bare negation ('did not', 'had not been')?"""
    return any(w not in NEGATION_WORDS for w in text[h.start : h.end].lower().replace("n't", " not").split())


def _negating(scopes: list[Scope], h: Hit) -> Scope | None:
    """The widest negation or prevention scope that governs a shortfall cue."""
    found = [s for c in NEGATING if (s := governing(scopes, h, c))]
    return max(found, key=lambda s: (s.scope_end - s.scope_start, -s.start), default=None)
