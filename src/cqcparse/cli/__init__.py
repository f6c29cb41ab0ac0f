"""The command line (`cqcparse`, `python -m cqcparse`)."""
from cqcparse.cli.app import app

__all__ = ["app"]
