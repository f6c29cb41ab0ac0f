"""Regulation breaches, read by `breach` rules: citations by number ('a breach of regulation 12'), lists
by number or by title ('breaches in relation to staffing and good governance'), and the regulations a
report says are met or no longer breached."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from cqcparse.analysis.linescan import LineScan
from cqcparse.analysis.rules import RuleSet
from cqcparse.analysis.ruleschema import Rule
from cqcparse.records import Breach, Citation

REGULATED_ACTIVITIES = "HSCA (RA) Regulations 2014"
INSTRUMENTS = [
    ("2009", "CQC (Registration) Regulations 2009"),
    ("2010", "HSCA 2008 (Regulated Activities) Regulations 2010"),
    ("", REGULATED_ACTIVITIES),
]
TITLE_INSTRUMENTS = {"title": REGULATED_ACTIVITIES, "registration_title": INSTRUMENTS[0][1]}
NUMBER = re.compile(r"\b(\d{1,2}[A-Z]?)\b", re.IGNORECASE)
NAMED_NUMBER = re.compile(r"\bregulations? (\d{1,2}[A-Z]?)\b", re.IGNORECASE)  # in a list of titles
PARENTHESES = re.compile(r"\([^)]*\)")
Span = tuple[int, int, "int | None"]


@dataclass(frozen=True, slots=True)
class Cited:
    """One regulation cited as breached, and the text that cites it."""

    regulation: str
    instrument: str
    title: str | None
    start: int
    end: int


def instrument_of(named: str | None) -> str:
    return next(name for key, name in INSTRUMENTS if key in (named or ""))


def read_breaches(text: str, rules: RuleSet, spans: list[Span], scan: LineScan | None = None) -> list[Breach]:
    """One Breach per distinct (instrument, regulation), with every place it is cited. `spans` are the
    sentences and lines (start, end, page) a citation can come from: the citation is the one holding it.
    Regulations the report says are met or no longer breached ('exclude' rules) are dropped. `scan`: the
    text's LineScan, if the caller has one."""
    breach_rules = rules.of("breach")
    titles = [r for r in breach_rules if r.label in TITLE_INSTRUMENTS]
    official = {(TITLE_INSTRUMENTS[r.label or ""], r.value): r.description for r in titles}
    found: dict[tuple[str, str], Breach] = {}
    excluded: set[str] = set()
    holding = _Holding(spans)
    cues = [r for r in breach_rules if r.label not in TITLE_INSTRUMENTS]
    scan = scan or LineScan(text, [r.compiled() for r in cues])
    for r in cues:
        for m in scan.finditer(r.compiled()):
            if r.label == "exclude":
                g = m.groupdict()
                excluded.update(n.upper() for n in [g.get("reg") or "", *NUMBER.findall(g.get("regs") or "")] if n)
                continue
            for c in _cited(r, m, titles):
                key = (c.instrument, c.regulation)
                b = found.setdefault(key, Breach(regulation=c.regulation, instrument=c.instrument))
                b.title = official.get(key) or b.title or c.title
                s, e, page = holding(c.start, c.end)
                if not any(x.start == s for x in b.citations):
                    b.citations.append(Citation(text=" ".join(text[s:e].split()), start=s, end=e, page=page))
    out = [b for b in found.values() if b.regulation not in excluded or b.instrument != REGULATED_ACTIVITIES]
    return sorted(out, key=lambda b: (b.instrument or "", _reg_key(b.regulation)))


def _cited(r: Rule, m: re.Match[str], titles: list[Rule]) -> list[Cited]:
    """The regulations one match of a `cite` or `list` rule cites."""
    g = m.groupdict()
    instrument = instrument_of(g.get("instrument"))
    if r.label == "cite":
        raw_title = g.get("title") or g.get("title_after")
        title = " ".join(raw_title.split()).strip(" ()") if raw_title else None
        return [Cited(g["reg"].upper(), instrument, title, m.start(), m.end())] if g.get("reg") else []
    out = [
        Cited(n.upper(), instrument, None, m.start(), m.end())
        for n in NUMBER.findall(PARENTHESES.sub(" ", g.get("regs") or ""))
    ]
    named = g.get("titles") or ""
    out += [Cited(n.upper(), instrument, None, m.start(), m.end()) for n in NAMED_NUMBER.findall(named)]
    for t in titles:
        if t.value and t.compiled().search(named):
            out.append(Cited(t.value.upper(), TITLE_INSTRUMENTS[t.label or ""], None, m.start(), m.end()))
    return out


def _reg_key(reg: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", reg)
    return (int(m.group(1)), m.group(2)) if m else (0, reg)


class _Holding:
    """The first span (in list order) holding an offset, widened to the citation's end; the citation
    itself if none holds it. Spans sorted by start are searched by bisection (a running maximum of their
    ends finds the first that reaches past the offset), others one by one."""

    def __init__(self, spans: list[Span]):
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.ordered = all(a <= b for a, b in zip(self.starts, self.starts[1:], strict=False))
        self.reach = list(accumulate((e for _, e, _ in spans), max))

    def __call__(self, start: int, end: int) -> Span:
        if self.ordered:
            before = bisect.bisect_right(self.starts, start)  # spans[:before] start at or before `start`
            i = bisect.bisect_right(self.reach, start, 0, before)  # the first of them ending after it
            candidates = self.spans[i : i + 1] if i < before else []
        else:
            candidates = self.spans
        for s, e, page in candidates:
            if s <= start < e:
                return s, max(e, end), page
        return start, end, None
