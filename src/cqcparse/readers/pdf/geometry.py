"""The shared layout types: a segment of a printed line, a line, a piece (a line or one column's half of it,
in reading order) and a block (a paragraph, bullet, heading or table row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

BULLET_MARKS = "●•▪◦■□►➢✓\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
by_x0 = attrgetter("x0")  # sort key: left to right


@dataclass(slots=True)
class Run:
    """A horizontal run of text in one font on one printed line. `top` is measured from the page top."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    bold: bool
    w1: float  # width of the first word, for the "would it have fitted on the line above" test
    base: float  # the baseline (or any height fixed relative to it), measured from the page top


@dataclass(slots=True)
class Seg:
    runs: list[Run]
    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""
    size: float = 0.0
    bold: bool = False
    w1: float = 0.0
    hang: float | None = None
    base: float = 0.0


@dataclass(slots=True)
class Line:
    segs: list[Seg]
    top: float
    bottom: float
    zone: int = 0  # >0: in that zone of two columns whose lines are not level (gutters.py) ...
    gutter: float = 0.0  # ... whose right column starts here

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segs)


@dataclass(slots=True)
class Piece:
    """A printed line (or one column's half of it) in reading order."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    w1: float
    row: bool  # a table row: several cells on one line
    col_left: float  # the text column this line sits in
    col_right: float
    region: int  # 0 single column, >0 a two-column region id
    jump: bool = False  # first line of a new column or page
    narrow: float = 0.0  # if set: the line fits the left column of the document's two-column layout
    hang: float | None = None  # x0 of the text after a bullet mark
    base: float = 0.0  # baseline: line pitch is measured on it, as glyph boxes vary with the letters
    cell: bool = False  # the first line of a table cell that goes on the row of the cell to its left


@dataclass(slots=True)
class Block:
    pieces: list[Piece] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)  # separator before pieces[i + 1]: " ", or "" after a hyphen
    bullet: bool = False
    row: bool = False
    hang: float | None = None  # x0 of a bullet's text after its mark


def starts_bullet(text: str) -> bool:
    return text[:1] in BULLET_MARKS and text[:1] != ""
