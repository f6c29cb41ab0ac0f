"""The one matcher behind every cue rule: phrases go to spaCy's PhraseMatcher, token patterns to its
Matcher, regexes to Python's re -- all run once over the whole document (the Matcher only around the
tokens its patterns need, when each pattern has a fixed length: `anchor_words`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from cqcparse.analysis.prefilter import FOLDS_APART, LiteralIndex, anchored, required_literals
from cqcparse.analysis.rules import RuleSet
from cqcparse.analysis.ruleschema import Rule

CUE_KINDS = ("finding", "positive", "action", "not_action", "not_item", "statement_type", "modifier", "topic")


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    kind: str
    label: str | None
    weight: float
    start: int
    end: int
    scope: tuple[int, int] | None = None  # modifiers: the widest span they govern (max_scope tokens)
    terminated_by: tuple[str, ...] = ()  # modifiers: categories whose triggers end the scope


class RegexCue(NamedTuple):
    rule: Rule
    regex: re.Pattern[str]
    literals: tuple[str, ...] | None  # a sentence must hold one of them to match (None: no such test)
    at_start: bool  # anchored at the sentence start: one `match` replaces the scan


class AnchorGroup(NamedTuple):
    """Token patterns that need one of the same words: a Matcher of their own, run around those words."""

    matcher: Matcher
    reach: int  # tokens of the longest pattern
    anchors: np.ndarray  # the words' LOWER hashes


class CueMatcher:
    def __init__(self, nlp: Language, rules: RuleSet):
        self.rules = {r.id: r for r in rules.of(*CUE_KINDS)}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab, validate=True)
        self.regexes: list[RegexCue] = []
        anchors: dict[frozenset[str] | None, list[tuple[Rule, int]]] = {}
        for r in self.rules.values():
            if r.phrases:
                self.phrases.add(r.id, list(nlp.tokenizer.pipe(r.phrases)))  # type: ignore[union-attr]
            elif r.pattern:
                self.tokens.add(r.id, [r.pattern])
                length, words = anchor_words(r.pattern) or (0, None)
                anchors.setdefault(words, []).append((r, length))
            else:
                assert r.regex is not None
                self.regexes.append(RegexCue(r, r.compiled(), required_literals(r.regex), anchored(r.regex)))
        self.index = LiteralIndex([cue.literals for cue in self.regexes])
        # the patterns run only on windows around the tokens one of which each needs, if all have one (else
        # `self.tokens` runs over the whole doc): one Matcher for each set of such words
        self.groups = [] if None in anchors else [_group(nlp, words, rs) for words, rs in anchors.items() if words]

    def __call__(self, doc: Doc, spans: list[tuple[int, int]], text: str | None = None) -> list[Hit]:
        """Every cue hit in the document, then regex hits inside each span (sentence), deduplicated
        per kind by spaCy's policy: longest first, then earliest. `text` is the doc's text, if the caller
        has it (`doc.text` joins every token again)."""
        hits = []
        strings = doc.vocab.strings
        # token offsets and lengths as arrays: no Token object made per match
        starts, lengths = (doc.to_array(["IDX", "LENGTH"]).T.tolist()) if len(doc) else ([], [])
        for matcher in (self.phrases, self.tokens):
            if len(matcher) == 0:
                continue  # an empty matcher warns (W036)
            matches = self._token_matches(doc) if matcher is self.tokens and self.groups else matcher(doc)
            for match_id, s, e in matches:
                hits.append(self._hit(strings[match_id], starts[s], starts[e - 1] + lengths[e - 1]))
        text = doc.text if text is None else text
        # a letter that ignore-case matching takes for an ASCII one but lower() keeps apart: no prefilter
        tested = not any(ch in text for ch in FOLDS_APART)
        every = range(len(self.regexes))
        for a, b in spans:
            sentence = text[a:b]  # a slice, so that ^ and $ anchor at the sentence's ends
            for j in self.index.candidates(sentence.lower()) if tested else every:
                r, regex, _, at_start = self.regexes[j]
                found = regex.match(sentence) if at_start else None
                for m in ((found,) if found else ()) if at_start else regex.finditer(sentence):
                    hits.append(self._hit(r.id, a + m.start(), a + m.end()))
        kept = filter_hits(hits)
        if any(h.kind == "modifier" for h in kept):
            kept = [self._scoped(h, doc, starts) if h.kind == "modifier" else h for h in kept]
        return kept

    def _token_matches(self, doc: Doc) -> Iterator[tuple[int, int, int]]:
        """The Matcher's matches, found by each group in the windows of its `reach` tokens either side of each
        of its anchor tokens (a pattern of at most `reach` tokens that holds one lies inside its window): the
        same as over the doc."""
        if not len(doc):
            return
        lowers = doc.to_array("LOWER")
        for group in self.groups:
            at = np.flatnonzero(np.isin(lowers, group.anchors)).tolist()
            for a, b in merged_windows(at, group.reach, len(doc)):  # disjoint: each match is found once
                for match_id, s, e in group.matcher(doc[a:b]):
                    yield match_id, a + s, a + e

    def _hit(self, rule_id: str, start: int, end: int) -> Hit:
        r = self.rules[rule_id]
        return Hit(r.id, r.kind, r.label, r.weight, start, end)

    def _scoped(self, h: Hit, doc: Doc, starts: list[int]) -> Hit:
        """A modifier hit with its widest scope: `max_scope` tokens after (or before) the trigger."""
        r = self.rules[h.rule]
        first = max(0, bisect.bisect_right(starts, h.start) - 1)  # the trigger's first token
        last = max(first, bisect.bisect_left(starts, h.end) - 1)  # and its last
        a, b = h.start, h.end
        if r.direction in ("forward", "both") and r.max_scope:
            t = doc[min(len(doc) - 1, last + r.max_scope)]
            b = max(b, t.idx + len(t.text))
        if r.direction in ("backward", "both") and r.max_scope:
            a = min(a, starts[max(0, first - r.max_scope)])
        return replace(h, scope=(a, b), terminated_by=tuple(r.terminated_by))


def filter_hits(hits: list[Hit]) -> list[Hit]:
    """Within a kind (and label), overlapping hits keep the longest, then the earliest."""
    kept: list[Hit] = []
    taken: dict[tuple[str, str | None], tuple[list[int], list[int]]] = {}  # sorted starts, their ends
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.rule)):
        starts, ends = taken.setdefault(
            (
                h.kind,
                h.label
                if h.kind in ("topic", "positive", "finding")  # cues apart from 'default', 'neutral', 'comparison'
                else h.rule
                if h.kind in ("modifier", "statement_type", "not_item", "not_action")
                else None,
            ),
            ([], []),
        )
        i = bisect.bisect_left(starts, h.start)
        # kept spans do not overlap each other, so only the neighbours can overlap this one
        if (i > 0 and ends[i - 1] > h.start) or (i < len(starts) and starts[i] < h.end):
            continue
        starts.insert(i, h.start)
        ends.insert(i, h.end)
        kept.append(h)
    return sorted(kept, key=lambda h: (h.start, h.end, h.rule))


def _group(nlp: Language, words: frozenset[str], rules: list[tuple[Rule, int]]) -> AnchorGroup:
    matcher = Matcher(nlp.vocab, validate=True)
    for r, _ in rules:
        assert r.pattern is not None
        matcher.add(r.id, [r.pattern])
    ids = np.array(sorted(nlp.vocab.strings.add(w) for w in words), dtype=np.uint64)
    return AnchorGroup(matcher, max(length for _, length in rules), ids)


def anchor_words(pattern: list[dict]) -> tuple[int, frozenset[str]] | None:
    """For a token pattern of fixed length (no OP), its length and the words one of which it must hold (the
    fewest that one of its tokens allows by LOWER); None for any other pattern."""
    best: frozenset[str] | None = None
    for token in pattern:
        attrs = {k.upper(): v for k, v in token.items()}
        if "OP" in attrs:
            return None
        lower = attrs.get("LOWER")
        words = [lower] if isinstance(lower, str) else lower.get("IN") if isinstance(lower, dict) else None
        if isinstance(words, list) and (best is None or len(words) < len(best)):
            best = frozenset(words)
    return (len(pattern), best) if best else None


def merged_windows(anchors: list[int], reach: int, n: int) -> list[tuple[int, int]]:
    """Token ranges [a, b) of `reach` tokens before and after each sorted anchor index, overlaps merged."""
    out: list[tuple[int, int]] = []
    for i in anchors:
        a, b = max(0, i - reach + 1), min(n, i + reach)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
