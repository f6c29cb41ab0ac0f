"""Every shipped regex runs in linear time (issue 14): timed on adversarial text (runs of spaces and
newlines, blank lines of spaces, repeated lines, bullets, long words) at two sizes, a rule fails when its
time grows faster than the size. A rule that backtracks catastrophically would hang `extract`."""

from __future__ import annotations

import time

import pytest

from cqcparse.analysis.rules import load_rules

SMALL, LARGE = 60, 240  # units of each text below; LARGE / SMALL = 4
ADVERSARIAL = {
    "spaces": lambda n: " " * (20 * n) + "x",
    "newlines": lambda n: "\n" * (20 * n) + "x",
    "blank lines of spaces": lambda n: " \n" * n + "x",
    "spaces and tabs": lambda n: "\t \n\n" * (5 * n) + "x",
    "repeated line": lambda n: "Staff were kind and caring\n" * n,
    "bullets": lambda n: "- a\n" * (5 * n),
    "words": lambda n: "word " * (4 * n),
    "dotted": lambda n: "a." * (10 * n),
    "label lines": lambda n: "Rating: \n" * (2 * n),
    "parentheses": lambda n: "(a)" * (6 * n),
}
FLOOR = 0.005  # seconds: below this at the large size a rule is fast whatever its growth
SLOWEST_GROWTH = 10.0  # linear growth is 4x, quadratic 16x (bounded backtracking, as .{3,80}, adds some)
BACKTRACKING = {  # known: strict xfails, each with the issue that fixes it
}


def _regex_rules():
    return [r for r in load_rules().rules if r.regex is not None]


def _seconds(pattern, text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):  # the best of `runs`, unless one run is already clearly slow
        t0 = time.perf_counter()
        for _m in pattern.finditer(text):
            pass
        best = min(best, time.perf_counter() - t0)
        if best > 0.1:
            break
    return best


def _growth(pattern, make) -> tuple[float, float] | None:
    """(small, large) seconds when the large text takes long enough to tell, else None."""
    if _seconds(pattern, make(LARGE), 1) < FLOOR:
        return None
    return max(_seconds(pattern, make(SMALL), 3), 1e-6), _seconds(pattern, make(LARGE), 3)


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(
            r,
            id=r.id,
            marks=[pytest.mark.xfail(strict=True, reason=BACKTRACKING[r.id])] if r.id in BACKTRACKING else [],
        )
        for r in _regex_rules()
    ],
)
def test_shipped_regex_runs_in_linear_time(rule) -> None:
    pattern = rule.compiled()
    slow = []
    for name, make in ADVERSARIAL.items():
        for _try in range(2):  # measured again once: another process may have slowed the first try
            times = _growth(pattern, make)
            if times is None or times[1] / times[0] <= SLOWEST_GROWTH:
                break
        else:
            slow.append(f"{name}: {times[0]:.4f} s -> {times[1]:.4f} s for 4x the text")
            break  # one is enough: more of them on a slow rule would only cost time
    assert not slow, slow
