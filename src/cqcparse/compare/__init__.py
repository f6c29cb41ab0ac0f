"""`cqcparse compare`: what changed between two inspections of a service, and across a batch."""

from cqcparse.compare.core import compare_reports
from cqcparse.compare.match import DEFAULT_THRESHOLD
from cqcparse.compare.model import Comparison

__all__ = ["DEFAULT_THRESHOLD", "Comparison", "compare_reports"]
