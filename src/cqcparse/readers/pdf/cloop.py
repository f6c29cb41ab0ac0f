"""The pdfium engine's per-run loop in C (`_pdfium_runs.c`): loaded if the install built it, and given the
addresses of pypdfium2's own pdfium functions, so that it calls the very library pypdfium2 loaded.

Without it (no C compiler at install), engines.py runs the same loop in Python: the same text, slower.
"""

from __future__ import annotations

import ctypes
import importlib
from types import ModuleType

# in the order set_functions takes them
FUNCTIONS = (
    "FPDFText_CountRects",
    "FPDFText_GetRect",
    "FPDFText_GetCharIndexAtPos",
    "FPDFText_GetUnicode",
    "FPDFText_GetCharOrigin",
    "FPDFText_GetFontSize",
    "FPDFText_GetFontInfo",
    "FPDFText_GetFontWeight",
    "FPDFText_GetCharBox",
    "FPDFText_GetBoundedText",
    "FPDFText_IsGenerated",
    "FPDFText_GetTextObject",
    "FPDFPage_CountObjects",
    "FPDFPage_GetObject",
    "FPDFPageObj_GetType",
    "FPDFPageObj_GetBounds",
    "FPDFPath_GetDrawMode",
)

MODULE: ModuleType | None
try:
    MODULE = importlib.import_module("cqcparse.readers.pdf._pdfium_runs")
except ImportError:  # pragma: no cover - an install without a C compiler
    MODULE = None


def address(obj) -> int:
    """The address behind a ctypes function or pointer (0 for None)."""
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def bound(raw) -> ModuleType | None:
    """The C module with pdfium's functions (from `pypdfium2.raw`) set; None if it was not built or this
    pdfium lacks one of the functions it needs."""
    if MODULE is None:
        return None
    try:
        MODULE.set_functions(*(address(getattr(raw, name, None)) for name in FUNCTIONS))
    except ValueError:
        return None
    return MODULE
