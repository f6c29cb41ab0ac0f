"""The most frequent must-action themes of a batch: phrases and words ranked by how many must-actions hold
them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from cqcparse.tools.items import SourcedItem


@dataclass(frozen=True, slots=True)
class Theme:
    """A word or two-word phrase frequent in must-actions; `actions` and `reports` count where it occurs."""

    theme: str
    actions: int
    reports: int


# Words every must-action shares, which say nothing about its theme.
_BOILERPLATE = {
    "must",
    "ensure",
    "ensures",
    "ensuring",
    "ensured",
    "trust",
    "provider",
    "service",
    "services",
    "registered",
    "take",
    "taken",
    "make",
    "sure",
    "improve",
    "improvement",
    "improvements",
    "action",
    "actions",
    "practice",
    "location",
    "appropriate",
    "appropriately",
    "effective",
    "effectively",
    "place",
    "continue",
    "including",
    "line",
    "s",
}
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | _BOILERPLATE


def content_words(text: str, stop: frozenset[str]) -> list[str | None]:
    """The words of `text`, lower case, with None for each stop word (it breaks a phrase)."""
    out: list[str | None] = []
    for w in _WORD.findall(text.lower().replace("’", "'")):
        w = w.removesuffix("'s")
        out.append(None if w in stop or len(w) < 3 else w)
    return out


def singular(words: Iterable[str]) -> dict[str, str]:
    """A plural -> its singular, where the singular occurs too ('risks' -> 'risk', 'processes' ->
    'process'): a cheap stand-in for lemmas, which a blank pipeline does not set."""
    vocab = set(words)
    out = {}
    for w in vocab:
        for cut in ("es", "s"):
            if w.endswith(cut) and not w.endswith("ss") and w[: -len(cut)] in vocab:
                out[w] = w[: -len(cut)]
                break
    return out


def theme_terms(words: list[str | None]) -> set[str]:
    """Content words and two-word phrases of adjacent content words."""
    terms = {w for w in words if w}
    terms |= {f"{a} {b}" for a, b in zip(words, words[1:]) if a and b}
    return terms


def must_action_themes(actions: list[SourcedItem], n: int = 10) -> list[Theme]:
    """The `n` most frequent themes: phrases and words ranked by how many must-actions contain them.
    A word is left out when a chosen phrase holding it covers as many actions (it would add nothing)."""
    stop = _stop_words()
    texts = [content_words(si.item.text, stop) for si in actions]
    one = singular(w for words in texts for w in words if w)
    per_action = [
        (si.report, theme_terms([one.get(w, w) if w else None for w in words])) for si, words in zip(actions, texts)
    ]
    df: Counter[str] = Counter(t for _, terms in per_action for t in terms)
    ranked = sorted(df, key=lambda t: (-df[t], -t.count(" "), t))
    chosen: list[str] = []
    for t in ranked:
        if len(chosen) == n:
            break
        if " " not in t and any(df[c] >= df[t] for c in chosen if t in c.split()):
            continue
        chosen.append(t)
    return [Theme(t, df[t], len({rep for rep, terms in per_action if t in terms})) for t in chosen]
