"""The review page: every item highlighted exactly once, report text escaped, filters by URL fragment.

The layout and escaping tests need no browser. The browser tests open the page in headless Chromium
(Debian's `chromium`), dump the DOM after the page's script ran, and take a screenshot; they skip when
Chromium is not installed.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from cqcparse.readers.source import Page, SourceText
from cqcparse.records import Item, Report, ReportFacts, Section
from cqcparse.tools.review import build_review, csp_hash, layout, nest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "harbourside-nhs-ft-well-led-2025.txt"  # the shipped sample report (fictional)

HOSTILE = """Hostile Care Ltd
Our view of the service
The provider must ensure that <script>alert(1)</script> entries in care records are checked.
We found that medicines were not stored safely <script>document.body.setAttribute('data-pwned', '1')</script> at the home.
Staff told us the &amp; sign & the <b>bold</b> tag showed in records <img src=x onerror="document.body.setAttribute('data-pwned', 'img')"> every day.
"""


# -- helpers ----------------------------------------------------------------------------------------------


def item(kind: str, start: int, end: int, text: str, *, modality: str | None = None, qs: str | None = None) -> Item:
    return Item(
        id=f"{kind}-{start:06d}",
        kind=kind,
        text=text[start:end],
        modality=modality,
        quality_statement=qs,
        start=start,
        end=end,
    )


def synthetic(text: str, items: list[Item], sections: list[Section] | None = None) -> Report:
    return Report(
        source="<test>",
        format="text",
        report=ReportFacts(),
        sections=sections or [],
        findings=[i for i in items if i.kind == "finding"],
        actions=[i for i in items if i.kind == "action"],
        positives=[i for i in items if i.kind == "positive"],
        breaches=[],
        text=text,
    )


def parse(page: str) -> BeautifulSoup:
    """Parse keeping whitespace-only strings as they are (BeautifulSoup collapses them by default)."""
    return BeautifulSoup(page, "html.parser", preserve_whitespace_tags={"main", "pre", "textarea"})


def marks_by_item(soup: BeautifulSoup) -> dict[str, list]:
    """item id -> its marks: the one with data-item-id first, then any continuation pieces."""
    out: dict[str, list] = {}
    for m in soup.select("mark[data-item-id]"):
        out.setdefault(m["data-item-id"], []).append(m)
    for m in soup.select("mark[data-item-part]"):
        out.setdefault(m["data-item-part"], []).append(m)
    return out


def assert_each_item_once(soup: BeautifulSoup, report: Report) -> None:
    ids = Counter(m["data-item-id"] for m in soup.select("mark[data-item-id]"))
    assert set(ids) == {i.id for i in report.items()}
    assert all(n == 1 for n in ids.values()), [k for k, n in ids.items() if n > 1]
    pieces = marks_by_item(soup)
    for it in report.items():
        shown = "".join(m.get_text() for m in pieces[it.id])
        assert shown == report.text[it.start : it.end], it.id
        first = pieces[it.id][0]
        assert first["data-kind"] == it.kind
        assert first["data-modality"] == (it.modality or "")
        assert first["data-qs"] == (it.quality_statement or "")


def main_text(soup: BeautifulSoup) -> list[str]:
    return [b.get_text() for b in soup.select("main .blk")]


@pytest.fixture(scope="module")
def seed(pipe) -> Report:
    return pipe.extract(SEED, include_text=True)


@pytest.fixture(scope="module")
def hostile(pipe) -> Report:
    return pipe.run(SourceText(path="hostile.txt", format="text", text=HOSTILE), include_text=True)


# -- layout -----------------------------------------------------------------------------------------------


def test_identical_spans_nest_one_mark_per_item():
    text = "A sentence that is a finding and an action."
    items = [item("action", 0, len(text), text, modality="must"), item("finding", 0, len(text), text)]
    [outer] = nest(items, 0, len(text))
    assert outer.item.kind == "finding"  # findings outside, then actions, then positives
    [inner] = outer.children
    assert inner.item.kind == "action" and inner.depth == 1
    soup = parse(build_review(synthetic(text, items)))
    [m] = soup.select("mark[data-kind=finding][data-item-id]")
    assert [c["data-item-id"] for c in m.select("mark")] == [items[0].id]


def test_partial_overlap_continues_in_a_part():
    text = "aaaa bbbb cccc"
    a, b = item("finding", 0, 9, text), item("positive", 5, 14, text)
    soup = parse(build_review(synthetic(text, [a, b])))
    assert [m["data-item-id"] for m in soup.select("mark[data-item-id]")] == [a.id, b.id]
    assert [m["data-item-part"] for m in soup.select("mark[data-item-part]")] == [b.id]
    assert "".join(m.get_text() for m in marks_by_item(soup)[b.id]) == "bbbb cccc"
    assert main_text(soup) == [text]


def test_item_over_a_line_break_is_one_item_in_two_marks():
    text = "first line\nsecond line"
    it = item("finding", 6, 17, text)
    soup = parse(build_review(synthetic(text, [it])))
    assert len(soup.select("mark[data-item-id]")) == 1
    assert len(soup.select("mark[data-item-part]")) == 1
    assert main_text(soup) == ["first line", "second line"]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab \n<&", min_size=1, max_size=40).flatmap(
        lambda text: st.tuples(
            st.just(text),
            st.lists(
                st.tuples(
                    st.sampled_from(["finding", "action", "positive"]),
                    st.integers(0, len(text)),
                    st.integers(0, len(text)),
                ),
                max_size=8,
            ),
        )
    )
)
def test_any_spans_each_item_once_and_text_intact(case):
    text, spans = case
    items, seen = [], set()
    for kind, a, b in spans:
        start, end = min(a, b), max(a, b)
        if start == end or text[start:end].strip("\n") == "" or (kind, start) in seen:
            continue
        seen.add((kind, start))
        items.append(item(kind, start, end, text, modality="must" if kind == "action" else None))
    report = synthetic(text, items)
    soup = parse(build_review(report))
    assert main_text(soup) == [ln for ln in text.split("\n") if ln.strip()]
    ids = [m["data-item-id"] for m in soup.select("mark[data-item-id]")]
    shown = {i.id for i in items if any(_visible_parts(text, i.start, i.end))}
    assert sorted(ids) == sorted(shown)
    pieces = marks_by_item(soup)
    for it in items:
        if it.id in shown:
            expected = "".join(ln for ln in _visible_parts(text, it.start, it.end))
            assert "".join(m.get_text() for m in pieces[it.id]) == expected


def _visible_parts(text: str, start: int, end: int) -> list[str]:
    """The parts of text[start:end] on lines that are not blank (blank lines are not shown)."""
    out, pos = [], 0
    for line in text.split("\n"):
        ls, le = pos, pos + len(line)
        if line.strip():
            out.append(text[max(ls, start) : min(le, end)] if max(ls, start) < min(le, end) else "")
        pos = le + 1
    return out


def test_headings_from_sections_and_page_markers():
    text = "Intro line\nSafe\nStaff were kind.\nMore text on page two."
    safe = text.index("Safe")
    sec = Section(
        id=f"s{safe}",
        title="Safe",
        type="key_question",
        level=2,
        start=safe,
        end=len(text),
        key_question="safe",
        page_start=1,
    )
    report = synthetic(text, [], [sec])
    pages = [Page(1, 0, text.index("More")), Page(2, text.index("More"), len(text))]
    blocks = layout(report, pages)
    assert [b.kind for b in blocks] == ["paragraph", "heading", "paragraph", "paragraph"]
    assert [b.page for b in blocks] == [1, None, None, 2]
    soup = parse(build_review(report, pages=pages))
    assert soup.select_one(f"h3#s{safe}").get_text() == "Safe"
    assert [d["data-page"] for d in soup.select(".page-marker")] == ["1", "2"]


def test_page_markers_without_reader_pages_come_from_items():
    text = "One.\nTwo.\nThree."
    items = [
        item("finding", 0, 4, text).model_copy(update={"page": 1}),
        item("finding", 10, 16, text).model_copy(update={"page": 2}),
    ]
    blocks = layout(synthetic(text, items))
    assert [b.page for b in blocks] == [1, None, 2]


def test_report_without_text_is_an_input_error():
    from cqcparse.errors import InputError

    with pytest.raises(InputError, match="include_text"):
        build_review(synthetic("x", []).model_copy(update={"text": None}))


# -- the seed report, no browser ---------------------------------------------------------------------------


def test_seed_every_item_highlighted_once(seed):
    soup = parse(build_review(seed))
    assert_each_item_once(soup, seed)
    assert main_text(soup) == [ln for ln in seed.text.split("\n") if ln.strip()]


def test_seed_page_is_self_contained(seed):
    page = build_review(seed)
    soup = parse(page)
    assert not soup.select("link, img, iframe, object, embed, script[src]")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    policy = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in policy
    [script] = soup.find_all("script")
    assert csp_hash(script.string) in policy  # only the page's own script may run


def test_seed_counts_link_to_filters(seed):
    soup = parse(build_review(seed))
    links = soup.select("#counts a[data-count]")
    assert sum(int(a["data-count"]) for a in links) == len(seed.items())
    for a in links:
        assert re.fullmatch(r"#group=[\w-]+&kind=(finding|positive|action&modality=(must|should|needs))", a["href"]), a[
            "href"
        ]


def test_report_text_is_escaped(hostile):
    assert any("<script>" in i.text for i in hostile.items()), "the fixture should put a script in an item"
    page = build_review(hostile)
    soup = parse(page)
    assert len(soup.find_all("script")) == 1
    assert not soup.find("img") and not soup.find("b")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "the &amp;amp; sign &amp; the &lt;b&gt;bold&lt;/b&gt;" in page
    assert main_text(soup) == [ln for ln in HOSTILE.split("\n") if ln.strip()]
    assert_each_item_once(soup, hostile)


# -- in Chromium -------------------------------------------------------------------------------------------


def chromium_binary() -> str | None:
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


needs_chromium = pytest.mark.skipif(
    chromium_binary() is None, reason="Chromium is not installed (apt-get install chromium); the browser tests need it"
)


def run_chromium(tmp_path: Path, url: str, *args: str) -> str:
    """Run headless Chromium offline in a throwaway profile; return what it printed on stdout."""
    profile = tmp_path / "profile"
    cmd = [
        chromium_binary(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(tmp_path: Path, page: Path, fragment: str = "") -> BeautifulSoup:
    out = run_chromium(tmp_path, page.as_uri() + fragment, "--dump-dom")
    assert "<mark" in out or "<main" in out, out[:500]
    return parse(out)


@pytest.fixture(scope="module")
def seed_page(seed, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review.html"
    path.write_text(build_review(seed), encoding="utf-8")
    return path


@needs_chromium
def test_browser_every_item_highlighted_once(seed, seed_page, tmp_path):
    soup = dump_dom(tmp_path, seed_page)
    assert_each_item_once(soup, seed)
    assert not soup.select("mark.off")
    assert soup.body["data-shown"] == str(len(seed.items()))
    assert soup.select_one("#status").get_text() == f"All {len(seed.items())} items"


@needs_chromium
def test_browser_filter_click_hides_the_others(seed, seed_page, tmp_path):
    # A count link is a fragment link: following its href is what a click does.
    static = parse(seed_page.read_text(encoding="utf-8"))
    link = next(a for a in static.select("#counts a[data-count]") if "modality=must" in a["href"])
    group = re.search(r"group=([\w-]+)", link["href"]).group(1)
    soup = dump_dom(tmp_path, seed_page, link["href"])
    wanted = {
        i.id
        for i in seed.items()
        if i.kind == "action" and i.modality == "must" and (i.quality_statement or i.key_question) == group
    }
    assert len(wanted) == int(link["data-count"]) > 0
    for m in soup.select("mark[data-item-id]"):
        assert ("off" not in m.get("class", [])) == (m["data-item-id"] in wanted), m["data-item-id"]
    assert soup.body["data-shown"] == str(len(wanted))
    assert "filtered" in soup.body["class"]
    active = soup.select("a.active")
    assert [a["href"] for a in active] == [link["href"]]


@needs_chromium
def test_browser_kind_filter(seed, seed_page, tmp_path):
    soup = dump_dom(tmp_path, seed_page, "#filter=action")
    shown = {m["data-item-id"] for m in soup.select("mark[data-item-id]:not(.off)")}
    assert shown == {i.id for i in seed.actions}
    # A shown action inside a hidden finding is drawn on its own, not as a nested underline.
    assert not soup.select("mark.off > mark.nested:not(.off)")


@needs_chromium
def test_browser_screenshot(seed_page, tmp_path):
    shot = tmp_path / "review.png"
    run_chromium(tmp_path, seed_page.as_uri(), f"--screenshot={shot}", "--window-size=1400,1000")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 1000)
    assert len(data) > 20_000  # a rendered page, not a blank one


@needs_chromium
def test_browser_report_scripts_never_run(hostile, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(build_review(hostile), encoding="utf-8")
    soup = dump_dom(tmp_path, page)
    assert not soup.body.has_attr("data-pwned")
    assert len(soup.find_all("script")) == 1
    assert not soup.find("img") and not soup.find("b")
    text = "\n".join(main_text(soup))
    assert "<script>alert(1)</script>" in text
    assert "the &amp; sign & the <b>bold</b> tag" in text
    assert_each_item_once(soup, hostile)
