"""Running headers and footers of plain text, found so that they can be blanked before segmenting.
(PDF readers find furniture by its position on the page instead.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from cqcparse.analysis.segment import BULLET
from cqcparse.analysis.sentences import SENTENCE_END_CHARS


def mask_furniture(text: str) -> str:
    """Blank out the running headers and footers of plain text, keeping every other offset where it was.
    A line is furniture when it repeats like a page header: at least three times with only a number
    changing, the numbers rising (a page number), and other lines between each repeat (the page's body).
    A list item never is: bullets, lines that end a sentence and lines next to each other are body text.
    (PDF readers find furniture by its position on the page instead.)"""
    lines = text.split("\n")
    masked = set(_furniture(lines))
    if not masked:
        return text
    return "\n".join(" " * len(ln) if i in masked else ln for i, ln in enumerate(lines))


_NUMBER = re.compile(r"\d+")


def _furniture(lines: list[str]) -> Iterator[int]:
    """Indexes of the lines that are running headers or footers (see `mask_furniture`)."""
    groups: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s and len(s) < 160 and _NUMBER.search(s) and not BULLET.match(s) and s[-1] not in SENTENCE_END_CHARS:
            groups.setdefault(_NUMBER.sub("#", s), []).append(i)
    for where in groups.values():
        numbers = [tuple(int(n) for n in _NUMBER.findall(lines[i])) for i in where]
        if (
            len(where) >= 3
            and len(set(numbers)) >= 3
            and all(a < b for a, b in pairwise(numbers))
            and all(any(lines[k].strip() for k in range(a + 1, b)) for a, b in pairwise(where))
        ):
            yield from where
