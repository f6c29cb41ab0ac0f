"""Report fields and regulation breaches, read by `fact` and `breach` rules (regexes with named groups)."""
from __future__ import annotations

import re
from datetime import datetime

from cqcparse.records import Breach, Citation, ReportFacts
from cqcparse.analysis.rules import Rule, RuleSet, key_question_id

RATING_WORDS = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement",
                "inadequate": "Inadequate"}
SCORE_LOOKAHEAD = 400  # characters after a quality statement heading in which its score is given


def iso_date(value: str) -> str | None:
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(value.split()))
    for fmt in ("%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def rating(value: str) -> str | None:
    return RATING_WORDS.get(" ".join(value.lower().split()))


def _value(rule: Rule, m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    raw = groups.get("value")
    return " ".join(raw.split()) if raw else rule.value


def read_facts(text: str, rules: RuleSet, qs_sections: list[tuple[str, int]]) -> ReportFacts:
    """Each field takes the first rule (in file order) that matches; ratings and scores collect all.
    `qs_sections` gives (quality statement id, offset after its heading) for reading scores."""
    facts = ReportFacts()
    fact_rules = rules.of("fact")
    for r in fact_rules:
        for m in r.compiled().finditer(text):
            _apply(facts, r, m, text)
    if facts.registered_provider == facts.provider:
        facts.registered_provider = None
    elif facts.registered_provider and facts.location is None:
        facts.location = facts.provider  # the title names a location of the registered provider
    for qs, offset in qs_sections:
        if qs in facts.quality_statement_scores:
            continue
        window = text[offset:offset + SCORE_LOOKAHEAD]
        for r in (r for r in fact_rules if r.label == "score"):
            m = r.compiled().search(window)
            if m and (v := _value(r, m)) and v.isdigit():
                facts.quality_statement_scores[qs] = int(v)
                break
    return facts


def _apply(facts: ReportFacts, r: Rule, m: re.Match[str], text: str) -> None:
    v = _value(r, m)
    label = r.label
    if v is None:
        return
    if label in ("provider", "registered_provider", "location", "assessment", "report_type"):
        if getattr(facts, label) is None:
            setattr(facts, label, v)
    elif label == "report_date":
        if facts.report_date is None:
            facts.report_date = iso_date(v)
    elif label == "inspection_date":
        for d in dates_in(v):
            if d not in facts.inspection_dates:
                facts.inspection_dates.append(d)
    elif label == "overall_rating":
        if facts.overall_rating is None:
            facts.overall_rating = rating(v)
    elif label == "rating":
        kq = m.groupdict().get("kq")
        val = rating(v)
        if val and (kq_id := key_question_id(kq or "")):
            facts.ratings.setdefault(kq_id, val)
    elif label == "service_rating":
        service = m.groupdict().get("service")
        val = rating(v)
        if service and val:
            group = _table_title(text, m.start(), r)
            key = " ".join(service.split())
            facts.service_ratings.setdefault(f"{group}: {key}" if group else key, val)


def _table_title(text: str, start: int, row_rule: Rule) -> str | None:
    """The line above a table of rating rows ('Millbrook General Hospital'), so that the same core
    service at two hospitals gives two ratings."""
    lines = text[:start].split("\n")[:-1]
    for line in reversed(lines[-30:]):
        line = line.strip()
        if not line:
            continue
        if row_rule.compiled().fullmatch(line) or line.lower().startswith("overall"):
            continue
        return line if len(line.split()) <= 8 and not line.endswith((".", ":")) else None
    return None


DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:to|-|\u2013|and)\s*\d{1,2}(?:st|nd|rd|th)?)?\s+([A-Za-z]+)\s+(\d{4})")


def dates_in(value: str) -> list[str]:
    """Every date in a value such as '8 to 11 March 2016 and 21 March 2016' (a range gives its first day)."""
    out = []
    for day, month, year in DATE.findall(value):
        d = iso_date(f"{day} {month} {year}")
        if d:
            out.append(d)
    return out


INSTRUMENTS = [("2009", "CQC (Registration) Regulations 2009"),
               ("2010", "HSCA 2008 (Regulated Activities) Regulations 2010"),
               ("", "HSCA (RA) Regulations 2014")]


def read_breaches(text: str, rules: RuleSet, spans: list[tuple[int, int, int | None]]) -> list[Breach]:
    """One Breach per distinct (instrument, regulation), with every place it is cited. `spans` are the
    sentences and lines (start, end, page) a citation can come from: the citation is the one holding it.
    Regulations the report says are no longer breached ('exclude' rules) are dropped."""
    found: dict[tuple[str, str], Breach] = {}
    excluded: set[str] = set()
    for r in rules.of("breach"):
        for m in r.compiled().finditer(text):
            g = m.groupdict()
            reg = (g.get("reg") or "").upper()
            if not reg:
                continue
            if r.label == "exclude":
                excluded.add(reg)
                continue
            instrument = next(name for key, name in INSTRUMENTS if key in (g.get("instrument") or ""))
            raw_title = g.get("title") or g.get("title_after")
            title = " ".join(raw_title.split()).strip(" ()") if raw_title else None
            b = found.setdefault((instrument, reg), Breach(regulation=reg, instrument=instrument))
            if title and not b.title:
                b.title = title
            s, e, page = _holding(spans, m.start(), m.end())
            if not any(c.start == s for c in b.citations):
                b.citations.append(Citation(text=" ".join(text[s:e].split()), start=s, end=e, page=page))
    out = [b for b in found.values() if b.regulation not in excluded or b.instrument != INSTRUMENTS[-1][1]]
    return sorted(out, key=lambda b: (b.instrument or "", _reg_key(b.regulation)))


def _reg_key(reg: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", reg)
    return (int(m.group(1)), m.group(2)) if m else (0, reg)


def _holding(spans: list[tuple[int, int, int | None]], start: int, end: int) -> tuple[int, int, int | None]:
    for s, e, page in spans:
        if s <= start < e:
            return s, max(e, end), page
    return start, end, None
