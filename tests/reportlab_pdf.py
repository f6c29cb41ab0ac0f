"""A second PDF generator for the tests and the bench: ReportLab's platypus typesets the light markup of the
corpus's typeset reports (../shared/reports/src/*.md, see ../shared/tools/render_report.py) with its own
line breaking, fonts and text layer. Two-column stretches are set in one column.

Usage: python tests/reportlab_pdf.py OUT_DIR [SOURCE.md ...]   (default: every ../shared/reports/src/*.md)
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SRC = Path(__file__).resolve().parents[1].parent / "shared" / "reports" / "src"


def render(source: Path, out: Path) -> Path:
    """Typeset one markup source as out (a PDF) with ReportLab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(TTFont("dv", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("dvb", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="dv", fontSize=9.5, leading=12, spaceAfter=4)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2)
    heads = {
        n: ParagraphStyle(f"h{n}", fontName="dvb", fontSize=size, leading=size * 1.3, spaceBefore=6, spaceAfter=3)
        for n, size in {1: 15, 2: 11.5, 3: 10, 4: 10}.items()
    }
    lines = source.read_text(encoding="utf-8").splitlines()
    meta = {}
    while lines and lines[0].startswith("@"):
        key, _, val = lines.pop(0)[1:].partition(":")
        meta[key.strip()] = val.strip()
    footer = f"{meta.get('provider', '')} {meta.get('footer', '')}".strip()
    story: list = []
    para: list[str] = []

    def flush() -> None:
        if para:
            story.append(Paragraph(escape(" ".join(para)), body))
            para.clear()

    for raw in lines:
        line = raw.rstrip()
        if line.startswith("@") or not line.strip():
            flush()
        elif line == "---page---":
            flush()
            story.append(PageBreak())
        elif line.startswith("#"):
            flush()
            level = min(4, len(line) - len(line.lstrip("#")))
            story.append(Paragraph(escape(line.lstrip("#").strip()), heads[level]))
        elif line.startswith("● "):
            flush()
            story.append(Paragraph(escape(line[2:]), bullet, bulletText="●"))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            table = Table([cells], colWidths=[480 / len(cells)] * len(cells))
            table.setStyle(
                [
                    ("FONTNAME", (0, 0), (0, 0), "dv"),
                    ("FONTNAME", (1, 0), (-1, 0), "dvb"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9.5),
                    ("ALIGN", (1, 0), (-1, 0), "RIGHT"),
                ]
            )
            story.append(table)
        else:
            para.append(line.strip())
    flush()

    def on_page(canvas, doc) -> None:
        canvas.setFont("dv", 7.5)
        canvas.drawString(50, 30, f"{doc.page} {footer}")

    SimpleDocTemplate(str(out), pagesize=A4, leftMargin=50, rightMargin=50, topMargin=45, bottomMargin=55).build(
        story, onFirstPage=on_page, onLaterPages=on_page
    )
    return out


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for source in [Path(a) for a in argv[1:]] or sorted(SRC.glob("*.md")):
        render(source, out / f"{source.stem}.pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
