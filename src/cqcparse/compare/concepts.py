"""Concepts: CQC's stock phrasings of one shortfall (and of its answer), from compare/concepts.yaml.

`concepts_of(text)` names the concepts a sentence expresses; compare/match.py makes two items that share
one more alike. `example_failures()` checks every concept's examples (tests/test_compare_concepts.py).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, field_validator


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: list[str]
    no_match: list[str] = []


class Concept(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    description: str
    patterns: list[str]
    examples: Examples

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns

    def matches(self, text: str) -> bool:
        return any(r.search(text) for r in _compiled(tuple(self.patterns)))


class ConceptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    concepts: list[Concept]


@cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@cache
def load_concepts() -> tuple[Concept, ...]:
    """The shipped concepts, in file order."""
    raw = yaml.safe_load(files("cqcparse.compare").joinpath("concepts.yaml").read_text(encoding="utf-8"))
    return tuple(ConceptFile.model_validate(raw).concepts)


def concepts_of(text: str) -> frozenset[str]:
    """Ids of the concepts the text expresses."""
    return frozenset(c.id for c in load_concepts() if c.matches(text))


def example_failures() -> list[str]:
    """'ID: should match: TEXT' (or 'should not match') for every example a concept gets wrong."""
    out = []
    for c in load_concepts():
        out += [f"{c.id}: should match: {t}" for t in c.examples.match if not c.matches(t)]
        out += [f"{c.id}: should not match: {t}" for t in c.examples.no_match if c.matches(t)]
    return out
