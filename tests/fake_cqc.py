"""A fake of CQC's public API for the fetch tests: a real HTTP server on 127.0.0.1 (port 0) following the
documented shapes, serving tiny PDFs made here, with faults to inject per path."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pdfbytes import pdf

KEY = "test-key-5f3c9a1e7b2d"  # the subscription key the fake accepts


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), built by hand with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    return pdf(*objects)


@dataclass
class Fault:
    """What the server answers instead, once: an HTTP status (with Retry-After when given), a soft 429
    (HTTP 200 with a JSON statusCode), a dropped connection, or a report body that stalls half way."""

    kind: str  # "status", "soft429", "drop", "stall"
    status: int = 503
    retry_after: str | None = None
    seconds: int = 1


@dataclass
class FakeApi:
    providers: dict[str, dict] = field(default_factory=dict)  # id -> {"name", "locationIds"}
    locations: dict[str, dict] = field(default_factory=dict)  # id -> the /locations/{id} answer
    pdfs: dict[str, bytes] = field(default_factory=dict)  # link id -> PDF
    texts: dict[str, str] = field(default_factory=dict)  # link id -> text version, where there is one
    page_cap: int = 2  # the most locations a page holds, whatever perPage asks
    total_pages: bool = True  # False: pages without totalPages
    faults: dict[str, list[Fault]] = field(default_factory=dict)  # path -> faults, given in turn
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, headers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self, prefix: str = "/") -> list[str]:
        return [p for p, _ in self.requests if p.startswith(prefix)]

    def answer(self, path: str, query: dict[str, list[str]], accept: str) -> tuple[int, str, bytes]:
        parts = path.strip("/").split("/")
        if parts[:1] == ["providers"] and len(parts) == 2 and parts[1] in self.providers:
            return _json(200, {"providerId": parts[1], **self.providers[parts[1]]})
        if parts[:1] == ["providers"] and len(parts) == 3 and parts[2] == "locations" and parts[1] in self.providers:
            return self.page(parts[1], query)
        if parts[:1] == ["locations"] and len(parts) == 2 and parts[1] in self.locations:
            return _json(200, {"locationId": parts[1], **self.locations[parts[1]]})
        if parts[:1] == ["reports"] and len(parts) == 2 and parts[1] in self.pdfs:
            if "text/plain" in accept and parts[1] in self.texts:
                return 200, "text/plain; charset=utf-8", self.texts[parts[1]].encode()
            return 200, "application/pdf", self.pdfs[parts[1]]
        return _json(404, {"statusCode": 404, "message": "Resource not found"})

    def page(self, provider: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        ids = self.providers[provider]["locationIds"]
        page, per_page = int(query.get("page", ["1"])[0]), min(int(query.get("perPage", ["50"])[0]), self.page_cap)
        chunk = ids[(page - 1) * per_page : page * per_page]
        body: dict = {
            "total": len(ids),
            "page": page,
            "perPage": per_page,
            "locations": [{"locationId": i, "locationName": self.locations.get(i, {}).get("name")} for i in chunk],
        }
        if self.total_pages:
            body["totalPages"] = -(-len(ids) // per_page)
        return _json(200, body)


def _json(status: int, body: object) -> tuple[int, str, bytes]:
    return status, "application/json; charset=utf-8", json.dumps(body).encode()


class _Handler(BaseHTTPRequestHandler):
    api: FakeApi
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path.removeprefix("/public/v1")
        api = self.server.api  # type: ignore[attr-defined]
        with api.lock:
            api.requests.append((path, dict(self.headers.items())))
            fault = api.faults[path].pop(0) if api.faults.get(path) else None
        if self.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            return self.send(
                *_json(
                    401,
                    {
                        "statusCode": 401,
                        "message": "Access denied due to invalid "
                        "subscription key. Make sure to provide a valid key for an active "
                        "subscription.",
                    },
                )
            )
        if fault is None:
            return self.send(*api.answer(path, parse_qs(url.query), self.headers.get("Accept", "")))
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return None
        if fault.kind == "soft429":
            return self.send(
                *_json(
                    200,
                    {"statusCode": 429, "message": f"Rate limit is exceeded. Try again in {fault.seconds} seconds."},
                )
            )
        if fault.kind == "stall":
            status, media, body = api.answer(path, {}, "")
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(fault.seconds)
            return None
        status, media, body = _json(fault.status, {"statusCode": fault.status, "message": "injected"})
        return self.send(status, media, body, fault.retry_after)

    def send(self, status: int, media: str, body: bytes, retry_after: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(body)


class FakeServer:
    """Serve `api` on 127.0.0.1 on a free port; `url` is the API base."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.api = api  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/public/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
