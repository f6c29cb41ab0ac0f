"""Reading order and paragraphs on PDFs built here: sentences that run on to the next page under a repeated
band, lines that open with a quote, two columns with a narrow gutter, stray punctuation on a line of its own."""

from __future__ import annotations

import pytest

from cqcparse.readers.pdf import read_pdf
from test_pdf import make_pdf, wrap

ENGINES = ["pdfium", "plumber"]
RUN_ON = (
    "The registered manager had not told the local authority about two incidents in which people were hurt, "
    "and staff did not know how to raise a concern outside the home."
)
AFTER = "Staff had completed their training in moving and handling people safely."


def paragraph(text: str, top: float, x: float = 50, width: float = 480) -> list[tuple]:
    return [(x, top + 14 * k, 10, line) for k, line in enumerate(wrap(text, width))]


def band_pages() -> list[list[tuple]]:
    """A cover page whose last sentence runs on to page 2; pages 2-3 print the band "Summary of findings",
    pages 4-5 "Is the service safe?", big enough to reach below the top 12% of the page, last in the stream."""
    lines = wrap(RUN_ON, 480)
    cover = [(50, 60, 20, "Testhaven Lodge", True), *[(50, 740 + 14 * k, 10, ln) for k, ln in enumerate(lines[:1])]]
    pages = [cover]
    bands = ["Summary of findings"] * 2 + ["Is the service safe?"] * 2
    for i, band in enumerate(bands):
        items: list[tuple] = []
        if i == 0:
            items += [(50, 140 + 14 * k, 10, ln) for k, ln in enumerate(lines[1:])]
            items += paragraph(AFTER, 190)
        else:
            items += paragraph(AFTER, 140)
        items.append((50, 86, 26, band))
        pages.append(items)
    return pages


@pytest.mark.parametrize("engine", ENGINES)
def test_sentence_runs_on_under_a_band_that_repeats_the_open_section(tmp_path, engine):
    src = read_pdf(make_pdf(tmp_path / "runon.pdf", band_pages()), engine=engine)
    assert src.text.split("\n") == ["Testhaven Lodge", RUN_ON, AFTER, AFTER, "Is the service safe?", AFTER, AFTER]
    assert src.text.index(RUN_ON) == len("Testhaven Lodge\n")
    assert [p.number for p in src.pages if p.start <= src.text.index("staff did not know") < p.end] == [2]


@pytest.mark.parametrize("engine", ENGINES)
def test_line_opening_with_a_quote_goes_on_with_its_paragraph(tmp_path, engine):
    items = [
        (50, 70, 10, "Our findings from the visit on 3 March, when we spoke with people, their relatives and staff:"),
        (50, 100, 10, "People were happy with their care. They said, \u201cstaff are kind\u201d and,"),
        (50, 114, 10, "\u201cnothing is too much trouble\u201d. Relatives agreed."),
        (50, 140, 10, "\u201cWe always feel welcome,\u201d one relative said."),
    ]
    src = read_pdf(make_pdf(tmp_path / "quotes.pdf", [items]), engine=engine)
    assert src.text.split("\n")[1:] == [
        "People were happy with their care. They said, \u201cstaff are kind\u201d and, "
        "\u201cnothing is too much trouble\u201d. Relatives agreed.",
        "\u201cWe always feel welcome,\u201d one relative said.",
    ]


LEFT = (
    "Residents meetings were held twice a year and the minutes showed that people had asked for more outings "
    "in the summer months, which the provider had arranged with a local minibus company at little cost."
)
RIGHT = (
    "Staff said they felt supported by the registered manager and could ask for advice at any time of the "
    "day or night, and that their supervision meetings were held every two months as the policy required."
)


@pytest.mark.parametrize("engine", ENGINES)
def test_two_columns_printed_closer_than_a_cell_gap_are_read_by_column(tmp_path, engine):
    """Where a line of the left column is full, its right neighbour starts 1.2 em after it: less than the
    1.5 em that parts a line into cells, but the other lines show the gutter."""
    from pdfminer.fontmetrics import FONT_METRICS

    widths = FONT_METRICS["Helvetica"][1]
    items: list[tuple] = []
    left, right = wrap(LEFT, 240), wrap(RIGHT, 240)
    gutter = 50 + max(sum(widths.get(ch, 556) for ch in line) / 100 for line in left) + 12
    for k, line in enumerate(left):
        items.append((50, 100 + 14 * k, 10, line))
    for k, line in enumerate(right):
        items.append((gutter, 100 + 14 * k, 10, line))
    src = read_pdf(make_pdf(tmp_path / "gutter.pdf", [items]), engine=engine)
    assert src.text.split("\n") == [LEFT, RIGHT]


def test_stray_comma_on_a_line_of_its_own_does_not_break_the_paragraph(tmp_path):
    """pdfium's glyph box of a comma set just below the baseline of its line overlaps no line enough to join
    it (pdfminer's font-high boxes put it on the line above, where it does no harm)."""
    items = [
        (50, 100, 10, "The audit did not cover the storage of medicines. However the deputy manager"),
        (170, 103.5, 10, ","),
        (50, 114, 10, "said the room was checked every week."),
    ]
    src = read_pdf(make_pdf(tmp_path / "comma.pdf", [items]))
    assert src.text == (
        "The audit did not cover the storage of medicines. However the deputy manager said the room was checked "
        "every week."
    )


ROWS = [  # regulated activity, regulation (with its title), how it was not met, the regulation's parts
    (
        "Accommodation for persons who require nursing or personal care",
        "Regulation 18 HSCA RA Regulations 2014 Staffing",
        "Too few staff were on duty at night to keep people safe, and rotas were not checked.",
        "Regulation 18 (1)",
    ),
    (
        "Accommodation for persons who require nursing or personal care",
        "Regulation 12 HSCA RA Regulations 2014 Safe care and treatment",
        "Risks to people were not assessed and medicines were not stored at a safe temperature.",
        "Regulation 12 (1) (2) (a) (g)",
    ),
    (
        "Personal care",
        "Regulation 13 HSCA RA Regulations 2014 Safeguarding service users from abuse and improper treatment",
        "Allegations of abuse were not reported to the local authority or investigated by the provider.",
        "Regulation 13 (2) (3)",
    ),
]


def table_page() -> list[tuple]:
    """A requirement table as CQC's 2015 reports print it: per row a header line, the activity cell on the
    left and the regulation cell on the right (its title, how it was not met, its parts), cells wrapped to
    their column; the column headers come last in the content stream, as in the real PDFs."""
    items: list[tuple] = [(30, 60, 20, "Action we have told the provider to take", True)]
    headers: list[tuple] = []
    top = 110.0
    for activity, regulation, how, parts in ROWS:
        headers += [(32, top, 16, "Regulated activity"), (298, top, 16, "Regulation")]
        top += 28
        left, title = wrap(activity, 230), wrap(regulation, 240)
        items += [(30, top + 14 * k, 10, line) for k, line in enumerate(left)]
        items += [(306, top + 14 * k, 10, line) for k, line in enumerate(title)]
        top += 14 * max(len(left), len(title)) + 8
        for line in wrap(how, 240):
            items.append((306, top, 10, line))
            top += 14
        items.append((306, top + 8, 10, parts))
        top += 60
    return items + headers


@pytest.mark.parametrize("engine", ENGINES)
def test_requirement_table_rows_come_out_whole_and_in_order(tmp_path, engine):
    assert any(len(wrap(a, 230)) > 1 for a, *_ in ROWS) and any(len(wrap(r, 240)) > 1 for _, r, *_ in ROWS)
    src = read_pdf(make_pdf(tmp_path / "table.pdf", [table_page()]), engine=engine)
    want = ["Action we have told the provider to take"]
    for activity, regulation, how, parts in ROWS:
        want += ["Regulated activity Regulation", f"{activity} {regulation}", how, parts]
    assert src.text.split("\n") == want


def test_requirement_table_headers_are_no_sentences_and_titles_are_whole(tmp_path):
    from cqcparse import extract

    report = extract(make_pdf(tmp_path / "table.pdf", [table_page()]))
    texts = [it.text for it in report.findings + report.actions + report.positives]
    assert not [t for t in texts if "Regulated activity" in t or t.startswith(("Accommodation", "Personal care"))]
    assert {r[2] for r in ROWS} <= {it.text for it in report.findings}
    titles = {b.regulation: b.title for b in report.breaches}
    assert titles == {
        "18": "Staffing",
        "12": "Safe care and treatment",
        "13": "Safeguarding service users from abuse and improper treatment",
    }


def test_a_long_table_row_in_text_is_no_sentence_but_cites_its_breach(tmp_path):
    from cqcparse import extract

    activity, regulation, how, _parts = ROWS[1]
    path = tmp_path / "table.txt"
    path.write_text(f"Action we have told the provider to take\n{activity} {regulation}\n{how}\n", encoding="utf-8")
    report = extract(path)
    assert [(it.kind, it.text) for it in report.findings + report.actions + report.positives] == [("finding", how)]
    assert [(b.regulation, b.title) for b in report.breaches] == [("12", "Safe care and treatment")]


def badge_pages() -> list[list[tuple]]:
    """Three pages as a 2020 generator writes them: the footer printed at the bottom comes first in the
    content stream; the top banner's rating badge comes last on page 1 and, on page 2, between the two lines
    of a sentence that runs on from page 1."""
    first = wrap(RUN_ON, 300)
    pages: list[list[tuple]] = []
    for i in range(3):
        items: list[tuple] = [(50, 805, 8, FOOTER.format(i + 1)), (50, 30, 12, "Testhaven Lodge")]
        badge = (480, 30, 12, "Good", True)
        if i == 0:
            items += paragraph(AFTER, 120) + [(50, 780, 10, first[0]), badge]
        elif i == 1:
            items += [(50, 120, 10, first[1]), badge, *[(50, 134 + 14 * k, 10, ln) for k, ln in enumerate(first[2:])]]
            items += paragraph(AFTER, 200)
        else:
            items += paragraph(AFTER, 120) + [badge]
        pages.append(items)
    return pages


FOOTER = "{} Testhaven Lodge Inspection report 3 March 2024"


@pytest.mark.parametrize("engine", ENGINES)
def test_footer_first_and_badge_last_in_the_stream_leave_a_running_sentence_whole(tmp_path, engine):
    assert len(wrap(RUN_ON, 300)) >= 3
    src = read_pdf(make_pdf(tmp_path / "badge.pdf", badge_pages()), engine=engine)
    assert src.text.split("\n") == [AFTER, RUN_ON, AFTER, AFTER]
    assert "Good" not in src.text and "Testhaven" not in src.text


def text_width(text: str, size: float = 10.0) -> float:
    from pdfminer.fontmetrics import FONT_METRICS

    return sum(FONT_METRICS["Helvetica"][1].get(ch, 556) for ch in text) * size / 1000


@pytest.mark.parametrize("engine", ENGINES)
def test_first_word_printed_in_two_pieces_counts_whole_for_wrapping(tmp_path, engine):
    """A line that opens with "(" printed apart from the word after it (as Chromium does) was wrapped if the
    whole first word, not the bracket alone, would not have fitted on the line above."""
    full = "Staff did not always record the checks they made on the equipment in the treatment rooms."
    right = 50 + text_width(full)
    start = "The failings we found in these care records were together a breach of regulation 9"
    assert right - text_width("(Person-centred") < 50 + text_width(start) < right - 10
    items = [
        (50, 100, 10, full),
        (50, 122, 10, start),
        (50, 136, 10, "("),
        (50 + text_width("(") - 1, 136, 10, "Person-centred care)."),
    ]
    src = read_pdf(make_pdf(tmp_path / "bracket.pdf", [items]), engine=engine)
    assert src.text.split("\n") == [full, start + " (Person-centred care)."]


RATINGS = [("Overall rating for this service", "Requires improvement"), ("Is the service safe?", "Good")]
RATINGS += [("Is the service effective?", "Good"), ("Is the service caring?", "Requires improvement")]


@pytest.mark.parametrize("engine", ENGINES)
def test_label_and_value_table_is_read_by_row(tmp_path, engine):
    """Ratings printed as a table, each value left-aligned in its own column, some closer than 1.5 em to
    their label: rows, not two columns."""
    items = [(50, 60, 16, "Ratings", True)]
    for k, (label, rating) in enumerate(RATINGS):
        items += [
            (50, 90 + 18 * k, 12, label),
            (50 + text_width(RATINGS[0][0], 12) + 12, 90 + 18 * k, 12, rating, True),
        ]
    src = read_pdf(make_pdf(tmp_path / "ratings.pdf", [items]), engine=engine)
    assert src.text.split("\n") == ["Ratings", *(f"{label} {rating}" for label, rating in RATINGS)]


@pytest.mark.parametrize("engine", ENGINES)
def test_bullet_whose_first_line_starts_past_the_indent_of_the_others(tmp_path, engine):
    """ReportLab sets a bullet's first line after its mark, a little right of the indent its later lines
    keep: the later lines still belong to the bullet."""
    lines = wrap(RUN_ON, 400)
    items = [(58, 100, 10, "\u2022"), (72, 100, 10, lines[0])]
    items += [(68.5, 100 + 12 * k, 10, line) for k, line in enumerate(lines[1:], 1)]
    items.append((58, 100 + 12 * len(lines) + 4, 10, "\u2022"))
    items.append((72, 100 + 12 * len(lines) + 4, 10, AFTER))
    src = read_pdf(make_pdf(tmp_path / "bullet.pdf", [items]), engine=engine)
    assert src.text.split("\n") == [f"- {RUN_ON}", f"- {AFTER}"]
