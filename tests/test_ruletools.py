"""Rule tools: `rules check|test|list`, `extract --rules` overrides, and `explain`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from typer.testing import CliRunner

from cqcparse.analysis.rules import CONTEXTS, load_rules
from cqcparse.analysis.ruleschema import RuleKind
from cqcparse.cli.app import app
from cqcparse.pipeline import Pipeline
from cqcparse.readers.text import read_source
from cqcparse.tools.explain import explain
from cqcparse.tools.ruletools import FACT_LABELS, RuleTester, check_paths, list_rules

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OVERRIDE = FIXTURES / "rules" / "override"
STALE = FIXTURES / "rules" / "stale"
BROOKSIDE = FIXTURES / "gold" / "reports" / "brookside-care-home-2020.txt"
SEED = FIXTURES / "harbourside-nhs-ft-well-led-2025.txt"  # the shipped sample report (fictional)

KINDS = get_args(RuleKind)

runner = CliRunner()


@pytest.fixture(scope="module")
def pipeline(pipe) -> Pipeline:
    return pipe


def cli(*args: str, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


# -- rules check --------------------------------------------------------------------------------------

# (case, file text, the problems after 'FILE:'); every line of a rule problem is 'FILE:LINE: rule ID: message'
BROKEN = [
    (
        "invalid-yaml",
        "rules:\n  - id: a\n    kind: finding\n   phrases: [x]\n",
        ["4: invalid YAML: expected <block end>, but found '<block mapping start>'"],
    ),
    ("not-a-rule-file", "- id: a\n", ["1: a rule file is a mapping with a 'rules:' list"]),
    (
        "unknown-top-level-key",
        "kind: finding\nprefix: x\nrules:\n  - id: local.a\n    phrases: [x]\n",
        ["1: unknown top-level key(s): prefix"],
    ),
    (
        "no-matcher",
        "rules:\n  - id: local.a\n    kind: finding\n",
        ["2: rule local.a: give exactly one of 'phrases', 'pattern' or 'regex'"],
    ),
    (
        "two-matchers",
        "rules:\n  - id: local.a\n    kind: finding\n    phrases: [x]\n    regex: y\n",
        ["2: rule local.a: give exactly one of 'phrases', 'pattern' or 'regex' (got phrases, regex)"],
    ),
    (
        "misspelt-field",
        "rules:\n  - id: local.a\n    kind: finding\n    phrase: [x]\n",
        ["2: rule local.a: [phrase] Extra inputs are not permitted"],
    ),
    (
        "unknown-kind",
        "rules:\n  - id: local.a\n    kind: findings\n    phrases: [x]\n",
        [f"2: rule local.a: [kind] Input should be {', '.join(map(repr, KINDS[:-1]))} or {KINDS[-1]!r}"],
    ),
    (
        "action-without-modality",
        "rules:\n  - id: local.a\n    kind: action\n    phrases: [ought to]\n",
        ["2: rule local.a: action rules need label one of must, should, needs (got None)"],
    ),
    (
        "invalid-regex",
        'rules:\n  - id: local.a\n    kind: finding\n    regex: "(unclosed"\n',
        ["2: rule local.a: invalid regex: missing ), unterminated subpattern at position 0"],
    ),
    (
        "lemma-attribute",
        "rules:\n  - id: local.a\n    kind: finding\n    pattern: [{LEMMA: fail}]\n",
        [
            "2: rule local.a: token attribute LEMMA is not set by the pipeline (no tagger, parser or lemmatizer); "
            "use LOWER or REGEX"
        ],
    ),
    (
        "duplicate-id",
        "kind: finding\nrules:\n  - id: local.a\n    phrases: [x]\n  - id: local.a\n    phrases: [y]\n",
        ["5: rule local.a: duplicate id (first at line 3)"],
    ),
    (
        "unknown-quality-statement",
        "rules:\n  - id: local.a\n    kind: topic\n    phrases: [x]\n    label: safe_staffing\n",
        ["2: rule local.a: unknown quality statement 'safe_staffing'"],
    ),
    (
        "unknown-context",
        "rules:\n  - id: local.a\n    kind: heading\n    regex: x\n    label: y\n    level: 2\n    context: praise\n",
        [f"2: rule local.a: unknown context 'praise' (one of {', '.join(CONTEXTS)})"],
    ),
    (
        "unknown-fact-label",
        'rules:\n  - id: local.a\n    kind: fact\n    regex: "^manager: (?P<value>.+)$"\n    label: manager\n',
        [f"2: rule local.a: unknown fact label 'manager' (one of {', '.join(FACT_LABELS)})"],
    ),
    (
        "fact-without-value",
        'rules:\n  - id: local.a\n    kind: fact\n    regex: "^published (\\\\d{4})$"\n    label: report_date\n',
        ["2: rule local.a: fact rules need a (?P<value>...) group or a 'value'"],
    ),
    (
        "rating-without-key-question",
        'rules:\n  - id: local.a\n    kind: fact\n    regex: "^(safe) (?P<value>good)$"\n    label: rating\n',
        ["2: rule local.a: rating facts need a (?P<kq>...) group"],
    ),
    (
        "breach-without-regulation",
        'rules:\n  - id: local.a\n    kind: breach\n    regex: "breach of regulation \\\\d+"\n    label: cite\n',
        ["2: rule local.a: breach rules need a (?P<reg>...) group for the regulation number"],
    ),
    (
        "heading-key-question-without-group",
        'rules:\n  - id: local.a\n    kind: heading\n    regex: "is it safe\\\\?"\n'
        '    label: key_question\n    key_question: "$1"\n    level: 2\n',
        ["2: rule local.a: key_question '$1' needs a group in the regex to take the key question from"],
    ),
    (
        "quality-statement-section-label",
        "rules:\n  - id: local.a\n    kind: heading\n    regex: staffing\n"
        "    label: staffing\n    quality_statement: safe_and_effective_staffing\n    level: 3\n",
        [
            "2: rule local.a: a heading with a quality_statement needs label 'quality_statement' (got 'staffing'): "
            "only those sections carry the statement's score"
        ],
    ),
    (
        "context-on-a-cue-rule",
        "rules:\n  - id: local.a\n    kind: finding\n    phrases: [x]\n    context: must\n",
        ["2: rule local.a: 'context' is only read on heading rules"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=c) for c, t, e in BROKEN])
def test_rules_check_names_file_line_rule_and_problem(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("rules", "check", path)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [f"{path}:{line}" for line in expected]


def test_rules_check_reports_every_problem_of_every_file(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "kind: finding\nrules:\n  - id: local.a\n  - id: local.b\n    phrases: [x]\n    level: 2\n", encoding="utf-8"
    )
    (folder / "b.yaml").write_text('rules:\n  - id: local.c\n    kind: action\n    regex: "("\n', encoding="utf-8")
    result = cli("rules", "check", folder)
    assert result.exit_code == 1
    a, b = folder / "a.yaml", folder / "b.yaml"
    assert result.stdout.splitlines() == [
        f"{a}:3: rule local.a: give exactly one of 'phrases', 'pattern' or 'regex'",
        f"{a}:4: rule local.b: 'level' is only read on heading rules",
        f"{b}:2: rule local.c: invalid regex: missing ), unterminated subpattern at position 0",
        f"{b}:2: rule local.c: action rules need label one of must, should, needs (got None)",
    ]
    assert "4 problems (2 rules in 2 files)" in result.stderr  # local.a cannot be built


def test_rules_check_missing_path(tmp_path):
    result = cli("rules", "check", tmp_path / "nope")
    assert result.exit_code == 1
    assert result.stdout.strip() == f"{tmp_path / 'nope'}:0: rules folder or file not found"


def test_shipped_and_fixture_rules_pass_check():
    assert check_paths().ok, check_paths().problems
    result = cli("rules", "check", OVERRIDE, STALE)
    assert result.exit_code == 0, result.output
    assert "ok: 4 rules in 2 files" in result.stderr


# -- extract --rules ----------------------------------------------------------------------------------


def _items(output: str) -> dict[str, dict[str, dict]]:
    """kind -> sentence text -> item, from `extract --format json` output."""
    data = json.loads(output)
    return {kind: {i["text"]: i for i in data[f"{kind}s"]} for kind in ("finding", "action", "positive")}


MUST = "The provider must ensure that medicines are managed safely."
VARIABLE = "The quality of care plans was variable."
AUDITS = "Audits were completed every month and actions were followed up."


def test_user_rules_override_disable_and_add():
    before = cli("extract", BROOKSIDE)
    assert before.exit_code == 0, before.output
    base = _items(before.stdout)
    assert base["action"][MUST]["modality"] == "must" and "action.must" in base["action"][MUST]["rules"]
    assert "finding.variable" in base["finding"][VARIABLE]["rules"]
    # plain practice is a strength by default (GUIDELINES.md); the user rule below replaces the default
    assert base["positive"][AUDITS]["rules"] == ["positive.default-evidence"]

    after = cli("extract", BROOKSIDE, "--rules", OVERRIDE)
    assert after.exit_code == 0, after.output
    got = _items(after.stdout)
    assert got["action"][MUST]["modality"] == "should"  # same id: the user rule replaced the shipped one
    assert got["action"][MUST]["rules"] == base["action"][MUST]["rules"]
    assert VARIABLE not in got["finding"]  # enabled: false switched finding.variable off
    assert got["positive"][AUDITS]["rules"] == ["local.followed-up"]  # a new id adds a rule
    unchanged = {t for t in base["finding"] if t != VARIABLE}
    assert unchanged <= set(got["finding"])


def test_rules_from_the_environment_and_without_defaults():
    by_option = cli("extract", BROOKSIDE, "--rules", OVERRIDE).stdout
    by_env = cli("extract", BROOKSIDE, env={"CQCPARSE_RULES": str(OVERRIDE)})
    assert by_env.exit_code == 0, by_env.output
    assert by_env.stdout == by_option
    only_mine = cli("extract", BROOKSIDE, "--rules", OVERRIDE, "--no-default-rules")
    assert only_mine.exit_code == 0, only_mine.output
    got = _items(only_mine.stdout)
    assert got["finding"] == {}
    assert {i["rules"][0] for i in [*got["action"].values(), *got["positive"].values()]} <= {
        "action.must",
        "local.followed-up",
    }


def test_broken_user_rules_stop_extract_with_the_place(tmp_path):
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: local.a\n    kind: finding\n", encoding="utf-8")
    result = cli("extract", BROOKSIDE, "--rules", tmp_path)
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'bad.yaml'}:2: rule local.a: give exactly one of" in result.stderr


# -- rules test ---------------------------------------------------------------------------------------


def test_rules_test_fails_on_a_stale_example():
    result = cli("rules", "test", "--rules", STALE, "--no-default-rules")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"FAIL {STALE / 'stale.yaml'}:4: rule local.sluice: match example 'The sluice rooms were left unlocked.': "
        "does not match"
    ]
    assert "1 failed" in result.stderr


def test_rules_test_warns_about_missing_examples_and_strict_fails():
    lenient = cli("rules", "test", "--rules", OVERRIDE, "--no-default-rules")
    assert lenient.exit_code == 0, lenient.output
    assert f"warning {OVERRIDE / 'house-style.yaml'}:15: rule local.followed-up: no match example" in lenient.stdout
    strict = cli("rules", "test", "--rules", OVERRIDE, "--no-default-rules", "--strict")
    assert strict.exit_code == 1
    assert "ERROR" in strict.stdout and "local.followed-up" in strict.stdout


def _tester(tmp_path: Path, text: str) -> RuleTester:
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    return RuleTester(Pipeline(rule_paths=[tmp_path], default_rules=False))


def test_examples_run_the_way_the_pipeline_applies_each_kind(tmp_path):
    tester = _tester(
        tmp_path,
        """
rules:
  - {id: h, kind: heading, regex: "staffing", label: section, level: 3,
     examples: {match: ["Staffing"], no_match: ["Staffing was safe."]}}
  - {id: f, kind: fact, regex: "^manager: (?P<value>.+)$", label: provider,
     examples: {match: ["Service\\nManager: Ann Lee"], no_match: ["The manager: Ann Lee"]}}
  - {id: ab, kind: abbreviation, phrases: ["approx."],
     examples: {match: ["There were approx. Forty staff."], no_match: ["There were forty staff. Approx ten left."]}}
  - {id: c, kind: finding, regex: "\\\\bleft open\\\\b", examples: {match: ["The door was left open."]}}
""",
    )
    result = tester.run()
    assert result.failures == [] and result.examples == 7 and result.rules == 4


def test_a_shadowed_cue_is_reported_with_the_rule_that_wins(tmp_path):
    tester = _tester(
        tmp_path,
        """
kind: finding
rules:
  - {id: short, phrases: [care plan], examples: {match: ["The care plan was late."]}}
  - {id: long, phrases: [care plan was late]}
""",
    )
    [failure] = tester.run().failures
    assert failure.rule == "short"
    assert failure.reason == (
        "matches 'care plan' on its own, but the overlap policy (longest, then earliest) keeps long"
    )


def test_an_abbreviation_example_must_be_text_it_keeps_whole(tmp_path):
    tester = _tester(
        tmp_path,
        """
rules:
  - {id: ab, kind: abbreviation, phrases: ["e.g."], examples: {match: ["e.g.", "Aids, e.g. Hoists."]}}
""",
    )
    [failure] = tester.run().failures
    assert failure.example == "e.g." and failure.reason.startswith("does not stop a sentence split")


def test_no_match_example_that_matches_names_the_span(tmp_path):
    tester = _tester(
        tmp_path,
        """
rules:
  - {id: h, kind: context, regex: "concerns", label: improvement, examples: {no_match: ["We had no concerns:"]}}
""",
    )
    [failure] = tester.run().failures
    assert (failure.expected, failure.reason) == ("no_match", "matches 'concerns'")


# -- rules list ---------------------------------------------------------------------------------------


def test_rules_list_json_shows_overrides_in_place():
    shipped = json.loads(cli("rules", "list", "--format", "json").stdout)
    mine = cli("rules", "list", "--format", "json", "--rules", OVERRIDE)
    assert mine.exit_code == 0, mine.output
    rows = json.loads(mine.stdout)
    assert [r["id"] for r in rows[: len(shipped)]] == [r["id"] for r in shipped]
    by_id = {r["id"]: r for r in rows}
    assert by_id["action.must"]["label"] == "should"
    assert by_id["action.must"]["file"] == str(OVERRIDE / "house-style.yaml")
    assert by_id["finding.variable"]["enabled"] is False
    assert rows[-1]["id"] == "local.followed-up"
    assert list_rules(load_rules())[0].file.startswith("rules/")


def test_rules_list_table():
    result = cli("rules", "list", "--kind", "action")
    assert result.exit_code == 0, result.output
    assert "action.must" in result.stdout and "rules/actions.yaml" in result.stdout
    assert "finding." not in result.stdout
    assert cli("rules", "list", "--format", "yaml").exit_code == 2


# -- explain ------------------------------------------------------------------------------------------

TAILORED = "The trust must ensure the board has timely and accurate assurance"


def test_explain_names_the_rule_that_made_an_action(pipeline):
    [s] = explain(pipeline, read_source(SEED), TAILORED.upper()).sentences
    assert s.text.startswith(TAILORED)
    assert s.kinds == ["action"] and s.modality == "must"
    assert "action.must" in s.rules["action"]
    assert ("action.must", "must") in {(h.rule, h.text) for h in s.hits}
    assert "action (must) from cue action.must" in s.path
    assert s.section == "Our view of the service"


def test_explain_cli_text_and_json():
    text = cli("explain", SEED, "--sentence", TAILORED)
    assert text.exit_code == 0, text.output
    assert "action (must) from cue action.must" in text.stdout
    assert "result: action (must) [action.must" in text.stdout
    data = json.loads(cli("explain", SEED, "-s", "succession planning", "--format", "json").stdout)
    [s] = data["sentences"]
    assert set(s["kinds"]) == {"action", "finding"} and s["modality"] == "needs"
    assert {h["rule"] for h in s["hits"]} >= {"action.need-to-verb", "finding.struggle"}


def test_explain_a_heading_and_a_miss():
    heading = cli("explain", SEED, "-s", "our view of the service")
    assert heading.exit_code == 0, heading.output
    assert "a heading (summary, rule heading.summary), never part of a sentence" in heading.stdout
    miss = cli("explain", SEED, "-s", "no such words here")
    assert miss.exit_code == 1
    assert "no sentence contains 'no such words here'" in miss.stderr


@pytest.mark.parametrize(
    "command", [["rules", "list"], ["rules", "check"], ["rules", "test"], ["evaluate"], ["explain"]]
)
def test_every_command_is_documented(command):
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.split("Usage:", 1)[1].splitlines()) > 3


def test_switch_off_a_shipped_rule_by_id_alone(tmp_path):
    (tmp_path / "off.yaml").write_text("rules:\n  - {id: action.must, enabled: false}\n", encoding="utf-8")
    assert check_paths([tmp_path]).problems == []
    rules = load_rules([tmp_path])
    assert rules.by_id("action.must").enabled is False
    assert rules.by_id("action.must").phrases is None and rules.by_id("action.must").pattern  # the shipped rule
    with_off = Pipeline(rules).extract(SEED)
    assert not any(a.modality == "must" and "action.must" in a.rules for a in with_off.actions)


def test_switching_off_an_unknown_rule_is_a_problem(tmp_path):
    (tmp_path / "off.yaml").write_text("rules:\n  - {id: action.nothere, enabled: false}\n", encoding="utf-8")
    assert check_paths([tmp_path]).problems == [
        f"{tmp_path / 'off.yaml'}:2: rule action.nothere: no rule with this id to switch off"
    ]
    result = runner.invoke(app, ["extract", str(SEED), "--rules", str(tmp_path)])
    assert result.exit_code == 1
    assert "no rule with this id to switch off" in result.output
