"""The rule schema: the kinds of rule, the pydantic model of one rule (which fields it takes, exactly one
matcher), and its compiled regex. Loading and checking rule files is in rules.py."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cqcparse.analysis.guard import guarded
from cqcparse.analysis.rulefiles import FLAGS

RuleKind = Literal[
    "finding",
    "positive",
    "action",
    "not_action",
    "not_item",
    "statement_type",
    "modifier",
    "topic",
    "heading",
    "context",
    "fact",
    "breach",
    "abbreviation",
]


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)


class Rule(BaseModel):
    """One rule. Exactly one of `phrases` (PhraseMatcher, case-insensitive), `pattern` (a spaCy token
    pattern for the Matcher) or `regex` (Python regex, case-insensitive) says what it matches."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    kind: RuleKind
    description: str = ""
    phrases: list[str] | None = None
    pattern: list[dict[str, Any]] | None = None
    regex: str | None = None
    label: str | None = None
    weight: float = 1.0
    level: int | None = Field(None, ge=1, le=6)
    key_question: str | None = None
    quality_statement: str | None = None
    context: str | None = None
    value: str | None = Field(None, description="fact rules: the value to record when the regex has no 'value' group")
    # modifier rules (ConText): which way the scope runs from the trigger, how many tokens at most, and
    # the modifier categories whose triggers end it
    direction: Literal["forward", "backward", "both"] = "forward"
    max_scope: int = Field(8, ge=0)
    terminated_by: list[str] = Field(default_factory=list)
    enabled: bool = True
    examples: Examples | None = None
    # where the rule came from, filled by the loader
    file: str = Field("", exclude=True)
    line: int = Field(0, exclude=True)
    # `{id: X, enabled: false}` alone: switch off rule X without repeating it
    switch_off: bool = Field(False, exclude=True)

    @model_validator(mode="after")
    def _one_matcher(self) -> Rule:
        given = [k for k in ("phrases", "pattern", "regex") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'phrases', 'pattern' or 'regex'" + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    def compiled(self) -> re.Pattern[str]:
        """The regex compiled behind its guard (analysis/guard.py): the same matches, found faster."""
        assert self.regex is not None
        return _compile(self.regex)


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(source: str) -> re.Pattern[str]:
    if source not in _REGEX_CACHE:
        _REGEX_CACHE[source] = re.compile(guarded(source, FLAGS), FLAGS)
    return _REGEX_CACHE[source]
