"""`cqcparse fetch`: reports and the regulator's own data from CQC's public API.

This package imports only `cqcparse.records` and `cqcparse.errors`: the pipeline, batch and CLI sit on top.
"""
