"""Memory and time limits (issue 14): PDF decompression bombs, PDFs whose objects refer to themselves, and
--timeout on every command. The hostile PDFs are built here (a few KB each: a stream of zeros deflated
twice inflates to gigabytes); nothing big is written to disk."""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
import time
import zlib
from pathlib import Path

import pytest

from cqcparse.errors import InputError
from cqcparse.limits import MAX_MEMORY_MB, max_memory_mb, run_limited
from pdfbytes import pdf
from test_hostile import assert_error, cqc, write_rules

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork, RLIMIT_AS and signals")

TEXT = b"BT /F1 12 Tf 72 720 Td (People said the staff were kind and caring.) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
GB = 2**30


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def zeros_deflated_twice(n_bytes: int) -> bytes:
    """zlib(zlib(n_bytes zeros)) without compressing gigabytes: after a full flush deflate forgets its
    history, so every 16 MB block of zeros compresses to the same bytes."""
    block = 1 << 24
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = raw.compress(bytes(block)) + raw.flush(zlib.Z_FULL_FLUSH)
    body = first * (n_bytes // block) + raw.flush()
    adler = ((n_bytes % 65521) << 16) | 1  # adler32 of zeros: A = 1, B = n
    return zlib.compress(b"\x78\xda" + body + struct.pack(">I", adler), 9)


def bomb(gigabytes: float, where: str) -> bytes:
    """One page printing TEXT, and a FlateDecode-twice stream that inflates to `gigabytes` of zeros: a
    second content stream of the page, or an image the page draws."""
    data = zeros_deflated_twice(int(gigabytes * GB))
    flate = b"/Filter [/FlateDecode /FlateDecode]"
    if where == "content":
        page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        return pdf(CATALOG, PAGES, page + b"/Contents [5 0 R 6 0 R] >>", FONT, stream(data, flate), stream(TEXT))
    side = int((gigabytes * GB / 3) ** 0.5)
    image = b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /Im1 5 0 R >> >> /Contents 6 0 R >>"
    )
    return pdf(CATALOG, PAGES, page, FONT, stream(data, image % (side, side) + flate), stream(b"q /Im1 Do Q " + TEXT))


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    made = {"content-4gb": bomb(4, "content"), "content-8gb": bomb(8, "content"), "image-4gb": bomb(4, "image")}
    for name, data in made.items():
        assert len(data) < 100_000
        (folder / f"{name}.pdf").write_bytes(data)
    return {name: folder / f"{name}.pdf" for name in made}


MEMORY_ERROR = (
    "most likely past the memory limit of {mb} MB (raise --max-memory or CQCPARSE_MAX_MEMORY_MB; 0 for no limit)"
)


@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
def test_a_content_stream_bomb_is_one_error_line_under_the_default_limit(
    bombs: dict[str, Path], tmp_path: Path, engine: str
) -> None:
    """The default limit applies without any option (here lowered through the environment, to be quick)."""
    out = tmp_path / "out.json"
    t0 = time.monotonic()
    result = cqc(
        "extract", str(bombs["content-4gb"]), "--engine", engine, "-o", str(out), env={"CQCPARSE_MAX_MEMORY_MB": "1024"}
    )
    assert time.monotonic() - t0 < 90
    err = result.stderr.decode()
    assert result.returncode == 1 and len(err.splitlines()) == 1, err
    assert err.startswith(f"Error: {bombs['content-4gb']}") and "unexpected" not in err
    if engine == "pdfium":  # pdfium aborts on a failed allocation: its child process dies, not cqcparse
        assert "reading stopped (killed by SIGABRT), " + MEMORY_ERROR.format(mb=1024) in err
    else:
        assert "allocate" in err or "memory" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_bomb_that_aborted_at_7_6_gb_is_one_error_line_with_max_memory(
    bombs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    result = cqc("extract", str(bombs["content-8gb"]), "--max-memory", "1200", "-o", str(out))
    assert result.returncode == 1 and result.returncode != -signal.SIGABRT
    assert_error(
        result, f"{bombs['content-8gb']}: reading stopped (killed by SIGABRT), " + MEMORY_ERROR.format(mb=1200)
    )
    assert not out.exists()


def test_an_image_bomb_is_never_decoded(bombs: dict[str, Path]) -> None:
    """Text is read without decoding images: a 4 GB image passes a 512 MB limit."""
    result = cqc("extract", str(bombs["image-4gb"]), "--format", "jsonl", env={"CQCPARSE_MAX_MEMORY_MB": "512"})
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r["text"]) for r in rows] == [("positive", "People said the staff were kind and caring.")]


def test_a_bomb_in_a_batch_fails_alone(bombs: dict[str, Path], tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Our view of the service\nPeople said the staff were kind and caring.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cqc("batch", str(bombs["content-4gb"]), str(good), "-o", str(out), "-j", "1", "--max-memory", "1200")
    assert result.returncode == 1, result.stderr
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["source"], e["error"]) for e in errors] == [(str(bombs["content-4gb"]), "InputError")]
    assert MEMORY_ERROR.format(mb=1200) in errors[0]["message"]
    assert [json.loads(line)["source"] for line in (out / "items.jsonl").read_text().splitlines()] == [str(good)]


def test_the_library_applies_the_default_limit(bombs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from cqcparse.readers.text import read_source

    monkeypatch.delenv("CQCPARSE_MAX_MEMORY_MB", raising=False)
    assert max_memory_mb() == MAX_MEMORY_MB == 4096 and max_memory_mb(0) == 0 and max_memory_mb(100) == 100
    monkeypatch.setenv("CQCPARSE_MAX_MEMORY_MB", "1024")
    with pytest.raises(InputError, match="memory limit of 1024 MB"):
        read_source(bombs["content-4gb"])
    with pytest.raises(InputError, match="memory limit of 900 MB"):
        read_source(bombs["content-4gb"], max_memory=900)


# --- the child process itself ---------------------------------------------------------------------------


def _sleep_with_signals_blocked(seconds: float) -> str:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
    time.sleep(seconds)
    return "woke"


def _raise_input_error(path: str) -> None:
    raise InputError(path, "is not a PDF", page=3)


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def test_run_limited_kills_a_child_that_does_not_stop() -> None:
    t0 = time.monotonic()
    with pytest.raises(InputError) as e:
        run_limited(_sleep_with_signals_blocked, 60, path="x.pdf", memory_mb=0, seconds=1)
    assert time.monotonic() - t0 < 10
    assert str(e.value) == "x.pdf: not finished after 1 s (raise --timeout; 0 waits for ever)"
    assert run_limited(_sleep_with_signals_blocked, 0.01, path="x.pdf", memory_mb=0, seconds=30) == "woke"


def test_run_limited_passes_errors_and_results_back_whole() -> None:
    with pytest.raises(InputError) as e:
        run_limited(_raise_input_error, "y.pdf", path="y.pdf", memory_mb=2048, seconds=None)
    assert (e.value.path, e.value.message, e.value.page) == ("y.pdf", "is not a PDF", 3)
    assert run_limited(_allocate, 50, path="z", memory_mb=2048, seconds=None) == 50 * 2**20


def _frozen_and_collected() -> tuple[int, int]:
    import gc

    return gc.get_freeze_count(), len(gc.get_objects())


def test_run_limited_child_leaves_the_parents_objects_out_of_its_collections() -> None:
    """The child's garbage collector does not walk what it inherited (which would copy the shared pages)."""
    import gc

    kept = [[k] for k in range(50_000)]  # parent objects the child inherits
    frozen, tracked = run_limited(_frozen_and_collected, path="x.pdf", memory_mb=0, seconds=30)
    assert frozen >= len(kept) and tracked < len(kept)
    assert gc.get_freeze_count() == 0  # the parent's own collections are untouched


def test_run_limited_turns_an_allocation_past_the_limit_and_an_abort_into_errors() -> None:
    zombies = _zombies()
    with pytest.raises(InputError, match=r"^z: needs more than 1024 MB of memory \(raise --max-memory"):
        run_limited(_allocate, 3000, path="z", memory_mb=1024, seconds=None)
    with pytest.raises(InputError, match=r"^z: reading stopped \(killed by SIGABRT\), most likely past"):
        run_limited(os.abort, path="z", memory_mb=1024, seconds=None)
    assert _zombies() <= zombies  # each child was waited for


def _zombies() -> set[int]:
    """This process's children that ended and were never waited for (Linux)."""
    found = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            found.add(int(stat_file.parent.name))
    return found


# --- PDFs whose objects refer to themselves -------------------------------------------------------------

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
LOOPS = {
    "object is itself": b"%PDF-1.4\n7 0 obj 7 0 R endobj\ntrailer << /Root 7 0 R >>\n%%EOF\n",
    "length is itself": pdf(CATALOG, PAGES, PAGE, b"<< /Length 4 0 R >>\nstream\n" + TEXT + b"\nendstream", FONT),
    "page tree loops": pdf(
        CATALOG,
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        PAGE,
        stream(TEXT),
        FONT,
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R] /Count 1 >>",
    ),
    "kids are the node": pdf(CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
    "resources are themselves": pdf(
        CATALOG,
        PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox 3 0 R /Resources 6 0 R /Contents 4 0 R >>",
        stream(TEXT),
        FONT,
        b"<< /Font << /F1 5 0 R >> /XObject 6 0 R >>",
    ),
}


@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
@pytest.mark.parametrize("case", LOOPS)
def test_a_pdf_that_refers_to_itself_ends_quickly(tmp_path: Path, case: str, engine: str) -> None:
    path = tmp_path / "loop.pdf"
    path.write_bytes(LOOPS[case])
    t0 = time.monotonic()
    result = cqc("extract", str(path), "--engine", engine, "--format", "jsonl", timeout=60)
    assert time.monotonic() - t0 < 40, "waited for the timeout"
    err = result.stderr.decode()
    assert "Traceback" not in err and "unexpected" not in err, err
    if result.returncode == 0:
        assert "People said the staff were kind" in result.stdout.decode()
    else:
        assert result.returncode == 1 and err.startswith(f"Error: {path}") and len(err.splitlines()) == 1, err


# --- --timeout on the rule tools -------------------------------------------------------------------------

SLOW = '  - id: finding.slow\n    regex: "(a|aa)+$"\n    examples:\n      match: ["' + "a" * 60 + 'x"]\n'
SLOW_TEXT = "Our view of the service\nPeople said the staff were kind and " + "a" * 60 + "x in every way.\n"


@pytest.mark.parametrize("command", ["rules test", "explain", "evaluate"])
def test_timeout_stops_the_rule_tools(tmp_path: Path, command: str) -> None:
    rules = write_rules(tmp_path / "rules", SLOW)
    (tmp_path / "in").mkdir()
    (tmp_path / "gold").mkdir()
    report = tmp_path / "in" / "slow.txt"
    report.write_text(SLOW_TEXT, encoding="utf-8")
    (tmp_path / "gold" / "slow.json").write_text('{"items": []}', encoding="utf-8")
    args, named = {
        "rules test": (["rules", "test"], "the rules' examples"),
        "explain": (["explain", str(report), "-s", "kind"], str(report)),
        "evaluate": (["evaluate", str(tmp_path / "gold"), "--inputs", str(tmp_path / "in")], str(report)),
    }[command]
    t0 = time.monotonic()
    result = cqc(*args, "--rules", str(rules), "--timeout", "2", timeout=90)
    assert time.monotonic() - t0 < 60
    assert_error(result, f"{named}: not finished after 2 s (raise --timeout; 0 waits for ever)")
