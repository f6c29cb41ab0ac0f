"""Output: JSON, JSONL and CSV writers and the SQLite store."""
