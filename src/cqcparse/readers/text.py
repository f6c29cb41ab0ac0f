"""Read an input (a path or '-' for stdin) into a SourceText. Text input is decoded here; PDF and HTML
have readers of their own."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cqcparse.errors import InputError
from cqcparse.readers.source import SourceText

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def read_source(path: str | Path, *, pages: str | None = None, engine: str | None = None,
                password: str | None = None, timeout: float | None = None,
                progress: Callable[[int, int], None] | None = None) -> SourceText:
    """Read a report. The format comes from the suffix; stdin ('-') is sniffed from its first bytes."""
    name = str(path)
    data = _read_bytes(name)
    kind = _sniff(name, data)
    if kind == "pdf":
        from cqcparse.readers.pdf.reader import read_pdf  # imported lazily: pdf engines cost start-up time
        options = {k: v for k, v in {"pages": pages, "engine": engine, "password": password,
                                     "max_seconds": timeout, "progress": progress}.items() if v is not None}
        if name != "-":
            return read_pdf(name, **options)
        spooled = _spool(data)
        try:
            return replace(read_pdf(spooled, **options), path=name)
        except InputError as e:  # name stdin, not the temporary file
            raise InputError(name, e.message, e.page) from None
        finally:
            Path(spooled).unlink(missing_ok=True)
    if kind == "html":
        from cqcparse.readers.html import read_html
        return read_html(name, data)
    return SourceText(path=name, format="text", text=decode_text(data, name))


def _read_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    p = Path(name)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, not a report (use 'cqcparse batch' for folders)")
    try:
        return p.read_bytes()
    except OSError as e:
        raise InputError(name, f"cannot be read: {e.strerror}") from None


def _sniff(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in PDF_SUFFIXES or data[:5] == b"%PDF-":
        return "pdf"
    head = data[:512].lstrip().lower()
    if suffix in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _spool(data: bytes) -> str:
    """PDF engines want a file: stdin PDF bytes go to a temporary one."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as f:
        f.write(data)
    return f.name


def _not_empty(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(name, "is empty")
    return text


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else cp1252 (Windows exports); only a BOM is removed,
    so offsets into the result are offsets into the input as decoded."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _not_empty(data.decode("utf-16"), name)
        except UnicodeDecodeError as e:
            raise InputError(name, f"cannot be decoded as UTF-16 (byte {e.start})") from None
    if b"\x00" in data[:4096]:
        raise InputError(name, "looks like a binary file, not report text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return _not_empty(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise InputError(name, f"cannot be decoded as UTF-8 or cp1252 (byte {e.start})") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text) // 100:
        raise InputError(name, "looks like a binary file, not report text")
    return text
