"""Reading rule files, and the checks that keep one rule from hanging or flooding a run: a size limit per
file, a limit on phrases in all, no regex that matches the empty string or repeats a repeated group."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from cqcparse.analysis.guard import guarded
from cqcparse.errors import RuleError

MAX_RULE_FILE_BYTES = 5 * 2**20  # a rule file is text an analyst writes: past this it is a mistake
MAX_PHRASES = 200_000  # phrases of all rules together (YAML aliases can repeat one list many times)
# Regex rules are matched against a sentence (cues), a line (headings, contexts, facts) or the text.
FLAGS = re.IGNORECASE | re.MULTILINE


def shipped_rule_files() -> list[tuple[str, str]]:
    """(name, text) of each rule file shipped inside the package."""
    folder = resources.files("cqcparse.rules")  # rules/ at the repository root, package data in the wheel
    return sorted(
        (f"rules/{f.name}", f.read_text(encoding="utf-8"))
        for f in folder.iterdir()
        if f.name.endswith((".yaml", ".yml"))
    )


def user_rule_files(paths: list[Path]) -> list[tuple[str, str]]:
    out = []
    for p in paths:
        if not p.exists():
            raise RuleError([f"{p}:0: rules folder or file not found"])
        files = sorted(f for f in [*p.glob("*.yaml"), *p.glob("*.yml")] if f.is_file()) if p.is_dir() else [p]
        for f in files:
            out.append((str(f), _read_rule_file(f)))
    return out


def _read_rule_file(f: Path) -> str:
    try:
        if f.is_dir():
            raise RuleError([f"{f}:0: is a folder, not a rule file"])
        if not f.is_file():
            raise RuleError([f"{f}:0: is not a regular file"])
        if f.stat().st_size > MAX_RULE_FILE_BYTES:
            raise RuleError([f"{f}:0: is over {MAX_RULE_FILE_BYTES // 2**20} MB, too big for a rule file"])
        return f.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise RuleError([f"{f}:0: is not UTF-8 text (byte {e.start})"]) from None
    except OSError as e:
        raise RuleError([f"{f}:0: cannot be read: {(e.strerror or str(e)).lower()}"]) from None


# A group holding one repeated atom, itself repeated: (a+)+, (\\w*)*, ([a-z]+)+, (.*)+ -- catastrophic backtracking.
NESTED_QUANTIFIER = re.compile(r"\((?:\?:)?(?:\\.|\[(?:\\.|[^\]])*\]|[^()\\\[|])[+*]\)[+*{]")


def pattern_regexes(pattern: list[dict[str, Any]]) -> list[str]:
    """The REGEX values of a token pattern ({"LOWER": {"REGEX": "..."}} or {"TEXT": {"REGEX": ...}})."""
    return [
        v["REGEX"]
        for tok in pattern
        if isinstance(tok, dict)
        for v in tok.values()
        if isinstance(v, dict) and isinstance(v.get("REGEX"), str)
    ]


def regex_problems(source: str) -> list[str]:
    """What is wrong with one regex of a rule: invalid, matching the empty string, or backtracking
    catastrophically where that can be recognised (a repeated group of one repeated atom)."""
    try:
        compiled = re.compile(guarded(source, FLAGS), FLAGS)  # as the rule will run it: compiled once
    except re.error as e:
        return [f"invalid regex: {e}"]
    problems = []
    if compiled.search("") is not None:
        problems.append(f"the regex {source!r} matches the empty string (it would fire everywhere)")
    if NESTED_QUANTIFIER.search(source):
        problems.append(
            f"the regex {source!r} repeats a repeated group, as (a+)+: it can take exponential "
            "time; repeat the group's content once"
        )
    return problems
