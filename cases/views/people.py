"""Person index pages: search, add, view, edit, contacts, break-glass.

Thin views: access through cases.permissions, reads through selectors, writes through services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import TEAM_LEAD_ROLES
from accounts.pagination import paginate
from accounts.selectors import current_teams, has_role

from .. import selectors, services
from ..decorators import person_data_required
from ..forms import (
    BreakGlassForm,
    ConfirmNewPersonForm,
    ContactForm,
    PersonForm,
    PersonSearchForm,
    RestrictionForm,
)
from ..panels import person_panels_for
from ..permissions import (
    CHANGE_PERSON,
    get_person_for_break_glass,
    get_person_for_user,
    live_break_glass,
)
from ..search_session import load_criteria, remember_stubs_shown, save_criteria, stub_was_shown

SEARCH_PAGE_SIZE = 20
RESTRICTING_ROLES = TEAM_LEAD_ROLES


@person_data_required
@require_http_methods(["GET", "POST"])
def person_search(request):
    """Search by POST; the results page is a GET that names the search only by a session key,
    so no person's details appear in a URL."""
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            key = save_criteria(request, form.cleaned_data)
            return redirect(f"{reverse('cases:person_search')}?q={key}")
        return render(request, "cases/person_search.html", {"form": form})
    criteria = load_criteria(request, request.GET.get("q"))
    if criteria is None:
        return render(request, "cases/person_search.html", {"form": PersonSearchForm()})
    results = selectors.search_people(request.user, **criteria)
    page_obj, querystring = paginate(request, results, per_page=SEARCH_PAGE_SIZE)
    remember_stubs_shown(request, page_obj.object_list)
    return render(
        request,
        "cases/person_search.html",
        {
            "form": PersonSearchForm(initial=criteria),
            "searched": True,
            "search_key": request.GET["q"],
            "page_obj": page_obj,
            "querystring": querystring,
            "stubs": [(p, selectors.holding_teams(p)) for p in page_obj.object_list],
        },
    )


def _initial_from_search(request) -> dict:
    """Start a new person from what was searched for (criteria from the session)."""
    criteria = load_criteria(request, request.GET.get("q")) or {}
    initial = {f: criteria[f] for f in ("nhs_number", "postcode", "date_of_birth") if criteria.get(f)}
    name = criteria.get("name", "")
    if name:
        given, _, family = name.rpartition(" ")
        initial.update(given_name=given or family, family_name=family if given else "")
    return initial


@person_data_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    """Add a person, but first show anyone who looks like a duplicate (same NHS number, or a
    similar name with the same date of birth)."""
    form = PersonForm(request.POST or None, initial=_initial_from_search(request), user=request.user)
    # The confirmation is asked for only once the possible duplicates have been shown.
    confirming = request.method == "POST" and "duplicates_shown" in request.POST
    confirm_form = ConfirmNewPersonForm(request.POST if confirming else None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.likely_duplicates(
            user=request.user,
            nhs_number=data["nhs_number"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )
        remember_stubs_shown(request, duplicates)
        if not duplicates or confirm_form.is_valid():
            teams = current_teams(request.user)
            try:
                person = services.create_person(data=data, by=request.user, team=teams[0] if teams else None)
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{person.display_name} was added to the person index.")
                return redirect(person)
    return render(
        request,
        "cases/person_create.html",
        {
            "form": form,
            "confirm_form": confirm_form if duplicates else None,
            "duplicates": [(p, selectors.holding_teams(p)) for p in duplicates],
        },
    )


def person_detail(request, pk):
    access = get_person_for_user(request.user, pk, what="person record")
    person = access.person
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "access": access,
            "contacts": selectors.contacts_for(person),
            "relationships": selectors.active_relationships_for(person),
            "break_glass": live_break_glass(request.user, person.pk) if access.is_break_glass else None,
            "panels": person_panels_for(request, person=person, access=access),
            "can_restrict": has_role(request.user, *RESTRICTING_ROLES),
        },
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    """Edit demographics with optimistic locking. A stale save overwrites nothing: the form
    comes back with the other person's changes taken in, this user's own changes kept, and
    any detail both changed marked for a decision."""
    access = get_person_for_user(request.user, pk, perm=CHANGE_PERSON, what="person record (edit)")
    person = access.person
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    version, stale = person.version, None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person_id=person.pk,
                data=form.cleaned_data,
                expected_version=_int_or(request.POST.get("version"), -1),
                by=request.user,
            )
        except services.StaleEdit as exc:
            stale, version = exc, exc.current.version
            form = PersonForm(instance=exc.current, initial=exc.merged, user=request.user)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
            version = request.POST.get("version", person.version)
        else:
            messages.success(request, "The person's details were saved.")
            return redirect(person)
    elif request.method == "POST":
        version = request.POST.get("version", person.version)
    return render(
        request,
        "cases/person_edit.html",
        {"person": person, "form": form, "version": version, "stale": stale},
    )


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def person_history(request, pk):
    """Who changed this person's details, when and why (django-simple-history)."""
    access = get_person_for_user(request.user, pk, what="person record (history)")
    return render(
        request,
        "cases/person_history.html",
        {"person": access.person, "changes": selectors.person_change_history(access.person)},
    )


@require_http_methods(["GET", "POST"])
def contact_add(request, pk):
    access = get_person_for_user(request.user, pk, perm=CHANGE_PERSON, what="contacts (add)")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_contact(person=access.person, data=form.cleaned_data, by=request.user)
        messages.success(request, "The contact was added.")
        return redirect(access.person)
    return render(request, "cases/contact_form.html", {"person": access.person, "form": form})


@require_http_methods(["GET", "POST"])
def person_restriction(request, pk):
    """Team managers restrict a record or lift the restriction, with a reason."""
    access = get_person_for_user(request.user, pk, perm=CHANGE_PERSON, what="person record (restriction)")
    if not has_role(request.user, *RESTRICTING_ROLES):
        raise PermissionDenied("Only team managers and senior practitioners restrict records")
    person = access.person
    form = RestrictionForm(
        request.POST or None, initial={"restricted": "yes" if person.is_restricted else "no"}
    )
    if request.method == "POST" and form.is_valid():
        services.set_restricted(
            person_id=person.pk,
            restricted=form.cleaned_data["restricted"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, "The record's restriction was saved.")
        return redirect(person)
    return render(request, "cases/person_restriction.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk, contact_id):
    access = get_person_for_user(request.user, pk, perm=CHANGE_PERSON, what="contacts (change)")
    contact = selectors.contact_of(access.person, contact_id)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.save_contact(contact=contact, data=form.cleaned_data, by=request.user)
        messages.success(request, "The contact was changed.")
        return redirect(access.person)
    return render(
        request, "cases/contact_form.html", {"person": access.person, "form": form, "contact": contact}
    )


@require_http_methods(["GET", "POST"])
def contact_remove(request, pk, contact_id):
    access = get_person_for_user(request.user, pk, perm=CHANGE_PERSON, what="contacts (remove)")
    contact = selectors.contact_of(access.person, contact_id)
    if request.method == "POST":
        services.remove_contact(contact=contact, by=request.user)
        messages.success(request, f"{contact.name} was removed from the contacts.")
        return redirect(access.person)
    return render(request, "cases/contact_remove.html", {"person": access.person, "contact": contact})


@person_data_required
@require_http_methods(["GET", "POST"])
def break_glass(request, pk):
    """Emergency access to a record without a relationship: reason, 60 minutes, reviewed.

    Reached only from a stub this session was shown (search or duplicate check); shows only
    that stub until a reason is given; restricted people answer 404.
    """
    if not stub_was_shown(request, pk):
        raise Http404("No such person")
    person = get_person_for_break_glass(request.user, pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_break_glass(
                user=request.user, person_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except services.DomainError as exc:
            form.add_error("reason", str(exc))
        else:
            return redirect(person)
    return render(request, "cases/person_break_glass.html", {"person": person, "form": form})
