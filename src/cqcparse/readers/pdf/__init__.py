"""The PDF reader: two engines (pypdfium2, pdfplumber) behind one interface, and the layout steps that
turn their text runs into lines, blocks and a SourceText."""

from cqcparse.readers.pdf.engines import BULLET_MARKS
from cqcparse.readers.pdf.reader import DEFAULT_ENGINE, ENGINES, parse_page_spec, read_pdf

__all__ = ["BULLET_MARKS", "DEFAULT_ENGINE", "ENGINES", "parse_page_spec", "read_pdf"]
