"""How the ratings moved, overall and per key question, in CQC's rating order."""

from __future__ import annotations

from cqcparse.analysis.vocabulary import KEY_QUESTIONS
from cqcparse.compare.model import Rating, RatingChange
from cqcparse.records import ReportFacts

ORDER = ("Inadequate", "Requires improvement", "Good", "Outstanding")


def change(old: str | None, new: str | None) -> RatingChange:
    if new not in ORDER:
        return "not rated"
    if old not in ORDER:
        return "new"
    a, b = ORDER.index(old), ORDER.index(new)
    return "improved" if b > a else "declined" if b < a else "same"


def rating_changes(old: ReportFacts, new: ReportFacts) -> list[Rating]:
    """Overall first, then each key question rated in either report, in CQC's order of the questions."""
    rows = [
        Rating(
            question="overall",
            old=old.overall_rating,
            new=new.overall_rating,
            change=change(old.overall_rating, new.overall_rating),
        )
    ]
    for kq in KEY_QUESTIONS:
        a, b = old.ratings.get(kq), new.ratings.get(kq)
        if a or b:
            rows.append(Rating(question=kq, old=a, new=b, change=change(a, b)))
    return rows
