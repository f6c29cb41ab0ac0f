"""`cqcparse compare`: what changed between two inspections of a service, and across a batch."""
from .core import compare_reports
from .match import DEFAULT_THRESHOLD
from .model import Comparison

__all__ = ["DEFAULT_THRESHOLD", "Comparison", "compare_reports"]
