"""Carer pages: find and link a carer from the person index, add a new person as a carer,
end a link.

Thin views: access through cases.permissions (404 for strangers, one access-log row per
request), reads through careact.selectors_carers, writes through careact.services. Search
criteria travel only in POST bodies and the session, never in URLs (DESIGN.md section 11).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms import ConfirmNewPersonForm, PersonForm, PersonSearchForm
from cases.forms_referrals import initial_from_post
from cases.permissions import CHANGE_PERSON, get_person_for_user
from cases.search_session import load_criteria, save_criteria

from .. import selectors_carers as carers
from .. import services
from ..forms_carers import CarerLinkForm, EndCarerLinkForm


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _person_for_linking(request, person_pk, what):
    access = get_person_for_user(request.user, person_pk, perm=CHANGE_PERSON, what=what)
    return access.person, carers.open_cases_in_my_teams(request.user, access.person)


@require_http_methods(["GET", "POST"])
def carer_link(request, person_pk):
    """Search the person index for the carer (stubs only), choose one, say how they care.

    One page holds the search and the details, so a new search never loses what was typed;
    the chosen person must be one the search returned.
    """
    person, cases = _person_for_linking(request, person_pk, "carers (link)")
    teams = [case.team for case in cases]
    posted = request.method == "POST"
    action = request.POST.get("action", "search") if posted else ""
    search_form = PersonSearchForm(request.POST if posted else None, prefix="find")
    stubs, searched, search_key = [], False, ""
    if posted and search_form.is_valid():
        searched = True
        stubs = carers.carer_candidates(request.user, search_form.cleaned_data, exclude=person)
        search_key = save_criteria(request, search_form.cleaned_data)
    if action == "link":
        form = CarerLinkForm(request.POST, teams=teams)
    else:
        form = CarerLinkForm(initial=initial_from_post(CarerLinkForm, request.POST, teams=teams), teams=teams)
    selected_pk = _int_or_none(request.POST.get("person")) if posted else None
    choice_error = ""  # shown on the "Who is the carer?" radios, where the answer is missing
    if action == "link" and cases:
        valid = form.is_valid()
        chosen = next((p for p, _ in stubs if p.pk == selected_pk), None)
        if chosen is None:
            choice_error = "Search for the carer and select them from the results"
        if valid and chosen is not None:
            try:
                services.link_carer(cared_for=person, carer=chosen, by=request.user, **form.link_data())
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{chosen.display_name} was linked as a carer.")
                return redirect(f"{reverse('cases:person_detail', args=[person.pk])}#carers")
    return render(
        request,
        "careact/carer_link.html",
        {
            "person": person,
            "can_link": bool(cases),
            "search_form": search_form,
            "form": form,
            "stubs": stubs,
            "searched": searched,
            "search_key": search_key,
            "selected_pk": selected_pk,
            "error_forms": [search_form, form],
            "choice_error": choice_error,
            "has_errors": bool(search_form.errors or form.errors or choice_error),
        },
    )


def _initial_from_search(request) -> dict:
    """A new carer starts from what was searched for (criteria kept in the session)."""
    criteria = load_criteria(request, request.GET.get("q")) or {}
    initial = {f: criteria[f] for f in ("nhs_number", "postcode", "date_of_birth") if criteria.get(f)}
    given, _, family = criteria.get("name", "").rpartition(" ")
    if family:
        initial.update(given_name=given or family, family_name=family if given else "")
    return initial


@require_http_methods(["GET", "POST"])
def carer_add(request, person_pk):
    """Add the carer to the person index and link them, after the duplicate check the
    person index uses (same NHS number, or a similar name with the same date of birth)."""
    person, cases = _person_for_linking(request, person_pk, "carers (add a new person)")
    teams = [case.team for case in cases]
    posted = request.method == "POST"
    person_form = PersonForm(
        request.POST if request.method == "POST" else None,
        initial=_initial_from_search(request),
        user=request.user,
    )
    form = CarerLinkForm(request.POST if request.method == "POST" else None, teams=teams)
    confirming = posted and "duplicates_shown" in request.POST
    confirm_form = ConfirmNewPersonForm(request.POST if confirming else None)
    duplicates = []
    if posted and cases:
        person_valid, link_valid = person_form.is_valid(), form.is_valid()
        if person_valid:
            duplicates = carers.likely_duplicate_carers(
                request.user, person_form.cleaned_data, exclude=person
            )
        if person_valid and link_valid and (not duplicates or confirm_form.is_valid()):
            try:
                link = services.add_and_link_carer(
                    cared_for=person,
                    person_data=person_form.cleaned_data,
                    by=request.user,
                    **form.link_data(),
                )
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{link.carer.display_name} was added and linked as a carer.")
                return redirect(f"{reverse('cases:person_detail', args=[person.pk])}#carers")
    return render(
        request,
        "careact/carer_add.html",
        {
            "person": person,
            "can_link": bool(cases),
            "person_form": person_form,
            "form": form,
            "confirm_form": confirm_form if duplicates else None,
            "duplicates": duplicates,
            "error_forms": [person_form, form, confirm_form if duplicates else None],
            "has_errors": bool(person_form.errors or form.errors or (duplicates and confirm_form.errors)),
        },
    )


@require_http_methods(["GET", "POST"])
def carer_end(request, pk):
    link, access = carers.carer_link_for_user(
        request.user, pk, perm=CHANGE_PERSON, what="carers (end a link)"
    )
    person = access.person
    form = EndCarerLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and link.ended_on is not None:
        form.is_valid()
        form.add_error(None, "This carer link has already ended")
    elif request.method == "POST" and form.is_valid():
        try:
            services.end_carer_link(link_id=link.pk, by=request.user, reason=form.cleaned_data["reason"])
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{link.carer.display_name} is no longer recorded as a carer.")
            return redirect(f"{reverse('cases:person_detail', args=[person.pk])}#carers")
    return render(request, "careact/carer_end.html", {"person": person, "link": link, "form": form})
