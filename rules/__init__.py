"""The shipped rule files (YAML), package data `cqcparse.rules` in the wheel. Nothing to import here."""
