"""Section 117 aftercare pages: the register, an entry, changing it, reviews and the joint
decision to end it (MHA 1983 s117; Code of Practice ch. 33).

Thin views: access through careact.permissions / cases.permissions (404 for strangers, one
access-log row per request), reads through careact.selectors_s117, writes through services.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Organisation
from accounts.pagination import paginate
from cases.decorators import person_data_required
from cases.permissions import get_person_for_user

from .. import selectors_carers, services
from .. import selectors_s117 as s117
from ..forms_s117 import (
    RegisterFilterForm,
    Section117ChangeForm,
    Section117EndForm,
    Section117Form,
    Section117ReviewForm,
)
from ..models import Section117Entitlement, Section117Status
from ..permissions import CHANGE_PERSON, get_record_for_user

ENTITLEMENT_RELATED = ("team", "responsible_council", "responsible_icb", "recorded_by")


@person_data_required
def s117_register(request):
    """Every entry the user may see, soonest review first. Only filter values go in the
    query string; listing is not a read of one person's record (ADR 2)."""
    teams = s117.register_teams(request.user)
    filters = RegisterFilterForm(request.GET, teams=teams)
    chosen = filters.filters()
    page_obj, querystring = paginate(
        request, s117.s117_register(request.user, **chosen), per_page=s117.REGISTER_PAGE_SIZE
    )
    today = timezone.localdate()
    rows = [(e, s117.review_state(e.review_due_on, today)) for e in page_obj.object_list]
    return render(
        request,
        "careact/s117_register.html",
        {
            "filters": filters,
            "filtered": bool(chosen["team_id"] or chosen["section"] or chosen["overdue"]),
            "status": chosen["status"],
            "page_obj": page_obj,
            "querystring": querystring,
            "rows": rows,
        },
    )


@require_http_methods(["GET", "POST"])
def s117_create(request, person_pk):
    access = get_person_for_user(request.user, person_pk, perm=CHANGE_PERSON, what="section 117 (add)")
    person = access.person
    teams = [case.team for case in selectors_carers.open_cases_in_my_teams(request.user, person)]
    councils = s117.councils()
    initial = {"review_interval_months": s117.DEFAULT_REVIEW_INTERVAL_MONTHS}
    if teams and teams[0].organisation.kind == Organisation.Kind.COUNCIL:
        initial["responsible_council"] = teams[0].organisation_id
    form = Section117Form(
        request.POST if request.method == "POST" else None,
        councils=councils,
        icbs=s117.icbs(),
        teams=teams,
        initial=initial,
    )
    if request.method == "POST" and teams and form.is_valid():
        data = form.cleaned_data
        try:
            entitlement = services.create_s117_entitlement(
                person=person,
                team=form.chosen_team(),
                section=data["section"],
                detained_on=data["detained_on"],
                discharged_on=data["discharged_on"],
                responsible_council=data["responsible_council"],
                responsible_icb=data["responsible_icb"],
                aftercare_plan=data["aftercare_plan"],
                review_interval_months=data["review_interval_months"],
                by=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The person was added to the section 117 register.")
            return redirect(entitlement)
    active = [e for e in s117.entitlements_for_person(person) if e.status == Section117Status.ACTIVE]
    return render(
        request,
        "careact/s117_form.html",
        {"person": person, "form": form, "can_record": bool(teams), "active": active[0] if active else None},
    )


def s117_detail(request, pk):
    entitlement, access = get_record_for_user(
        request.user,
        Section117Entitlement,
        pk,
        what="section 117 entitlement",
        select_related=ENTITLEMENT_RELATED,
    )
    reviews = s117.reviews_of(entitlement)
    entitlement.last_review_on = reviews[0].held_on if reviews else None
    entitlement.review_due_on = s117.s117_review_due(entitlement)
    active = entitlement.status == Section117Status.ACTIVE
    return render(
        request,
        "careact/s117_detail.html",
        {
            "entitlement": entitlement,
            "person": entitlement.person,
            "reviews": reviews,
            "transitions": s117.transitions_of(entitlement),
            "review_state": s117.review_state(entitlement.review_due_on),
            "can_write": active and not access.is_break_glass,
            "latest_says_end": active and bool(reviews) and not reviews[0].needs_continue,
        },
    )


def _active_for_change(request, pk, what):
    entitlement, _ = get_record_for_user(
        request.user,
        Section117Entitlement,
        pk,
        perm=CHANGE_PERSON,
        what=what,
        select_related=ENTITLEMENT_RELATED,
    )
    return entitlement


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_http_methods(["GET", "POST"])
def s117_edit(request, pk):
    """Change the plan, the responsible bodies or the review interval with optimistic
    locking: a stale save shows what changed, keeps this user's typing, overwrites nothing."""
    entitlement = _active_for_change(request, pk, "section 117 entitlement (change)")
    councils, icbs = s117.councils(), s117.icbs()
    form = Section117ChangeForm(
        request.POST if request.method == "POST" else None,
        councils=councils,
        icbs=icbs,
        initial=Section117ChangeForm.initial_for(entitlement),
    )
    version, stale = entitlement.version, None
    if request.method == "POST":
        version = request.POST.get("version", entitlement.version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_s117_entitlement(
                entitlement_id=entitlement.pk,
                data=data,
                expected_version=_int_or(request.POST.get("version"), -1),
                by=request.user,
                reason=data["reason"],
            )
        except services.StaleEdit as exc:
            stale, version = exc, exc.current.version
            form = Section117ChangeForm(
                councils=councils, icbs=icbs, initial={**exc.merged, "reason": data["reason"]}
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The section 117 entry was changed.")
            return redirect(entitlement)
    return render(
        request,
        "careact/s117_edit.html",
        {
            "entitlement": entitlement,
            "person": entitlement.person,
            "form": form,
            "version": version,
            "stale": stale,
        },
    )


@require_http_methods(["GET", "POST"])
def s117_review_create(request, pk):
    entitlement = _active_for_change(request, pk, "section 117 review (record)")
    form = Section117ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_s117_review(entitlement_id=entitlement.pk, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The review was recorded.")
            return redirect(entitlement)
    return render(
        request,
        "careact/s117_review_form.html",
        {"entitlement": entitlement, "person": entitlement.person, "form": form},
    )


@require_http_methods(["GET", "POST"])
def s117_end(request, pk):
    """Record the joint decision of the council and the ICB that ends aftercare."""
    entitlement = _active_for_change(request, pk, "section 117 entitlement (end)")
    form = Section117EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and entitlement.status == Section117Status.ENDED:
        form.is_valid()
        form.add_error(None, "This entitlement has already ended")
    elif request.method == "POST" and form.is_valid():
        try:
            services.end_s117_entitlement(entitlement_id=entitlement.pk, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Section 117 aftercare was ended by joint decision.")
            return redirect(entitlement)
    return render(
        request,
        "careact/s117_end.html",
        {"entitlement": entitlement, "person": entitlement.person, "form": form},
    )
