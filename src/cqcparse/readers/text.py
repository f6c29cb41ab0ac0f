"""Read an input (a path or '-' for stdin) into a SourceText. Text input is decoded here; PDF and HTML
have readers of their own."""

from __future__ import annotations

import codecs
import os
import stat
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from cqcparse.errors import InputError, InputWarning
from cqcparse.limits import LIMIT_HINT, max_input_bytes, max_memory_mb, run_limited
from cqcparse.readers.source import SourceText
from cqcparse.records import printable

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def read_source(
    path: str | Path,
    *,
    pages: str | None = None,
    engine: str | None = None,
    password: str | None = None,
    timeout: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_memory: int | None = None,
) -> SourceText:
    """Read a report. The format comes from the suffix; stdin ('-') is sniffed from its first bytes. The
    SourceText's path is the name made printable (a file name that is not UTF-8 keeps U+FFFD for its bytes).
    A PDF is read in a child process with at most `max_memory` MB (default `limits.max_memory_mb()`, 0: no
    limit) for `timeout` seconds, so that a decompression bomb or an engine that loops is one InputError."""
    src = _read(str(path), pages, engine, password, timeout, progress, max_memory_mb(max_memory))
    return replace(src, path=printable(src.path))


def _read(
    name: str,
    pages: str | None,
    engine: str | None,
    password: str | None,
    timeout: float | None,
    progress: Callable[[int, int], None] | None,
    memory_mb: int,
) -> SourceText:
    data = _read_bytes(name)
    kind = _sniff(name, data)
    if kind == "pdf":
        from cqcparse.readers.pdf.reader import read_pdf  # imported lazily: pdf engines cost start-up time

        options: dict[str, Any] = {
            k: v
            for k, v in {
                "pages": pages,
                "engine": engine,
                "password": password,
                "max_seconds": timeout,
                "progress": progress,
            }.items()
            if v is not None
        }
        seconds = timeout if timeout and timeout != float("inf") else None
        _load_engine(engine)

        def read(pdf: str) -> SourceText:
            return run_limited(read_pdf, pdf, path=name, memory_mb=memory_mb, seconds=seconds, **options)

        if name != "-":
            return read(name)
        spooled = _spool(data)
        try:
            return replace(read(spooled), path=name)
        except InputError as e:  # name stdin, not the temporary file
            raise InputError(name, e.message, e.page) from None
        finally:
            Path(spooled).unlink(missing_ok=True)
    if kind == "html":
        from cqcparse.readers.html import read_html

        return read_html(name, data)
    return SourceText(path=name, format="text", text=decode_text(data, name))


def _read_bytes(name: str) -> bytes:
    """The bytes of a regular file (or stdin for '-'), at most `limits.max_input_bytes()` of them, checked
    before reading: a FIFO, a device (/dev/zero) or a socket is never opened."""
    limit = max_input_bytes()
    if name == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(name, f"is over {limit // 2**20} MB, the limit of one input ({LIMIT_HINT})")
        return data
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except OSError as e:
        raise InputError(name, f"cannot be read: {_reason(e)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(name, "is a directory, not a report (use 'cqcparse batch' for folders)")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(name, "is not a regular file (a FIFO, device or socket): not read")
    if info.st_size > limit:
        raise InputError(
            name,
            f"is {info.st_size / 2**20:.0f} MB, over the limit of {limit // 2**20} MB for one input ({LIMIT_HINT})",
        )
    try:
        with open(name, "rb") as f:
            return f.read(limit + 1)
    except OSError as e:
        raise InputError(name, f"cannot be read: {_reason(e)}") from None


def _reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower()


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
    """UTF-8 with or without BOM, UTF-16 with BOM; a byte that is not UTF-8 is read as cp1252 (Windows
    exports, or one stray byte pasted into a UTF-8 file), with a warning, and one that cp1252 leaves
    undefined becomes U+FFFD. Only a BOM is removed, so offsets into the result are offsets into the input
    as decoded."""
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
    _tally.__dict__.update(odd=0, lost=0, first_lost=None)
    text = data.decode("utf-8", errors=_FALLBACK)
    odd, lost, first_lost = _tally.odd, _tally.lost, _tally.first_lost
    if lost > len(text) // 100:
        raise InputError(name, f"cannot be decoded as UTF-8 or cp1252 (byte {first_lost})")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text) // 100:
        raise InputError(name, "looks like a binary file, not report text")
    text = _not_empty(text, name)
    replaced = f"; {lost} undefined in cp1252 replaced by U+FFFD" if lost else ""
    warnings.warn(
        InputWarning(f"{name}: {odd} byte{'s' if odd != 1 else ''} not UTF-8, read as cp1252{replaced}"), stacklevel=2
    )
    return text


_FALLBACK = "cqcparse-cp1252"
_tally = threading.local()  # what the error handler saw in this thread's decode_text call


def _cp1252_bytes(e: UnicodeError) -> tuple[str, int]:
    assert isinstance(e, UnicodeDecodeError)
    bad = e.object[e.start : e.end]
    text = bad.decode("cp1252", errors="replace")
    lost = text.count("\ufffd")
    _tally.odd += len(bad)
    _tally.lost += lost
    if lost and _tally.first_lost is None:
        _tally.first_lost = e.start
    return text, e.end


codecs.register_error(_FALLBACK, _cp1252_bytes)


def _load_engine(engine: str | None) -> None:
    """Load the PDF engine's libraries here, before the memory-capped child is forked: mapping a shared
    library there could fail under a low --max-memory, and it would be loaded again for every file."""
    if engine == "plumber":
        import pdfplumber  # noqa: F401
    else:
        import pypdfium2.raw  # noqa: F401
