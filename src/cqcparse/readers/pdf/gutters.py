"""Two text columns whose lines are not level with each other (each column set on its own baseline grid).

Grouping runs into printed lines by vertical overlap would join a left-column line to whichever right-column
line happens to overlap it, and interleave the columns. A *zone* is a stretch of the page split by a vertical
gutter that no run crosses, with a flow of text on both sides (neither side less than half as many runs as
the other, so a table's short label column does not count) whose runs are mostly not level with the other
side's. Runs in a zone are grouped into lines only with runs on their own side, and read column by column.
Columns whose lines are level are left to the line-based region finder in columns.py.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from cqcparse.readers.pdf.engines import Run
from cqcparse.readers.pdf.geometry import by_x0

_MIN_RUNS = 5  # on each side of the gutter


@dataclass(slots=True, frozen=True)
class Zone:
    top: float  # run centres from here ...
    bottom: float  # ... to here (inclusive) belong to the zone
    gutter: float  # x0 of the right column


def _mid(r: Run) -> float:
    return (r.top + r.bottom) / 2


def find_zones(runs: list[Run], width: float) -> list[Zone]:
    """The zones of a page, top to bottom. `runs` come sorted by their centres, as group_lines sorts them."""
    xs = Counter(round(r.x0) for r in runs if 0.3 * width < r.x0 < 0.75 * width)
    starts = Counter({x: sum(xs.get(x + d, 0) for d in range(-2, 3)) for x in xs})  # x0 within 2 pt
    zones: list[Zone] = []
    for x, n in starts.most_common(3):
        if n < _MIN_RUNS:
            break
        # the stretches between runs that cross the gutter
        lo, hi = x - 5, x + 3
        crossing = [i for i, r in enumerate(runs) if r.x0 < lo and r.x1 > hi]
        start = 0
        for end in [*crossing, len(runs)]:
            zone = _zone(runs[start:end], x - 3)
            if zone is not None and not any(z.top <= zone.bottom and zone.top <= z.bottom for z in zones):
                zones.append(zone)
            start = end + 1
    return sorted(zones, key=lambda z: z.top)


def _zone(seq: list[Run], gutter: float) -> Zone | None:
    if len(seq) < 2 * _MIN_RUNS:
        return None
    left = [r for r in seq if r.x0 < gutter and r.text.strip()]
    right = [r for r in seq if r.x0 >= gutter and r.text.strip()]
    if len(left) < _MIN_RUNS or len(right) < _MIN_RUNS:
        return None
    lines_l, lines_r = _levels(left), _levels(right)
    if min(len(lines_l), len(lines_r)) < _MIN_RUNS or min(len(lines_l), len(lines_r)) < 0.5 * max(
        len(lines_l), len(lines_r)
    ):
        return None
    size = max(1.0, sorted(r.size for r in right)[len(right) // 2])
    level = sum(1 for m in lines_r if _near(lines_l, m, 0.2 * size))
    if level >= 0.5 * len(lines_r) or _repeats(left):
        return None
    # from where the first column's text begins (a label printed well above a column is not part of it)
    top = min(_flow_top(left), _flow_top(right)) - 0.5
    bottom = max(r.bottom for r in seq) + 0.5
    return Zone(top, bottom, min(r.x0 for r in right))


def _near(sorted_values: list[float], m: float, tol: float) -> bool:
    k = bisect_left(sorted_values, m - tol)
    return k < len(sorted_values) and sorted_values[k] <= m + tol


def _repeats(runs: list[Run]) -> bool:
    """True if some printed line of two or more words recurs three times (or of four or more words, twice):
    a table's label column (the regulated activity of each row of a requirement table), not prose. Runs come
    sorted by centre, so the runs of a line (one rounded centre) are next to each other."""
    seen: Counter = Counter()
    for _, group in groupby(runs, key=lambda r: round(_mid(r))):
        text = " ".join("".join(r.text for r in sorted(group, key=by_x0)).split())
        seen[text] += 1
        n = seen[text]
        if n >= 2 and (n >= 3 and len(text.split()) >= 2 or len(text.split()) >= 4):
            return True
    return False


def _printed_lines(runs: list[Run]) -> Iterator[list[float]]:
    """[top, bottom, size] of each printed line of one side, top to bottom (runs sorted by centre), each
    given once it is whole: when the next line starts."""
    line: list[float] | None = None
    for r in runs:
        if line is not None and _mid(r) - (line[0] + line[1]) / 2 <= 0.3 * max(r.size, 1.0):
            line[0], line[1] = min(line[0], r.top), max(line[1], r.bottom)
            continue
        if line is not None:
            yield line
        line = [r.top, r.bottom, r.size]
    if line is not None:
        yield line


def _flow_top(runs: list[Run]) -> float:
    """Top of the side's first printed line that its next line follows within 2.5 em (runs sorted by centre)."""
    lines = _printed_lines(runs)
    a = next(lines)
    for b in lines:
        if b[0] - a[1] <= 2.5 * max(a[2], 1.0):
            return a[0]
        a = b
    return a[0]


def _levels(runs: list[Run]) -> list[float]:
    """The distinct line centres of one side (runs of one printed line share one; runs sorted by centre)."""
    out: list[float] = []
    step = 0.3 * runs[0].size if runs else 0.0  # the first run's size
    for m in map(_mid, runs):
        if not out or m - out[-1] > step:
            out.append(m)
    return out


def side_of(r: Run, zones: list[Zone]) -> tuple[int, int]:
    """(zone number from 1, 0 left / 1 right) of a run; (0, 0) outside every zone."""
    m = _mid(r)
    for k, z in enumerate(zones, 1):
        if z.top <= m <= z.bottom:
            return k, int(r.x0 >= z.gutter - 2)
    return 0, 0
