"""Explain why a sentence got its kind and labels: its section, context, cue hits and the decision path.
Returns data; the cli package prints it."""
from __future__ import annotations

from dataclasses import dataclass

from cqcparse.analysis import segment
from cqcparse.analysis.match import Hit
from cqcparse.pipeline import Pipeline, page_of
from cqcparse.readers.source import SourceText


@dataclass(frozen=True, slots=True)
class HitView(Hit):
    """A cue hit with the text it matched."""
    text: str


@dataclass(frozen=True, slots=True)
class SentenceExplanation:
    text: str
    start: int
    end: int
    page: int | None
    section: str | None
    key_question: str | None
    section_quality_statement: str | None
    context: str | None  # improvement, positive, must, should: what the section or list says
    context_rule: str | None
    hits: list[HitView]
    path: list[str]  # Decision.path: the steps to kind, modality and labels
    kinds: list[str]
    modality: str | None
    quality_statement: str | None
    rules: dict[str, list[str]]  # kind -> rule ids that decided it


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """A line holding the text that is not a sentence: a heading (and the rule that typed it) or a short
    line the segmenter does not read as prose (labels, table rows)."""
    text: str
    start: int
    page: int | None
    heading_type: str | None
    heading_rule: str | None


@dataclass(frozen=True, slots=True)
class Explanation:
    source: str
    needle: str
    sentences: list[SentenceExplanation]
    lines: list[LineExplanation]


def explain(pipeline: Pipeline, src: SourceText, needle: str) -> Explanation:
    """Every sentence of `src` containing `needle` (case-insensitive, whitespace-insensitive) with its
    section, context, cue hits and decision; and the non-sentence lines that contain it."""
    src, bl, headings, analysed = pipeline.structure(src)
    text = src.text
    want = " ".join(needle.lower().split())
    sentences = []
    for a in analysed:
        if want not in a.text.lower():
            continue
        d, c = a.decision, a.context
        sentences.append(SentenceExplanation(
            text=a.text, start=a.sentence.start, end=a.sentence.end, page=page_of(src, a.sentence.start),
            section=c.section, key_question=c.key_question, section_quality_statement=c.quality_statement,
            context=c.kind, context_rule=c.kind_rule,
            hits=[HitView(h.rule, h.kind, h.label, h.weight, h.start, h.end, text[h.start:h.end]) for h in a.hits],
            path=list(d.path), kinds=list(d.kinds), modality=d.modality, quality_statement=d.quality_statement,
            rules=dict(d.rules)))
    lines = [LineExplanation(b.text(text), b.start, page_of(src, b.start), h.type if h else None, h.rule if h else None)
             for b, h in zip(bl, headings)
             if want in b.text(text).lower() and (h is not None or not segment.is_prose(b, text))]
    return Explanation(src.path, needle, sentences, lines)
