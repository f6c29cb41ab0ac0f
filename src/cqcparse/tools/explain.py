"""Explain why a sentence got its kind and labels: its section, context, cue hits and the decision path.
Returns data; the cli package prints it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from cqcparse.analysis import segment
from cqcparse.analysis.match import Hit
from cqcparse.pipeline import Pipeline, page_of
from cqcparse.readers.source import SourceText


@dataclass(frozen=True, slots=True)
class HitView(Hit):
    """A cue hit with the text it matched."""

    text: str = ""


@dataclass(frozen=True, slots=True)
class ModifierView:
    """A modifier trigger (negation, contrast, ...) and the text of the scope it governs."""

    rule: str
    category: str
    trigger: str
    scope: str
    start: int
    scope_start: int
    scope_end: int


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
    statement_type: str = "evidence"  # only evidence (and reported evidence) can be a finding or positive
    modifiers: list[ModifierView] = field(default_factory=list)


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
class FactExplanation:
    """A report field read from text holding the needle, and the rule that read it."""

    field: str  # 'provider', 'ratings.safe', 'quality_statement_scores.safeguarding'
    value: str
    rule: str
    text: str
    start: int
    end: int
    page: int | None


@dataclass(frozen=True, slots=True)
class Explanation:
    source: str
    needle: str
    sentences: list[SentenceExplanation]
    lines: list[LineExplanation]
    facts: list[FactExplanation] = field(default_factory=list)


def explain(pipeline: Pipeline, src: SourceText, needle: str) -> Explanation:
    """Every sentence of `src` containing `needle` (case-insensitive, whitespace-insensitive) with its
    section, context, cue hits and decision; and the non-sentence lines that contain it."""
    facts = explain_facts(pipeline, src, needle)
    src, bl, headings, analysed = pipeline.structure(src)
    text = src.text
    want = " ".join(needle.lower().split())
    sentences = []
    for a in analysed:
        if want not in a.text.lower():
            continue
        d, c = a.decision, a.context
        sentences.append(
            SentenceExplanation(
                text=a.text,
                start=a.sentence.start,
                end=a.sentence.end,
                page=page_of(src, a.sentence.start),
                section=c.section,
                key_question=c.key_question,
                section_quality_statement=c.quality_statement,
                context=c.kind,
                context_rule=c.kind_rule,
                hits=[
                    HitView(**{f.name: getattr(h, f.name) for f in fields(Hit)}, text=text[h.start : h.end])
                    for h in a.hits
                ],
                path=list(d.path),
                kinds=list(d.kinds),
                modality=d.modality,
                quality_statement=d.quality_statement,
                rules=dict(d.rules),
                statement_type=d.statement_type,
                modifiers=[
                    ModifierView(
                        m.rule,
                        m.category,
                        text[m.start : m.end],
                        text[m.end : m.scope_end].strip(),
                        m.start,
                        m.scope_start,
                        m.scope_end,
                    )
                    for m in d.modifiers
                ],
            )
        )
    lines = [
        LineExplanation(b.text(text), b.start, page_of(src, b.start), h.type if h else None, h.rule if h else None)
        for b, h in zip(bl, headings, strict=True)
        if want in b.text(text).lower() and (h is not None or not segment.is_prose(b, text))
    ]
    return Explanation(src.path, needle, sentences, lines, facts)


def explain_facts(pipeline: Pipeline, src: SourceText, needle: str) -> list[FactExplanation]:
    """The report fields whose source text (fact_sources) contains `needle`, with their values."""
    report = pipeline.run(src).report
    values = report.model_dump(exclude={"fact_sources"})
    want = " ".join(needle.lower().split())
    out = []
    for key, s in report.fact_sources.items():
        if want in s.text.lower():
            name, _, sub = key.partition(".")
            value = values[name].get(sub) if sub else values[name]
            out.append(FactExplanation(key, str(value), s.rule, s.text, s.start, s.end, s.page))
    return out
