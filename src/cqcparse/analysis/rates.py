"""A rate set against a reference ('58% of patients found it easy ..., compared with the CCG average of
76%'): which way it points. Pure functions over the matched text."""

from __future__ import annotations

import re

RATE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?%")
COMPARED = re.compile(
    r"\bcompared (?:with|to)\b|\bagainst (?:a|an|the|its|their)(?: [\w\u2019'-]+){0,4}? "
    r"(?:target|average|standard|benchmark|expectation|aim)s?\b",
    re.IGNORECASE,
)


def compare_rates(span: str) -> int:
    """-1 when the first rate before 'compared with' (or 'against a target of') is below the first rate
    after it, 1 when above, 0 when they are equal or a rate is missing."""
    m = COMPARED.search(span)
    if not m:
        return 0
    before, after = RATE.findall(span[: m.start()]), RATE.findall(span[m.end() :])
    if not before or not after:
        return 0
    rate, reference = float(before[0]), float(after[0])
    return (rate > reference) - (rate < reference)


def measure_end(span: str) -> int:
    """Where the measure ends: the words before 'compared with' say what is counted."""
    m = COMPARED.search(span)
    return m.start() if m else len(span)
