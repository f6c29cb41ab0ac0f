"""The one matcher behind every cue rule: phrases go to spaCy's PhraseMatcher, token patterns to its
Matcher, regexes to Python's re -- all run once over the whole document."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .rules import Rule, RuleSet

CUE_KINDS = ("finding", "positive", "action", "not_action", "not_item", "topic")


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    kind: str
    label: str | None
    weight: float
    start: int
    end: int


class CueMatcher:
    def __init__(self, nlp: Language, rules: RuleSet):
        self.rules = {r.id: r for r in rules.of(*CUE_KINDS)}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab, validate=True)
        self.regexes: list[Rule] = []
        for r in self.rules.values():
            if r.phrases:
                self.phrases.add(r.id, list(nlp.tokenizer.pipe(r.phrases)))
            elif r.pattern:
                self.tokens.add(r.id, [r.pattern])
            else:
                self.regexes.append(r)

    def __call__(self, doc: Doc, spans: list[tuple[int, int]]) -> list[Hit]:
        """Every cue hit in the document, then regex hits inside each span (sentence), deduplicated
        per kind by spaCy's policy: longest first, then earliest."""
        hits = []
        strings = doc.vocab.strings
        for matcher in (self.phrases, self.tokens):
            if len(matcher) == 0:
                continue  # an empty matcher warns (W036)
            for match_id, s, e in matcher(doc):
                span = doc[s:e]
                hits.append(self._hit(strings[match_id], span.start_char, span.end_char))
        text = doc.text
        for a, b in spans:
            sentence = text[a:b]  # a slice, so that ^ and $ anchor at the sentence's ends
            for r in self.regexes:
                for m in r.compiled().finditer(sentence):
                    hits.append(self._hit(r.id, a + m.start(), a + m.end()))
        return filter_hits(hits)

    def _hit(self, rule_id: str, start: int, end: int) -> Hit:
        r = self.rules[rule_id]
        return Hit(r.id, r.kind, r.label, r.weight, start, end)


def filter_hits(hits: list[Hit]) -> list[Hit]:
    """Within a kind (and label), overlapping hits keep the longest, then the earliest."""
    kept: list[Hit] = []
    taken: dict[tuple[str, str | None], list[tuple[int, int]]] = {}
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.rule)):
        spans = taken.setdefault((h.kind, h.label if h.kind == "topic" else None), [])
        if any(h.start < e and s < h.end for s, e in spans):
            continue
        spans.append((h.start, h.end))
        kept.append(h)
    return sorted(kept, key=lambda h: (h.start, h.end, h.rule))
