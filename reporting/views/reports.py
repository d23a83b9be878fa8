"""Report pages (issue 8): generate a report (a queued row), watch its progress, write the
commentary, publish it, download the PDF and each table (every download logged).

The progress refreshes itself with htmx, sending `X-Background-Refresh` so the idle timeout
does not count it as the person being active (accounts.middleware), with a meta refresh
for browsers without JavaScript; both stop after a while. Thin views: access by
reporting.permissions (404 for anyone else), writes through reporting.services.reports.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from accounts.exports import slug, table_csv_response, tables_xlsx_response

from .. import selectors_reports as selectors
from ..forms_boards import CommentaryForm
from ..models import ReportStatus
from ..permissions import can_edit_governance, get_or_404, governance_editor_required, governance_required
from ..services import DomainError, StaleEdit
from ..services import reports as services
from .boards import board_context
from .common import add_problems, int_or

POLL_SECONDS = 3
MAX_POLLS = 200  # 10 minutes of htmx polls, then the page asks for a refresh
META_REFRESH_SECONDS = 10
MAX_META_REFRESHES = 30  # 5 minutes without JavaScript (each is a page load, so it is capped)
IN_PROGRESS = (ReportStatus.QUEUED, ReportStatus.RENDERING)
DOWNLOADABLE = (ReportStatus.READY, ReportStatus.PUBLISHED)


def _filename(report, what: str, ext: str) -> str:
    board = slug(report.definition.board.name)[:80]
    return f"{board}-{slug(what)[:80]}-{report.period_end.isoformat()}.{ext}"


@governance_editor_required
@require_POST
def report_generate(request, pk):
    """From the board page: a report of one definition, for the chosen meeting (or none)."""
    definition = get_or_404(selectors.definition_queryset(), pk)
    meeting = request.POST.get("meeting") or ""
    meeting_id = None if meeting in ("", "none") else int_or(meeting, -1)
    try:
        report = services.request_report(definition_id=definition.pk, meeting_id=meeting_id, by=request.user)
    except DomainError as exc:
        context = board_context(
            request, definition.board, generate_error=str(exc), generate_definition=definition
        )
        return render(request, "reporting/boards/board_detail.html", context, status=200)
    messages.success(request, f"“{definition.title}” is being prepared. This page shows its progress.")
    return redirect(report)


@governance_required
@require_safe
def report_detail(request, pk):
    report = get_or_404(selectors.report_queryset(), pk)
    in_progress = report.status in IN_PROGRESS
    if request.htmx and not in_progress:
        return HttpResponseClientRefresh()  # finished: load the whole page once
    polls = max(int_or(request.GET.get("polls"), 0), 0)
    context = {
        "report": report,
        "info": selectors.figures_info(report),
        "in_progress": in_progress,
        "polling": in_progress and polls < MAX_POLLS,
        "meta_refresh": in_progress and polls < MAX_META_REFRESHES,
        "next_polls": polls + 1,
        "poll_seconds": POLL_SECONDS,
        "meta_refresh_seconds": META_REFRESH_SECONDS,
        "can_edit": can_edit_governance(request.user),
        "downloadable": report.status in DOWNLOADABLE and report.finished_at is not None,
    }
    if request.htmx:
        return render(request, "reporting/reports/_status.html", context)
    context["sections"] = selectors.report_sections(report) if report.figures else []
    return render(request, "reporting/reports/report_detail.html", context)


@governance_required
@require_safe
def report_pdf(request, pk):
    report = selectors.report_with_pdf(pk) if int_or(pk, 0) > 0 else None
    if report is None or report.status not in DOWNLOADABLE or not report.pdf:
        raise Http404("Not found")
    services.record_download(report=report, user=request.user, what="pdf")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(report, report.definition.title, "pdf")}"'
    )
    return response


@governance_required
@require_safe
def report_table(request, pk, section, table, fmt):
    """One table of the report as CSV or XLSX, from the stored figures."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Not found")
    report = get_or_404(selectors.report_queryset(), pk)
    found = selectors.section_table(report, section, table)
    if found is None:
        raise Http404("Not found")
    data, chosen = found
    services.record_download(report=report, user=request.user, what=f"{data['key']} table {table} ({fmt})")
    filename = _filename(report, chosen.title, fmt)
    if fmt == "csv":
        return table_csv_response(chosen, filename)
    return tables_xlsx_response([chosen], filename)


@governance_required
@require_safe
def report_tables_xlsx(request, pk):
    """Every table of the report in one workbook, a sheet each."""
    report = get_or_404(selectors.report_queryset(), pk)
    tables = selectors.all_tables(report)
    if not tables:
        raise Http404("Not found")
    services.record_download(report=report, user=request.user, what="all tables (xlsx)")
    return tables_xlsx_response(tables, _filename(report, f"{report.definition.title} tables", "xlsx"))


@governance_editor_required
@require_http_methods(["GET", "POST"])
def report_commentary(request, pk):
    """A textarea per section; saving renders the PDF again from the stored figures."""
    report = get_or_404(selectors.report_queryset(), pk)
    if report.status == ReportStatus.PUBLISHED or not report.figures:
        raise Http404("Not found")
    sections = selectors.report_sections(report)
    initial = CommentaryForm.initial_for(report.commentary or {}, sections)
    form = CommentaryForm(
        request.POST if request.method == "POST" else None, initial=initial, sections=sections
    )
    version, stale = report.version, None
    if request.method == "POST":
        version = int_or(request.POST.get("version"), report.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_commentary(
                report_id=report.pk,
                commentary=form.commentary(),
                opened=form.opened(),
                expected_version=int_or(request.POST.get("version"), -1),
                by=request.user,
            )
        except StaleEdit as exc:
            stale, version = exc, exc.current.version
            merged = CommentaryForm.initial_for(exc.merged, sections)
            for section in sections:  # the text now saved is what this editor opens next
                merged[f"opened_{section.key}"] = exc.current.commentary.get(section.key, "")
            form = CommentaryForm(initial=merged, sections=sections)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The commentary was saved. The PDF is being prepared again with it.")
            return redirect(report)
    return render(
        request,
        "reporting/reports/commentary_form.html",
        {
            "report": report,
            "form": form,
            "version": version,
            "stale": stale,
            "info": selectors.figures_info(report),
        },
    )


@governance_editor_required
@require_POST
def report_publish(request, pk):
    report = get_or_404(selectors.report_queryset(), pk)
    try:
        services.publish_report(
            report_id=report.pk, expected_version=int_or(request.POST.get("version"), -1), by=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The report was published. Its commentary can no longer be changed.")
    return redirect(report)


@governance_editor_required
@require_POST
def report_retry(request, pk):
    report = get_or_404(selectors.report_queryset(), pk)
    try:
        services.retry_report(report_id=report.pk, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The report is being prepared again.")
    return redirect(report)
