"""Casework pages: team caseload, case actions, contacts, chronology, checks and sharing.

Thin views: access through cases.permissions (404 for strangers, one access-log row per
request), reads through cases.selectors_casework, writes through cases.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate

from .. import selectors_casework as casework
from .. import services
from ..decorators import person_data_required
from ..forms_casework import (
    CaseNoteChangeForm,
    CaseNoteForm,
    ReallocateForm,
    ReasonForm,
    SharingDecisionForm,
    StatusCheckForm,
    TransferForm,
)
from ..models import CaseStatus
from ..permissions import CHANGE_PERSON, get_case_for_user, get_person_for_user

CHRONOLOGY_PAGE_SIZE = 25


# --- Team caseload ----------------------------------------------------------------------


@person_data_required
def team_caseload(request):
    """For team managers and senior practitioners: each worker's load, unallocated cases
    and the oldest waiting referrals, for one of the teams they manage."""
    teams = casework.managed_teams(request.user)
    if not teams:
        raise Http404("Not found")
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0])
    page_obj, querystring = paginate(request, casework.unallocated_cases(team))
    return render(
        request,
        "cases/casework_team_caseload.html",
        {
            "teams": teams,
            "team": team,
            "loads": casework.team_worker_loads(team),
            "page_obj": page_obj,
            "querystring": querystring,
            "oldest_waits": casework.oldest_waiting_referrals(team),
            "waiting_count": casework.waiting_referral_count(team),
        },
    )


# --- Case actions (managers of the case's team) -----------------------------------------


def _case_for_manager(request, pk, what: str, *, reopening: bool = False):
    case, access = get_case_for_user(
        request.user, pk, perm=CHANGE_PERSON, what=what, closed_team_record=reopening
    )
    if not casework.manages_team(request.user, case.team_id):
        raise PermissionDenied("Only the team's managers can change its cases")
    return case


def _case_action(request, *, case, form, template, do, success):
    if request.method == "POST" and form.is_valid():
        try:
            do(form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect(case.person)
    return render(request, template, {"case": case, "person": case.person, "form": form})


@require_http_methods(["GET", "POST"])
def case_reallocate(request, pk):
    case = _case_for_manager(request, pk, "case (reallocate)")
    allocating = case.worker_id is None
    label = "Why are you allocating the case?" if allocating else "Why is the case being reallocated?"
    form = ReallocateForm(
        request.POST or None,
        workers=casework.allocation_choices(case),
        label=label,
        required_message="Enter why the case is being " + ("allocated" if allocating else "reallocated"),
    )
    return _case_action(
        request,
        case=case,
        form=form,
        template="cases/casework_case_reallocate.html",
        do=lambda data: services.reallocate_case(
            case_id=case.pk, worker=data["worker"], by=request.user, reason=data["reason"]
        ),
        success="The case was allocated." if allocating else "The case was reallocated.",
    )


@require_http_methods(["GET", "POST"])
def case_transfer(request, pk):
    case = _case_for_manager(request, pk, "case (transfer)")
    form = TransferForm(
        request.POST or None,
        teams=casework.transfer_destinations(case),
        label="Why is the case being transferred?",
        required_message="Enter why the case is being transferred",
    )
    return _case_action(
        request,
        case=case,
        form=form,
        template="cases/casework_case_transfer.html",
        do=lambda data: services.transfer_case(
            case_id=case.pk, to_team=data["to_team"], by=request.user, reason=data["reason"]
        ),
        success="The case was transferred.",
    )


def _close_or_reopen(request, pk, *, closing: bool):
    """Close or reopen a case: the same page shape, and a repeat is refused in words."""
    verb = "closed" if closing else "reopened"
    case = _case_for_manager(request, pk, f"case ({'close' if closing else 'reopen'})", reopening=not closing)
    template = f"cases/casework_case_{'close' if closing else 'reopen'}.html"
    form = ReasonForm(
        request.POST or None,
        label=f"Why is the case being {verb}?",
        required_message=f"Enter why the case is being {verb}",
    )
    already = CaseStatus.CLOSED if closing else CaseStatus.OPEN
    if case.status == already and request.method == "POST":
        form.is_valid()
        form.add_error(None, f"This case is already {'closed' if closing else 'open'}")
        return render(request, template, {"case": case, "person": case.person, "form": form})
    service = services.close_case if closing else services.reopen_case
    return _case_action(
        request,
        case=case,
        form=form,
        template=template,
        do=lambda data: service(case_id=case.pk, by=request.user, reason=data["reason"]),
        success=f"The case was {verb}.",
    )


@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    return _close_or_reopen(request, pk, closing=True)


@require_http_methods(["GET", "POST"])
def case_reopen(request, pk):
    return _close_or_reopen(request, pk, closing=False)


# --- Recording about a person -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def note_create(request, person_pk):
    access = get_person_for_user(request.user, person_pk, perm=CHANGE_PERSON, what="case notes (add)")
    person = access.person
    open_cases = casework.open_cases_for_person(person)
    # Most contacts are recorded the same day, often for the person's only open case.
    initial = {"date": timezone.localdate(), "case": open_cases[0] if len(open_cases) == 1 else None}
    form = CaseNoteForm(request.POST or None, open_cases=open_cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_case_note(
                person=person,
                case=data["case"],
                kind=data["kind"],
                occurred_at=data["occurred_at"],
                text=data["text"],
                by=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The contact was recorded.")
            return redirect(person)
    return render(request, "cases/casework_note_form.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def note_edit(request, person_pk, note_pk):
    """The author corrects a note within 24 hours; every version stays in its history."""
    access = get_person_for_user(request.user, person_pk, perm=CHANGE_PERSON, what="case notes (change)")
    person = access.person
    note = casework.note_of(person, note_pk)
    if not casework.can_change_note(note, request.user):
        raise PermissionDenied("Only the author can change a note, in the 24 hours after writing it")
    form = CaseNoteChangeForm(request.POST or None, initial=CaseNoteChangeForm.initial_for(note))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_case_note(
                note_id=note.pk,
                kind=data["kind"],
                occurred_at=data["occurred_at"],
                text=data["text"],
                reason=data["reason"],
                by=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The note was changed. The earlier version is kept in its history.")
            return redirect(reverse("casework:chronology", args=[person.pk]))
    return render(
        request,
        "cases/casework_note_form.html",
        {"person": person, "form": form, "note": note, "versions": casework.note_versions(note)},
    )


def chronology(request, person_pk):
    access = get_person_for_user(request.user, person_pk, what="chronology")
    page_obj, querystring = paginate(
        request, casework.chronology_for(access.person), per_page=CHRONOLOGY_PAGE_SIZE
    )
    return render(
        request,
        "cases/casework_chronology.html",
        {
            "person": access.person,
            "can_write": not access.is_break_glass,
            "entries": casework.describe_entries(page_obj.object_list, request.user),
            "page_obj": page_obj,
            "querystring": querystring,
        },
    )


@require_http_methods(["GET", "POST"])
def status_check_create(request, person_pk):
    access = get_person_for_user(
        request.user, person_pk, perm=CHANGE_PERSON, what="employment and accommodation (record)"
    )
    person = access.person
    form = StatusCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_status_check(person=person, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The employment and accommodation check was recorded.")
            return redirect(person)
    return render(
        request,
        "cases/casework_status_check_form.html",
        {"person": person, "form": form, "latest": casework.latest_status_check(person)},
    )


@require_http_methods(["GET", "POST"])
def sharing_decision_create(request, person_pk):
    access = get_person_for_user(
        request.user, person_pk, perm=CHANGE_PERSON, what="information sharing decisions (record)"
    )
    person = access.person
    form = SharingDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_sharing_decision(person=person, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The information sharing decision was recorded.")
            return redirect(f"{reverse('cases:person_detail', args=[person.pk])}#information-sharing")
    return render(request, "cases/casework_sharing_form.html", {"person": person, "form": form})
