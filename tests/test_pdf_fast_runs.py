"""The per-run loop of the pdfium engine in C (`_pdfium_runs.c`) gives exactly the runs of its Python loop
(engines.py): every field of every run, on every page of the repository's PDFs, the shared corpus's (when
it is there) and PDFs built here with the layouts the reader has rules for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from cqcparse.readers.pdf import engines
from cqcparse.readers.pdf.engines import PdfiumPages
from test_pdf import make_pdf
from test_pdf_layout import banded_pages, words_apart

REPO = Path(__file__).resolve().parents[1]
HERE_PDFS = sorted((REPO / "fixtures").rglob("*.pdf"))


def both(path: Path) -> tuple[list, list]:
    """Every page's runs, from the C loop and from the Python loop."""
    with pdfium.PdfDocument(str(path)) as doc:
        fast, slow = PdfiumPages(doc), PdfiumPages(doc, fast=False)
        assert fast.fast and not slow.fast
        pages = range(1, len(doc) + 1)
        return [fast.runs(n) for n in pages], [slow.runs(n) for n in pages]


def test_the_c_loop_is_built_where_there_is_a_compiler():
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler: the install uses the Python loop")
    assert engines._fast is not None, "setup.py builds _pdfium_runs when a compiler is there: reinstall"


@pytest.mark.skipif(engines._fast is None, reason="the C loop is not built")
@pytest.mark.parametrize("path", HERE_PDFS, ids=[p.name for p in HERE_PDFS])
def test_c_loop_gives_the_python_loops_runs_on_fixture_pdfs(path):
    fast, slow = both(path)
    assert sum(len(runs) for runs, *_ in fast) > 20
    assert fast == slow


@pytest.mark.skipif(engines._fast is None, reason="the C loop is not built")
def test_c_loop_gives_the_python_loops_runs_on_the_shared_corpus(shared_dir):
    paths = sorted((shared_dir / "reports").rglob("*.pdf"))
    assert paths
    for path in paths:
        fast, slow = both(path)
        assert fast == slow, path.name


@pytest.mark.skipif(engines._fast is None, reason="the C loop is not built")
def test_c_loop_gives_the_python_loops_runs_on_built_layouts(tmp_path):
    # words placed apart with no space, an overprinted bold heading, a band last in the stream, rating dots
    heading = [(50, 60, 16, "Overall summary", True), (50.3, 60, 16, "Overall summary", True)]
    page = [*heading, *words_apart(50, 100, 10, "Action we have told the provider to take"), (50, 140, 10, "Good –––")]
    path = make_pdf(tmp_path / "layouts.pdf", [page, *banded_pages()])
    fast, slow = both(path)
    assert fast == slow
    first = fast[0][0]
    assert [r.text.strip() for r in first[:3]] == ["Overall summary", "Action", "we"]
    assert first[0].bold and first[0].size == 16.0
