"""Rule files: the shipped ones load and keep their own examples; broken ones fail with
'FILE:LINE: rule ID: message' lines that name the place and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher, PhraseMatcher

from cqcparse import Pipeline, RuleError
from cqcparse.analysis.rules import load_rules, shipped_rule_files
from cqcparse.analysis.ruleschema import Rule
from cqcparse.analysis.vocabulary import QUALITY_STATEMENTS

SHIPPED = load_rules()
NLP = spacy.blank("en")


def test_every_shipped_rule_file_loads():
    names = [name for name, _ in shipped_rule_files()]
    assert names, "no rule files shipped in the package"
    files_with_rules = {r.file for r in SHIPPED.rules}
    assert files_with_rules == set(names)
    for kind in (
        "finding",
        "positive",
        "action",
        "not_action",
        "not_item",
        "topic",
        "heading",
        "fact",
        "breach",
        "context",
        "abbreviation",
    ):
        assert SHIPPED.of(kind), f"no enabled {kind} rules shipped"


def test_shipped_rule_ids_are_unique_and_located():
    ids = [r.id for r in SHIPPED.rules]
    assert len(ids) == len(set(ids))
    assert all(r.line > 0 and r.file.startswith("rules/") for r in SHIPPED.rules)


def test_every_quality_statement_has_a_heading_rule():
    covered = {r.quality_statement for r in SHIPPED.of("heading") if r.quality_statement}
    assert covered == set(QUALITY_STATEMENTS)


def _hits(rule: Rule, text: str) -> bool:
    """Does `rule` match `text` the way the pipeline applies it?"""
    if rule.regex is not None:
        regex = rule.compiled()
        return bool(regex.fullmatch(text) if rule.kind == "heading" else regex.search(text))
    doc = NLP.make_doc(text)
    if rule.phrases:
        matcher = PhraseMatcher(NLP.vocab, attr="LOWER")
        matcher.add(rule.id, list(NLP.tokenizer.pipe(rule.phrases)))
    else:
        matcher = Matcher(NLP.vocab)
        matcher.add(rule.id, [rule.pattern])
    return bool(matcher(doc))


# Examples a shipped rule gets wrong today: rule quality, for the rule authors to settle.
KNOWN_BAD_EXAMPLES: dict[tuple[str, str], str] = {}


def _example_cases():
    for r in SHIPPED.rules:
        if r.examples is None or r.kind == "abbreviation":
            continue
        for text in r.examples.match:
            yield _case(r, text, True)
        for text in r.examples.no_match:
            yield _case(r, text, False)


def _case(rule: Rule, text: str, expected: bool):
    marks = []
    if (rule.id, text) in KNOWN_BAD_EXAMPLES:
        marks = [pytest.mark.xfail(strict=False, reason=KNOWN_BAD_EXAMPLES[(rule.id, text)])]
    return pytest.param(
        rule, text, expected, id=f"{rule.id}:{'match' if expected else 'no_match'}:{text[:30]}", marks=marks
    )


@pytest.mark.parametrize(("rule", "text", "expected"), list(_example_cases()))
def test_shipped_rule_examples_hold(rule, text, expected):
    assert _hits(rule, text) is expected


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# (case, file text, the problem line expected after 'FILE:')
BAD_RULES = [
    (
        "invalid-yaml",
        "kind: finding\nrules:\n  - id: f.one\n    phrases: [late\n  - id: f.two\n",
        "5: invalid YAML: expected ',' or ']', but got ':'",
    ),
    (
        "unknown-key",
        "kind: finding\nrules:\n  - id: f.one\n    phrases: [late]\n    lable: x\n",
        "3: rule f.one: [lable] Extra inputs are not permitted",
    ),
    (
        "unknown-examples-key",
        "kind: finding\nrules:\n  - id: f.one\n    phrases: [late]\n    examples: {matches: [late]}\n",
        "3: rule f.one: [examples -> matches] Extra inputs are not permitted",
    ),
    (
        "neither-phrases-pattern-regex",
        "kind: finding\nrules:\n  - id: f.one\n    description: nothing to match\n",
        "3: rule f.one: give exactly one of 'phrases', 'pattern' or 'regex'",
    ),
    (
        "both-phrases-and-regex",
        "kind: finding\nrules:\n  - id: f.one\n    phrases: [late]\n    regex: late\n",
        "3: rule f.one: give exactly one of 'phrases', 'pattern' or 'regex' (got phrases, regex)",
    ),
    (
        "bad-token-pattern",
        "kind: finding\nrules:\n  - id: f.one\n    pattern: [{LOWR: late}]\n",
        "3: rule f.one: bad token pattern: [pattern -> 0 -> LOWR] Extra inputs are not permitted",
    ),
    (
        "lemma-not-set",
        "kind: finding\nrules:\n  - id: f.two\n    pattern: [{LEMMA: be}, {LOWER: late}]\n",
        "3: rule f.two: token attribute LEMMA is not set by the pipeline (no tagger, parser or lemmatizer); "
        "use LOWER or REGEX",
    ),
    (
        "pos-not-set",
        "kind: finding\nrules:\n  - id: f.two\n    pattern: [{POS: VERB}]\n",
        "3: rule f.two: token attribute POS is not set by the pipeline (no tagger, parser or lemmatizer); "
        "use LOWER or REGEX",
    ),
    (
        "invalid-regex",
        'kind: finding\nrules:\n  - id: f.one\n    regex: "late("\n',
        "3: rule f.one: invalid regex: missing ), unterminated subpattern at position 4",
    ),
    (
        "unknown-topic-label",
        "kind: topic\nrules:\n  - id: t.one\n    phrases: [late]\n    label: not_a_statement\n",
        "3: rule t.one: unknown quality statement 'not_a_statement'",
    ),
    (
        "unknown-heading-quality-statement",
        "kind: heading\nrules:\n  - id: h.one\n    regex: late\n    level: 3\n    quality_statement: saftey\n",
        "3: rule h.one: unknown quality statement 'saftey'",
    ),
    (
        "action-without-modality",
        "kind: action\nrules:\n  - id: a.one\n    phrases: [must]\n",
        "3: rule a.one: action rules need label one of must, should, needs (got None)",
    ),
    (
        "action-with-unknown-modality",
        "kind: action\nrules:\n  - id: a.one\n    phrases: [could]\n    label: could\n",
        "3: rule a.one: action rules need label one of must, should, needs (got 'could')",
    ),
    (
        "duplicate-id",
        "kind: finding\nrules:\n  - id: f.one\n    phrases: [late]\n  - id: f.one\n    phrases: [slow]\n",
        "5: rule f.one: duplicate id (first at line 3)",
    ),
    (
        "unknown-kind",
        "kind: finding\nrules:\n  - id: f.one\n    kind: findng\n    phrases: [late]\n",
        "3: rule f.one: [kind] Input should be 'finding', 'positive', 'action', 'not_action', 'not_item', "
        "'statement_type', 'modifier', 'topic', 'heading', 'context', 'fact', 'breach' or 'abbreviation'",
    ),
    ("missing-kind", "rules:\n  - id: f.one\n    phrases: [late]\n", "2: rule f.one: [kind] Field required"),
    (
        "bad-id",
        "kind: finding\nrules:\n  - id: F One\n    phrases: [late]\n",
        "3: rule F One: [id] String should match pattern '^[a-z0-9_.\\-]+$'",
    ),
    (
        "heading-without-level",
        "kind: heading\nrules:\n  - id: h.one\n    regex: late\n",
        "3: rule h.one: heading rules need a level (1-6)",
    ),
    (
        "heading-with-phrases",
        "kind: heading\nrules:\n  - id: h.one\n    phrases: [late]\n    level: 2\n",
        "3: rule h.one: heading rules match whole lines: give 'regex'",
    ),
    (
        "unknown-key-question",
        "kind: heading\nrules:\n  - id: h.one\n    regex: late\n    level: 2\n    key_question: wellled\n",
        "3: rule h.one: unknown key question 'wellled'",
    ),
    ("no-rules-list", "kind: finding\nrules: {}\n", "1: a rule file is a mapping with a 'rules:' list"),
    (
        "unknown-top-level-key",
        "kind: finding\nlabel: x\nrules:\n  - id: f.one\n    phrases: [late]\n",
        "1: unknown top-level key(s): label",
    ),
    ("rule-not-a-mapping", "kind: finding\nrules:\n  - late\n", "3: rule #1: a rule is a mapping"),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=c) for c, t, e in BAD_RULES])
def test_bad_rule_file_names_file_line_and_rule(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        load_rules([path], defaults=False)
    assert f"{path}:{expected}" in err.value.problems, err.value.problems
    assert str(err.value).startswith(f"{path}:")


def test_bad_user_rules_are_reported_together_with_shipped_ones_loaded(tmp_path):
    """A broken user file fails the load even beside the (valid) shipped rules."""
    path = write(tmp_path, 'kind: finding\nrules:\n  - id: f.one\n    regex: "("\n')
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith(f"{path}:3: rule f.one: invalid regex:")


def test_every_problem_of_every_file_is_listed(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    write(
        folder,
        'kind: finding\nrules:\n  - id: f.one\n    regex: "("\n  - id: f.two\n    phrases: [late]\n    lable: x\n',
        "a.yaml",
    )
    write(folder, "kind: action\nrules:\n  - id: a.one\n    phrases: [must]\n", "b.yml")
    with pytest.raises(RuleError) as err:
        load_rules([folder], defaults=False)
    problems = err.value.problems
    assert sorted(": ".join(p.split(": ")[:2]) for p in problems) == [
        f"{folder / 'a.yaml'}:3: rule f.one",
        f"{folder / 'a.yaml'}:5: rule f.two",
        f"{folder / 'b.yml'}:3: rule a.one",
    ]
    assert str(err.value).endswith("(and 2 more problems)")


def test_same_id_in_two_files_of_one_folder_is_an_error(tmp_path):
    a = write(tmp_path, "kind: finding\nrules:\n  - id: x.one\n    phrases: [late]\n", "a.yaml")
    b = write(tmp_path, "kind: positive\nrules:\n  - id: x.one\n    phrases: [kind]\n", "b.yaml")
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path], defaults=False)
    assert err.value.problems == [f"{b}:3: rule x.one: duplicate id (first at {a}:3)"]


def test_same_id_in_another_folder_overrides(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write(tmp_path / "one", "kind: finding\nrules:\n  - id: x.one\n    phrases: [late]\n", "a.yaml")
    b = write(tmp_path / "two", "kind: positive\nrules:\n  - id: x.one\n    phrases: [kind]\n", "a.yaml")
    rules = load_rules([tmp_path / "one", tmp_path / "two"], defaults=False)
    assert [(r.id, r.kind, r.file) for r in rules.rules] == [("x.one", "positive", str(b))]


def test_missing_rules_path(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(RuleError) as err:
        load_rules([missing])
    assert err.value.problems == [f"{missing}:0: rules folder or file not found"]


def test_user_rule_overrides_shipped_rule_in_place(tmp_path):
    path = write(
        tmp_path,
        "kind: action\nrules:\n  - id: action.must\n    phrases: [must, shall]\n    label: must\n",
        "mine.yaml",
    )
    rules = load_rules([path])
    ids = [r.id for r in rules.rules]
    assert ids == [r.id for r in SHIPPED.rules]
    rule = rules.by_id("action.must")
    assert rule is not None and rule.phrases == ["must", "shall"] and rule.file == str(path)


def test_user_rule_can_switch_a_shipped_rule_off(tmp_path):
    shipped = SHIPPED.by_id("action.must")
    assert shipped is not None and shipped.pattern is not None
    path = write(
        tmp_path,
        "kind: action\nrules:\n  - id: action.must\n    enabled: false\n"
        f"    pattern: {json.dumps(shipped.pattern)}\n    label: must\n",
    )
    rules = load_rules([path])
    assert "action.must" not in [r.id for r in rules.of("action")]
    report = Pipeline(rules).run(_src("The trust must ensure that audits are completed."))
    assert report.actions == []


def test_user_rules_extend_the_pipeline(tmp_path):
    path = write(tmp_path, "kind: finding\nrules:\n  - id: mine.tardy\n    phrases: [tardy]\n")
    report = Pipeline(rule_paths=[path]).run(_src("Carers were tardy on Sundays."))
    assert [(i.kind, i.rules) for i in report.findings] == [("finding", ["mine.tardy"])]


def test_fingerprint_changes_with_the_rules(tmp_path):
    path = write(tmp_path, "kind: finding\nrules:\n  - id: mine.tardy\n    phrases: [tardy]\n")
    assert load_rules().fingerprint == SHIPPED.fingerprint
    assert load_rules([path]).fingerprint != SHIPPED.fingerprint


def _src(text: str):
    from cqcparse.readers.source import SourceText

    return SourceText("<test>", "text", text)
