"""The one matcher behind every cue rule: phrases go to spaCy's PhraseMatcher, token patterns to its
Matcher, regexes to Python's re -- all run once over the whole document."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from cqcparse.analysis.rules import Rule, RuleSet

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
        self.regexes: list[tuple[Rule, re.Pattern[str]]] = []
        for r in self.rules.values():
            if r.phrases:
                self.phrases.add(r.id, list(nlp.tokenizer.pipe(r.phrases)))
            elif r.pattern:
                self.tokens.add(r.id, [r.pattern])
            else:
                self.regexes.append((r, r.compiled()))

    def __call__(self, doc: Doc, spans: list[tuple[int, int]]) -> list[Hit]:
        """Every cue hit in the document, then regex hits inside each span (sentence), deduplicated
        per kind by spaCy's policy: longest first, then earliest."""
        hits = []
        strings = doc.vocab.strings
        for matcher in (self.phrases, self.tokens):
            if len(matcher) == 0:
                continue  # an empty matcher warns (W036)
            for match_id, s, e in matcher(doc):
                last = doc[e - 1]
                hits.append(self._hit(strings[match_id], doc[s].idx, last.idx + len(last.text)))
        text = doc.text
        for a, b in spans:
            sentence = text[a:b]  # a slice, so that ^ and $ anchor at the sentence's ends
            for r, regex in self.regexes:
                for m in regex.finditer(sentence):
                    hits.append(self._hit(r.id, a + m.start(), a + m.end()))
        return filter_hits(hits)

    def _hit(self, rule_id: str, start: int, end: int) -> Hit:
        r = self.rules[rule_id]
        return Hit(r.id, r.kind, r.label, r.weight, start, end)


def filter_hits(hits: list[Hit]) -> list[Hit]:
    """Within a kind (and label), overlapping hits keep the longest, then the earliest."""
    kept: list[Hit] = []
    taken: dict[tuple[str, str | None], tuple[list[int], list[int]]] = {}  # sorted starts, their ends
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.rule)):
        starts, ends = taken.setdefault((h.kind, h.label if h.kind == "topic" else None), ([], []))
        i = bisect.bisect_left(starts, h.start)
        # kept spans do not overlap each other, so only the neighbours can overlap this one
        if (i > 0 and ends[i - 1] > h.start) or (i < len(starts) and starts[i] < h.end):
            continue
        starts.insert(i, h.start)
        ends.insert(i, h.end)
        kept.append(h)
    return sorted(kept, key=lambda h: (h.start, h.end, h.rule))
