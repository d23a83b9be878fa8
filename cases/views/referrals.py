"""Referral pages: the staff referral form, team triage queues, a referral with its triage
decision, and matching a public referral to a person.

Thin views: access through cases.permissions, reads through selectors, writes through services.
Person search criteria travel only in POST bodies, never in URLs (DESIGN.md section 11).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate
from accounts.selectors import has_role_in_team, team_members

from .. import selectors, services
from .. import selectors_referrals as queue
from ..decorators import person_data_required
from ..forms import PersonSearchForm
from ..forms_referrals import DecisionForm, QueueFilterForm, ReferralForm, initial_from_post
from ..models import ReferralStatus
from ..permissions import TRIAGE_ROLES, get_person_for_user, get_referral_for_user

# Checking whether the person is already known is business support's daily work (BRIEF).
MATCHING_ROLES = (*TRIAGE_ROLES, "business_support")

STUB_LIMIT = 20
QUEUE_PAGE_SIZE = 25


def _search_stubs(user, search_form) -> list:
    """Stubs for the criteria of a valid search form (re-run on every post, so a chosen
    person is always one the search returned)."""
    people = selectors.search_people(user, **search_form.cleaned_data)[:STUB_LIMIT]
    return [(person, selectors.holding_teams(person)) for person in people]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@person_data_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    """Find the person (or come from their record), then take the referral.

    One form holds the search and the referral, so a search never loses what was typed.
    """
    chosen, known_to, stubs, searched = None, [], [], False
    person_pk = request.GET.get("person")
    if person_pk:
        if _int_or_none(person_pk) is None:
            raise Http404("No such person")
        access = get_person_for_user(request.user, person_pk, what="referral (new)")
        if access.is_break_glass:
            raise Http404("Emergency access is read-only")  # a referral would grant a team access
        chosen = access.person
        known_to = queue.holding_teams_of(chosen)

    posted = request.method == "POST"
    action = request.POST.get("action", "refer") if posted else ""
    search_form = PersonSearchForm(request.POST if posted and not chosen else None, prefix="find")
    if posted and not chosen:
        searched = search_form.is_valid()
        if searched:
            stubs = _search_stubs(request.user, search_form)

    if action == "search":
        form = ReferralForm(initial=initial_from_post(ReferralForm, request.POST))
    else:
        form = ReferralForm(request.POST or None)

    selected_pk = _int_or_none(request.POST.get("person")) if posted else None
    if action == "refer":
        valid = form.is_valid()
        if not chosen:
            chosen = next((p for p, _ in stubs if p.pk == selected_pk), None)
            if chosen is None:
                form.add_error(None, "Search for the person and select who the referral is about")
        if valid and chosen is not None:
            try:
                referral = services.receive_referral(
                    team=form.cleaned_data["team"],
                    person=chosen,
                    data=form.referral_data(),
                    by=request.user,
                )
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("referrals:created", pk=referral.pk)

    return render(
        request,
        "cases/referral_create.html",
        {
            "form": form,
            "search_form": search_form,
            "chosen": chosen if person_pk else None,
            "known_to": known_to,
            "stubs": stubs,
            "searched": searched,
            "selected_pk": selected_pk,
            "search_errors": posted and bool(search_form.errors),
        },
    )


@person_data_required
def referral_created(request, pk):
    """The reference of a referral this user just took. Shows no person data, so it is not
    a read of the person's record; the receiving team may be one the user is not in."""
    referral = queue.referral_taken_by(request.user, pk)
    if referral is None:
        raise Http404("No such referral")
    in_team = referral.team_id in {t.pk for t in queue.queue_teams_for(request.user)}
    return render(request, "cases/referral_created.html", {"referral": referral, "in_team": in_team})


@person_data_required
def triage_queue(request):
    teams = queue.queue_teams_for(request.user)
    if not teams:
        raise Http404("No queue")
    wanted = _int_or_none(request.GET.get("team"))
    team = next((t for t in teams if t.pk == wanted), None) or queue.default_queue_team(request.user, teams)
    data = request.GET.copy()
    data["team"] = str(team.pk)
    filters = QueueFilterForm(data, teams=teams)
    filters.is_valid()
    thresholds = queue.thresholds_for(team)
    referrals = queue.triage_queue(
        team,
        urgency=filters.cleaned_data.get("urgency", ""),
        source=filters.cleaned_data.get("source", ""),
        band=filters.cleaned_data.get("band", ""),
        thresholds=thresholds,
    )
    page_obj, querystring = paginate(request, referrals, per_page=QUEUE_PAGE_SIZE)
    queue.annotate_waits(page_obj.object_list, thresholds)
    return render(
        request,
        "cases/referral_queue.html",
        {
            "team": team,
            "teams": teams,
            "filters": filters,
            "filtered": any(filters.cleaned_data.get(f) for f in ("urgency", "source", "band")),
            "thresholds": thresholds,
            "counts": queue.urgency_counts(team),
            "page_obj": page_obj,
            "querystring": querystring,
            "can_triage": has_role_in_team(request.user, team, *TRIAGE_ROLES),
        },
    )


def _decide(request, referral, data) -> None:
    """Call the service for the decision; a refused one raises services.DomainError."""
    decision, reason = data["decision"], data["reason"].strip()
    common = {"referral_id": referral.pk, "by": request.user}
    if decision == DecisionForm.ALLOCATE:
        services.allocate_referral(worker=data["worker"], reason=reason, **common)
    elif decision == DecisionForm.SIGNPOST:
        services.signpost_referral(advice=data["advice"], reason=reason, **common)
    elif decision == DecisionForm.CLINICAL:
        services.pass_to_clinical_pathway(reason=reason, **common)
    elif decision == DecisionForm.TRANSFER:
        services.transfer_referral(to_team=data["to_team"], reason=reason, **common)
    else:
        services.close_referral_no_further_action(reason=reason, **common)


DECIDED_MESSAGES = {
    DecisionForm.ALLOCATE: "Referral {ref} was allocated.",
    DecisionForm.SIGNPOST: "Referral {ref} was signposted.",
    DecisionForm.CLINICAL: "Referral {ref} was passed to the trust's clinical pathway.",
    DecisionForm.TRANSFER: "Referral {ref} was transferred.",
    DecisionForm.NFA: "Referral {ref} was closed with no further action.",
}


@require_http_methods(["GET", "POST"])
def referral_detail(request, pk):
    referral = get_referral_for_user(request.user, pk, what="referral")
    can_triage = has_role_in_team(request.user, referral.team, *TRIAGE_ROLES)
    form = None
    if can_triage:
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            workers=team_members(referral.team),
            teams=queue.teams_for_transfer(referral),
        )
    if request.method == "POST":
        if not can_triage:
            raise PermissionDenied("Only team managers and senior practitioners triage referrals")
        if form.is_valid():
            try:
                _decide(request, referral, form.cleaned_data)
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                message = DECIDED_MESSAGES[form.cleaned_data["decision"]]
                messages.success(request, message.format(ref=referral.reference))
                return redirect(f"{reverse('referrals:queue')}?team={referral.team_id}")
    waiting = referral.status == ReferralStatus.AWAITING_TRIAGE
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "history": queue.referral_history(referral),
            "form": form,
            "show_form": form is not None and waiting,
            "can_match": has_role_in_team(request.user, referral.team, *MATCHING_ROLES)
            and waiting
            and not referral.is_verified,
            "waiting": waiting,
            "outcome_case": getattr(referral, "case", None)
            if referral.status == ReferralStatus.ALLOCATED
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def referral_match(request, pk):
    """Match an unverified public referral to a person in the index: search, pick, confirm."""
    referral = get_referral_for_user(request.user, pk, what="referral (match to a person)")
    if not has_role_in_team(request.user, referral.team, *MATCHING_ROLES):
        raise PermissionDenied("Only business support, senior practitioners and managers match referrals")
    if referral.is_verified:
        return redirect("referrals:detail", pk=referral.pk)
    search_form = PersonSearchForm(request.POST or None, prefix="find")
    stubs, error = [], None
    if request.method == "POST" and search_form.is_valid():
        stubs = _search_stubs(request.user, search_form)
        if request.POST.get("action") == "match":
            selected_pk = _int_or_none(request.POST.get("person"))
            person = next((p for p, _ in stubs if p.pk == selected_pk), None)
            if person is None:
                error = "Select the person this referral is about"
            else:
                try:
                    services.verify_referral(referral_id=referral.pk, person=person, by=request.user)
                except services.DomainError as exc:
                    error = str(exc)
                else:
                    messages.success(request, f"Referral {referral.reference} was matched to a person.")
                    return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "cases/referral_match.html",
        {
            "referral": referral,
            "search_form": search_form,
            "stubs": stubs,
            "searched": request.method == "POST" and search_form.is_valid(),
            "error": error,
        },
    )
