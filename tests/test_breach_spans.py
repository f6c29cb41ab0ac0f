"""The span a breach citation comes from: the first span (in list order) that holds its start, found by
bisection when the spans are sorted, as a scan of every span finds it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cqcparse.analysis.breaches import _Holding


def scan(spans, start: int, end: int):
    for s, e, page in spans:
        if s <= start < e:
            return s, max(e, end), page
    return start, end, None


spans_st = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30), st.integers(1, 3)), max_size=12).map(
    lambda xs: [(s, s + n, p) for s, n, p in xs]
)


@given(spans_st, st.integers(0, 100), st.integers(0, 20), st.booleans())
def test_holding_is_the_first_span_that_holds_the_offset(spans, start, length, ordered) -> None:
    spans = sorted(spans) if ordered else spans
    assert _Holding(spans)(start, start + length) == scan(spans, start, start + length)


def test_holding_examples() -> None:
    holding = _Holding([(0, 10, 1), (5, 30, 1), (12, 20, 2)])
    assert holding(7, 9) == (0, 10, 1)  # the first of two overlapping spans
    assert holding(11, 40) == (5, 40, 1)  # widened to the citation's end
    assert holding(31, 33) == (31, 33, None)  # no span holds it
    assert _Holding([])(3, 4) == (3, 4, None)
