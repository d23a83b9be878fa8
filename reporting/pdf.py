"""The board report PDF (issue 8): A4, drawn by WeasyPrint in the report task from the
figures stored on the report and its commentary, never from live data, so a re-render
shows exactly what the board was shown (DESIGN.md section 6).

Layout (templates/reporting/pdf/report.html, static/css/report-pdf.css): a cover (board,
meeting or period, title, audience, public or private), contents with page numbers
(CSS target-counter), one part per section (summary, commentary, tables, SVG charts), a
data appendix (definitions, the suppression note of a public report, when and for which
period the figures were produced), "Page X of Y" in every footer. Tables with many
columns use a smaller font, and the widest a landscape page (a named @page).

WeasyPrint reads only the product's static files (careact.pdf.StaticOnlyFetcher); the
CSS is inline, so nothing is fetched at all.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from accounts.exports import Table
from accounts.templatetags.tables import cell, is_number
from careact.pdf import BASE_URL, StaticOnlyFetcher

from .selectors_reports import figures_info, report_sections

TEMPLATE = "reporting/pdf/report.html"
SMALL_FONT_COLUMNS = 7  # this many columns or more: a smaller font
LANDSCAPE_COLUMNS = 10  # this many or more: a landscape page
# Text that reads as a figure ("12.5%", "£1,200", "−40", "*" for a suppressed count) is
# right-aligned like numbers.
FIGURE_TEXT = re.compile(r"^(\*|[\u2212+-]?£?\d[\d,]*(\.\d+)?%?)$")


@dataclass(frozen=True)
class PdfCell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class PdfTable:
    title: str
    column_groups: list
    columns: list[PdfCell]
    rows: list[tuple[str, list[PdfCell]]]  # (kind, cells)
    note: str
    size: str  # "normal", "small" or "landscape"

    @property
    def is_empty(self) -> bool:
        return not self.rows


def _cell(value) -> PdfCell:
    text = str(cell(value))
    return PdfCell(text, is_number(value) or bool(FIGURE_TEXT.match(text.strip())))


def _numeric_columns(rows: list[tuple[str, list[PdfCell]]], width: int) -> list[bool]:
    """A column heading is right-aligned over figures only: every filled cell below it (body
    and total rows) reads as a figure. The first column names the rows."""
    numeric = [index > 0 for index in range(width)]
    for kind, cells in rows:
        if kind == "heading":
            continue
        for index, item in enumerate(cells[:width]):
            if item.text.strip() and not item.numeric:
                numeric[index] = False
    return numeric


def pdf_table(table: Table) -> PdfTable:
    width = len(table.columns)
    size = "landscape" if width >= LANDSCAPE_COLUMNS else "small" if width >= SMALL_FONT_COLUMNS else "normal"
    rows = [(row.kind, [_cell(v) for v in row.cells]) for row in table.rows]
    numeric = _numeric_columns(rows, width)
    return PdfTable(
        title=table.title,
        column_groups=list(table.column_groups),
        columns=[PdfCell(str(c), numeric[i]) for i, c in enumerate(table.columns)],
        rows=rows,
        note=table.note,
        size=size,
    )


def long_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def report_context(report) -> dict:
    info = figures_info(report)
    sections = report_sections(report)
    for section in sections:
        section.pdf_tables = [pdf_table(t) for t in section.tables]
    generated = info.generated_at
    if generated is not None and settings.USE_TZ:
        from django.utils import timezone

        generated = timezone.localtime(generated)
    return {
        "report": report,
        "info": info,
        "sections": sections,
        "generated_at": generated,
        "period": f"{long_date(info.period_start)} to {long_date(info.period_end)}",
        "meeting": long_date(info.meeting_on),
        "marking": "Public" if info.is_public else "Private \u2014 not for publication",
        "has_definitions": any(s.definitions for s in sections),
        "product_name": settings.PRODUCT_NAME,
        "council_name": settings.COUNCIL_NAME,
    }


def render_report_html(report) -> str:
    return render_to_string(TEMPLATE, report_context(report))


def render_report_pdf(report) -> bytes:
    from weasyprint import HTML

    html = HTML(string=render_report_html(report), base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    # PDF/UA: a tagged PDF (headings, tables, reading order) that screen readers can use;
    # board papers are published on councils' websites (Public Sector Bodies Accessibility
    # Regulations 2018).
    return html.write_pdf(pdf_variant="pdf/ua-1")
