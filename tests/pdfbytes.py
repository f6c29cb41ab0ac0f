"""PDFs built byte by byte for the tests: objects numbered from 1 (the catalog), with a correct
cross-reference table, so that a reader gets past the structure to what a test is about."""

from __future__ import annotations


def pdf(*objects: bytes) -> bytes:
    """A PDF of these objects (1 0 obj is the catalog), with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
