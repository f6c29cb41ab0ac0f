"""Segmentation edge cases: blocks, headings and sentences, run through the pipeline's own stages.

Each case states what GUIDELINES.md calls one sentence; spans are checked against the input text so a
sentence that drops or gains characters fails even when its normalised text looks right.
"""

from __future__ import annotations

import pytest

from cqcparse.analysis import furniture, segment
from cqcparse.analysis.sentences import in_quotes
from cqcparse.readers.source import HeadingHint, SourceText


def spans_text(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [" ".join(text[s:e].split()) for s, e in spans]


@pytest.mark.parametrize("mark", ["- ", "\u2022 ", "\u25cf ", "\u2022\t"])
def test_bullet_mark_is_not_part_of_the_sentence(segmented, mark):
    text = f"We found these concerns:\n{mark}Staff did not always wear gloves.\n{mark}Audits were late."
    seg = segmented(text)
    assert seg.sentences == ["We found these concerns:", "Staff did not always wear gloves.", "Audits were late."]
    first = text.index("Staff")
    assert seg.spans[1] == (first, first + len("Staff did not always wear gloves."))
    assert [b.bullet for b in seg.blocks] == [False, True, True]


def test_bullet_block_starts_after_the_mark():
    src = SourceText("<test>", "text", "Intro.\n  \u25cf  Staff were kind.")
    blocks = segment.blocks(src)
    assert [(b.bullet, src.text[b.start : b.end]) for b in blocks] == [(False, "Intro."), (True, "Staff were kind.")]


def test_hyphen_inside_a_line_is_not_a_bullet(segmented):
    seg = segmented("Co-production was at an early stage - leaders knew this.")
    assert seg.sentences == ["Co-production was at an early stage - leaders knew this."]
    assert seg.blocks[0].bullet is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We found shortfalls in most of the areas we reviewed.These were as follows:",
            ["We found shortfalls in most of the areas we reviewed.", "These were as follows:"],
        ),
        (
            "Staff felt the new plan gave the wards a clearer purpose.The board met monthly.",
            ["Staff felt the new plan gave the wards a clearer purpose.", "The board met monthly."],
        ),
        (
            "Records were incomplete.These included care plans.",
            ["Records were incomplete.", "These included care plans."],
        ),
    ],
)
def test_glued_sentences_split(segmented, text, expected):
    seg = segmented(text)
    assert seg.sentences == expected
    # the second sentence starts right at the capital letter: no character lost or shared
    assert seg.spans[0][1] == seg.spans[1][0] == text.index(expected[1][:5])


@pytest.mark.parametrize(
    "text",
    [
        "Staff used tools, e.g. the falls checklist, to plan care.",
        "Staff used tools, i.e. the falls checklist, to plan care.",
        "The visit was led by Dr. Smith and the practice manager.",
        "Mr. Jones and Mrs. Khan met the inspectors at St. Luke's ward.",
        "Falls were 1.6 times higher than the national average.",
        "Details are on www.cqc.org.uk and in our reports.",
    ],
)
def test_no_split_inside_abbreviations_numbers_and_addresses(segmented, text):
    assert segmented(text).sentences == [text]


def test_abbreviation_then_new_sentence(segmented):
    text = "The visit was led by Dr. Smith. Staff were kind."
    assert segmented(text).sentences == ["The visit was led by Dr. Smith.", "Staff were kind."]


def test_decimal_then_next_sentence(segmented):
    text = "Falls were 1.6 times higher than the average. Staff knew this."
    assert segmented(text).sentences == ["Falls were 1.6 times higher than the average.", "Staff knew this."]


def test_quotation_stays_with_its_introducing_sentence(segmented):
    text = "One person said, \u201cI feel safe. They are kind.\u201d"
    assert segmented(text).sentences == [text]


def test_straight_quotation_stays_with_its_introducing_sentence(segmented):
    text = 'A relative said, "The staff are lovely. I trust them."'
    assert segmented(text).sentences == [text]


@pytest.mark.parametrize(
    ("quote", "after"),
    [
        ("One person said, \u201cI feel safe. They are kind.\u201d", "Staff knew people well."),
        ('A relative said, "The staff are lovely. I trust them."', "The manager agreed."),
    ],
)
def test_sentence_after_a_quotation_is_its_own(segmented, quote, after):
    """The quotation closes its sentence: the next sentence is not swallowed into it."""
    seg = segmented(f"{quote} {after}")
    assert seg.sentences == [quote, after]


def test_headings_are_never_inside_sentences(segmented):
    text = (
        "Our view of the service\nPeople were safe.\nIs the service safe?\nStaff were kind.\n"
        "Freedom to speak up\nStaff knew how to raise concerns."
    )
    seg = segmented(text)
    assert seg.titles == ["Our view of the service", "Is the service safe?", "Freedom to speak up"]
    assert seg.sentences == ["People were safe.", "Staff were kind.", "Staff knew how to raise concerns."]
    for title in seg.titles:
        assert not any(title in s for s in seg.sentences)


def test_heading_after_unpunctuated_paragraph_is_not_joined(segmented):
    seg = segmented("People were supported by carers who knew them well\nIs the service safe?\nStaff were kind.")
    assert "Is the service safe?" in seg.titles
    assert not any("safe?" in s for s in seg.sentences)


def test_heading_types_and_key_questions(segmented):
    seg = segmented("Is the service well-led?\nLeaders were visible.\nSafeguarding\nStaff knew the policy.")
    kinds = [(h.title, h.type, h.key_question, h.quality_statement) for h in seg.headings if h]
    assert kinds == [
        ("Is the service well-led?", "key_question", "well-led", None),
        ("Safeguarding", "quality_statement", None, "safeguarding"),
    ]


def test_wrapped_line_is_joined_into_one_block(segmented):
    text = "Staff told us the registered manager was\napproachable and listened to them."
    seg = segmented(text)
    assert len(seg.blocks) == 1
    assert seg.sentences == ["Staff told us the registered manager was approachable and listened to them."]
    assert seg.spans == [(0, len(text))]


def test_line_wrapped_after_a_comma_is_joined(segmented):
    seg = segmented("Staff had completed refresher training in 2023,\n2024 and 2025.")
    assert seg.sentences == ["Staff had completed refresher training in 2023, 2024 and 2025."]


def test_line_wrapped_before_a_capitalised_word_is_joined(segmented):
    """pdftotext wraps before proper nouns too: the first half must not become a heading."""
    seg = segmented("Staff worked closely with the\nCambridge team to plan discharges.")
    assert seg.titles == []
    assert seg.sentences == ["Staff worked closely with the Cambridge team to plan discharges."]


def footer(page: int) -> str:
    return f"{page} Foo Care Limited Inspection report 14 November 2023"


def test_running_footer_lines_are_removed(segmented):
    text = "\n".join(["Staff were kind.", footer(5), "People felt safe.", footer(6), "Meals were good.", footer(7)])
    seg = segmented(text)
    assert seg.sentences == ["Staff were kind.", "People felt safe.", "Meals were good."]
    assert len(seg.blocks) == 3
    assert seg.titles == []


def test_repeated_line_with_the_same_number_is_not_furniture(segmented):
    line = "Staff completed 3 audits."
    seg = segmented("\n".join([line, "Audits were late.", line, "Records were kept.", line]))
    assert seg.sentences.count(line) == 3


def test_sentence_broken_across_a_footer_is_joined_without_it(segmented):
    text = "\n".join(
        [
            "Staff were kind.",
            footer(4),
            "Meals were good.",
            footer(5),
            "People said carers were often late at weekends and",
            footer(6),
            "they were not told when a carer would arrive.",
        ]
    )
    seg = segmented(text)
    assert seg.sentences[-1] == (
        "People said carers were often late at weekends and they were not told when a carer would arrive."
    )
    # the sentence starts at its first word and ends at its full stop
    start, end = seg.spans[-1]
    assert text[start:].startswith("People said") and text[:end].endswith("would arrive.")


def test_crlf_and_extra_whitespace(segmented):
    text = "Staff  were\tkind.\r\n\r\n  People were safe.  \r\n"
    seg = segmented(text)
    assert seg.sentences == ["Staff were kind.", "People were safe."]
    assert spans_text(text, seg.spans) == seg.sentences
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in seg.spans)


def test_text_before_the_first_heading_is_a_preamble(pipe):
    text = "Foo Care Limited provides care at home.\nOur view of the service\nStaff were kind."
    report = pipe.run(SourceText("<test>", "text", text))
    assert [(s.title, s.type, s.start, s.end) for s in report.sections] == [
        ("Preamble", "preamble", 0, 40),
        ("Our view of the service", "summary", 40, len(text)),
    ]


def test_document_without_headings_is_one_section(pipe):
    report = pipe.run(SourceText("<test>", "text", "Staff were kind. People were safe."))
    assert [(s.type, s.start, s.end) for s in report.sections] == [("preamble", 0, 34)]


def test_bulleted_key_question_names_are_not_headings(pipe):
    """A list item naming a key question is text, not a section: what follows is not 'well-led'."""
    text = (
        "Our view of the service\nWe looked at the following key questions:\n- Safe\n- Well-led\n"
        "Staff did not always follow the policy."
    )
    report = pipe.run(SourceText("<test>", "text", text))
    assert [s.title for s in report.sections] == ["Our view of the service"]
    (finding,) = report.findings
    assert (finding.section, finding.key_question) == ("Our view of the service", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Staff said no. The manager did not agree.", ["Staff said no.", "The manager did not agree."]),
        ("Room No. 5 was clean.", ["Room No. 5 was clean."]),
    ],
)
def test_no_is_an_abbreviation_only_before_a_number(segmented, text, expected):
    assert segmented(text).sentences == expected


def test_a_list_whose_items_differ_by_a_number_is_kept(segmented):
    """Bullets differing only by a number are a list, not a running header (issue 14)."""
    items = [f"- The trust must ensure that {n} staff complete safeguarding training." for n in (12, 30, 7)]
    seg = segmented("\n".join(["Actions the trust must take", *items]))
    assert seg.sentences == [i[2:] for i in items]


def test_adjacent_unpunctuated_lines_with_rising_numbers_are_kept(segmented):
    """Lines next to each other are body text (a table or list), whatever their numbers."""
    rows = [f"Ward {n} beds open" for n in (1, 2, 3, 4)]
    text = "\n".join(["Staff were kind.", *rows, "Meals were good."])
    assert furniture.mask_furniture(text) == text


def test_a_repeat_whose_number_does_not_rise_is_not_a_page_header():
    text = "\n".join(
        [
            "Audit 12 of records",
            "Staff were kind.",
            "Audit 30 of records",
            "Meals were good.",
            "Audit 7 of records",
            "People felt safe.",
        ]
    )
    assert furniture.mask_furniture(text) == text


def test_page_header_is_blanked_with_offsets_kept():
    text = "\n".join(
        [
            "Foo Care Limited Page 1 of 9",
            "Staff were kind.",
            "Foo Care Limited Page 2 of 9",
            "Meals were good.",
            "Foo Care Limited Page 3 of 9",
            "People felt safe.",
        ]
    )
    masked = furniture.mask_furniture(text)
    assert len(masked) == len(text)
    assert [ln.strip() for ln in masked.split("\n")] == [
        "",
        "Staff were kind.",
        "",
        "Meals were good.",
        "",
        "People felt safe.",
    ]


def test_a_bold_line_that_is_a_full_sentence_is_prose_not_a_heading():
    title = "Medicines"
    sentence = "The failure to store medicines safely was a breach of the regulation on safe care."
    text = f"{title}\n{sentence}\n"
    hints = [HeadingHint(0, len(title), 3), HeadingHint(len(title) + 1, len(text) - 1, 3)]
    bl = segment.blocks(SourceText(path="t.pdf", format="pdf", text=text, headings=hints))
    assert [(text[b.start : b.end], b.heading_level) for b in bl] == [(title, 3), (sentence, None)]


class Uncomparable(str):
    """A text that fails the test when compared with another: equal texts must not be compared in full."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("a text was compared with another")

    __hash__ = str.__hash__


def test_in_quotes_finds_the_marks_of_each_text_without_comparing_texts() -> None:
    text = 'Staff told us "it was \u201cfine\u201d here" and left.'
    inside, after = text.index("fine"), text.index("left")
    first, again = Uncomparable(text), Uncomparable(text)  # equal texts: two runs of the same report
    assert in_quotes(first, 0, inside) and not in_quotes(first, 0, after)
    assert in_quotes(again, 0, inside) and not in_quotes(again, 0, after)
    assert in_quotes(again, text.index("it was"), inside)
    assert not in_quotes(again, text.index("here"), after)  # the quotation opened before `start`
