"""The regex prefilter: the literals it requires must be a true necessary condition (a sentence the regex
matches always holds one), and it must decide the same hits as running every regex on every sentence."""

from __future__ import annotations

import random
import re

import pytest

from cqcparse.analysis.linescan import LineScan, line_reach
from cqcparse.analysis.match import CueMatcher, anchor_words, merged_windows
from cqcparse.analysis.prefilter import FOLDS_APART, LiteralIndex, required_literals


def may_match(literals: tuple[str, ...] | None, lowered: str) -> bool:
    """The test the prefilter stands for: the sentence holds one of the literals."""
    return literals is None or any(lit in lowered for lit in literals)


@pytest.mark.parametrize(
    ("regex", "literals"),
    [
        (r"\b(?:is|are|was|were)\s+(?:now\s+)?required\s+to\b", ("required",)),  # a later literal run
        (r"\bwell\b(?! as\b)", ("well",)),
        (r"^we (?:expect|value)\b|^providers must\b", ("providers must", "we expect", "we value")),
        (r"(?=.*\bdelayed\b)^\w+ staff", ("delayed",)),  # a lookahead's text is in the sentence
        (r"(?:records )+were (?:missing|incomplete)", ("were incomplete", "were missing")),
        (r"\w+ed\b", None),  # nothing literal of 3 characters or more
        (r"a|bcd", None),  # one alternative has no literal long enough
        (r"(?:at )?risk", ("risk",)),  # an optional group ends the run
    ],
)
def test_required_literals(regex: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(regex) == literals


def test_required_literals_drop_one_holding_another() -> None:
    # any text holding "not all staff" holds "staff": the longer literal adds nothing to the test
    assert required_literals(r"\b(?:not all staff|staff)\b") == ("staff",)


def test_required_literals_of_alternatives_with_many_literals_together() -> None:
    # each alternative needs one of 150 literals: together 300, one of which every match holds
    people = "people|patients|residents|staff|carers|relatives|visitors|children|adults|nurses|doctors|leaders|managers|governors|volunteers"
    verbs = "could|can|were|are|did|do|was|is|had|have"
    literals = required_literals(rf"\b(?:{people}) who (?:{verbs}) not\b|\b(?:{people}) (?:{verbs}) only\b")
    assert literals is not None and len(literals) == 300
    assert "nurses who did not" in literals and "nurses did only" in literals


def test_literal_index_names_the_regexes_a_sentence_can_match() -> None:
    index = LiteralIndex([("required",), None, ("staff", "carers"), ("if a person must", "if a patient must")])
    assert index.candidates("staff were required to") == [0, 1, 2]
    assert index.candidates("nobody was asked") == [1]  # only the regex without a test
    assert index.candidates("if a patient must wait, carers") == [1, 2, 3]
    assert LiteralIndex([None, None]).candidates("anything") == [0, 1]
    assert LiteralIndex([("abc",)]).candidates("xabcx") == [0] and LiteralIndex([("abc",)]).candidates("ab c") == []


def test_shipped_rule_examples_pass_the_prefilter(pipe) -> None:
    """For every regex cue rule, each example sentence the regex matches passes its prefilter."""
    checked = 0
    for j, cue in enumerate(pipe.matcher.regexes):
        examples = cue.rule.examples
        for sentence in examples.match if examples else []:
            if cue.regex.search(sentence):
                lowered = sentence.lower()
                assert may_match(cue.literals, lowered), (cue.rule.id, sentence)
                assert j in pipe.matcher.index.candidates(lowered), (cue.rule.id, sentence)
                checked += 1
    assert checked > 50


def test_prefilter_gives_the_hits_of_the_full_scan(pipe, shared_dir) -> None:
    """On a real report, the hits with the prefilter equal those of every regex run on every sentence."""
    text = (shared_dir / "reports" / "harbourside-nhs-ft-well-led-2025.txt").read_text(encoding="utf-8")
    structure = pipe.structure(pipe_source(text))
    spans = [(a.sentence.start, a.sentence.end) for a in structure.analysed]
    doc = pipe.nlp.make_doc(structure.source.text)
    unfiltered = CueMatcher(pipe.nlp, pipe.rules)
    unfiltered.index = LiteralIndex([None] * len(unfiltered.regexes))
    filtered = pipe.matcher(doc, spans)
    assert filtered == unfiltered(doc, spans)
    assert sum(h.rule.startswith("type.") for h in filtered) > 5


def test_letters_that_fold_apart_switch_the_prefilter_off(pipe) -> None:
    """Dotless i matches 'i' when case is ignored but lower() keeps it apart: such a text is scanned in full."""
    sentence = "Staff were requ\u0131red to complete the training."
    cue = next(c for c in pipe.matcher.regexes if c.rule.id == "action.required-to")
    assert cue.regex.search(sentence) and not may_match(cue.literals, sentence.lower())
    hits = pipe.matcher(pipe.nlp.make_doc(sentence), [(0, len(sentence))])
    assert [(h.start, h.end) for h in hits if h.rule == "action.required-to"] == [(6, 22)]
    assert FOLDS_APART == "\u0130\u0131\u017f"


FLAGS = re.IGNORECASE | re.MULTILINE


@pytest.mark.parametrize(
    ("regex", "reach"),
    [
        (r"^overall rating[ \t]+(?P<value>good|inadequate)$", (("overall rating",), 0)),
        (r"(?<=[.!?] )we rated [^.\n]{0,40}\bgood\b", (("we rated ",), 0)),
        (r"\bdate of inspection:?[ \t]*\n?[ \t]*\d+", (("date of inspection",), 1)),  # an optional newline
        (r"^(?P<name>\S[^\n]{2,9})\n(?:[ \t]*\n)?inspection report$", (("inspection report",), 2)),
        (r"(?!limited\n)(?:\n\w+){0,3}\n[ \t]*quality report", (("quality report",), 5)),  # lookarounds count too
        (r"breach\s+of regulation", None),  # \s holds the newline, as often as it likes
        (r"breach of [^.]{0,9}regulation", (("breach of ",), 9)),  # so does a negated class without it
        (r"breach of [^.]*regulation", None),
        (r"(?!.*\bno longer\b)breach of regulation", (("breach of regulation",), 0)),  # . stops at a newline
        (r"(?s:.{0,5})breach of regulation", (("breach of regulation",), 5)),  # but not under DOTALL
        (r"breach of regulation\Z", (("breach of regulation",), 0)),
        (r"\d+\nregulation", None),  # a literal with a newline in it
        (r"\w+ed\n", None),  # no literal
    ],
)
def test_line_reach_counts_the_newlines_a_match_can_step_over(
    regex: str, reach: tuple[tuple[str, ...], int] | None
) -> None:
    assert line_reach(regex, FLAGS) == reach


def test_line_reach_without_multiline_dollar() -> None:
    # a range's final newline inside endpos looks like the end of the string to a '$' without re.MULTILINE
    assert line_reach(r"overall rating good$", re.IGNORECASE) is None
    assert line_reach(r"overall rating good$", FLAGS) == (("overall rating good",), 0)


LINES = (
    "Overall rating Good\nThe home was rated good. We rated it good overall.\nbreach of regulation 12\n"
    "xbreach of regulation 13. Overall rating   Inadequate\n\nOVERALL RATING Good"
)


@pytest.mark.parametrize(
    "regex",
    [
        r"^overall rating[ \t]+(?P<value>good|inadequate)$",
        r"(?<=[.!?] )we rated \w+ \bgood\b",
        r"\bbreach of regulation (?P<reg>\d+)\b",  # 'xbreach' has no boundary: the char before the line counts
        r"(?=overall rating)",  # empty matches, each at its own line
        r"regulation \d+$|^$",
        r"breach\s+of\s+regulation",  # runs on the whole text
        r"^(?P<before>[^\n]+)\n(?:[ \t]*\n)?[ \t]*breach of",  # starts a line or two before its literal
        r"good[.]?\n(?P<next>[^\n]*)\n",  # ends a line or two after it
        r"(?<=good\n)[^\n]+|(?<=\n\n)overall",  # a lookbehind over a newline
        r"rating[^.]{0,40}",  # may run on over lines, from a match that started earlier
    ],
)
def test_line_scan_gives_the_matches_of_the_whole_text(regex: str) -> None:
    compiled = re.compile(regex, FLAGS)
    full = [(m.span(), m.groupdict()) for m in compiled.finditer(LINES)]
    scan = LineScan(LINES, [compiled])
    assert [(m.span(), m.groupdict()) for m in scan.finditer(compiled)] == full
    first = scan.search(compiled)
    assert (first.span() if first else None) == (full[0][0] if full else None)


def test_line_scan_of_regexes_over_lines_gives_the_matches_of_the_whole_text() -> None:
    pieces = ["Overall rating", "good.", "", "  ", "We rated it good", "breach of regulation 12", "x", "rating good"]
    rng = random.Random(13)  # lines of two pieces, most of them without a literal
    text = "\n".join(" ".join(rng.choices(pieces, [1, 1, 9, 9, 1, 1, 9, 1], k=2)) for _ in range(600))
    regexes = [
        re.compile(r, FLAGS)
        for r in (
            r"^(?P<a>[^\n]{1,30})\n(?:[ \t]*\n)?[ \t]*(?:breach of|we rated)",
            r"\bgood\.?\n[^\n]*\n[^\n]*\S",
            r"(?<=good[.!]\n)[^\n]{0,9}|(?<=rating[ \t]\n)x",
            r"rating[^.]{0,40}",
            r"\bit good[ \t]*\n\s{0,2}\S",
        )
    ]
    scan = LineScan(text, regexes)
    assert [scan.reach[(rx.pattern, rx.flags)] for rx in regexes] == [2, 2, 1, 40, 3]  # each tested near its lines
    for rx in regexes:
        assert [m.span() for m in scan.finditer(rx)] == [m.span() for m in rx.finditer(text)], rx.pattern


def test_line_scan_searches_only_lines_holding_a_literal() -> None:
    compiled = re.compile(r"\bbreach of regulation (?P<reg>\d+)\b", FLAGS)
    scan = LineScan(LINES, [compiled])
    assert [LINES[a : LINES.index("\n", a)] for a in scan.lines[(compiled.pattern, compiled.flags)]] == [
        "breach of regulation 12",
        "xbreach of regulation 13. Overall rating   Inadequate",
    ]
    assert [m.group("reg") for m in scan.finditer(compiled)] == ["12"]
    folded = LineScan(LINES + " \u0131", [compiled])  # a letter that folds apart: every regex on the whole text
    assert folded.lines == {} and [m.group("reg") for m in folded.finditer(compiled)] == ["12"]


def test_line_scan_lowers_the_text_in_chunks_of_lines(monkeypatch) -> None:
    import cqcparse.analysis.linescan as linescan

    compiled = [re.compile(r, FLAGS) for r in (r"\bbreach of regulation (?P<reg>\d+)\b", r"^overall rating[ \t]+\w+$")]
    whole = LineScan(LINES, compiled).lines
    monkeypatch.setattr(linescan, "CHUNK", 7)  # a chunk ends at the first newline 7 characters on
    chunked = LineScan(LINES, compiled)
    assert chunked.lines == whole and len(whole[(compiled[1].pattern, compiled[1].flags)]) == 3
    assert [m.span() for rx in compiled for m in chunked.finditer(rx)] == [
        m.span() for rx in compiled for m in rx.finditer(LINES)
    ]


def test_line_scan_of_the_shipped_rules_equals_the_full_scan(pipe, shared_dir) -> None:
    """Every fact and breach rule gives, on every corpus text, the matches of its regex over the whole text."""
    regexes = [r.compiled() for r in pipe.rules.of("fact", "breach")]
    tested = 0
    for path in sorted((shared_dir / "reports").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        scan = LineScan(text, regexes)
        tested += len(scan.lines)
        for rx in regexes:
            assert [m.span() for m in scan.finditer(rx)] == [m.span() for m in rx.finditer(text)], (path.name, rx)
    assert tested > 1000


def pipe_source(text: str):
    from cqcparse.readers.source import SourceText

    return SourceText(path="t.txt", format="text", text=text)


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        ([{"LOWER": {"IN": ["must", "mustn't"]}}], (1, frozenset({"must", "mustn't"}))),
        ([{"LOWER": {"NOT_IN": ["we"]}, "IS_PUNCT": False}, {"LOWER": "should"}], (2, frozenset({"should"}))),
        ([{"lower": {"IN": ["need", "needs"]}}, {"LOWER": "to"}, {"IS_ALPHA": True}], (3, frozenset({"to"}))),
        ([{"LOWER": "not"}, {"OP": "*"}, {"LOWER": "done"}], None),  # no fixed length
        ([{"IS_ALPHA": True}, {"LEMMA": "need"}], None),  # no word it must hold
    ],
)
def test_anchor_words(pattern: list[dict], anchors) -> None:
    assert anchor_words(pattern) == anchors


def test_merged_windows() -> None:
    assert merged_windows([0, 5, 6, 20], 3, 22) == [(0, 9), (18, 22)]  # adjacent windows merge too
    assert merged_windows([1, 9], 3, 22) == [(0, 4), (7, 12)]
    assert merged_windows([], 3, 10) == []


def test_token_matches_in_windows_equal_the_matcher_over_the_doc(pipe, fixtures_dir) -> None:
    """The shipped token patterns all have a fixed length: run around their anchor words, the Matcher finds
    what it finds over the whole document."""
    assert sorted((g.reach, len(g.matcher), len(g.anchors)) for g in pipe.matcher.groups) == [
        (1, 1, 2),  # must, mustn't
        (3, 1, 1),  # to
        (3, 1, 2),  # needed, needs
        (3, 2, 1),  # should: action.should and conditional.should-inverted
        (3, 2, 2),  # not, n't: finding.negated-verb and finding.negation-strong
    ]
    found = 0
    for path in sorted(fixtures_dir.glob("*.txt")):
        doc = pipe.nlp.make_doc(path.read_text(encoding="utf-8"))
        windowed = sorted(pipe.matcher._token_matches(doc))
        assert windowed == sorted(pipe.matcher.tokens(doc)), path.name
        found += len(windowed)
    assert found > 100


def test_a_pattern_without_fixed_length_runs_over_the_doc(pipe) -> None:
    from cqcparse.analysis.rules import RuleSet

    wide = pipe.rules.of("action")[0].model_copy(
        update={"id": "action.test-wide", "pattern": [{"LOWER": "must"}, {"OP": "*"}], "phrases": None, "regex": None}
    )
    matcher = CueMatcher(pipe.nlp, RuleSet((*pipe.rules.rules, wide)))
    assert matcher.groups == []
    sentence = "The provider must review it."
    hits = matcher(pipe.nlp.make_doc(sentence), [(0, len(sentence))])
    assert (13, 28) in {(h.start, h.end) for h in hits if h.rule == "action.test-wide"}


def test_heading_examples_pass_the_heading_prefilter(pipe) -> None:
    """find_headings tries only the heading rules whose literals a title holds: every example title a
    heading rule matches in full holds one of its literals."""
    checked = 0
    for r in pipe.rules.of("heading"):
        literals = required_literals(r.regex or "")
        for title in r.examples.match if r.examples else []:
            if r.compiled().fullmatch(title):
                assert may_match(literals, title.lower()), (r.id, title)
                checked += 1
    assert checked > 30
