"""The HTTP client for CQC's API (httpx): the key in a header it never shows, a request rate ceiling, and
retries with exponential back-off and jitter on 429 (Retry-After, soft 429 bodies), 5xx and connection
errors. Clock, sleep and random are injectable so that tests are fast and deterministic."""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ..errors import CqcparseError
from ..version import __version__

DEFAULT_API_URL = "https://api.service.cqc.org.uk/public/v1"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
USER_AGENT = f"cqcparse/{__version__} (+https://pypi.org/project/cqcparse/)"
RETRYABLE = frozenset({429, 500, 502, 503, 504})
REFUSED = frozenset({401, 403})  # the key is wrong, or its subscription may not call the API: stop the run
SMALL_BODY = 65_536
SOFT_WAIT = re.compile(r"try again in (\d+(?:\.\d+)?) second", re.IGNORECASE)
Sleep = Callable[[float], object]


class ApiError(CqcparseError):
    """A request failed for good: a final status (401, 403, 404...) or no success after the last attempt."""

    def __init__(self, what: str, status: int | None, message: str):
        self.what, self.status, self.message = what, status, message
        super().__init__(f"{what}: {message}")


class KeyRefused(ApiError):
    """401 or 403: the API does not accept the key, or not for this API. Stops the whole run."""


class Cancelled(Exception):
    """The run was interrupted (the client's `cancel` is set): stop without another request."""


class SecretKey:
    """The subscription key: str() and repr() never show it."""

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretKey('***')"

    __str__ = __repr__


class _KeyAuth(httpx.Auth):
    """Adds the key to each request as it is sent, so that it is not among the client's headers."""

    def __init__(self, key: SecretKey):
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[KEY_HEADER] = self._key.reveal()
        yield request


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0  # seconds before the first retry; doubled each time
    max_delay: float = 60.0  # ceiling of one back-off
    max_retry_after: float = 300.0  # a longer Retry-After is not waited for: the request fails

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential back-off with equal jitter: half the step, plus a random part of the other half."""
        step = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return step / 2 + rng.uniform(0, step / 2)


@dataclass
class RateLimiter:
    """At most `per_minute` request starts a minute, spread evenly; shared by every thread."""

    per_minute: float
    clock: Callable[[], float] = time.monotonic
    sleep: Sleep = time.sleep
    _next: float = field(default=float("-inf"), init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def wait(self) -> None:
        interval = 60.0 / self.per_minute if self.per_minute > 0 else 0.0
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + interval
        if start > now:
            self.sleep(start - now)


@dataclass(frozen=True)
class Answer:
    content: bytes
    content_type: str  # media type only, lower case: 'application/pdf', 'text/plain'


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def soft_status(response: httpx.Response) -> tuple[int, str]:
    """The status that counts: a JSON body's `statusCode` (the soft 429 comes as HTTP 200), else HTTP's. A
    short body that looks like JSON counts whatever its Content-Type, so that a throttling answer is never
    saved as a report."""
    message = response.reason_phrase
    looks_json = len(response.content) < SMALL_BODY and response.content.lstrip()[:1] == b"{"
    if media_type(response).endswith("json") or looks_json:
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict):
            message = str(body.get("message") or message)
            code = body.get("statusCode")
            if isinstance(code, int) and code >= 400:
                return code, message
    return response.status_code, message


def retry_after(response: httpx.Response, message: str) -> float | None:
    """Seconds the server asks us to wait: Retry-After (seconds or a date), or the soft 429's text."""
    value = response.headers.get("retry-after", "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    found = SOFT_WAIT.search(message)
    return float(found.group(1)) if found else None


class ApiClient:
    """GET requests to the API. Thread-safe; use as a context manager or call close()."""

    def __init__(
        self,
        base_url: str,
        key: SecretKey,
        *,
        per_minute: float = 120.0,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        timeout: float = 60.0,
    ):
        self.cancel = threading.Event()  # set on Ctrl-C: waits end early and no new request starts
        self.policy = policy or RetryPolicy()
        self.sleep: Sleep = sleep or self.cancel.wait
        self.limiter = RateLimiter(per_minute, clock=clock, sleep=self.sleep)
        self.rng = rng or random.Random()
        self._key = key
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            auth=_KeyAuth(key),
            transport=transport,
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"ApiClient({str(self._http.base_url)!r})"

    def get_json(self, path: str, what: str, params: dict[str, Any] | None = None) -> Any:
        answer = self.get(path, what, params=params, accept="application/json")
        try:
            return json.loads(answer.content)
        except ValueError:
            raise ApiError(
                what, None, f"the API answered {answer.content_type or 'no content type'}, not JSON"
            ) from None

    def get(
        self, path: str, what: str, *, params: dict[str, Any] | None = None, accept: str = "application/json"
    ) -> Answer:
        """The answer to one GET, after retries. `what` names the request in errors (e.g. the id)."""
        last = ""
        for attempt in range(1, self.policy.max_attempts + 1):
            self.limiter.wait()
            if self.cancel.is_set():
                raise Cancelled
            wait: float | None
            try:
                response = self._http.get(path.lstrip("/"), params=params, headers={"Accept": accept})
            except httpx.TransportError as e:
                status, last = None, f"connection failed ({type(e).__name__})"
                wait = None
            else:
                status, message = soft_status(response)
                if status < 400:
                    return Answer(response.content, media_type(response))
                last = self._redact(f"HTTP {status}: {message}")
                if status in REFUSED:
                    raise KeyRefused(what, status, f"the API refused the key ({last}); check CQC_API_KEY or --api-key")
                if status not in RETRYABLE:
                    raise ApiError(what, status, last)
                wait = retry_after(response, message)
                if wait is not None and wait > self.policy.max_retry_after:
                    raise ApiError(
                        what,
                        status,
                        f"{last}; the API asks to wait {wait:.0f} s, more than {self.policy.max_retry_after:.0f} s",
                    )
            if attempt == self.policy.max_attempts:
                break
            self.sleep(wait if wait is not None else self.policy.backoff(attempt, self.rng))
        n = self.policy.max_attempts
        raise ApiError(what, status, f"gave up after {n} attempt{'s' if n != 1 else ''} ({last})")

    def _redact(self, text: str) -> str:
        key = self._key.reveal()
        return text.replace(key, "***") if key else text
