"""cqcparse: CQC inspection and assessment reports to structured data, with readable YAML rules."""
from cqcparse.errors import CqcparseError, InputError, RuleError
from cqcparse.pipeline import Pipeline, extract
from cqcparse.records import Breach, Item, Report, ReportFacts, Section
from cqcparse.version import __version__

__all__ = ["extract", "Pipeline", "Report", "ReportFacts", "Item", "Section", "Breach",
           "CqcparseError", "InputError", "RuleError", "__version__"]
