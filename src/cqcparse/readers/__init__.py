"""Readers: a report file (text, HTML or PDF) to a SourceText with provenance (pages, line boxes,
heading hints)."""

from cqcparse.readers.source import HeadingHint, LineBox, Page, SourceText
from cqcparse.readers.text import HTML_SUFFIXES, PDF_SUFFIXES, decode_text, read_source

__all__ = [
    "HTML_SUFFIXES",
    "PDF_SUFFIXES",
    "HeadingHint",
    "LineBox",
    "Page",
    "SourceText",
    "decode_text",
    "read_source",
]
