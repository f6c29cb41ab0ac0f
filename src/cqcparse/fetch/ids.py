"""CQC ids: what a location, provider and report link id look like, and reading lists of them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Literal

from ..errors import CqcparseError

Kind = Literal["location", "provider", "either"]

CQC_ID = re.compile(r"1-\d{9,11}")  # locations, and providers registered outside the NHS
NHS_TRUST_CODE = re.compile(r"[A-Z][A-Z0-9]{2}")  # providers: an NHS trust's code, e.g. RXT, R1K


class IdError(CqcparseError):
    """An id given by the user does not look like a CQC id."""


@dataclass(frozen=True)
class Target:
    """One id to fetch. `either`: a `1-` id in a list, tried as a location and then as a provider."""

    id: str
    kind: Kind


def location_id(text: str) -> str:
    value = text.strip()
    if not CQC_ID.fullmatch(value):
        raise IdError(f"{value!r} is not a CQC location id ('1-' and 9 to 11 digits, e.g. 1-545611283)")
    return value


def provider_id(text: str) -> str:
    value = text.strip()
    if CQC_ID.fullmatch(value) or NHS_TRUST_CODE.fullmatch(value.upper()):
        return value.upper()
    raise IdError(f"{value!r} is not a CQC provider id ('1-' and 9 to 11 digits, or an NHS trust code such as RXT)")


def is_link_id(text: str) -> bool:
    """Report link ids are UUIDs; anything else from the API is not used in a file name."""
    try:
        return str(uuid.UUID(text)) == text.lower()
    except (ValueError, AttributeError, TypeError):
        return False


def parse_line(line: str) -> Target | None:
    """One line of an id list: an id, optionally prefixed `location:` or `provider:`; `#` starts a comment.
    A bare `1-` id may be either kind; a bare NHS trust code is a provider."""
    text = line.split("#", 1)[0].strip()
    if not text:
        return None
    prefix, sep, rest = text.partition(":")
    if sep and prefix.strip().lower() in ("location", "provider"):
        kind = prefix.strip().lower()
        value = rest.strip()
        return Target(location_id(value), "location") if kind == "location" else Target(provider_id(value), "provider")
    if CQC_ID.fullmatch(text):
        return Target(text, "either")
    return Target(provider_id(text), "provider")


def read_id_list(source: str, text: str) -> list[Target]:
    """The ids in `text`, read from the file `source`, one a line. Raises IdError naming the file and line."""
    targets = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            target = parse_line(line)
        except IdError as e:
            raise IdError(f"{source}:{number}: {e}") from None
        if target is not None:
            targets.append(target)
    return targets


def unique(targets: list[Target]) -> list[Target]:
    """Drop repeats, keeping the first of each id."""
    seen: dict[str, Target] = {}
    for t in targets:
        seen.setdefault(t.id, t)
    return list(seen.values())
