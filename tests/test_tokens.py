"""The tokenizer with its cache filled first must give exactly the tokens of spaCy's own tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from cqcparse.analysis import tokens
from cqcparse.analysis.tokens import Tokenizer

ATTRS = ["ORTH", "IDX", "SPACY", "NORM", "LOWER"]

# special cases early ("people's", "e.g.", "don't"), then the same chunks again, affixes, infixes, numbers,
# a web address, and runs of whitespace
TEXT = (
    "The home's staff knew people's needs, e.g. their diets, and didn't rush them.\n\n"
    "Staff knew people's needs (their diets), and didn't rush them:  61% of relatives said so.\n"
    "The well-led review [2024] found self-contained flats; see www.example.org/report.\tStaff knew."
)


def plain(text: str) -> list[list[int]]:
    nlp = spacy.blank("en")
    return nlp.make_doc(text).to_array(ATTRS).tolist()


def test_same_tokens_as_spacy_first_and_cached() -> None:
    tokenize = Tokenizer(spacy.blank("en"))
    expected = plain(TEXT)
    assert tokenize(TEXT).to_array(ATTRS).tolist() == expected
    assert tokenize.seen == set(TEXT.split())  # the chunks spaCy tokenises one by one
    assert tokenize(TEXT).to_array(ATTRS).tolist() == expected  # every chunk from the cache now
    assert tokenize(TEXT[40:]).to_array(ATTRS).tolist() == plain(TEXT[40:])


def test_chunks_past_the_cap_are_tokenised_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "MAX_CHUNKS", 5)
    tokenize = Tokenizer(spacy.blank("en"))
    assert tokenize("one two three four five six").to_array(ATTRS).tolist() == plain("one two three four five six")
    assert tokenize.seen == {"one", "two", "three", "four", "five", "six"}
    assert tokenize(TEXT).to_array(ATTRS).tolist() == plain(TEXT)
    assert len(tokenize.seen) == 6  # full: nothing more is added


def test_same_tokens_on_every_text_of_the_corpus(shared_dir: Path, fixtures_dir: Path) -> None:
    paths = sorted((shared_dir / "reports").glob("*.txt")) + sorted(fixtures_dir.glob("*.txt"))
    tokenize = Tokenizer(spacy.blank("en"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert tokenize(text).to_array(ATTRS).tolist() == plain(text), path.name
