"""Rules: YAML data with author-written ids, validated on load.

Loading is three steps (as weasel and spaCy do): a friendly YAML parse error; schema validation that
lists every problem; semantic checks (duplicate ids, unknown labels, attributes the pipeline does not set).
Every problem is reported as 'FILE:LINE: rule ID: message'. The Rule model itself is in ruleschema.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cqcparse.analysis.rulefiles import (
    MAX_PHRASES,
    pattern_regexes,
    regex_problems,
    shipped_rule_files,
    user_rule_files,
)
from cqcparse.analysis.ruleschema import Rule
from cqcparse.analysis.vocabulary import KEY_QUESTIONS, MODALITIES, QUALITY_STATEMENTS
from cqcparse.errors import RuleError

CONTEXTS = ("improvement", "positive", "must", "should", "expectation", "background")
# What a sentence is, before what it says; only evidence (and reported evidence) is a finding or positive.
STATEMENT_TYPES = (
    "evidence",
    "reported",
    "method",
    "background",
    "definition",
    "law",
    "cqc_process",
    "past_inspection",
    "rating",
    "quotation",
    "description",
    "citation",
)
# The labels a positive rule may carry: the default polarity, the neutral rules that withhold it, and
# practice words that count only where the default polarity could (see classify._decide_polarity).
POSITIVE_LABELS = ("default", "neutral", "weak")
# ConText modifiers: what they do to the cues in their scope; `terminate` only ends other scopes.
MODIFIER_CATEGORIES = (
    "negation",
    "pseudo",
    "contrast",
    "concession",
    "conditional",
    "historical",
    "hypothetical",
    "purpose",
    "prevention",
    "terminate",
)
# Token attributes a blank English pipeline sets; LEMMA, POS, TAG, DEP, MORPH would need more components.
TOKEN_ATTRS = {
    "ORTH",
    "TEXT",
    "LOWER",
    "NORM",
    "LENGTH",
    "IS_ALPHA",
    "IS_ASCII",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
    "IS_PUNCT",
    "IS_SPACE",
    "IS_STOP",
    "IS_SENT_START",
    "LIKE_NUM",
    "LIKE_URL",
    "LIKE_EMAIL",
    "SHAPE",
    "PREFIX",
    "SUFFIX",
    "OP",
    "_",
    "REGEX",
    "IN",
    "NOT_IN",
}


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def of(self, *kinds: str) -> list[Rule]:
        return [r for r in self.rules if r.kind in kinds and r.enabled]

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def fingerprint(self) -> str:
        import hashlib

        blob = "\n".join(r.model_dump_json() for r in self.rules)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str, loader_class: Any) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def parse_rule_file(name: str, text: str) -> tuple[list[Rule], list[str]]:
    """Rules of one file and the problems found in it. A file is a mapping with `rules:` (a list)
    and optional defaults (`kind:`) applied to each rule that does not set them."""
    try:
        node, data = _parse_yaml(text, _Loader)  # once, with the C parser where it is installed
    except yaml.YAMLError:
        try:  # again with the Python parser, only for its clearer message
            _parse_yaml(text, yaml.SafeLoader)
            return [], [f"{name}:0: invalid YAML"]
        except yaml.YAMLError as e:
            error = e
        except RecursionError:
            return [], [f"{name}:0: invalid YAML: nested too deeply"]
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return [], [f"{name}:{line}: invalid YAML: {getattr(error, 'problem', None) or error}"]
    except RecursionError:  # thousands of nested [ or {: no rule file is like that
        return [], [f"{name}:0: invalid YAML: nested too deeply"]
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return [], [f"{name}:1: a rule file is a mapping with a 'rules:' list"]
    defaults = {k: v for k, v in data.items() if k != "rules"}
    unknown = set(defaults) - {"kind", "description"}
    problems = [f"{name}:1: unknown top-level key(s): {', '.join(sorted(unknown))}"] if unknown else []
    lines = _rule_lines(node)
    rules = []
    for i, raw in enumerate(data["rules"]):
        line = lines[i] if i < len(lines) else 0
        if not isinstance(raw, dict):
            problems.append(f"{name}:{line}: rule #{i + 1}: a rule is a mapping")
            continue
        rid = raw.get("id", f"#{i + 1}")
        if set(raw) <= {"id", "enabled", "description"} and raw.get("enabled") is False and "id" in raw:
            rules.append(
                Rule.model_construct(
                    id=str(rid),
                    kind=defaults.get("kind", "not_item"),
                    enabled=False,
                    switch_off=True,
                    file=name,
                    line=line,
                )
            )
            continue
        merged = {"kind": defaults.get("kind"), **raw} if "kind" in defaults else raw
        try:
            rules.append(Rule(**merged, file=name, line=line))
        except ValidationError as e:
            for err in e.errors():
                where = " -> ".join(str(p) for p in err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"{name}:{line}: rule {rid}: {f'[{where}] ' if where else ''}{msg}")
    return rules, problems


def _rule_lines(node: yaml.Node | None) -> list[int]:
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def check_rules(rules: list[Rule]) -> list[str]:
    """Semantic checks that need the rule itself or the whole set."""
    from spacy.schemas import validate_token_pattern

    problems = []
    seen: dict[str, Rule] = {}
    for r in rules:
        where = f"{r.file}:{r.line}: rule {r.id}"
        if r.switch_off:
            if r.id not in seen:
                problems.append(f"{where}: no rule with this id to switch off")
            continue
        first = seen.get(r.id)
        if first is not None and first.file == r.file:
            problems.append(f"{where}: duplicate id (first at line {first.line})")
        elif first is not None and Path(first.file).parent == Path(r.file).parent:
            # across folders a same id is an override; within one folder it is a mistake
            problems.append(f"{where}: duplicate id (first at {first.file}:{first.line})")
        seen[r.id] = r
        for source in ([r.regex] if r.regex is not None else []) + pattern_regexes(r.pattern or []):
            problems += [f"{where}: {m}" for m in regex_problems(source)]
        if not math.isfinite(r.weight):
            problems.append(f"{where}: weight must be a finite number (got {r.weight})")
        if r.pattern is not None:
            for err in validate_token_pattern(r.pattern):
                problems.append(f"{where}: bad token pattern: {err}")
            for attr in _pattern_attrs(r.pattern):
                if attr.upper() not in TOKEN_ATTRS:
                    problems.append(
                        f"{where}: token attribute {attr} is not set by the pipeline "
                        "(no tagger, parser or lemmatizer); use LOWER or REGEX"
                    )
        problems += [f"{where}: {m}" for m in _label_problems(r)]
    phrases = sum(len(r.phrases or []) for r in rules)
    if phrases > MAX_PHRASES:
        problems.append(
            f"{rules[-1].file}:0: {phrases} phrases in all (more than {MAX_PHRASES}): are YAML "
            "aliases repeating one list in many rules?"
        )
    return problems


def _pattern_attrs(pattern: list[dict[str, Any]]) -> set[str]:
    return {k for tok in pattern if isinstance(tok, dict) for k in tok}


def _label_problems(r: Rule) -> list[str]:
    out = []
    if r.kind == "action" and r.label not in MODALITIES:
        out.append(f"action rules need label one of {', '.join(MODALITIES)} (got {r.label!r})")
    if (r.kind == "statement_type" or r.kind == "not_item" and r.label) and r.label not in STATEMENT_TYPES:
        out.append(f"statement_type rules need label one of {', '.join(STATEMENT_TYPES)} (got {r.label!r})")
    if r.kind == "modifier" and r.label not in MODIFIER_CATEGORIES:
        out.append(f"modifier rules need label one of {', '.join(MODIFIER_CATEGORIES)} (got {r.label!r})")
    out += [
        f"unknown modifier category {c!r} in terminated_by" for c in r.terminated_by if c not in MODIFIER_CATEGORIES
    ]
    if r.kind == "topic" and r.label not in QUALITY_STATEMENTS:
        out.append(f"unknown quality statement {r.label!r}")
    if r.quality_statement is not None and r.quality_statement not in QUALITY_STATEMENTS:
        out.append(f"unknown quality statement {r.quality_statement!r}")
    if r.key_question is not None and r.key_question not in KEY_QUESTIONS and r.key_question != "$1":
        out.append(f"unknown key question {r.key_question!r}")
    if r.context is not None and r.context not in CONTEXTS:
        out.append(f"unknown context {r.context!r} (one of {', '.join(CONTEXTS)})")
    if r.kind == "context" and r.label not in CONTEXTS:
        out.append(f"context rules need label one of {', '.join(CONTEXTS)} (got {r.label!r})")
    if r.kind in ("heading", "context", "fact", "breach") and r.regex is None:
        out.append(f"{r.kind} rules match whole lines: give 'regex'")
    if r.kind == "heading" and r.level is None:
        out.append("heading rules need a level (1-6)")
    return out


def collect_rules(files: list[tuple[str, str]]) -> tuple[list[Rule], list[str]]:
    """Parse and check (name, text) rule files: every rule, and every problem of every file."""
    rules: list[Rule] = []
    problems: list[str] = []
    for name, text in files:
        found, file_problems = parse_rule_file(name, text)
        problems += file_problems
        rules += found
    return rules, problems + check_rules(rules)


def load_rules(extra: list[Path] | None = None, *, defaults: bool = True) -> RuleSet:
    """Shipped rules (unless defaults=False), then each user folder's: a user rule with a shipped rule's
    id replaces it in place; `enabled: false` switches one off. Raises RuleError listing every problem."""
    files = (shipped_rule_files() if defaults else []) + user_rule_files(extra or [])
    all_rules, problems = collect_rules(files)
    if problems:
        raise RuleError(problems)
    by_id: dict[str, Rule] = {}
    for r in all_rules:
        # later files (user rules) override earlier ones; the dict keeps the first position
        by_id[r.id] = by_id[r.id].model_copy(update={"enabled": False}) if r.switch_off else r
    return RuleSet(tuple(by_id.values()))
