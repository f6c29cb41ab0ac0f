"""Shared fixtures: one Pipeline for the whole session, the fixture folder and the shared dev corpus."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cqcparse import Pipeline, segment
from cqcparse.pipeline import Analysed
from cqcparse.segment import Block, Heading
from cqcparse.source import SourceText

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = FIXTURES / "cpft-well-led-2025.txt"


@pytest.fixture(scope="session")
def pipe() -> Pipeline:
    """Built once: loading spaCy and the rules is the slow part of every run."""
    return Pipeline()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared dev corpus beside the checkout; tests that need it skip when it is absent."""
    if not (SHARED / "reports").is_dir():
        pytest.skip(f"shared corpus not found at {SHARED}")
    return SHARED


@dataclass
class Segmented:
    """What the pipeline makes of a text: its blocks, headings and analysed sentences."""
    text: str
    blocks: list[Block]
    headings: list[Heading | None]
    analysed: list[Analysed]

    @property
    def sentences(self) -> list[str]:
        return [a.text for a in self.analysed]

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(a.sentence.start, a.sentence.end) for a in self.analysed]

    @property
    def titles(self) -> list[str]:
        return [h.title for h in self.headings if h is not None]


@pytest.fixture(scope="session")
def segmented(pipe: Pipeline) -> Callable[[str], Segmented]:
    """Run the pipeline's own segmentation stages (blocks, headings, sentences) over a text."""
    def run(text: str) -> Segmented:
        src = SourceText(path="<test>", format="text", text=text)
        bl = segment.blocks(src)
        hs = segment.find_headings(text, bl, pipe.rules)
        return Segmented(text, bl, hs, pipe.analyse(src, bl, hs))
    return run
