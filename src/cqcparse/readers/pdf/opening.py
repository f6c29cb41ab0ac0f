"""Opening a PDF: the checks a file must pass before an engine reads it (exists, is a file, has the %PDF-
header and the %%EOF end marker), pdfium's document with the reason it refused a file, and the InputError
each failure gives."""

from __future__ import annotations

from pathlib import Path

from cqcparse.errors import InputError
from cqcparse.limits import deadline

SECOND_OPINION_SECONDS = 2.0


def fail(path: Path, message: str, page: int | None = None) -> InputError:
    return InputError(str(path), message, page)


def check_file(path: Path) -> None:
    if not path.exists():
        raise fail(path, "file not found")
    if path.is_dir():
        raise fail(path, "is a directory, not a PDF")
    size = path.stat().st_size
    if size == 0:
        raise fail(path, "is empty (0 bytes), not a PDF")
    with path.open("rb") as fh:
        head = fh.read(1024)
        if b"%PDF-" not in head:
            raise fail(path, "is not a PDF (no %PDF- header)")
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise fail(path, "is truncated or corrupt (no %%EOF end marker)")


def open_pdfium(path: Path, password: str | None):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError:
        pass
    # pdfium's error code is global state that a failure does not always reset, so look for ourselves
    data = path.read_bytes()
    if b"/Encrypt" in data:
        if password:
            raise fail(path, "is encrypted and the password is wrong: pass the right --password") from None
        raise fail(path, "is encrypted: pass --password") from None
    if count_pages_pdfminer(path) == 0:
        raise fail(path, "has zero pages")
    raise fail(path, "is corrupt or truncated (not a readable PDF)")


class _SecondOpinionTooSlow(BaseException):
    pass


def count_pages_pdfminer(path: Path) -> int | None:
    """Second opinion on a file pdfium refused: its page count, or None if pdfminer cannot read it either
    (within a few seconds: pdfminer follows an object that refers to itself for ever)."""
    try:
        with deadline(SECOND_OPINION_SECONDS, _SecondOpinionTooSlow):
            return _count_pages(path)
    except _SecondOpinionTooSlow:
        return None


def _count_pages(path: Path) -> int | None:
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser

        with path.open("rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            n = 0
            for _ in PDFPage.create_pages(doc):
                n += 1
                if n > 1:
                    break
            return n
    except Exception:
        return None
