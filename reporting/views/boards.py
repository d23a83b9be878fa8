"""Board pages (issue 8): the list of boards, a board with its meetings, report definitions
and report history, and the steps that change them.

Thin views: governance readers see the pages (reporting.permissions, 404 for anyone else);
commissioners and administrators change them. Reads through reporting.selectors_reports,
writes through reporting.services.boards. Aggregates only; no person data.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.pagination import paginate

from .. import selectors_reports as selectors
from ..forms_boards import BoardForm, DefinitionForm, MeetingForm, ReportFilterForm
from ..models import ReportStatus
from ..permissions import can_edit_governance, get_or_404, governance_editor_required, governance_required
from ..sections import registered_sections
from ..services import DomainError
from ..services import boards as services
from .common import add_problems


@governance_required
@require_safe
def board_list(request):
    page_obj, querystring = paginate(request, selectors.board_list(), per_page=selectors.BOARD_PAGE_SIZE)
    selectors.attach_latest_reports(page_obj.object_list)
    return render(
        request,
        "reporting/boards/board_list.html",
        {"page_obj": page_obj, "querystring": querystring, "can_edit": can_edit_governance(request.user)},
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def board_create(request):
    form = BoardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.create_board(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"{board.name} was added. Add its meeting dates and reports.")
            return redirect(board)
    return render(request, "reporting/boards/board_form.html", {"form": form, "board": None})


@governance_editor_required
@require_http_methods(["GET", "POST"])
def board_edit(request, pk):
    board = get_or_404(selectors.board_queryset(), pk)
    initial = {
        "name": board.name,
        "audience": board.audience,
        "is_active": "yes" if board.is_active else "no",
    }
    form = BoardForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_board(board_id=board.pk, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The board was changed.")
            return redirect(board)
    return render(request, "reporting/boards/board_form.html", {"form": form, "board": board})


def board_context(request, board, **extra) -> dict:
    """The board page: upcoming meetings, report definitions and the report history
    (filtered, paginated); a fixed number of queries whatever the number of reports."""
    can_edit = can_edit_governance(request.user)
    today = timezone.localdate()
    definitions = selectors.definitions_for(board)
    default_status = "" if can_edit else ReportStatus.PUBLISHED
    filters = ReportFilterForm(request.GET, definitions=definitions, default_status=default_status)
    chosen = filters.filters()
    page_obj, querystring = paginate(
        request, selectors.report_history(board, **chosen), per_page=selectors.PAGE_SIZE
    )
    meetings = selectors.upcoming_meetings(board, today=today)
    titles = {s.key: s.title for s in registered_sections()}
    for definition in definitions:
        definition.section_names = [
            titles.get(key, f"{key} (not available yet)") for key in definition.sections
        ]
    return {
        "board": board,
        "can_edit": can_edit,
        "meetings": meetings,
        "next_meeting": meetings[0] if meetings else None,
        "last_meeting": selectors.last_meeting(board, today=today),
        "definitions": definitions,
        "filters": filters,
        # The published-only default of readers is not a filter they chose.
        "filtered": bool(chosen["definition_id"] or chosen["status"] not in ("", default_status)),
        "published_only": chosen["status"] == ReportStatus.PUBLISHED,
        "page_obj": page_obj,
        "querystring": querystring,
        "upcoming_limit": selectors.UPCOMING_MEETINGS,
        **extra,
    }


@governance_required
@require_safe
def board_detail(request, pk):
    board = get_or_404(selectors.board_queryset(), pk)
    return render(request, "reporting/boards/board_detail.html", board_context(request, board))


@governance_editor_required
@require_http_methods(["GET", "POST"])
def meeting_add(request, pk):
    board = get_or_404(selectors.board_queryset(), pk)
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.add_meeting(board_id=board.pk, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(
                request, f"The meeting on {meeting.meets_on.day} {meeting.meets_on:%B %Y} was added."
            )
            return redirect(board)
    return render(request, "reporting/boards/meeting_form.html", {"form": form, "board": board})


@governance_editor_required
@require_POST
def meeting_remove(request, pk):
    meeting = get_or_404(selectors.meeting_queryset(), pk)
    try:
        services.remove_meeting(meeting_id=meeting.pk, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"The meeting on {meeting.meets_on.day} {meeting.meets_on:%B %Y} was removed."
        )
    return redirect(meeting.board)


@governance_editor_required
@require_http_methods(["GET", "POST"])
def definition_create(request, pk):
    board = get_or_404(selectors.board_queryset(), pk)
    form = DefinitionForm(
        request.POST if request.method == "POST" else None,
        initial={"period": "quarter", "is_public": "yes", "is_scheduled": "yes", "days_before_meeting": 10},
    )
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.add_definition(board_id=board.pk, data=form.values(), by=request.user)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"The report “{definition.title}” was added.")
            return redirect(board)
    return render(
        request, "reporting/boards/definition_form.html", {"form": form, "board": board, "definition": None}
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def definition_edit(request, pk):
    definition = get_or_404(selectors.definition_queryset(), pk)
    form = DefinitionForm(
        request.POST if request.method == "POST" else None,
        initial=DefinitionForm.initial_for(definition),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_definition(definition_id=definition.pk, data=form.values(), by=request.user)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"The report “{definition.title}” was changed.")
            return redirect(definition.board)
    return render(
        request,
        "reporting/boards/definition_form.html",
        {"form": form, "board": definition.board, "definition": definition},
    )
