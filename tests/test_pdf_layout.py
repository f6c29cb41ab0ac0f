"""Reader rules for real-world PDF layouts, on PDFs built here: printed order rather than content-stream
order, spaces from geometry, overprinted headings, rating dots, unlevel columns, and a Chromium-printed page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cqcparse import extract
from cqcparse.readers.pdf import read_pdf
from test_pdf import make_pdf, wrap

ENGINES = ["pdfium", "plumber"]
FOOTER = "{} Testhaven Lodge Inspection report 3 March 2024"
BODY = [
    "Staff did not always follow the provider's medicines policy when giving people their medicines.",
    "People told us staff were kind and treated them with dignity and respect at all times.",
]


def words_apart(x: float, top: float, size: float, text: str, bold: bool = False) -> list[tuple]:
    """Each word of `text` as its own text object, a space's width apart, with no space character."""
    from pdfminer.fontmetrics import FONT_METRICS

    widths = FONT_METRICS["Helvetica-Bold" if bold else "Helvetica"][1]
    out = []
    for word in text.split():
        out.append((x, top, size, word, bold))
        x += (sum(widths.get(ch, 556) for ch in word) + 278) * size / 1000
    return out


def banded_pages() -> list[list[tuple]]:
    """Four pages, each with its footer first in the content stream and its key-question band last."""
    pages = []
    for i, band in enumerate(
        ["Is the service safe?", "Is the service safe?", "Is the service caring?", "Is the service caring?"], 1
    ):
        items: list[tuple] = [(50, 805, 8, FOOTER.format(i))]
        y = 120.0
        for para in BODY:
            for line in wrap(para, 300):
                items.append((50, y, 10, line))
                y += 12
            y += 8
        items.append((50, 40, 18, band, True))
        pages.append(items)
    return pages


@pytest.mark.parametrize("engine", ENGINES)
def test_band_last_in_the_stream_is_read_first_and_footer_dropped(tmp_path, engine):
    src = read_pdf(make_pdf(tmp_path / "bands.pdf", banded_pages()), engine=engine)
    # the band names its section: read once, where the section starts, and not again on its later pages
    want = ["Is the service safe?", *BODY, *BODY, "Is the service caring?", *BODY, *BODY]
    assert src.text.split("\n") == want
    assert [src.text[h.start : h.end] for h in src.headings] == ["Is the service safe?", "Is the service caring?"]


def test_band_sets_the_key_question_of_the_text_below_it(tmp_path):
    report = extract(make_pdf(tmp_path / "bands.pdf", banded_pages()))
    labels = {(it.kind, it.text, it.key_question) for it in report.findings + report.positives}
    assert ("finding", BODY[0], "safe") in labels
    assert ("positive", BODY[1], "caring") in labels
    assert {it.key_question for it in report.findings + report.positives} == {"safe", "caring"}


@pytest.mark.parametrize("engine", ENGINES)
def test_words_placed_apart_get_spaces_and_compounds_stay_whole(tmp_path, engine):
    items = words_apart(50, 60, 16, "Our findings", bold=True) + words_apart(50, 90, 10, "Regulated activity")
    items += [(50, 120, 10, "The service was well-"), (50, 132, 10, "led and self-contained.")]
    items += [(50, 160, 10, "well-"), (70.6, 160, 10, "led")]  # two objects, no gap: one word
    src = read_pdf(make_pdf(tmp_path / "apart.pdf", [items]), engine=engine)
    assert src.text.split("\n") == [
        "Our findings",
        "Regulated activity",
        "The service was well-led and self-contained.",
        "well-led",
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_overprinted_heading_is_read_once(tmp_path, engine):
    items = [
        (50, 60, 14, "Overall summary", True),
        (50.4, 60.2, 14, "Overall summary", True),
        (50, 90, 10, BODY[0]),
        (50, 120, 14, "Is the service caring?", True),
        (50.3, 120, 14, "Is the service caring?", True),
    ]
    src = read_pdf(make_pdf(tmp_path / "bold.pdf", [items]), engine=engine)
    assert src.text.split("\n") == ["Overall summary", BODY[0], "Is the service caring?"]


def test_dedupe_drops_copies_within_a_quarter_em_only() -> None:
    from cqcparse.readers.pdf.geometry import Run
    from cqcparse.readers.pdf.lines import dedupe

    def run(x0: float, top: float, text: str = "e") -> Run:
        return Run(x0, top, x0 + 5, top + 10, text, 10.0, False, 5, top + 8)

    # a kerned fragment printed on every line, overprinted on two of them; 2.5 pt is a quarter em exactly
    runs = [run(50, 100 + 12 * k) for k in range(20)] + [run(52.5, 112), run(50.1, 327.5), run(50, 112, "the")]
    runs += [run(53, 124), run(50, 114.6)]  # 3 pt to the right, 2.6 pt lower: kept
    kept = dedupe(runs)
    assert kept == runs[:20] + [runs[22], runs[23], runs[24]]


@pytest.mark.parametrize("engine", ENGINES)
def test_rating_dots_are_dropped(tmp_path, engine):
    items = [
        (50, 60, 12, "Overall rating for this service"),
        (228, 60, 12, "Good", True),
        (262, 60, 12, "\u2013\u2013\u2013", True),
        (50, 80, 12, "Is the service safe?"),
        (170, 80, 12, "Requires improvement \u2013\u2013\u2013", True),
    ]
    src = read_pdf(make_pdf(tmp_path / "dots.pdf", [items]), engine=engine)
    assert src.text.split("\n") == ["Overall rating for this service Good", "Is the service safe? Requires improvement"]


def test_two_columns_on_unlevel_baselines_are_read_by_column(tmp_path):
    left_text = " ".join(
        BODY
        + [
            "Care plans were reviewed every month and relatives were invited to take part.",
            "The home was clean and staff followed good practice in infection control.",
        ]
    )
    right_text = (
        "The registered manager had not notified us of two incidents as the law requires. Audits had "
        "not found the gaps in the records of people's fluid intake that we found. Staff meetings were "
        "held rarely and their minutes did not show who would act on what was agreed."
    )
    items: list[tuple] = []
    for k, line in enumerate(wrap(left_text, 220)):
        items.append((50, 100 + 14 * k, 10, line))
    for k, line in enumerate(wrap(right_text, 220)):
        items.append((310, 106 + 14 * k, 10, line))  # half a line lower than the left column's lines
    for engine in ENGINES:
        src = read_pdf(make_pdf(tmp_path / "cols.pdf", [items]), engine=engine)
        assert src.text.split("\n") == [left_text, right_text], engine


ACTION = "The provider must ensure staff follow the medicines policy."


def chromium() -> str | None:
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_chromium_printed_page(tmp_path):
    paras = [BODY[0], "We found the service was not always safe. " * 4, BODY[1]]
    html = (
        "<html><body style='font-family: sans-serif'><h1>Is the service safe?</h1>"
        + "".join(f"<p>{p.strip()}</p>" for p in paras[:2])
        + "<h2>Is the service caring?</h2>"
        + f"<p>{paras[2]}</p><ul><li>{ACTION}</li></ul></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    done = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            (tmp_path / "page.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    for engine in ENGINES:
        src = read_pdf(pdf, engine=engine)
        # the list's disc is a drawn shape, not a glyph: it still marks a bullet
        want = ["Is the service safe?", paras[0], paras[1].strip(), "Is the service caring?", paras[2], f"- {ACTION}"]
        assert src.text.split("\n") == want, engine
    report = extract(pdf)
    assert {(it.text, it.key_question) for it in report.positives} == {(BODY[1], "caring")}


def test_input_over_a_million_characters_extracts(tmp_path):
    """spaCy refuses texts over nlp.max_length (E088) by default; only its tokenizer runs here, so a
    report of a few million characters (a 500-page PDF) must work."""
    para = "\n".join(["Is the service safe?", BODY[0], "Is the service caring?", BODY[1], ""])
    path = tmp_path / "long.txt"
    path.write_text(para * (1_000_000 // len(para) + 1), encoding="utf-8")
    report = extract(path)
    n = 1_000_000 // len(para) + 1
    assert len(report.findings) == n and len(report.positives) == n
    assert report.findings[-1].key_question == "safe" and report.positives[-1].key_question == "caring"


SHARED_SRC = Path(__file__).resolve().parents[1].parent / "shared" / "reports" / "src"


@pytest.mark.skipif(not (SHARED_SRC / "oakfield-care-home-2019.md").exists(), reason="shared corpus not present")
def test_reportlab_typeset_report_reads_as_its_text(tmp_path):
    """A second generator (ReportLab, its own line breaking and text layer): the fictional report's items
    from the PDF are the items from its text."""
    pytest.importorskip("reportlab")
    from reportlab_pdf import render

    pdf = render(SHARED_SRC / "oakfield-care-home-2019.md", tmp_path / "oakfield.pdf")
    txt = SHARED_SRC.parent / "oakfield-care-home-2019.txt"

    def items(path: Path) -> set[tuple[str, str, str | None]]:
        r = extract(path)
        return {(it.kind, it.text, it.key_question) for it in r.findings + r.actions + r.positives}

    from_pdf, from_txt = items(pdf), items(txt)
    assert len(from_pdf & from_txt) >= 0.95 * len(from_txt) and len(from_pdf - from_txt) <= 0.05 * len(from_txt)
