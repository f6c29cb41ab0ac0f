"""The data flow, stage by stage: read -> blocks -> sections -> sentences -> cue matches -> decisions
-> typed records. `Pipeline` loads spaCy and the rules once, so many reports run in one process."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import spacy

from cqcparse.analysis import furniture, segment, sentences
from cqcparse.analysis.breaches import read_breaches
from cqcparse.analysis.classify import Context, Decision, decide
from cqcparse.analysis.contexts import block_contexts
from cqcparse.analysis.facts import read_facts
from cqcparse.analysis.labels import carries_over
from cqcparse.analysis.linescan import LineScan
from cqcparse.analysis.match import CueMatcher, Hit
from cqcparse.analysis.rules import RuleSet, load_rules
from cqcparse.analysis.ruleschema import Rule
from cqcparse.analysis.segment import Block, Heading
from cqcparse.analysis.sentences import Sentence
from cqcparse.analysis.tokens import Tokenizer
from cqcparse.analysis.vocabulary import KEY_QUESTIONS, QUALITY_STATEMENTS, key_question_id
from cqcparse.readers.source import LineBox, SourceText
from cqcparse.readers.text import read_source
from cqcparse.records import Item, Report, Section


@dataclass(frozen=True, slots=True)
class Analysed:
    """One sentence with everything that decided it (used by `explain` and to build items)."""

    sentence: Sentence
    text: str
    context: Context
    hits: list[Hit]
    decision: Decision


class Structure(NamedTuple):
    source: SourceText  # with running headers and footers masked
    blocks: list[Block]
    headings: list[Heading | None]
    analysed: list[Analysed]


class Pipeline:
    """Rules and spaCy loaded once, to extract many reports: `Pipeline().extract("report.pdf")`.
    `rule_paths` adds rule folders or files (a rule with a shipped rule's id replaces it);
    `default_rules=False` uses only those."""

    def __init__(
        self, rules: RuleSet | None = None, *, rule_paths: list[Path] | None = None, default_rules: bool = True
    ):
        self.rules = rules or load_rules(rule_paths, defaults=default_rules)
        self.nlp = spacy.blank("en")
        # only the tokenizer runs (no parser or NER, whose memory spaCy's 1,000,000-character limit guards):
        # a 500-page report is a few million characters and must work
        self.nlp.max_length = 2**62
        self.matcher = CueMatcher(self.nlp, self.rules)
        self.tokenize = Tokenizer(self.nlp)
        self.abbreviations = abbreviations(self.rules.of("abbreviation"))
        self._whole_text = [r.compiled() for r in self.rules.of("fact", "breach")]  # rules run on the whole text
        self._scan: LineScan | None = None

    def scan(self, text: str) -> LineScan:
        """The LineScan of the text of the report being run, made once for the fact and breach rules."""
        if self._scan is None or self._scan.text is not text:
            self._scan = LineScan(text, self._whole_text)
        return self._scan

    def extract(self, path: str | Path, *, include_text: bool = False, **read_options) -> Report:
        """Read and extract one report (.pdf, .html, .txt or '-' for stdin). `read_options` go to the reader:
        pages="1-12", engine="plumber", password=..., timeout=seconds. Raises InputError for a bad input."""
        return self.run(read_source(path, **read_options), include_text=include_text)

    def structure(self, src: SourceText) -> Structure:
        """The stages up to the analysed sentences. Running headers and footers are masked with spaces,
        so offsets stay those of the input."""
        masked = replace(src, text=furniture.mask_furniture(src.text)) if src.format == "text" else src
        bl = segment.blocks(masked)
        headings = segment.find_headings(masked.text, bl, self.rules)
        if not uses_quality_statements(headings, masked.text, self.rules, self.scan(masked.text)):
            # before 2024 "Infection prevention and control" is a sub-heading, not a quality statement
            headings = [
                replace(h, type="heading", level=4, quality_statement=None) if h and h.quality_statement else h
                for h in headings
            ]
        return Structure(masked, bl, headings, self.analyse(masked, bl, headings))

    def run(self, src: SourceText, *, include_text: bool = False) -> Report:
        """Extract a report from text already read (a SourceText from any reader)."""
        original = src.text
        src, bl, headings, analysed = self.structure(src)
        doc_text = src.text
        sections = build_sections(bl, headings, src)
        items = [make_item(a, kind, src) for a in analysed for kind in a.decision.kinds]
        qs_offsets = [
            (s.quality_statement, s.start) for s in sections if s.type == "quality_statement" and s.quality_statement
        ]
        scan = self.scan(doc_text)
        facts = read_facts(doc_text, self.rules, qs_offsets, lambda offset: page_of(src, offset), scan)
        spans = [(a.sentence.start, a.sentence.end, page_of(src, a.sentence.start)) for a in analysed]
        # table rows and other label lines hold no sentences but can cite a breach
        spans += [
            (b.start, b.end, page_of(src, b.start))
            for b, h in zip(bl, headings)
            if h is None and not segment.is_prose(b, doc_text)
        ]
        breaches = read_breaches(doc_text, self.rules, sorted(spans), scan)
        self._scan = None  # the text is not kept once its report is made
        return Report(
            api=None,
            source=src.path,
            format=src.format,
            report=facts,
            sections=sections,
            findings=[i for i in items if i.kind == "finding"],
            actions=[i for i in items if i.kind == "action"],
            positives=[i for i in items if i.kind == "positive"],
            breaches=breaches,
            text=original if include_text else None,
        )

    def analyse(self, src: SourceText, bl: list[Block], headings: list[Heading | None]) -> list[Analysed]:
        doc_text = src.text
        prose = [h is None and segment.is_prose(b, doc_text) for b, h in zip(bl, headings)]
        sents = sentences.sentences(doc_text, bl, prose, self.abbreviations)
        scan = self.scan(doc_text)
        use_topics = uses_quality_statements(headings, doc_text, self.rules, scan)
        contexts = block_contexts(doc_text, bl, headings, self.rules, use_topics=use_topics)
        doc = self.tokenize(doc_text)
        kqs = assessed_key_questions(headings, doc_text, self.rules, scan)
        hits = [
            h
            for h in self.matcher(doc, [(s.start, s.end) for s in sents], doc_text)
            if h.kind != "topic" or QUALITY_STATEMENTS.get(h.label or "") in kqs
        ]
        index = sentences.SentenceIndex(sents)
        per_sentence: list[list[Hit]] = [[] for _ in sents]
        for h in hits:
            i = index.at(h.start)
            if i is not None:
                per_sentence[i].append(h)
        out = []
        previous: tuple[int, str | None] = (-1, None)  # block and quality statement of the last sentence
        for s, sh in zip(sents, per_sentence):
            ctx = contexts[s.block]
            d = decide(sh, ctx, doc_text, s.start, s.end)
            if ctx.use_topics and not ctx.quality_statement and previous[0] == s.block and previous[1]:
                carry_topic(d, sh, doc_text, previous[1])
            out.append(Analysed(s, " ".join(doc_text[s.start : s.end].split()), ctx, sh, d))
            previous = (s.block, d.quality_statement)
        return out


def carry_topic(d: Decision, hits: list[Hit], text: str, previous: str) -> None:
    """A sentence with no strong topic of its own ("They were not reviewed when needs changed.") takes
    the quality statement of the sentence before it in the same paragraph."""
    actor_end = min((h.start for h in hits if h.kind == "action"), default=None) if d.modality else None
    topic_hits = [h for h in hits if h.kind == "topic"]
    if not carries_over(topic_hits, text, actor_end=actor_end) or d.quality_statement == previous:
        return
    own = {h.rule for h in topic_hits}
    d.rules = {k: [r for r in rules if r not in own] for k, rules in d.rules.items()}
    d.quality_statement = previous
    d.path.append(f"quality statement {previous} from the sentence before: no strong topic of its own")


def abbreviations(rules: list[Rule]) -> set[str]:
    """Abbreviations for the sentence splitter; 'no.#' marks one that only abbreviates before a number."""
    return {p.lower() + ("#" if r.label == "before_number" else "") for r in rules for p in r.phrases or []}


def assessed_key_questions(
    headings: list[Heading | None], text: str, rules: RuleSet, scan: LineScan | None = None
) -> set[str]:
    """The key questions a report assesses, so that topic words only label with their quality statements:
    those of its key question and quality statement headings, else the one key question an assessment of
    a single key question names (`assessment` fact rules: "Ratings - Well-led"), else all five."""
    kqs = {kq for h in headings if h and (kq := h.key_question or QUALITY_STATEMENTS.get(h.quality_statement or ""))}
    if not kqs:
        named = (
            key_question_id(m.group("value"))
            for r in rules.of("fact")
            if r.label == "assessment"
            for m in (scan.finditer(r.compiled()) if scan else r.compiled().finditer(text))
        )
        kqs = {kq for kq in named if kq}
    return kqs or set(KEY_QUESTIONS)


def uses_quality_statements(
    headings: list[Heading | None], text: str, rules: RuleSet, scan: LineScan | None = None
) -> bool:
    """Reports of the single assessment framework (2024-) label items with quality statements: those with
    quality statement headings, or with the framework's wording (`fact.framework.*` rules). Web openings of
    assessments name no statement heading, so the wording is all there is."""
    if sum(1 for h in headings if h and h.quality_statement) >= 2:
        return True
    framework = [r.compiled() for r in rules.of("fact") if r.label == "framework"]
    return any(scan.search(r) if scan else r.search(text) for r in framework)


def build_sections(bl: list[Block], headings: list[Heading | None], src: SourceText) -> list[Section]:
    """Typed sections (generic sub-headings are left out), each running to the next heading at its level
    or above. Text before the first heading is a preamble section."""
    found = [h for h in headings if h is not None]
    out = []
    end_doc = len(src.text)
    if bl and (not found or found[0].block.start > bl[0].start):
        first = found[0].block.start if found else end_doc
        out.append(
            Section(
                id="s0",
                title="Preamble",
                type="preamble",
                level=1,
                start=0,
                end=first,
                page_start=page_of(src, 0),
                page_end=page_of(src, max(0, first - 1)),
            )
        )
    for n, h in enumerate(found):
        if h.type == "heading":
            continue
        end = next((g.block.start for g in found[n + 1 :] if g.level <= h.level), end_doc)
        out.append(
            Section(
                id=f"s{h.block.start}",
                title=h.title,
                type=h.type,
                level=h.level,
                start=h.block.start,
                end=end,
                quality_statement=h.quality_statement,
                key_question=h.key_question,
                page_start=page_of(src, h.block.start),
                page_end=page_of(src, max(h.block.start, end - 1)),
            )
        )
    return out


def page_of(src: SourceText, offset: int) -> int | None:
    if not src.pages:
        return None
    i = max(0, bisect.bisect_right(src.pages, offset, key=lambda p: p.start) - 1)
    return src.pages[i].number


def box_at(src: SourceText, offset: int) -> LineBox | None:
    """The printed line holding `offset` (boxes come in text order)."""
    i = bisect.bisect_right(src.boxes, offset, key=lambda b: b.start) - 1
    return src.boxes[i] if i >= 0 and offset < src.boxes[i].end else None


def make_item(a: Analysed, kind: str, src: SourceText) -> Item:
    s = a.sentence
    page = page_of(src, s.start)
    last = page_of(src, max(s.start, s.end - 1))
    pages = list(range(page, last + 1)) if page is not None and last is not None and last > page else None
    box = box_at(src, s.start)
    return Item(
        id=f"{kind}-{s.start:06d}",
        kind=kind,  # type: ignore[arg-type]  # one of Decision.kinds
        text=a.text,
        modality=a.decision.modality if kind == "action" else None,  # type: ignore[arg-type]  # a modality rule's label
        section=a.context.section,
        quality_statement=a.decision.quality_statement,
        key_question=a.context.key_question,
        start=s.start,
        end=s.end,
        page=page,
        pages=pages,
        bbox=[box.x0, box.top, box.x1, box.bottom] if box else None,
        rules=a.decision.rules.get(kind, []),
    )


_DEFAULT: Pipeline | None = None


def extract(path: str | Path, **options) -> Report:
    """Extract one report with the shipped rules (the pipeline is built once and reused)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT.extract(path, **options)
