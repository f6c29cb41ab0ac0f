"""Report fields, read by `fact` rules (regexes with named groups), each with the text that gave it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from cqcparse.analysis.linescan import LineScan
from cqcparse.analysis.rules import RuleSet
from cqcparse.analysis.ruleschema import Rule
from cqcparse.analysis.vocabulary import key_question_id
from cqcparse.records import FactSource, ReportFacts

RATING_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
SCORE_LOOKAHEAD = 400  # characters after a quality statement heading in which its score is given
SINGLE = (
    "provider",
    "registered_provider",
    "location",
    "location_id",
    "provider_id",
    "assessment",
    "report_type",
    "service_type",
)
KEY_QUESTION_WORD = re.compile(r"safe|effective|caring|responsive|well[- ]led", re.IGNORECASE)
ACRONYMS = {"GP", "GPS", "NHS", "UK"}
DATE_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d.%m.%y",
)
PageAt = Callable[[int], "int | None"]


def iso_date(value: str) -> str | None:
    """'5th July 2016', '05/10/2015' (UK reports put the day first), '12 Sept 2019' -> ISO 8601."""
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(value.replace(",", " ").split()))
    value = re.sub(r"\bsept\b", "Sep", value, flags=re.IGNORECASE)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def sentence_case(value: str) -> str:
    """A marker printed in capitals ('GP PRACTICE') as a name: 'GP practice'; other values as printed."""
    if not value.isupper():
        return value
    words = [w if w in ACRONYMS else w.lower() for w in value.split()]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def rating(value: str) -> str | None:
    return RATING_WORDS.get(" ".join(value.lower().split()))


def _value(rule: Rule, m: re.Match[str]) -> str | None:
    raw = m.groupdict().get("value")
    return " ".join(raw.split()) if raw else rule.value


def read_facts(
    text: str,
    rules: RuleSet,
    qs_sections: list[tuple[str, int]],
    page_at: PageAt | None = None,
    scan: LineScan | None = None,
) -> ReportFacts:
    """Each field takes the first rule (in file order) that matches; ratings and scores collect all.
    `qs_sections` gives (quality statement id, offset after its heading) for reading scores; `page_at`
    gives the page of an offset (PDF input), for `fact_sources`; `scan`, the text's LineScan if the caller
    has one."""
    facts = ReportFacts()
    fact_rules = rules.of("fact")
    whole = [r for r in fact_rules if r.label not in ("score", "score_row")]
    scan = scan or LineScan(text, [r.compiled() for r in fact_rules if r.label != "score"])
    for r in whole:
        for m in scan.finditer(r.compiled()):
            for key in _apply(facts, r, m, text):
                facts.fact_sources.setdefault(key, _source(r, m, text, page_at))
    if facts.registered_provider == facts.provider:
        facts.registered_provider = None
        facts.fact_sources.pop("registered_provider", None)
    elif facts.registered_provider and facts.location is None and facts.provider:
        facts.location = facts.provider  # the title names a location of the registered provider
        facts.fact_sources["location"] = facts.fact_sources["provider"]
    _read_scores(facts, text, rules, qs_sections, page_at, scan)
    return facts


def _read_scores(
    facts: ReportFacts,
    text: str,
    rules: RuleSet,
    qs_sections: list[tuple[str, int]],
    page_at: PageAt | None,
    scan: LineScan,
) -> None:
    """A quality statement's score: the first `score` rule matching just after its heading, else a row of
    a score table (`score_row`: the statement's name, as a heading rule gives it, and its score)."""
    fact_rules = rules.of("fact")
    score_rules = [r for r in fact_rules if r.label == "score"]
    for qs, offset in qs_sections:
        if qs in facts.quality_statement_scores:
            continue
        window = text[offset : offset + SCORE_LOOKAHEAD]
        for r in score_rules:
            found = r.compiled().search(window)
            if found and (v := _value(r, found)) and v.isdigit():
                facts.quality_statement_scores[qs] = int(v)
                facts.fact_sources[f"quality_statement_scores.{qs}"] = _source(r, found, window, page_at, offset)
                break
    names = [h for h in rules.of("heading") if h.quality_statement]
    for r in (r for r in fact_rules if r.label == "score_row"):
        for m in scan.finditer(r.compiled()):
            name = " ".join(m.group("name").split())
            row = next((h.quality_statement for h in names if h.compiled().fullmatch(name)), None)
            if row and row not in facts.quality_statement_scores and (v := _value(r, m)) and v.isdigit():
                facts.quality_statement_scores[row] = int(v)
                facts.fact_sources[f"quality_statement_scores.{row}"] = _source(r, m, text, page_at)


def _source(r: Rule, m: re.Match[str], text: str, page_at: PageAt | None, base: int = 0) -> FactSource:
    """The match up to the end of its value: the field's label and value ('Overall rating for this trust
    Good', not the rating dots after it nor the 'Inspection report' line under a provider's name)."""
    start, end = m.start(), m.end("value") if m.groupdict().get("value") is not None else m.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return FactSource(
        rule=r.id,
        text=" ".join(text[start:end].split()),
        start=base + start,
        end=base + end,
        page=page_at(base + start) if page_at else None,
    )


def _apply(facts: ReportFacts, r: Rule, m: re.Match[str], text: str) -> list[str]:
    """Record what the match says; the keys of the fields it set (for `fact_sources`)."""
    v = _value(r, m)
    label = r.label or ""
    if v is None:
        return []
    if label in SINGLE:
        if getattr(facts, label) is None:
            setattr(facts, label, sentence_case(v) if label == "service_type" else v)
            return [label]
    elif label == "report_date":
        if facts.report_date is None and (d := iso_date(v)):
            facts.report_date = d
            return [label]
    elif label == "inspection_date":
        new = [d for d in dates_in(v) if d not in facts.inspection_dates]
        facts.inspection_dates += new
        return ["inspection_dates"] if new else []
    elif label == "overall_rating":
        if facts.overall_rating is None and (val := rating(v)):
            facts.overall_rating = val
            return [label]
    elif label == "rating" and (val := rating(v)):
        # one key question, or a list of them ("for providing safe, effective and caring services")
        kqs = [k for w in KEY_QUESTION_WORD.findall(m.group("kq") or "") if (k := key_question_id(w))]
        new_kqs = [k for k in dict.fromkeys(kqs) if k not in facts.ratings]
        facts.ratings.update(dict.fromkeys(new_kqs, val))
        return [f"ratings.{k}" for k in new_kqs]
    elif label == "service_rating":
        service = m.groupdict().get("service")
        if service and (val := rating(v)):
            group = _table_title(text, m.start(), r)
            key = " ".join(service.split())
            key = f"{group}: {key}" if group else key
            if key not in facts.service_ratings:
                facts.service_ratings[key] = val
                return [f"service_ratings.{key}"]
    return []


def _table_title(text: str, start: int, row_rule: Rule) -> str | None:
    """The line above a table of rating rows ('Millbrook General Hospital'), so that the same core
    service at two hospitals gives two ratings."""
    end = text.rfind("\n", 0, start)  # the 30 lines before the match's own: found backwards, not by
    begin = end  # splitting all the text before it (which made a long report's rating table quadratic)
    for _ in range(30):
        begin = text.rfind("\n", 0, begin) if begin > 0 else -1
        if begin < 0:
            break
    lines = text[begin + 1 : end].split("\n") if end >= 0 else []
    for line in reversed(lines):
        line = line.strip()
        if not line:
            continue
        if row_rule.compiled().fullmatch(line) or line.lower().startswith("overall"):
            continue
        return line if len(line.split()) <= 8 and not line.endswith((".", ":")) else None
    return None


DATE = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:to|-|\u2013|and)\s*\d{1,2}(?:st|nd|rd|th)?)?\s+([A-Za-z]+)\s+(\d{4})"
)


def dates_in(value: str) -> list[str]:
    """Every date in a value such as '8 to 11 March 2016 and 21 March 2016' (a range gives its first day)."""
    out = []
    for day, month, year in DATE.findall(value):
        d = iso_date(f"{day} {month} {year}")
        if d:
            out.append(d)
    return out
