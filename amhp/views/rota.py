"""AMHP rota pages: patterns, building a month, the week or month view, assigning, swaps,
gaps, and an AMHP's own shifts (with the iCalendar export).

The team's AMHPs and lead see the rota; only the lead changes it (403 for others); a shift
of another team is 404; commissioners never reach these pages (person_data_required).
"""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.decorators import person_data_required

from .. import ical, services
from .. import selectors_register as register
from .. import selectors_rota as rota
from ..forms_rota import AssignForm, BuildForm, GapsForm, PatternForm, RemoveForm, SwapForm, WeekForm
from ..services.rota import BUILD_MONTHS_AHEAD, pattern_coverage_gaps

DAY = datetime.timedelta(days=1)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _team(request, *, lead: bool):
    """The AMHP team this page is for (?team=, else the first): 403 without the role."""
    teams = rota.led_rota_teams(request.user) if lead else rota.rota_teams(request.user)
    if not teams:
        raise PermissionDenied(
            "Only the AMHP lead can use this page" if lead else "Only AMHPs can see the rota"
        )
    return teams, rota.pick_team(teams, request.GET.get("team") or request.POST.get("team"))


def _require_lead_of(request, team_id):
    if not rota.leads_rota(request.user, team_id):
        raise PermissionDenied("Only the AMHP lead can change the rota")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(first: datetime.date) -> datetime.date:
    return _add_months(first, 1) - DAY


# --- The rota ----------------------------------------------------------------------------


@person_data_required
def rota_view(request):
    """A week (Monday to Sunday) or a month of shifts, who is on each, and the cover."""
    teams, team = _team(request, lead=False)
    today = timezone.localdate()
    week_form = WeekForm(request.GET or None)
    month_match = _MONTH.fullmatch(request.GET.get("month", ""))
    month = None
    if month_match and 1 <= int(month_match.group(2)) <= 12:
        month = datetime.date(int(month_match.group(1)), int(month_match.group(2)), 1)
        first, last = month, _month_end(month)
        previous, following = _add_months(month, -1), _add_months(month, 1)
        prev_query, next_query = f"month={previous:%Y-%m}", f"month={following:%Y-%m}"
    else:
        chosen = today
        if week_form.is_valid() and week_form.cleaned_data.get("week"):
            chosen = week_form.cleaned_data["week"]
        first = chosen - datetime.timedelta(days=chosen.weekday())
        last = first + datetime.timedelta(days=6)
        prev_query = f"week_day={(first - 7 * DAY).day}&week_month={(first - 7 * DAY).month}"
        prev_query += f"&week_year={(first - 7 * DAY).year}"
        nxt = first + 7 * DAY
        next_query = f"week_day={nxt.day}&week_month={nxt.month}&week_year={nxt.year}"
    team_query = f"team={team.pk}&" if len(teams) > 1 else ""
    days = rota.rota_days(team, first, last)
    return render(
        request,
        "amhp/rota_view.html",
        {
            "teams": teams,
            "team": team,
            "team_query": team_query,
            "days": days,
            "first": first,
            "last": last,
            "month": month,
            "week_form": week_form,
            "prev_query": prev_query,
            "next_query": next_query,
            "is_lead": rota.leads_rota(request.user, team.pk),
            "under": sum(1 for d in days for r in d.rows if r.built and r.missing),
            "not_built": sum(d.not_built for d in days),
            "this_month": today.replace(day=1),
        },
    )


# --- Patterns ----------------------------------------------------------------------------


@person_data_required
def patterns(request):
    teams, team = _team(request, lead=True)
    team_patterns = list(rota.patterns_for(team))
    return render(
        request,
        "amhp/rota_patterns.html",
        {
            "teams": teams,
            "team": team,
            "patterns": team_patterns,
            "coverage_gaps": pattern_coverage_gaps(team_patterns) if team_patterns else [],
            "usual": services.USUAL_PATTERNS,
        },
    )


@require_POST
@person_data_required
def patterns_usual(request):
    teams, team = _team(request, lead=True)
    try:
        created = services.set_up_usual_patterns(team=team, by=request.user)
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{len(created)} shift patterns were set up. Check them, then build the rota."
        )
    return redirect(f"{reverse('amhp:patterns')}?team={team.pk}")


@require_http_methods(["GET", "POST"])
@person_data_required
def pattern_create(request):
    teams, team = _team(request, lead=True)
    form = PatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pattern = services.create_pattern(team=team, data=form.cleaned_data, by=request.user)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The {pattern.name} pattern was added.")
            return redirect(f"{reverse('amhp:patterns')}?team={team.pk}")
    return render(request, "amhp/rota_pattern_form.html", {"form": form, "team": team, "teams": teams})


@require_http_methods(["GET", "POST"])
@person_data_required
def pattern_edit(request, pk):
    pattern = rota.pattern_for_user(request.user, pk)
    _require_lead_of(request, pattern.team_id)
    form = PatternForm(request.POST or None, editing=True, initial=PatternForm.initial_for(pattern))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        is_active = data.pop("is_active")
        try:
            services.update_pattern(pattern_id=pattern.pk, data=data, is_active=is_active, by=request.user)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The shift pattern was changed. Months built from now on use it.")
            return redirect(f"{reverse('amhp:patterns')}?team={pattern.team_id}")
    return render(
        request, "amhp/rota_pattern_form.html", {"form": form, "team": pattern.team, "pattern": pattern}
    )


# --- Building ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@person_data_required
def rota_build(request):
    teams, team = _team(request, lead=True)
    this_month = timezone.localdate().replace(day=1)
    months = [_add_months(this_month, i) for i in range(BUILD_MONTHS_AHEAD + 1)]
    form = BuildForm(request.POST or None, months=months, initial={"month": f"{months[1]:%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.build_rota(team=team, month=form.cleaned_data["month"], by=request.user)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            message = f"The rota for {result.month:%B %Y} was built: {result.created} new shift"
            message += "s" if result.created != 1 else ""
            if result.already_built:
                message += f" ({result.already_built} were already there)"
            messages.success(request, message + ". Now put AMHPs on them.")
            return redirect(f"{reverse('amhp:rota')}?team={team.pk}&month={result.month:%Y-%m}")
    return render(
        request,
        "amhp/rota_build.html",
        {"form": form, "team": team, "teams": teams, "has_patterns": rota.patterns_for(team).exists()},
    )


# --- A shift: who is on it, assigning, removing, swapping --------------------------------


@require_http_methods(["GET", "POST"])
@person_data_required
def shift_detail(request, pk):
    """The shift, who is on it (and who was), and for the lead the AMHPs who can be put on
    it: only those whose approval holds for every hour of it."""
    shift = rota.shift_for_user(request.user, pk)
    is_lead = rota.leads_rota(request.user, shift.team_id)
    if request.method == "POST" and not is_lead:
        raise PermissionDenied("Only the AMHP lead can put AMHPs on shifts")
    able, unable = rota.candidates(shift) if is_lead else ([], [])
    form = AssignForm(request.POST or None, candidates=able) if is_lead else None
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assign_amhp(
                shift_id=shift.pk, amhp_id=form.cleaned_data["amhp"], by=request.user
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{assignment.amhp.user.display_name} was put on the shift.")
            return redirect("amhp:shift_detail", shift.pk)
    return render(
        request,
        "amhp/shift_detail.html",
        {
            "shift": shift,
            "row": rota.shift_row(shift.pk),
            "history": rota.shift_history(shift),
            "form": form,
            "unable": unable,
            "is_lead": is_lead,
            "ended": shift.ends_at <= timezone.now(),
        },
    )


def _assignment_for_lead(request, pk):
    assignment = rota.assignment_for_user(request.user, pk)
    _require_lead_of(request, assignment.shift.team_id)
    return assignment


@require_http_methods(["GET", "POST"])
@person_data_required
def assignment_remove(request, pk):
    assignment = _assignment_for_lead(request, pk)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_assignment(
                assignment_id=assignment.pk, reason=form.cleaned_data["reason"], by=request.user
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{assignment.amhp.user.display_name} was taken off the shift.")
            return redirect("amhp:shift_detail", assignment.shift_id)
    return render(
        request, "amhp/shift_remove.html", {"form": form, "assignment": assignment, "shift": assignment.shift}
    )


@require_http_methods(["GET", "POST"])
@person_data_required
def assignment_swap(request, pk):
    assignment = _assignment_for_lead(request, pk)
    able, unable = rota.candidates(assignment.shift, exclude_ids=[assignment.amhp_id])
    form = SwapForm(request.POST or None, candidates=able)
    if request.method == "POST" and form.is_valid():
        try:
            swap = services.record_swap(
                assignment_id=assignment.pk,
                to_amhp_id=form.cleaned_data["to_amhp"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"The swap was recorded: {swap.to_assignment.amhp.user.display_name} is on the shift "
                f"instead of {assignment.amhp.user.display_name}.",
            )
            return redirect("amhp:shift_detail", assignment.shift_id)
    return render(
        request,
        "amhp/shift_swap.html",
        {"form": form, "assignment": assignment, "shift": assignment.shift, "unable": unable},
    )


# --- Gaps --------------------------------------------------------------------------------


@person_data_required
def gaps(request):
    """Every uncovered or under-covered shift in the coming weeks, with the hours of gap."""
    teams, team = _team(request, lead=True)
    asked = GapsForm(request.GET)
    weeks = (asked.cleaned_data.get("weeks") if asked.is_valid() else None) or rota.DEFAULT_GAP_WEEKS
    # The dropdown shows the weeks in use, also when none (or a bad value) was asked for.
    form = GapsForm(initial={"weeks": weeks})
    report = rota.find_gaps([team.pk], now=timezone.now(), days=weeks * 7)
    return render(
        request,
        "amhp/rota_gaps.html",
        {
            "teams": teams,
            "team": team,
            "form": form,
            "weeks": weeks,
            "report": report,
            "rows": report.row_hours(),
        },
    )


# --- My shifts and the calendar export ---------------------------------------------------

MY_SHIFTS_PAGE = 60
# The calendar carries recent shifts too, so a calendar app does not drop last week's.
CALENDAR_HISTORY = datetime.timedelta(days=31)


@person_data_required
def my_shifts(request):
    profile = register.own_profile(request.user)
    if profile is None and not rota.rota_teams(request.user):
        raise PermissionDenied("Only AMHPs have shifts")
    assignments = list(rota.my_assignments(profile, since=timezone.now())[:MY_SHIFTS_PAGE]) if profile else []
    return render(request, "amhp/shift_mine.html", {"profile": profile, "assignments": assignments})


def _calendar_response(profile) -> HttpResponse:
    assignments = rota.my_assignments(profile, since=timezone.now() - CALENDAR_HISTORY)
    response = HttpResponse(ical.shifts_calendar(assignments), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="amhp-shifts.ics"'
    return response


@person_data_required
def my_shifts_ics(request):
    profile = register.own_profile(request.user)
    if profile is None:
        raise Http404("Not found")
    return _calendar_response(profile)


@person_data_required
def amhp_shifts_ics(request, pk):
    """The lead exports any of their AMHPs' shifts (an AMHP, only their own)."""
    profile, _ = register.profile_for_user(request.user, pk)
    return _calendar_response(profile)
