"""Tools for rule authors: list, check and test rules (explain.py says why a sentence got its kind and labels).

Every function returns data and never prints; the cli package prints. Problems use the loader's form,
'FILE:LINE: rule ID: message', so an editor can jump to them.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cqcparse.analysis import sentences
from cqcparse.analysis.match import CUE_KINDS, CueMatcher, Hit
from cqcparse.analysis.rules import POSITIVE_LABELS, RuleSet, collect_rules, shipped_rule_files, user_rule_files
from cqcparse.analysis.ruleschema import Rule
from cqcparse.errors import RuleError
from cqcparse.pipeline import Pipeline, abbreviations
from cqcparse.records import ReportFacts

# -- list ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleRow:
    id: str
    kind: str
    label: str | None
    file: str
    line: int
    enabled: bool
    description: str


def list_rules(rules: RuleSet) -> list[RuleRow]:
    """One row per rule of a loaded set (user rules in place of the shipped rules they override)."""
    return [RuleRow(r.id, r.kind, r.label, r.file, r.line, r.enabled, r.description) for r in rules.rules]


# -- check --------------------------------------------------------------------------------------------

# The labels the fact and breach readers act on (facts.py); any other label is silently ignored there. A fact
# label names a single-valued field of ReportFacts, or one of the labels that fill its collections.
FACT_COLLECTIONS = {
    "inspection_date": "inspection_dates",
    "rating": "ratings",
    "service_rating": "service_ratings",
    "score": "quality_statement_scores",
    "score_row": "quality_statement_scores",
}
FACT_LABELS = (
    *(name for name in ReportFacts.model_fields if name not in (*FACT_COLLECTIONS.values(), "fact_sources")),
    *FACT_COLLECTIONS,
    "framework",
)  # framework: read by the pipeline, not a report field
FACT_GROUPS = {"rating": ("kq",), "service_rating": ("service",), "score_row": ("name",)}
BREACH_LABELS = ("cite", "exclude", "list", "title", "registration_title")
# Fields only one kind of rule reads: on any other kind they do nothing, which is almost always a slip.
ONLY_FOR = {
    "level": ("heading",),
    "context": ("heading",),
    "key_question": ("heading",),
    "quality_statement": ("heading",),
    "value": ("fact", "breach"),
}
UNLABELLED = ("finding", "positive", "not_action")


@dataclass(frozen=True, slots=True)
class CheckResult:
    files: list[str]
    rules: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_paths(paths: list[Path] | None = None) -> CheckResult:
    """Every problem in every rule file under `paths` (the shipped rules when none): YAML and schema
    errors, the loader's semantic checks, and the references checked here."""
    try:
        files = user_rule_files(paths) if paths else shipped_rule_files()
    except RuleError as e:
        return CheckResult([], 0, e.problems)
    shipped = shipped_rule_files() if paths else []  # what user rules override or switch off
    rules, problems = collect_rules(shipped + files)
    checked = {name for name, _ in files}
    rules = [r for r in rules if r.file in checked]
    problems = [p for p in problems if p.split(":", 1)[0] in checked]
    for r in (r for r in rules if not r.switch_off):
        problems += [f"{r.file}:{r.line}: rule {r.id}: {m}" for m in reference_problems(r)]
    return CheckResult([name for name, _ in files], len(rules), _in_file_order(problems))


def _in_file_order(problems: list[str]) -> list[str]:
    def key(p: str) -> tuple[str, int]:
        m = re.match(r"(.*?):(\d+): ", p)
        return (m.group(1), int(m.group(2))) if m else (p, 0)

    return sorted(dict.fromkeys(problems), key=key)


def reference_problems(r: Rule) -> list[str]:
    """What a rule names that the pipeline will not act on: labels and regex groups the fact and breach
    readers do not know, heading labels that disagree with their section fields, fields its kind ignores."""
    out = [
        f"'{name}' is only read on {' or '.join(kinds)} rules"
        for name, kinds in ONLY_FOR.items()
        if getattr(r, name) is not None and r.kind not in kinds
    ]
    out += [
        f"'{name}' is only read on modifier rules"
        for name in ("direction", "max_scope", "terminated_by")
        if r.kind != "modifier" and name in r.model_fields_set
    ]
    if (
        r.kind in UNLABELLED
        and r.label is not None
        and not (r.kind == "positive" and r.label in POSITIVE_LABELS)
        and not (r.kind == "finding" and r.label == "comparison")
    ):
        out.append(
            f"'label' is not read on {r.kind} rules"
            + {
                "positive": " (but 'default', 'neutral' and 'weak' on positive rules)",
                "finding": " (but 'comparison' on finding rules)",
            }.get(r.kind, "")
        )
    if r.kind == "abbreviation" and r.label not in (None, "before_number"):
        out.append(f"abbreviation rules take label 'before_number' or none (got {r.label!r})")
    if r.kind == "abbreviation" and not r.phrases:
        out.append("abbreviation rules list the abbreviations in 'phrases'")
    groups = _groups(r.regex)
    if groups is None:
        return out  # an invalid regex: check_rules reports it
    names, count = groups
    if r.kind == "fact":
        if r.label not in FACT_LABELS:
            out.append(f"unknown fact label {r.label!r} (one of {', '.join(FACT_LABELS)})")
        if "value" not in names and r.value is None:
            out.append("fact rules need a (?P<value>...) group or a 'value'")
        out += [
            f"{r.label} facts need a (?P<{g}>...) group" for g in FACT_GROUPS.get(r.label or "", ()) if g not in names
        ]
    if r.kind == "breach":
        if r.label not in BREACH_LABELS:
            out.append(f"unknown breach label {r.label!r} (one of {', '.join(BREACH_LABELS)})")
        if r.label in ("title", "registration_title"):
            if r.value is None:
                out.append(f"{r.label} rules need the regulation number as 'value'")
        elif r.label == "list":
            if not names & {"regs", "titles"}:
                out.append("list rules need a (?P<regs>...) or (?P<titles>...) group")
        elif r.label == "exclude":
            if not names & {"reg", "regs"}:
                out.append("exclude rules need a (?P<reg>...) or (?P<regs>...) group")
        elif "reg" not in names:
            out.append("breach rules need a (?P<reg>...) group for the regulation number")
    if r.kind == "heading":
        if r.key_question == "$1" and count == 0:
            out.append("key_question '$1' needs a group in the regex to take the key question from")
        if r.label == "quality_statement" and r.quality_statement is None:
            out.append("label 'quality_statement' needs the section's 'quality_statement' id")
        if r.quality_statement is not None and r.label != "quality_statement":
            out.append(
                f"a heading with a quality_statement needs label 'quality_statement' (got {r.label!r}): "
                "only those sections carry the statement's score"
            )
        if r.label == "key_question" and r.key_question is None:
            out.append("label 'key_question' needs the section's 'key_question' (or '$1')")
    return out


def _groups(regex: str | None) -> tuple[set[str], int] | None:
    if regex is None:
        return set(), 0
    try:
        compiled = re.compile(regex)
    except re.error:
        return None
    return set(compiled.groupindex), compiled.groups


# -- test ---------------------------------------------------------------------------------------------

Expect = Literal["match", "no_match"]


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule: str
    file: str
    line: int
    expected: Expect
    example: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: rule {self.rule}: {self.expected} example {self.example!r}: {self.reason}"


@dataclass(slots=True)
class TestResult:
    __test__ = False  # not a pytest class
    rules: int = 0
    examples: int = 0
    failures: list[ExampleFailure] = field(default_factory=list)
    without_examples: list[str] = field(default_factory=list)  # 'FILE:LINE: rule ID: no match example'

    def ok(self, *, strict: bool = False) -> bool:
        return not self.failures and not (strict and self.without_examples)


class RuleTester:
    """Runs each rule's own examples the way the pipeline applies the rule: cue rules through the
    pipeline's CueMatcher (the example is one sentence, so the overlap policy applies as in a report);
    headings fullmatch the example line; context, fact and breach regexes search it; abbreviations must
    stop a sentence split the example would otherwise get."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    def run(self) -> TestResult:
        result = TestResult()
        for r in self.pipeline.rules.rules:
            if not r.enabled:
                continue
            result.rules += 1
            ex = r.examples
            if ex is None or not ex.match:
                result.without_examples.append(f"{r.file}:{r.line}: rule {r.id}: no match example")
            cases: tuple[tuple[Literal["match", "no_match"], list[str]], ...] = (
                ("match", ex.match if ex else []),
                ("no_match", ex.no_match if ex else []),
            )
            for expected, texts in cases:
                for text in texts:
                    result.examples += 1
                    reason = self.check(r, text, expected)
                    if reason:
                        result.failures.append(ExampleFailure(r.id, r.file, r.line, expected, text, reason))
        return result

    def check(self, r: Rule, text: str, expected: Expect) -> str | None:
        """Why the example fails, or None when it passes."""
        if r.kind in CUE_KINDS:
            return self._check_cue(r, text, expected)
        if r.kind == "abbreviation":
            fired = self._abbreviation_fires(r, text)
            span = None
        else:
            assert r.regex is not None
            m = r.compiled().fullmatch(text) if r.kind == "heading" else r.compiled().search(text)
            fired, span = m is not None, (m.group(0) if m else None)
        if expected == "match" and not fired:
            if r.kind == "abbreviation":
                return (
                    "does not stop a sentence split: give text that would split after one of the "
                    "abbreviations, such as 'Staff used aids, e.g. Hoists and slings.'"
                )
            return "does not match" + (" the whole line" if r.kind == "heading" else "")
        if expected == "no_match" and fired:
            return f"matches {span!r}" if span is not None else "matches"
        return None

    def _check_cue(self, r: Rule, text: str, expected: Expect) -> str | None:
        hits = cue_hits(self.pipeline.matcher, self.pipeline.nlp, text)
        own = [h for h in hits if h.rule == r.id]
        if expected == "no_match":
            return f"matches {text[own[0].start : own[0].end]!r}" if own else None
        if own:
            return None
        alone = cue_hits(CueMatcher(self.pipeline.nlp, RuleSet((r,))), self.pipeline.nlp, text)
        if not alone:
            return "does not match"
        winners = sorted(
            {h.rule for h in hits if h.kind == r.kind and h.start < alone[0].end and alone[0].start < h.end}
        )
        return (
            f"matches {text[alone[0].start : alone[0].end]!r} on its own, but the overlap policy "
            f"(longest, then earliest) keeps {', '.join(winners)}"
        )

    @staticmethod
    def _abbreviation_fires(r: Rule, text: str) -> bool:
        known = abbreviations([r])
        return len(sentences.split_sentences(text, 0, len(text), known)) < len(
            sentences.split_sentences(text, 0, len(text), set())
        )


def cue_hits(matcher: CueMatcher, nlp, text: str) -> list[Hit]:
    """The cue hits of `text` read as one sentence."""
    with warnings.catch_warnings():  # W036: a set of few rules can leave the phrase or token matcher empty
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        return matcher(nlp.make_doc(text), [(0, len(text))])
