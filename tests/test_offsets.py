"""Offsets: every item and every sentence is grounded in the decoded input text, and decoding keeps those
offsets meaningful (BOM removed, cp1252 accepted, CRLF kept)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqcparse import InputError
from cqcparse.analysis.furniture import mask_furniture
from cqcparse.readers.source import SourceText
from cqcparse.readers.text import decode_text, read_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_TEXTS = sorted(FIXTURES.rglob("*.txt"))
SHARED_REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def running_lines(text: str) -> set[str]:
    """Masks of the lines the pipeline blanks as running headers/footers (tests/test_segment.py checks
    which lines those are)."""
    blanked = mask_furniture(text).split("\n")
    return {_mask(ln) for ln, b in zip(text.split("\n"), blanked) if ln.strip() and not b.strip()}


def visible(text: str, start: int, end: int, furniture: set[str]) -> str:
    """text[start:end] as a reader sees it: whitespace normalised, and running header/footer lines that
    fall wholly inside the span left out (a sentence broken across a page is one sentence without them)."""
    lines = text[start:end].split("\n")
    inner = [
        ln for i, ln in enumerate(lines) if i in (0, len(lines) - 1) or not ln.strip() or _mask(ln) not in furniture
    ]
    return " ".join(" ".join(inner).split())


def check_grounded(pipe, segmented_source, src: SourceText) -> int:
    """Assert the offset invariant for every item, breach citation and sentence; return the item count."""
    text = src.text
    furniture = running_lines(text)
    report = pipe.run(src)
    for item in report.items():
        assert 0 <= item.start < item.end <= len(text)
        assert visible(text, item.start, item.end, furniture) == item.text, (item.id, item.text)
        assert not text[item.start].isspace() and not text[item.end - 1].isspace()
    for breach in report.breaches:
        for c in breach.citations:
            assert " ".join(text[c.start : c.end].split()) == c.text
    analysed = segmented_source(src).analysed
    for a in analysed:
        assert visible(text, a.sentence.start, a.sentence.end, furniture) == a.text
    spans = [(a.sentence.start, a.sentence.end) for a in analysed]
    assert spans == sorted(spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:])), "sentences overlap"
    for s in report.sections:
        assert 0 <= s.start <= s.end <= len(text)
    return len(report.items())


@pytest.mark.parametrize("path", FIXTURE_TEXTS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_offsets(pipe, segmented_source, path):
    src = read_source(path)
    assert check_grounded(pipe, segmented_source, src) > 0


def corpus_texts() -> list[Path]:
    return sorted(SHARED_REPORTS.glob("*.txt")) if SHARED_REPORTS.is_dir() else []


@pytest.mark.parametrize("name", [p.name for p in corpus_texts()] or ["<no corpus>"])
def test_corpus_offsets(pipe, segmented_source, shared_dir, name):
    src = read_source(shared_dir / "reports" / name)
    assert check_grounded(pipe, segmented_source, src) > 0


# --- decoding ------------------------------------------------------------------------------------------


def test_utf8_bom_is_removed_and_offsets_follow_the_text_without_it(pipe, tmp_path):
    body = "Thornby Lodge\nStaff did not always wear gloves. People were kind and caring."
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    src = read_source(path)
    assert src.text == body
    report = pipe.run(src)
    finding = report.findings[0]
    assert (finding.start, finding.end, finding.text) == (14, 47, "Staff did not always wear gloves.")
    assert report.report.provider == "Thornby Lodge"  # the first line is the title: no BOM in front of it


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("\u201cKind\u201d staff.".encode("utf-16"))
    assert read_source(path).text == "\u201cKind\u201d staff."


def test_cp1252_bytes_are_decoded_not_rejected(pipe, tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\x93quoted\x94 and \x96 dash. Staff did not always wear gloves.")
    src = read_source(path)
    assert src.text == "\u201cquoted\u201d and \u2013 dash. Staff did not always wear gloves."
    assert [(i.text, i.start) for i in pipe.run(src).findings] == [
        ("Staff did not always wear gloves.", src.text.index("Staff"))
    ]


def test_crlf_offsets_point_into_the_text_as_read(pipe, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Our view of the service\r\nStaff did not always wear gloves.\r\n")
    src = read_source(path)
    assert "\r\n" in src.text
    (finding,) = pipe.run(src).findings
    assert src.text[finding.start : finding.end] == "Staff did not always wear gloves."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),  # a BOM and nothing else
        (b"\xef\xbb\xbf\r\n \r\n", "is empty"),
        (b"\xff\xfe", "is empty"),  # UTF-16 BOM only
        (b"abc\x00\x00def", "looks like a binary file, not report text"),
        (b"\x81\x8d\x8f\x90\x9d", "cannot be decoded as UTF-8 or cp1252 (byte 0)"),
    ],
)
def test_unusable_input_is_an_input_error(data, message):
    with pytest.raises(InputError) as err:
        decode_text(data, "in.txt")
    assert str(err.value) == f"in.txt: {message}"


# --- the property: generated documents ------------------------------------------------------------------

WORDS = [
    "staff",
    "people",
    "care",
    "plans",
    "were",
    "reviewed",
    "regularly",
    "the",
    "manager",
    "visited",
    "homes",
    "and",
    "records",
    "showed",
    "medicines",
    "audits",
    "checked",
    "weekly",
    "relatives",
    "told",
    "us",
    "carers",
    "arrived",
    "on",
    "time",
    "with",
    "support",
    "from",
    "leaders",
]
CANNED = [
    "Staff did not always follow the medicines policy.",
    "The trust must ensure that audits are completed.",
    "People were treated with kindness and respect.",
    "Falls were 1.6 times higher than the average.",
    "Carers used tools, e.g. the falls checklist, to plan care.",
    "One person said, \u201cI feel safe. They are kind.\u201d",
    "Succession planning had been lacking and needed to be prioritised.",
    "The visit was led by Dr. Smith and the practice manager.",
]
HEADINGS = [
    "Our view of the service",
    "Is the service safe?",
    "Freedom to speak up",
    "Safeguarding",
    "Action the trust MUST take to improve",
    "People's experience of this service",
    "Summary of findings",
]
BULLETS = ["-", "\u2022", "\u25cf"]
GAPS = [" ", " ", " ", "  ", "\t", " \u00a0", ""]  # "" glues the next sentence to the full stop


@st.composite
def generated_sentence(draw) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(CANNED))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=12))
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


@st.composite
def paragraph(draw) -> str:
    """Sentences separated by random whitespace (or glued); sometimes wrapped before a lower-case word,
    as pdftotext does."""
    sentences = draw(st.lists(generated_sentence(), min_size=1, max_size=4))
    out = sentences[0]
    for s in sentences[1:]:
        out += draw(st.sampled_from(GAPS)) + s
    spaces = [m.start() for m in re.finditer(r" (?=[a-z])", out)]
    if spaces and draw(st.booleans()):
        cut = draw(st.sampled_from(spaces))
        out = out[:cut] + draw(st.sampled_from(["\n", " \n", "\n  "])) + out[cut + 1 :]
    return out


@st.composite
def block(draw) -> tuple[str, str]:
    kind = draw(st.sampled_from(["heading", "paragraph", "paragraph", "bullet"]))
    if kind == "heading":
        return kind, draw(st.sampled_from(HEADINGS))
    lead = draw(st.sampled_from(["", "", " ", "\t"]))
    if kind == "bullet":
        return kind, lead + draw(st.sampled_from(BULLETS)) + draw(st.sampled_from([" ", "  ", "\t"])) + draw(
            paragraph()
        )
    return kind, lead + draw(paragraph())


def footer(page: int) -> str:
    return f"{page} Foo Care Limited Inspection report 14 November 2023"


@st.composite
def document(draw) -> tuple[bytes, list[tuple[str, str]], bool]:
    """Blocks with random blank lines, trailing whitespace, line ends and BOM; with 3 blocks or more,
    sometimes a running footer after each block and in the middle of wrapped paragraphs."""
    blocks = draw(st.lists(block(), min_size=1, max_size=8))
    footers = len(blocks) >= 3 and draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    parts = []
    page = draw(st.integers(1, 40))
    for _, b in blocks:
        if footers and "\n" in b:
            b = b.replace("\n", f"\n{footer(page)}\n", 1)
            page += 1
        page_break = draw(st.sampled_from(["", "", "", "\f"]))  # pdftotext starts a page with a form feed
        parts.append(page_break + b.replace("\n", newline) + draw(st.sampled_from(["", " ", "\t"])))
        parts.extend([""] * draw(st.integers(0, 2)))  # blank lines
        if footers:
            parts.append(footer(page))
            page += 1
    text = newline.join(parts) + draw(st.sampled_from(["", newline]))
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), blocks, footers


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_generated_documents_are_grounded(pipe, segmented_source, generated):
    data, blocks, footers = generated
    text = decode_text(data, "gen.txt")
    assert text == data.decode("utf-8-sig")
    src = SourceText("gen.txt", "text", text)
    check_grounded(pipe, segmented_source, src)

    sentences = segmented_source(src).sentences
    for s in sentences:
        assert not s.startswith(tuple(b + " " for b in BULLETS)) and not s.startswith("\t"), s
        assert not any(h in s for h in HEADINGS), s
        assert "Inspection report" not in s, s
    if footers:
        assert all(h is None or "Inspection report" not in h.title for h in segmented_source(src).headings)
    # nothing a paragraph or bullet says is lost: its characters reappear, in order, in the sentences
    said = squeeze("".join(sentences))
    for kind, b in blocks:
        if kind == "heading":
            continue
        body = b.strip()
        if kind == "bullet":
            body = body[1:]
        assert squeeze(body) in said, body
