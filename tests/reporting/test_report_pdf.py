"""The board report PDF (issue 8): cover, contents with the right page numbers, sections with
summary, commentary, tables (numbers right-aligned, totals bold, wide tables on landscape
pages) and SVG charts, a sentence for a section with no figures, the data appendix and
"Page X of Y". Rendered by WeasyPrint from stored figures; read back with pdftotext. The
last test makes the report through a real Celery worker on real Redis (`celery_on_redis`),
checks the PDF's figures against ones worked out here, and renders it again with the
commentary after the data changed: the same figures."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest

from accounts.exports import Table, table_to_data
from accounts.templatetags.tables import format_money
from reporting.models import BoardReport, ReportStatus
from reporting.pdf import pdf_table, render_report_html
from reporting.sections import SUPPRESSION_NOTE, register_section
from reporting.selectors_reports import chart_from_data
from reporting.services import boards as board_services

from . import test_report_pipeline as pipeline
from .test_report_pipeline import (
    DAY,
    PAPER_COST,
    TODAY,
    generate,
    held_meetings,
    make_definition,
    pdf_text,
    wait_until_done,
)

pytestmark = pytest.mark.django_db

# The pipeline tests' fixtures, shared.
board, definition, meeting, report_sections, worker = (
    pipeline.board,
    pipeline.definition,
    pipeline.meeting,
    pipeline.report_sections,
    pipeline.worker,
)


def pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page (pdftotext -layout keeps a line per table row)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(pdf))
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)  # noqa: S607
    return [" ".join(page.split()) for page in out.stdout.decode().split("\f")][:-1]


def page_sizes(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(pdf))
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [
        "landscape" if float(w) > float(h) else "portrait"
        for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", out)
    ]


def build_extras(request):
    table = Table(title="Money by service line", columns=["Service line", "Budget (£)", "Forecast (£)"])
    table.add(["Care packages"], kind="heading")
    table.add(["Working age", Decimal("1200000.40"), Decimal("-54.60")])
    table.add(["Total", Decimal("1200000.40"), Decimal("-54.60")], kind="total")
    empty = Table(title="Complaints upheld", columns=["Month", "Upheld"])
    return {
        "summary": ["Money in pounds."],
        "tables": [table_to_data(table), table_to_data(empty)],
        "charts": [
            {
                "title": "Spend against budget",
                "labels": ["Apr", "May", "Jun"],
                "series": [
                    {"name": "Spend", "values": ["1000.50", 1500, None], "axis": "left", "unit": "£"},
                    {"name": "Share on time", "values": [80, 85.5, 90], "axis": "right", "unit": "%"},
                ],
                "left_label": "Spend (£)",
                "right_label": "On time (%)",
            }
        ],
        "definitions": [["Forecast", "The year's spend as known at the month end."]],
    }


@pytest.fixture
def extras_section(report_sections):
    register_section("test_extras", "Money", build_extras, order=6)


def test_the_pdf_layout(
    board, meeting, extras_section, commissioner, django_capture_on_commit_callbacks, tmp_path
):
    definition = make_definition(board, sections=("test_meetings", "test_empty", "test_wide", "test_extras"))
    start, end = board_services.report_period(definition.period, meeting_on=meeting.meets_on)
    held_meetings(board, start, 4)
    report = generate(definition, commissioner, django_capture_on_commit_callbacks, meeting=meeting)
    assert report.status == ReportStatus.READY, report.error
    text = pages(report.pdf, tmp_path)
    total = len(text)

    cover = text[0]
    assert "Community Mental Health Partnership Board" in cover and "Quarterly performance report" in cover
    assert f"Meeting on {meeting.meets_on.day} {meeting.meets_on:%B %Y}" in cover
    assert f"Figures for {start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in cover
    assert "Partners of the Section 75 agreement and the public" in cover
    assert "Private — not for publication" in cover
    for number, page in enumerate(text, 1):
        assert f"Page {number} of {total}" in page
        if number > 1:
            assert "Private — not for publication" in page  # the marking heads every page

    # Contents: each entry's page number is the page its heading is on.
    contents = text[1]
    assert contents.startswith("Community Mental Health") or "Contents" in contents
    for title in (
        "1. Board meetings",
        "2. Nothing to report",
        "3. Wide figures",
        "4. Money",
        "Data appendix",
    ):
        number = int(re.search(re.escape(title) + r"[ .]*?(\d+)", contents).group(1))
        assert title in text[number - 1], (title, number)

    meetings_page = next(p for p in text if "1. Board meetings" in p and "Boards met" in p)
    assert "Boards met 4 times in the period." in meetings_page
    assert f"Community Mental Health Partnership Board 4 {PAPER_COST * 4:,.0f}" in meetings_page
    assert f"Total 4 {PAPER_COST * 4:,.0f}" in meetings_page
    assert "Meetings each month" in meetings_page
    empty_page = next(p for p in text if "2. Nothing to report" in p and "Page" in p and "Contents" not in p)
    assert "There were no figures to report in this section" in empty_page
    money = next(p for p in text if "Money by service line" in p)
    assert "Care packages Working age 1,200,000 −55 Total 1,200,000 −55" in money
    assert "Complaints upheld: no figures for this period." in money
    assert "Spend against budget" in " ".join(text) and "On time (%)" in " ".join(text)

    (tmp_path / "tagged.pdf").write_bytes(bytes(report.pdf))
    info = subprocess.run(["pdfinfo", str(tmp_path / "tagged.pdf")], capture_output=True, check=True)  # noqa: S607
    assert re.search(r"Tagged:\s+yes", info.stdout.decode())  # PDF/UA, for screen readers

    sizes = page_sizes(report.pdf, tmp_path)
    wide_page = next(i for i, p in enumerate(text) if "Twelve months side by side" in p)
    assert sizes[wide_page] == "landscape"
    assert sizes.count("landscape") == 1 and sizes[0] == "portrait"

    appendix = text[-1]
    assert "Data appendix" in appendix
    assert f"for the period {start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in appendix
    assert "A date a board meets, as recorded on the board's page." in appendix
    assert "The year's spend as known at the month end." in appendix
    assert SUPPRESSION_NOTE not in appendix  # a private report


def test_a_public_report_says_so_and_notes_the_suppression(
    board, report_sections, commissioner, django_capture_on_commit_callbacks, tmp_path
):
    definition = make_definition(board, sections=("test_meetings",), is_public=True)
    start, _ = board_services.report_period(definition.period, today=TODAY)
    held_meetings(board, start, 3)
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    text = " ".join(pages(report.pdf, tmp_path))
    assert "Public" in text and "not for publication" not in text
    assert f"Community Mental Health Partnership Board * {PAPER_COST * 3:,.0f}" in text
    assert f"Total * {PAPER_COST * 3:,.0f}" in text
    assert SUPPRESSION_NOTE in text
    assert "Meeting on" not in text  # no meeting: the period only


def test_the_html_marks_numbers_totals_and_headings(
    board, meeting, extras_section, commissioner, django_capture_on_commit_callbacks
):
    definition = make_definition(board, sections=("test_extras",))
    report = generate(definition, commissioner, django_capture_on_commit_callbacks, meeting=meeting)
    html = render_report_html(report)
    assert '<tr class="heading"><th scope="row" colspan="3">Care packages</th></tr>' in html
    assert '<tr class="total"><th scope="row">Total</th><td class="num">1,200,000</td>' in html
    assert '<th scope="col" class="num">Budget (£)</th>' in html
    assert 'role="img"' in html and "<svg" in html  # the chart, inline SVG
    assert "<link" not in html and "src=" not in html and "url(" not in html  # nothing to fetch
    assert "target-counter(attr(href), page)" in html


def test_cells_that_read_as_figures_are_right_aligned():
    table = Table(title="T", columns=["Name", "Share", "Count", "Money", "Note"])
    table.add(["A", "13.4%", "*", "£1,200", "text"])
    cells = pdf_table(table).rows[0][1]
    assert [c.numeric for c in cells] == [False, True, True, True, False]
    assert pdf_table(Table(title="W", columns=["a"] * 10)).size == "landscape"
    assert pdf_table(Table(title="W", columns=["a"] * 7)).size == "small"
    assert pdf_table(Table(title="W", columns=["a"] * 3)).size == "normal"


def test_stored_charts_are_drawn_and_bad_ones_refused(
    board, report_sections, commissioner, django_capture_on_commit_callbacks
):
    chart = chart_from_data(build_extras(None)["charts"][0], chart_id="c1")
    assert chart.right is not None and chart.series[0].values[0] == Decimal("1000.50")
    assert "£1,500 at May" in chart.svg() and "90% at Jun" in chart.svg()

    def bad(request):
        return {"charts": [{"title": "Bad", "labels": ["a", "b"], "series": [{"name": "x", "values": [1]}]}]}

    register_section("test_bad_chart", "Bad chart", bad, order=7)
    definition = make_definition(board, sections=("test_bad_chart",))
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED
    assert report.error == "The figures for “Bad chart” could not be worked out (ValueError)."


def test_the_cover_and_appendix_come_from_the_stored_figures(
    definition, commissioner, django_capture_on_commit_callbacks, tmp_path
):
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    board_services.update_board(
        board_id=definition.board_id, name="Renamed Board", audience="Someone else", is_active=True, by=None
    )
    report.refresh_from_db()
    html = render_report_html(report)
    assert "Community Mental Health Partnership Board" in html and "Renamed Board" not in html
    produced = datetime.datetime.fromisoformat(report.figures["generated_at"])
    assert f"{produced.day} {produced:%B %Y}" in html


# --- Through a real worker on real Redis -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_the_report_and_renders_it_again_with_the_commentary(
    worker, report_sections, commissioner, tmp_path
):
    from django.test import Client
    from django.urls import reverse

    board = board_services.create_board(name="Real Worker Board", audience="Members and the public", by=None)
    meeting = board_services.add_meeting(board_id=board.pk, meets_on=TODAY + 20 * DAY, by=None)
    definition = make_definition(board, sections=("test_meetings", "test_empty", "test_wide"), is_public=True)
    start, end = board_services.report_period(definition.period, meeting_on=meeting.meets_on)
    other = board_services.create_board(name="Another Board", audience="Members", by=None)
    held_meetings(board, start, 6)
    held_meetings(other, start + 20 * DAY, 2)  # 2: suppressed in a public report

    client = Client()
    client.force_login(commissioner)
    response = client.post(
        reverse("governance:report_generate", args=[definition.pk]), {"meeting": meeting.pk}
    )
    report_id = BoardReport.objects.get().pk
    assert response.status_code == 302 and response.url == reverse(
        "governance:report_detail", args=[report_id]
    )

    report = wait_until_done(report_id)
    assert report.status == ReportStatus.READY, report.error
    assert report.attempts == 1
    figures = report.figures
    text = pdf_text(report.pdf, tmp_path)
    # Cover, contents, the figures (worked out here independently), appendix, page numbers.
    assert "Real Worker Board" in text and "Quarterly performance report" in text and "Public" in text
    assert f"Meeting on {meeting.meets_on.day} {meeting.meets_on:%B %Y}" in text
    assert f"Figures for {start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in text
    assert "Contents 1. Board meetings" in text
    assert f"Another Board * {format_money(PAPER_COST * 2)}" in text
    assert f"Real Worker Board 6 {format_money(PAPER_COST * 6)}" in text
    assert f"Total 8 {format_money(PAPER_COST * 8)}" in text
    assert "Boards met 8 times in the period." in text
    assert "There were no figures to report in this section" in text
    assert "Twelve months side by side" in text and "Month 12" in text
    assert SUPPRESSION_NOTE in text
    assert "A date a board meets, as recorded on the board's page." in text
    assert "Page 1 of" in text

    held_meetings(board, start + 40 * DAY, 5)  # the live figures move on
    response = client.post(
        reverse("governance:report_commentary", args=[report_id]),
        {
            "version": report.version,
            "commentary_test_meetings": "Met as planned.",
            "opened_test_meetings": "",
        },
    )
    assert response.status_code == 302
    report = wait_until_done(report_id)
    assert report.status == ReportStatus.READY and report.figures == figures
    text = pdf_text(report.pdf, tmp_path)
    assert "Met as planned." in text and f"Total 8 {format_money(PAPER_COST * 8)}" in text


def test_only_columns_of_figures_are_right_aligned_in_the_pdf():
    from accounts.exports import Table
    from reporting.pdf import pdf_table

    table = Table("Actions", ["Action", "Lead", "Days overdue", "Status"])
    table.add(["Review the panel", "Ana Lee", 12, "At risk"])
    table.add(["Recruit", "Bo Chan", "*", ""])
    table.add(["Total", "", 12, ""], kind="total")
    assert [c.numeric for c in pdf_table(table).columns] == [False, False, True, False]
