"""Mental Health Act assessment requests: the live board, taking a request, its page, the
extension, allocation, withdrawal, the assessment and a section 4 conversion.

Thin views: access through cases.permissions (via amhp.selectors_requests, 404 for strangers,
one access-log row per request), reads through selectors, writes through amhp.services. Person
search criteria travel only in POST bodies, never in URLs (DESIGN.md section 11).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate
from cases import selectors as people
from cases import services as case_services
from cases.decorators import person_data_required
from cases.forms import ConfirmNewPersonForm, PersonForm, PersonSearchForm
from cases.forms_referrals import initial_from_post
from cases.permissions import CHANGE_PERSON, get_person_for_user
from cases.search_session import remember_stubs_shown

from .. import rules, services
from .. import selectors_requests as requests_
from ..forms_requests import (
    AllocateForm,
    AssessmentForm,
    ConvertS4Form,
    DelayFormSet,
    ExtensionForm,
    ReasonForm,
    RecommendationFormSet,
    RequestForm,
    filled_rows,
)
from ..models import DelayCause, Outcome, RequestStatus

BOARD_PAGE_SIZE = 50
BOARD_REFRESH_SECONDS = 60
# Every poll counts as activity for the idle timeout, so an unattended board would keep a
# session open for ever: after this many polls without a page load the refresh pauses.
BOARD_MAX_POLLS = 15
STUB_LIMIT = 20


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- The live board ---------------------------------------------------------------------------


@person_data_required
def board(request):
    """Open and allocated requests, most urgent first, refreshed every minute with htmx (a
    refresh link without JavaScript)."""
    if not requests_.uses_board(request.user):
        raise PermissionDenied("The live board is for the AMHP service")
    polls = _int_or_none(request.GET.get("polls")) or 0
    page_obj, querystring = paginate(request, requests_.live_requests(request.user), per_page=BOARD_PAGE_SIZE)
    # A page link is a person's click: it starts the count of polls again.
    querystring = "&".join(p for p in querystring.split("&") if p and not p.startswith("polls="))
    context = {
        "rows": requests_.board_rows(page_obj.object_list),
        "page_obj": page_obj,
        "querystring": querystring,
        "now": timezone.now(),
        "polling": polls < BOARD_MAX_POLLS,
        "next_polls": polls + 1,
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "page": page_obj.number,
        "can_take_requests": bool(requests_.amhp_teams(request.user)),
    }
    template = "amhp/board_table.html" if request.htmx else "amhp/board.html"
    return render(request, template, context)


# --- Taking a request ---------------------------------------------------------------------------


def _chosen_person(request):
    """A person named by id (from their record, or just added here), whom the user may change."""
    pk = request.GET.get("person") or request.POST.get("chosen_person")
    if not pk:
        return None
    if _int_or_none(pk) is None:
        raise Http404("No such person")
    return get_person_for_user(
        request.user, pk, perm=CHANGE_PERSON, what="MHA assessment request (new)"
    ).person


def _team_for_new_person(request, teams):
    wanted = _int_or_none(request.POST.get("team"))
    return next((team for team in teams if team.pk == wanted), teams[0])


def _find_person(request, *, action: str):
    """The stub search, run again on every post so a picked person is always one it found."""
    if action == "add_person":
        typed = initial_from_post(PersonSearchForm, request.POST, prefix="find")
        return PersonSearchForm(initial=typed, prefix="find"), [], False
    search_form = PersonSearchForm(request.POST, prefix="find")
    if not search_form.is_valid():
        return search_form, [], False
    found = people.search_people(request.user, **search_form.cleaned_data)[:STUB_LIMIT]
    remember_stubs_shown(request, found)
    return search_form, [(person, people.holding_teams(person)) for person in found], True


def _add_person(request, teams):
    """Add someone to the person index once the possible duplicates have been shown and
    dismissed (as cases.views.people.person_create does). Returns the forms, the duplicates
    to show and the new person (None until added)."""
    new_form = PersonForm(request.POST, prefix="new", user=request.user)
    confirming = "new-duplicates_shown" in request.POST
    confirm_form = ConfirmNewPersonForm(request.POST if confirming else None, prefix="new")
    if not new_form.is_valid():
        return new_form, confirm_form, [], None
    data = new_form.cleaned_data
    duplicates = people.likely_duplicates(
        user=request.user,
        nhs_number=data["nhs_number"],
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data["date_of_birth"],
    )
    remember_stubs_shown(request, duplicates)
    if duplicates and not confirm_form.is_valid():
        return new_form, confirm_form, duplicates, None
    try:
        person = case_services.create_person(
            data=data, by=request.user, team=_team_for_new_person(request, teams)
        )
    except case_services.DomainError as exc:
        new_form.add_error(None, str(exc))
        return new_form, confirm_form, duplicates, None
    return new_form, confirm_form, [], person


@person_data_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    """Find the person (or add them, after the duplicate check), then take the request.

    One form holds the search, the new person and the request, so nothing typed is lost:
    the parts not being submitted are shown again as typed, without errors.
    """
    teams = requests_.amhp_teams(request.user)
    if not teams:
        raise PermissionDenied("Only the AMHP service takes requests for a Mental Health Act assessment")
    posted = request.method == "POST"
    action = request.POST.get("action", "request") if posted else ""
    chosen = _chosen_person(request)
    search_form, stubs, searched = PersonSearchForm(prefix="find"), [], False
    new_form, confirm_form, duplicates = PersonForm(prefix="new", user=request.user), None, []
    if posted and not chosen:
        search_form, stubs, searched = _find_person(request, action=action)
        if action == "add_person":
            new_form, confirm_form, duplicates, chosen = _add_person(request, teams)
        else:
            new_form = PersonForm(
                initial=initial_from_post(PersonForm, request.POST, prefix="new"), prefix="new"
            )

    if action in ("search", "add_person"):
        form = RequestForm(teams=teams, initial=initial_from_post(RequestForm, request.POST, teams=teams))
    else:
        form = RequestForm(request.POST or None, teams=teams)
    selected_pk = _int_or_none(request.POST.get("person")) if posted else None
    if action == "request":
        valid = form.is_valid()
        chosen = chosen or next((p for p, _ in stubs if p.pk == selected_pk), None)
        if chosen is None:
            form.add_error(None, "Search for the person and select who the request is about, or add them")
        if valid and chosen is not None:
            try:
                mha = services.receive_request(
                    team=form.cleaned_data["team"], person=chosen, data=form.request_data(), by=request.user
                )
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Request {mha.reference} was received.")
                return redirect("amhp:request_detail", pk=mha.pk)

    return render(
        request,
        "amhp/request_create.html",
        {
            "form": form,
            "search_form": search_form,
            "new_form": new_form,
            "confirm_form": confirm_form if duplicates else None,
            "duplicates": [(p, people.holding_teams(p)) for p in duplicates],
            "adding": action == "add_person" and not chosen,
            "chosen": chosen,
            "known_to": requests_.teams_holding(chosen) if chosen else [],
            "stubs": stubs,
            "searched": searched,
            "selected_pk": selected_pk,
            "search_errors": posted and bool(search_form.errors),
        },
    )


# --- One request -------------------------------------------------------------------------------


def request_detail(request, pk):
    mha, access = requests_.get_request_for_user(request.user, pk, what="MHA assessment request")
    live = mha.status in requests_.LIVE_STATUSES
    works = live and not access.is_break_glass and requests_.works_on(request.user, mha)
    assessment = requests_.assessment_for(mha) if mha.status == RequestStatus.ASSESSED else None
    now = timezone.now()
    pos_deadline = rules.place_of_safety_deadline(mha)
    s4_deadline = rules.s4_deadline(assessment) if assessment else None
    return render(
        request,
        "amhp/request_detail.html",
        {
            "mha": mha,
            "person": mha.person,
            "access": access,
            "assessment": assessment,
            "rules": rules.rules_on(mha.received_at),
            "pos_deadline": pos_deadline,
            "pos_clock": requests_.Clock(pos_deadline, now) if pos_deadline and live else None,
            "s4_deadline": s4_deadline,
            "s4_clock": requests_.Clock(s4_deadline, now)
            if assessment and rules.s4_clock_running(assessment)
            else None,
            "history": requests_.request_history(mha),
            "can_extend": works
            and pos_deadline is not None
            and not mha.extension_hours
            and now < pos_deadline,
            "can_allocate": live
            and not access.is_break_glass
            and requests_.is_amhp_in_team(request.user, mha),
            "can_withdraw": works,
            "can_record": works
            and mha.status == RequestStatus.ALLOCATED
            and mha.allocated_amhp_id == request.user.pk,
            "can_convert": s4_deadline is not None
            and rules.s4_clock_running(assessment)
            and not access.is_break_glass
            and requests_.works_on(request.user, mha),
        },
    )


def _request_for_change(request, pk, what: str, *, allowed, refusal: str):
    mha, _ = requests_.get_request_for_user(request.user, pk, perm=CHANGE_PERSON, what=what)
    if not allowed(request.user, mha):
        raise PermissionDenied(refusal)
    return mha


def _step(request, *, mha, form, template, do, success, extra=None):
    """Run a step's service on a valid POST; a refusal shows as a form error."""
    if request.method == "POST" and form.is_valid():
        try:
            do(form.cleaned_data)
        except services.DomainError as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
        else:
            messages.success(request, success)
            return redirect("amhp:request_detail", pk=mha.pk)
    return render(request, template, {"mha": mha, "person": mha.person, "form": form, **(extra or {})})


@require_http_methods(["GET", "POST"])
def request_extend(request, pk):
    mha = _request_for_change(
        request,
        pk,
        "MHA assessment request (extend)",
        allowed=requests_.works_on,
        refusal="Only the AMHP service can record an extension",
    )
    return _step(
        request,
        mha=mha,
        form=ExtensionForm(request.POST or None),
        template="amhp/request_extend.html",
        do=lambda data: services.extend_place_of_safety(
            request_id=mha.pk,
            hours=data["hours"],
            authorised_by=data["authorised_by"],
            reason=data["reason"],
            by=request.user,
        ),
        success="The place of safety period was extended.",
        extra={"deadline": rules.place_of_safety_deadline(mha), "rules": rules.rules_on(mha.received_at)},
    )


@require_http_methods(["GET", "POST"])
def request_allocate(request, pk):
    mha = _request_for_change(
        request,
        pk,
        "MHA assessment request (allocate)",
        allowed=requests_.is_amhp_in_team,
        refusal="Only the team's AMHPs and lead allocate requests",
    )
    reallocating = mha.allocated_amhp_id is not None
    choices = requests_.allocation_choices(mha)
    form = AllocateForm(
        request.POST or None,
        choices=choices,
        reallocating=reallocating,
        initial={"expected": mha.allocated_amhp_id or ""},
    )
    amhps = {choice.user.pk: choice.user for choice in choices}

    def allocate(data):
        services.allocate_request(
            request_id=mha.pk,
            amhp=amhps[data["amhp"]],
            by=request.user,
            reason=data["reason"],
            expected_amhp_id=_int_or_none(data["expected"]),
        )

    return _step(
        request,
        mha=mha,
        form=form,
        template="amhp/request_allocate.html",
        do=allocate,
        success="The request was reallocated." if reallocating else "The request was allocated.",
        extra={"reallocating": reallocating},
    )


@require_http_methods(["GET", "POST"])
def request_withdraw(request, pk):
    mha = _request_for_change(
        request,
        pk,
        "MHA assessment request (withdraw)",
        allowed=requests_.works_on,
        refusal="Only the AMHP service can withdraw a request",
    )
    form = ReasonForm(
        request.POST or None,
        label="Why is the request being withdrawn?",
        required_message="Enter why the request is being withdrawn",
    )
    return _step(
        request,
        mha=mha,
        form=form,
        template="amhp/request_withdraw.html",
        do=lambda data: services.withdraw_request(request_id=mha.pk, reason=data["reason"], by=request.user),
        success=f"Request {mha.reference} was withdrawn.",
    )


# --- The assessment ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment_record(request, pk):
    """The allocated AMHP records the assessment with the doctors, the nearest relative, the
    outcome and any delays; the service checks the application against the Act."""
    mha = _request_for_change(
        request,
        pk,
        "MHA assessment (record)",
        allowed=lambda user, mha: mha.allocated_amhp_id == user.pk,
        refusal="Only the allocated AMHP records the assessment",
    )
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data)
    doctors = RecommendationFormSet(data, prefix="doctors")
    delays = DelayFormSet(data, prefix="delays")
    if request.method == "POST" and all([form.is_valid(), doctors.is_valid(), delays.is_valid()]):
        try:
            services.record_assessment(
                request_id=mha.pk,
                data=form.assessment_data(),
                recommendations=filled_rows(doctors),
                delays=filled_rows(delays),
                by=request.user,
            )
        except services.DomainError as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
        else:
            messages.success(request, f"The assessment for request {mha.reference} was recorded.")
            return redirect("amhp:request_detail", pk=mha.pk)
    has_errors = bool(form.errors or doctors.total_error_count() or delays.total_error_count())
    return render(
        request,
        "amhp/assessment_record.html",
        {
            "mha": mha,
            "person": mha.person,
            "form": form,
            "doctors": doctors,
            "delays": delays,
            "has_errors": has_errors if request.method == "POST" else False,
            "role": form.role,
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_convert_s4(request, pk):
    """Record the second medical recommendation that converts a section 4 to a section 2."""
    mha = _request_for_change(
        request,
        pk,
        "MHA assessment (convert section 4)",
        allowed=requests_.works_on,
        refusal="Only the AMHP service records a second recommendation",
    )
    assessment = requests_.assessment_for(mha)
    if assessment is None or rules.s4_deadline(assessment) is None:
        raise Http404("No section 4 to convert")
    form = ConvertS4Form(request.POST or None)
    return _step(
        request,
        mha=mha,
        form=form,
        template="amhp/assessment_convert_s4.html",
        do=lambda data: services.convert_s4(
            request_id=mha.pk,
            recommendation=form.recommendation(),
            received_at=data["received_at"],
            by=request.user,
        ),
        success="The section 4 was converted to section 2.",
        extra={"assessment": assessment, "deadline": rules.s4_deadline(assessment)},
    )


# --- Reporting ----------------------------------------------------------------------------------


def reporting(request):
    """The AMHP lead's monthly figures for the last 12 months (aggregates only)."""
    from .. import selectors_reporting as figures

    teams = requests_.led_amhp_teams(request.user)
    if not teams:
        raise PermissionDenied("The AMHP figures are for the AMHP lead")
    wanted = _int_or_none(request.GET.get("team"))
    team = next((t for t in teams if t.pk == wanted), teams[0])
    months = figures.monthly_figures(team)
    workforce = figures.add_workforce(months, team=team, user=request.user)
    return render(
        request,
        "amhp/reporting.html",
        {
            "teams": teams,
            "team": team,
            "months": months,
            "totals": figures.totals(months),
            "workforce": workforce,
            "outcomes": Outcome.choices,
            "causes": DelayCause.choices,
        },
    )
