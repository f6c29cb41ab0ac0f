"""The measured defaults of matching, in a module of their own so that the command line can name them
without importing the matcher (numpy, scipy, rapidfuzz)."""

DEFAULT_THRESHOLD = 0.55
"""Least similarity (0-1) of a recurring pair; measured on the labelled pairs in fixtures/compare."""
CONCEPT_WEIGHT = 0.5
"""Share of the missing similarity a shared concept adds: s + CONCEPT_WEIGHT * (1 - s)."""
