"""cqcparse: CQC inspection and assessment reports to structured data, with readable YAML rules.

`extract`, `Pipeline` and the records are imported when first used: importing cqcparse (as the command
line does for `--help`) does not load spaCy or pydantic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cqcparse.errors import CqcparseError, InputError, RuleError
from cqcparse.version import __version__

if TYPE_CHECKING:
    from cqcparse.pipeline import Pipeline, extract
    from cqcparse.records import Breach, Item, Report, ReportFacts, Section

__all__ = [
    "extract",
    "Pipeline",
    "Report",
    "ReportFacts",
    "Item",
    "Section",
    "Breach",
    "CqcparseError",
    "InputError",
    "RuleError",
    "__version__",
]
_LAZY = {
    "extract": "cqcparse.pipeline",
    "Pipeline": "cqcparse.pipeline",
    "Report": "cqcparse.records",
    "ReportFacts": "cqcparse.records",
    "Item": "cqcparse.records",
    "Section": "cqcparse.records",
    "Breach": "cqcparse.records",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'cqcparse' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
