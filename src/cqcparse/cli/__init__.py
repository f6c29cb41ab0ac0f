"""The command line (`cqcparse`, `python -m cqcparse`)."""

from cqcparse.cli.app import app, main

__all__ = ["app", "main"]
