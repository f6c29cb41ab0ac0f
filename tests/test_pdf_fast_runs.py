"""The per-run loop of the pdfium engine in C (`_pdfium_runs.c`) reads every PDF to exactly the text of
its Python loop (engines.py): the same SourceText (text, pages, line boxes, heading hints) for the
repository's PDFs, the shared corpus's (when it is there) and PDFs built here with the layouts the reader
has rules for; and the same runs but for where a space between two runs goes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from cqcparse.readers.pdf import cloop, read_pdf
from cqcparse.readers.pdf.engines import PdfiumPages
from test_pdf import make_pdf
from test_pdf_layout import banded_pages, words_apart

REPO = Path(__file__).resolve().parents[1]
HERE_PDFS = sorted((REPO / "fixtures").rglob("*.pdf"))
needs_c = pytest.mark.skipif(cloop.MODULE is None, reason="the C loop is not built")


def read_both(path: Path, monkeypatch):
    fast = read_pdf(path)
    with monkeypatch.context() as m:
        m.setattr(cloop, "MODULE", None)
        slow = read_pdf(path)
    return fast, slow


def layouts(tmp_path: Path) -> Path:
    """Words placed apart with no space, an overprinted bold heading, rating dots, bands last in the stream."""
    heading = [(50, 60, 16, "Overall summary", True), (50.3, 60, 16, "Overall summary", True)]
    page = [*heading, *words_apart(50, 100, 10, "Action we have told the provider to take"), (50, 140, 10, "Good –––")]
    return make_pdf(tmp_path / "layouts.pdf", [page, *banded_pages()])


def test_the_c_loop_is_built_where_there_is_a_compiler():
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler: the install uses the Python loop")
    assert cloop.MODULE is not None, "setup.py builds _pdfium_runs when a compiler is there: reinstall"


@needs_c
@pytest.mark.parametrize("path", HERE_PDFS, ids=[p.name for p in HERE_PDFS])
def test_c_loop_reads_fixture_pdfs_as_the_python_loop_does(path, monkeypatch):
    fast, slow = read_both(path, monkeypatch)
    assert len(fast.text) > 1000 and fast.boxes
    assert fast == slow


@needs_c
def test_c_loop_reads_the_shared_corpus_as_the_python_loop_does(shared_dir, monkeypatch):
    paths = sorted((shared_dir / "reports").rglob("*.pdf"))
    assert paths
    for path in paths:
        fast, slow = read_both(path, monkeypatch)
        assert fast == slow, path.name


@needs_c
def test_c_loop_reads_built_layouts_as_the_python_loop_does(tmp_path, monkeypatch):
    fast, slow = read_both(layouts(tmp_path), monkeypatch)
    assert fast == slow
    assert fast.text.split("\n")[:3] == ["Overall summary", "Action we have told the provider to take", "Good"]


@needs_c
def test_c_runs_differ_from_the_python_loops_only_in_where_spaces_go(tmp_path):
    with pdfium.PdfDocument(str(layouts(tmp_path))) as doc:
        fast, slow = PdfiumPages(doc), PdfiumPages(doc, fast=False)
        assert fast.fast and not slow.fast
        for n in range(1, len(doc) + 1):
            (a, *rest_a), (b, *rest_b) = fast.runs(n), slow.runs(n)
            assert rest_a == rest_b
            assert [r.text.strip() for r in a] == [r.text.strip() for r in b]
            assert [(r.x0, r.top, r.x1, r.bottom, r.size, r.bold, r.w1, r.base) for r in a] == [
                (r.x0, r.top, r.x1, r.bottom, r.size, r.bold, r.w1, r.base) for r in b
            ]
            assert "".join(r.text for r in a).split() == "".join(r.text for r in b).split()


@needs_c
def test_c_shapes_are_the_python_shapes(tmp_path):
    from cqcparse.readers.pdf.marks import pdfium_shapes
    from pdfbytes import pdf

    # a filled square (a bullet disc's box), a stroked one, a filled one too big for a mark, a filled small one
    ops = b"50 700 4 4 re f 80 700 4 4 re S 120 700 20 20 re f 200 650.5 2.5 3 re f"
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops)
    path = tmp_path / "shapes.pdf"
    path.write_bytes(
        pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream,
        )
    )
    with pdfium.PdfDocument(str(path)) as doc:
        pages = PdfiumPages(doc)
        page = doc[0]
        fast = cloop.MODULE.page_shapes(cloop.address(page.raw), 842.0, 0.0, 5000)
        slow = pdfium_shapes(pages.raw, page, 842.0, 0.0)
        page.close()
    assert fast == slow
    assert [tuple(round(v, 1) for v in box) for box in fast] == [
        (50.0, 138.0, 54.0, 142.0),
        (200.0, 188.5, 202.5, 191.5),
    ]


def test_reading_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    import gc

    from cqcparse.errors import InputError

    good = layouts(tmp_path)
    bad = make_pdf(tmp_path / "blank.pdf", [[]])  # opens, then fails while being read: no text layer
    assert gc.isenabled()
    read_pdf(good)
    assert gc.isenabled()
    with pytest.raises(InputError, match="no text layer"):
        read_pdf(bad)
    assert gc.isenabled()
    gc.disable()
    try:
        read_pdf(good)
        assert not gc.isenabled()
    finally:
        gc.enable()
