"""What every reader produces: the document text plus where each part of it came from.

Readers (text, PDF, HTML) all return a `SourceText`. The contract that lets one pipeline serve them all:
`text` holds one block per line -- a heading, a paragraph, a bullet ("- " prefix) or a table row -- and no
newline inside a block. Offsets everywhere in cqcparse are offsets into this `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["text", "pdf", "html"]


@dataclass(frozen=True, slots=True)
class Page:
    """Page `number` (1-based) covers text[start:end]."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LineBox:
    """A run of text[start:end] printed on `page` inside the box (x0, top, x1, bottom), in PDF points."""

    start: int
    end: int
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class HeadingHint:
    """The reader knows text[start:end] is a heading (HTML <h2>, a bold PDF line), at this level (1-6)."""

    start: int
    end: int
    level: int


@dataclass(slots=True)
class SourceText:
    path: str
    format: Format
    text: str
    pages: list[Page] = field(default_factory=list)
    boxes: list[LineBox] = field(default_factory=list)
    # None: the reader cannot tell headings (plain text) and the heading rules decide alone.
    headings: list[HeadingHint] | None = None
