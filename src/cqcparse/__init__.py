"""cqcparse: CQC inspection and assessment reports to structured data, with readable YAML rules."""
from .errors import CqcparseError, InputError, RuleError
from .pipeline import Pipeline, extract
from .records import Breach, Item, Report, ReportFacts, Section

__version__ = "0.1.0"
__all__ = ["extract", "Pipeline", "Report", "ReportFacts", "Item", "Section", "Breach",
           "CqcparseError", "InputError", "RuleError", "__version__"]
