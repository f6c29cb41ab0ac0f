"""Shared fixtures: one Pipeline for the whole session, the fixture folder and the shared dev corpus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from cqcparse import Pipeline
from cqcparse.analysis import furniture, segment
from cqcparse.analysis.segment import Block, Heading
from cqcparse.pipeline import Analysed
from cqcparse.readers.source import SourceText

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


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


def segment_source(pipe: Pipeline, src: SourceText) -> Segmented:
    """The stages of `Pipeline.run` up to the analysed sentences: running headers and footers masked
    (offsets unchanged), blocks, headings, sentences."""
    masked = replace(src, text=furniture.mask_furniture(src.text))
    bl = segment.blocks(masked)
    hs = segment.find_headings(masked.text, bl, pipe.rules)
    return Segmented(src.text, bl, hs, pipe.analyse(masked, bl, hs))


@pytest.fixture(scope="session")
def segmented(pipe: Pipeline) -> Callable[[str], Segmented]:
    """Segment a text as the pipeline does."""
    return lambda text: segment_source(pipe, SourceText(path="<test>", format="text", text=text))


@pytest.fixture(scope="session")
def segmented_source(pipe: Pipeline) -> Callable[[SourceText], Segmented]:
    """Segment a reader's SourceText as the pipeline does."""
    return lambda src: segment_source(pipe, src)
