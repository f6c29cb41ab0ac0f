"""The guard in front of a regex: the first characters its matches start with, and exactly the same matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cqcparse.analysis.guard import guarded
from cqcparse.analysis.rulefiles import FLAGS
from cqcparse.analysis.rules import load_rules


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\bwe (?:would )?recommend", r"\b(?=[w])(?:\bwe (?:would )?recommend)"),
        (r"\b(?:is|are)\b|^(?:all )?staff", r"\b(?=[ais])(?:\b(?:is|are)\b|^(?:all )?staff)"),  # '^' starts a word
        (r"(?<!not )\bsafe\b", r"\b(?=[s])(?:(?<!not )\bsafe\b)"),  # a lookbehind is zero width
        (r"(?:all |registered |)providers must", r"(?=[apr])(?:(?:all |registered |)providers must)"),  # no \b
        (r"(?:at )?risk", r"(?=[ar])(?:(?:at )?risk)"),
        (r"[A-C]\) staff", r"(?=[ABC])(?:[A-C]\) staff)"),
    ],
)
def test_guard_names_the_first_characters(regex: str, expected: str) -> None:
    assert guarded(regex, FLAGS) == expected


@pytest.mark.parametrize(
    "regex",
    [
        r"^we expect|^providers must",  # '^' already rejects most positions
        r"\d+ patients",  # a category
        r"\w+ed\b",
        r"\(a\) the",  # no letter with case: re finds such a start by itself
        r"(?:risk)?",  # matches the empty string
        r"(?-i:NICE) says",  # local flags change what a letter matches
        r"(?x) staff \s were",  # global flags must stay at the start
        r"[^.]+ staff",
    ],
)
def test_no_guard_where_it_cannot_be_told_or_would_not_pay(regex: str) -> None:
    assert guarded(regex, FLAGS) == regex


def test_guarded_regex_matches_as_the_regex_does() -> None:
    rx = re.compile(r"\b(?:is|are)\b|^(?:all )?staff", FLAGS)
    g = re.compile(guarded(rx.pattern, FLAGS), FLAGS)
    text = "All staff is here.\nstaff are\nthis is, Staffs ARE\n"
    spans = [(0, 9), (10, 12), (19, 24), (25, 28), (34, 36), (45, 48)]
    assert [m.span() for m in g.finditer(text)] == [m.span() for m in rx.finditer(text)] == spans
    # from inside a word, \b and '^' still see the text before the start
    assert [m.span() for m in g.finditer(text, 20)] == [m.span() for m in rx.finditer(text, 20)] == spans[3:]
    # ignore-case matches the Kelvin sign as k: the guard's class does too
    assert re.compile(guarded(r"\bkeeps\b", FLAGS), FLAGS).findall("\u212aeeps it") == ["\u212aeeps"]


def test_every_shipped_regex_finds_the_same_matches_guarded(fixtures_dir: Path) -> None:
    """Spans and groups of each shipped regex rule, guarded and not, over fictional reports and the examples."""
    rules = [r for r in load_rules().rules if r.regex]
    texts = [p.read_text(encoding="utf-8") for p in sorted(fixtures_dir.glob("*.txt"))[:4]]
    guarded_count = 0
    for r in rules:
        assert r.regex is not None
        plain, fast = re.compile(r.regex, FLAGS), r.compiled()
        guarded_count += fast.pattern != r.regex
        examples = (r.examples.match + r.examples.no_match) if r.examples else []
        for text in texts + examples:
            expected = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == expected, (r.id, text[:60])
    assert guarded_count > len(rules) // 2
