"""HTML reader: a CQC report page saved from a browser -> `SourceText` with one block per line.

Site chrome (cookie banner, header, navigation, aside, footer, scripts, forms) is dropped; the report is
taken from the page's single `<article>`, else its `<main>`, else `<body>`. Every heading, paragraph,
list item ("- " prefix), table row (cells joined by a space) and other block-level text gets its own line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from cqcparse.errors import InputError
from cqcparse.readers.source import HeadingHint, SourceText

try:
    import lxml  # noqa: F401

    _PARSER = "lxml"
except ImportError:  # pragma: no cover - depends on the environment
    _PARSER = "html.parser"

_CHROME_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "nav",
    "aside",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
]
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    *_HEADINGS,
}
_SECTIONING = ("article", "aside", "main", "nav", "section")
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# Labels browsers decode as windows-1252 (WHATWG Encoding Standard); a meta utf-16/32 label means utf-8.
_AS_CP1252 = {"ascii", "us-ascii", "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1", "cp819"}


def read_html(path: str | Path, data: bytes | None = None) -> SourceText:
    """Read an HTML report from `path` (or from `data`, its bytes if already read, e.g. from stdin)."""
    name = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(name, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError(name, "empty file")
    return html_to_source(_decode(data, name), name)


def html_to_source(markup: str, path: str) -> SourceText:
    """Turn already-decoded HTML into a `SourceText` (raises InputError if the page holds no text)."""
    soup = BeautifulSoup(markup, _PARSER)
    _drop_chrome(soup)
    articles = soup.find_all("article")
    root = articles[0] if len(articles) == 1 else soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body
    lines = _blocks(root if isinstance(root, Tag) else soup)
    if not lines:
        raise InputError(path, "no report text found in the page")
    headings: list[HeadingHint] = []
    offset = 0
    for line, level in lines:
        if level:
            headings.append(HeadingHint(offset, offset + len(line), level))
        offset += len(line) + 1
    text = "\n".join(line for line, _ in lines)
    return SourceText(path, "html", text, pages=[], boxes=[], headings=headings)


def _decode(data: bytes, path: str) -> str:
    """BOM, else the meta charset, else utf-8, else cp1252; InputError only if nothing decodes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(path, f"cannot decode as {encoding}: {exc.reason}") from exc
    if b"\x00" in data:
        raise InputError(path, "binary data, not an HTML page")
    candidates = ["utf-8", "cp1252"]
    match = _META_CHARSET.search(data[:4096])
    if match:
        label = match.group(1).decode("ascii").lower()
        label = "cp1252" if label in _AS_CP1252 else "utf-8" if label.startswith(("utf-16", "utf-32")) else label
        try:
            candidates.insert(0, codecs.lookup(label).name)
        except LookupError:
            pass
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(path, f"cannot decode the file as {' or '.join(dict.fromkeys(candidates))} text")


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("header", "footer"):  # page banner/footer, not an article's own header/footer
        return tag.find_parent(_SECTIONING) is None
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if str(tag.get("role", "")).lower() in _CHROME_ROLES:
        return True
    marks = " ".join([*tag.get("class", []), str(tag.get("id", ""))]).lower()
    return "cookie" in marks


def _drop_chrome(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_chrome(t)]:
        if not tag.decomposed:
            tag.decompose()


def _blocks(root: Tag) -> list[tuple[str, int]]:
    """Lines as (text, heading level or 0), walking the tree without recursion."""
    lines: list[tuple[str, int]] = []
    buf: list[str] = []
    prefix, level = "", 0  # the "- " of an <li>, the level of an <hN>, pending until their text is emitted
    rows = 0  # > 0 inside a table row: cells and blocks in them only separate words

    def flush(closing: bool) -> None:
        nonlocal prefix, level
        line = " ".join("".join(buf).split())
        buf.clear()
        if line:
            lines.append((prefix + line, level))
        if line or closing:
            prefix, level = "", 0

    stack: list[Tag | NavigableString | tuple[str, Tag]] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):  # ("end", tag)
            tag = node[1]
            rows -= tag.name == "tr"
            if rows and tag.name in _BLOCKS or tag.name in ("td", "th"):
                buf.append(" ")
            elif tag.name in _BLOCKS:
                flush(closing=True)
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA...
                buf.append(str(node))
            continue
        if rows and node.name in _BLOCKS or node.name in ("br", "td", "th"):
            buf.append(" ")
        elif node.name in _BLOCKS:
            flush(closing=False)
            if node.name == "li":
                prefix, level = "- ", 0
            elif node.name in _HEADINGS:
                prefix, level = "", _HEADINGS[node.name]
        rows += node.name == "tr"
        stack.append(("end", node))
        stack.extend(reversed(node.contents))
    flush(closing=True)
    return lines
