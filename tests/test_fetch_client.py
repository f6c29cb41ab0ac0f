"""The fetch package's pure parts: ids, report selection, the client's retries, rate limit and secrecy
(through httpx's MockTransport: no network)."""

from __future__ import annotations

import json
import random
import time
from datetime import date

import httpx
import pytest

from cqcparse.fetch.api import Location, ReportRef, api_ratings, key_question_name
from cqcparse.fetch.client import ApiClient, ApiError, KeyRefused, RateLimiter, RetryPolicy, SecretKey
from cqcparse.fetch.download import file_name, merge_rows, select_reports
from cqcparse.fetch.ids import IdError, Target, is_link_id, location_id, parse_line, provider_id

KEY = "unit-key-31415926"


@pytest.mark.parametrize(
    "text, ok",
    [
        ("1-545611283", True),
        ("1-10297706430", True),
        (" 1-123456789 ", True),
        ("1-12345678", False),
        ("1-123456789012", False),
        ("RXT", False),
        ("2-545611283", False),
    ],
)
def test_location_ids(text, ok):
    if ok:
        assert location_id(text) == text.strip()
    else:
        with pytest.raises(IdError, match="is not a CQC location id"):
            location_id(text)


def test_provider_ids_and_list_lines():
    assert provider_id("rxt") == "RXT" and provider_id("1-101234567") == "1-101234567"
    with pytest.raises(IdError, match="NHS trust code"):
        provider_id("RXT01")
    assert parse_line("  # comment only") is None
    assert parse_line("1-101234567  # a care home") == Target("1-101234567", "either")
    assert parse_line("provider: 1-101234567") == Target("1-101234567", "provider")
    assert parse_line("Location:1-101234567") == Target("1-101234567", "location")
    assert parse_line("RXT") == Target("RXT", "provider")
    assert is_link_id("8d75e0a2-3b1c-4f6e-9a7d-2c4b6e8f0a1d")
    assert is_link_id("8D75E0A2-3B1C-4F6E-9A7D-2C4B6E8F0A1D")  # written lower case in file names
    assert not is_link_id("../../etc/passwd") and not is_link_id("{8d75e0a2-3b1c-4f6e-9a7d-2c4b6e8f0a1d}")


def refs(*dates: str | None) -> list[ReportRef]:
    return [ReportRef(linkId=f"00000000-0000-0000-0000-00000000000{i}", reportDate=d) for i, d in enumerate(dates)]


def test_select_reports():
    reports = refs("2019-05-01", "2024-01-09", None, "2022-11-30T00:00:00")
    assert [r.report_date for r in select_reports(reports)] == ["2024-01-09"]
    assert [r.report_date for r in select_reports(reports, every=True)] == [
        "2024-01-09",
        "2022-11-30T00:00:00",
        "2019-05-01",
        None,
    ]
    assert [r.report_date for r in select_reports(reports, every=True, since=date(2022, 11, 30))] == [
        "2024-01-09",
        "2022-11-30T00:00:00",
    ]
    assert select_reports([]) == []
    assert file_name(reports[3], ".pdf") == "2022-11-30_00000000-0000-0000-0000-000000000003.pdf"
    assert file_name(reports[2], ".txt") == "undated_00000000-0000-0000-0000-000000000002.txt"


def test_api_ratings_names():
    loc = Location.model_validate(
        {
            "currentRatings": {
                "overall": {
                    "rating": "Good",
                    "keyQuestionRatings": [
                        {"name": "Well led", "rating": "Outstanding"},
                        {"name": "Caring", "rating": "Good"},
                        {"name": "Use of resources", "rating": "Good"},
                    ],
                }
            }
        }
    )
    assert api_ratings(loc) == {
        "overall": "Good",
        "safe": None,
        "effective": None,
        "caring": "Good",
        "responsive": None,
        "well-led": "Outstanding",
    }
    assert api_ratings(Location.model_validate({})) == dict.fromkeys(
        ["overall", "safe", "effective", "caring", "responsive", "well-led"]
    )
    assert key_question_name("wellLed") == "well-led" and key_question_name("Overall") is None


def client_for(answers: list[httpx.Response], sleeps: list[float], **kw) -> tuple[ApiClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    client = ApiClient(
        "https://api.example/public/v1",
        SecretKey(KEY),
        per_minute=0,
        sleep=sleeps.append,
        transport=httpx.MockTransport(handle),
        rng=random.Random(7),
        **kw,
    )
    return client, seen


def test_retry_after_soft_429_and_backoff_are_deterministic():
    answers = [
        httpx.Response(429, headers={"Retry-After": "12"}),
        httpx.Response(200, json={"statusCode": 429, "message": "Rate limit is exceeded. Try again in 4 seconds."}),
        httpx.Response(503),
        httpx.Response(504),
        httpx.Response(200, json={"name": "x"}),
    ]
    sleeps: list[float] = []
    client, seen = client_for(answers, sleeps)
    assert client.get_json("locations/1-545611283", "1-545611283") == {"name": "x"}
    rng = random.Random(7)
    policy = RetryPolicy()
    assert sleeps == [12.0, 4.0, policy.backoff(3, rng), policy.backoff(4, rng)]
    assert 2.0 <= sleeps[2] <= 4.0 and 4.0 <= sleeps[3] <= 8.0
    assert [r.headers["Ocp-Apim-Subscription-Key"] for r in seen] == [KEY] * 5
    assert str(seen[0].url) == "https://api.example/public/v1/locations/1-545611283"


def test_final_statuses_are_not_retried_and_the_key_is_redacted():
    sleeps: list[float] = []
    client, seen = client_for([httpx.Response(404, json={"statusCode": 404, "message": "no such thing"})], sleeps)
    with pytest.raises(ApiError) as e:
        client.get_json("locations/1-545611283", "1-545611283")
    assert (e.value.status, str(e.value)) == (404, "1-545611283: HTTP 404: no such thing") and sleeps == []
    echo = httpx.Response(401, json={"message": f"Invalid subscription key {KEY}."})
    client, seen = client_for([echo], sleeps)
    with pytest.raises(KeyRefused) as refused:
        client.get("reports/x", "x")
    assert KEY not in str(refused.value) and "Invalid subscription key ***." in str(refused.value)
    assert KEY not in repr(client) and KEY not in repr(SecretKey(KEY)) and KEY not in str(SecretKey(KEY))
    assert KEY not in repr(client._http.headers)


def test_a_retry_after_past_the_ceiling_fails_at_once():
    sleeps: list[float] = []
    client, seen = client_for([httpx.Response(429, headers={"Retry-After": "3600"})], sleeps)
    with pytest.raises(ApiError, match="the API asks to wait 3600 s, more than 300 s"):
        client.get("locations/1-545611283", "1-545611283")
    assert sleeps == [] and len(seen) == 1


def test_rate_limiter_spaces_request_starts():
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(30, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [2.0, 2.0]
    now[0] += 10
    limiter.wait()
    assert slept == [2.0, 2.0]  # after a pause, no wait


def test_merge_keeps_earlier_rows_in_a_stable_order():
    from cqcparse.fetch.api import FetchedReport

    def row(loc: str, link: str, day: str) -> FetchedReport:
        return FetchedReport(
            location_id=loc,
            link_id=link,
            report_date=day,
            path=f"{loc}/{day}_{link}.pdf",
            sha256="0" * 64,
            content_type="application/pdf",
        )

    old = [row("1-200000000", "b", "2020-01-01"), row("1-100000000", "a", "2019-01-01")]
    new = [
        row("1-100000000", "c", "2024-01-01"),
        row("1-200000000", "b", "2020-01-01").model_copy(update={"sha256": "1" * 64}),
    ]
    merged = merge_rows(old, new)
    assert [(r.location_id, r.link_id, r.sha256[0]) for r in merged] == [
        ("1-100000000", "c", "0"),
        ("1-100000000", "a", "0"),
        ("1-200000000", "b", "1"),
    ]
    assert json.loads(merged[0].model_dump_json())["api_ratings"]["well-led"] is None


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_stops_at_once(status):
    sleeps: list[float] = []
    client, seen = client_for([httpx.Response(status, json={"statusCode": status, "message": "Out of quota"})], sleeps)
    with pytest.raises(KeyRefused, match=f"the API refused the key \\(HTTP {status}: Out of quota\\)"):
        client.get_json("locations/1-545611283", "1-545611283")
    assert len(seen) == 1 and sleeps == []


def test_a_soft_429_with_another_content_type_is_still_a_429():
    sleeps: list[float] = []
    soft = httpx.Response(
        200,
        headers={"Content-Type": "text/plain"},
        content=b'{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 2 seconds."}',
    )
    pdf = httpx.Response(200, headers={"Content-Type": "application/pdf"}, content=b"%PDF-1.4 ...")
    client, seen = client_for([soft, pdf], sleeps)
    answer = client.get("reports/x", "x", accept="text/plain")
    assert (answer.content_type, answer.content, sleeps) == ("application/pdf", b"%PDF-1.4 ...", [2.0])


def test_retry_after_as_a_date_and_the_back_off_ceiling():
    from email.utils import formatdate

    from cqcparse.fetch.client import retry_after

    dated = httpx.Response(429, headers={"Retry-After": formatdate(time.time() + 30, usegmt=True)})
    assert 28.0 <= (retry_after(dated, "") or 0) <= 30.0
    assert retry_after(httpx.Response(503), "busy") is None
    policy, rng = RetryPolicy(base_delay=1.0, max_delay=8.0), random.Random(1)
    assert all(4.0 <= policy.backoff(attempt, rng) <= 8.0 for attempt in range(4, 12))  # capped at 8 s
