"""Concern pages: raise one from a person's record or at the safeguarding team's front door,
read it, and decide on it (Care Act 2014 s42).

Thin views: access through safeguarding.permissions (404 for strangers, one access-log row
per request), reads through safeguarding.selectors, writes through safeguarding.services.
Person search criteria travel only in POST bodies, never in URLs (DESIGN.md section 11).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods

from cases import selectors as people
from cases.decorators import person_data_required
from cases.forms import PersonSearchForm
from cases.forms_referrals import initial_from_post
from cases.permissions import get_person_for_user

from .. import selectors, services
from ..forms import ConcernForm, DecisionForm
from ..models import ConcernStatus
from ..permissions import (
    CHANGE_PERSON,
    can_decide,
    can_write,
    get_concern_for_user,
    safeguarding_teams_of,
)

STUB_LIMIT = 20


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _raise(request, form, person):
    """Call the service for a valid form; the concern, or None with the refusal on the form."""
    try:
        concern = services.raise_concern(
            person=person,
            team=form.chosen_team(),
            data=form.concern_data(),
            alleged=form.alleged_data(),
            by=request.user,
        )
    except services.DomainError as exc:
        form.add_error(None, str(exc))
        return None
    due = formats.date_format(timezone.localtime(concern.decision_due_at), "l j F Y")
    messages.success(
        request,
        f"Concern {concern.reference} was sent to {concern.team.name}. "
        f"A decision is due by the end of {due}.",
    )
    return concern


@require_http_methods(["GET", "POST"])
def concern_create(request, person_pk):
    """Raise a concern from the adult's record: anyone who works with them (not break-glass)."""
    access = get_person_for_user(
        request.user, person_pk, perm=CHANGE_PERSON, what="safeguarding concern (new)"
    )
    person = access.person
    form = ConcernForm(request.POST or None, teams=selectors.concern_team_choices(request.user))
    if request.method == "POST" and form.is_valid():
        concern = _raise(request, form, person)
        if concern is not None:
            return redirect("safeguarding:concern_detail", pk=concern.pk)
    return render(request, "safeguarding/concern_create.html", {"person": person, "form": form})


@person_data_required
@require_http_methods(["GET", "POST"])
def concern_new(request):
    """The safeguarding team's front door: find the adult in the person index, then record
    the concern. One form holds the search and the concern, so a search loses nothing typed."""
    if not safeguarding_teams_of(request.user):
        raise PermissionDenied("Concerns are raised from the person's record, or by the safeguarding team")
    teams = selectors.concern_team_choices(request.user)
    posted = request.method == "POST"
    action = request.POST.get("action", "raise") if posted else ""
    search_form = PersonSearchForm(request.POST if posted else None, prefix="find")
    stubs, searched = [], posted and search_form.is_valid()
    if searched:
        people_found = people.search_people(request.user, **search_form.cleaned_data)[:STUB_LIMIT]
        stubs = [(p, people.holding_teams(p)) for p in people_found]
    if action == "search":
        form = ConcernForm(initial=initial_from_post(ConcernForm, request.POST, teams=teams), teams=teams)
    else:
        form = ConcernForm(request.POST or None, teams=teams)
    selected_pk = _int_or_none(request.POST.get("person")) if posted else None
    if action == "raise":
        valid = form.is_valid()
        chosen = next((p for p, _ in stubs if p.pk == selected_pk), None)
        if chosen is None:
            form.add_error(None, "Search for the adult and select who the concern is about")
        elif valid:
            concern = _raise(request, form, chosen)
            if concern is not None:
                return redirect("safeguarding:concern_detail", pk=concern.pk)
    return render(
        request,
        "safeguarding/concern_new.html",
        {
            "form": form,
            "search_form": search_form,
            "stubs": stubs,
            "searched": searched,
            "selected_pk": selected_pk,
            "search_errors": posted and bool(search_form.errors),
        },
    )


def concern_detail(request, pk):
    concern, access = get_concern_for_user(request.user, pk, what="safeguarding concern")
    enquiry = selectors.enquiry_of(concern)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "person": concern.person,
            "access": access,
            "enquiry": enquiry,
            "alleged": selectors.alleged_person_for(request.user, concern, enquiry, access),
            "history": selectors.concern_history(concern),
            "abuse_types": selectors.abuse_type_labels(concern),
            "can_decide": can_write(access)
            and concern.status == ConcernStatus.AWAITING_DECISION
            and can_decide(request.user, concern),
            "time_left": selectors.time_left(concern.decision_due_at)
            if concern.status == ConcernStatus.AWAITING_DECISION
            else None,
        },
    )


def _decide(request, concern, data):
    common = {
        "concern_id": concern.pk,
        "has_care_needs": data["has_care_needs"],
        "at_risk_of_abuse": data["at_risk_of_abuse"],
        "unable_to_protect": data["unable_to_protect"],
        "reason": data["reason"],
        "by": request.user,
    }
    if data["decision"] == DecisionForm.NFA:
        services.close_concern_no_further_action(action_instead=data["action_instead"], **common)
        messages.success(request, f"Concern {concern.reference}: no further safeguarding action.")
        return redirect("safeguarding:concern_detail", pk=concern.pk)
    enquiry = services.start_enquiry(
        kind=data["decision"], sam=data["sam"], enquiry_officer=data["enquiry_officer"], **common
    )
    messages.success(
        request, f"Concern {concern.reference}: the {enquiry.get_kind_display().lower()} has started."
    )
    return redirect("safeguarding:enquiry_detail", pk=enquiry.pk)


@require_http_methods(["GET", "POST"])
def concern_decide(request, pk):
    """A SAM of the concern's team decides; a late decision is allowed and flagged."""
    concern, access = get_concern_for_user(
        request.user, pk, perm=CHANGE_PERSON, what="safeguarding concern (decide)"
    )
    if not can_decide(request.user, concern):
        raise PermissionDenied("Only a safeguarding adults manager of the team decides on a concern")
    form = DecisionForm(
        request.POST or None,
        initial={"sam": request.user.pk},
        sams=selectors.sam_choices(concern.team),
        officers=selectors.officer_choices(concern.team),
    )
    if request.method == "POST" and form.is_valid():
        try:
            return _decide(request, concern, form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "safeguarding/concern_decide.html",
        {
            "concern": concern,
            "person": concern.person,
            "form": form,
            "decided": concern.status != ConcernStatus.AWAITING_DECISION,
            "time_left": selectors.time_left(concern.decision_due_at)
            if concern.status == ConcernStatus.AWAITING_DECISION
            else None,
        },
    )
