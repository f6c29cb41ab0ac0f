"""Modifiers in the manner of medspaCy's ConText: a trigger (negation, contrast, conditional, historical)
governs the cues in its scope. The matcher gives each modifier hit its widest scope (`max_scope` tokens
in its `direction`); here the scope is clipped to the sentence and ends at the first trigger of a
category the rule names in `terminated_by`. A pseudo trigger ("not only") cancels the triggers it
overlaps. Pure functions over hits."""

from __future__ import annotations

from dataclasses import dataclass

from cqcparse.analysis.match import Hit


@dataclass(frozen=True, slots=True)
class Scope:
    """A modifier trigger text[start:end] and the span text[scope_start:scope_end] it governs."""

    rule: str
    category: str
    start: int
    end: int
    scope_start: int
    scope_end: int

    def covers(self, h: Hit) -> bool:
        """A cue is governed when it starts inside the scope and is not part of the trigger."""
        return self.scope_start <= h.start < self.scope_end and not (h.start < self.end and self.start < h.end)

    def overlaps(self, h: Hit) -> bool:
        return h.start < self.end and self.start < h.end


def overlapping(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def scopes(hits: list[Hit], sent_start: int, sent_end: int) -> list[Scope]:
    """The scopes of the modifier triggers among one sentence's hits, in text order."""
    mods = [h for h in hits if h.kind == "modifier"]
    pseudo = [h for h in mods if h.label == "pseudo"]
    live = [h for h in mods if h.label != "pseudo" and not any(overlapping(h, p) for p in pseudo)]
    out = []
    for m in live:
        if m.label == "terminate":
            continue
        a, b = m.scope if m.scope else (m.end, sent_end)
        a, b = max(a, sent_start), min(b, sent_end)
        for t in live:
            if t is m or t.label not in m.terminated_by:
                continue
            if m.end <= t.start < b:
                b = t.start  # a terminator after the trigger ends a forward scope
            if a < t.end <= m.start:
                a = t.end  # and one before it ends a backward scope
        out.append(Scope(m.rule, m.label or "", m.start, m.end, a, b))
    return out


def governing(scope_list: list[Scope], h: Hit, category: str) -> Scope | None:
    """The widest scope of `category` that governs hit `h` (the earliest when two are as wide)."""
    found = [s for s in scope_list if s.category == category and s.covers(h)]
    return max(found, key=lambda s: (s.scope_end - s.scope_start, -s.start), default=None)
