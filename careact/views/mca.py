"""Mental Capacity Act pages: capacity assessments, best-interests decisions and advocacy
referrals (MCA 2005 ss1-4, ss35-41; MHA s130A; Care Act ss67-68).

Thin views: access through careact.permissions / cases.permissions (404 for strangers, one
access-log row per request), reads through careact.selectors_mca, writes through services.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms_referrals import initial_from_post
from cases.permissions import get_person_for_user

from .. import selectors_mca as mca
from .. import services
from ..forms_mca import AdvocacyReferralForm, BestInterestsForm, CapacityAssessmentForm
from ..models import BestInterestsDecision, CapacityAssessment, CapacityOutcome
from ..permissions import CHANGE_PERSON, get_record_for_user


def _person_page(person) -> str:
    return f"{reverse('cases:person_detail', args=[person.pk])}#mental-capacity"


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _suggestion(answers: dict | None) -> dict | None:
    """The outcome the answers lead to, and why, for showing beside the form."""
    if answers is None:
        return None
    outcome = mca.suggested_capacity_outcome(**answers)
    return {"outcome": outcome, "label": CapacityOutcome(outcome).label, "why": mca.explain_outcome(answers)}


@require_http_methods(["GET", "POST"])
def capacity_create(request, person_pk):
    """Record a decision-specific assessment. "Check the suggested outcome" shows what the
    answers lead to without saving; saving refuses an outcome the answers do not support."""
    access = get_person_for_user(
        request.user, person_pk, perm=CHANGE_PERSON, what="capacity assessment (add)"
    )
    person = access.person
    checking = request.method == "POST" and request.POST.get("action") == "suggest"
    if checking:
        form = CapacityAssessmentForm(initial=initial_from_post(CapacityAssessmentForm, request.POST))
    else:
        form = CapacityAssessmentForm(request.POST if request.method == "POST" else None)
    suggestion = (
        _suggestion(CapacityAssessmentForm.answers_from(request.POST)) if request.method == "POST" else None
    )
    if request.method == "POST" and not checking and form.is_valid():
        try:
            assessment = services.record_capacity_assessment(
                person=person, by=request.user, **form.cleaned_data
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The capacity assessment was recorded.")
            return redirect("careact:capacity_detail", pk=assessment.pk)
    return render(
        request,
        "careact/capacity_form.html",
        {"person": person, "form": form, "suggestion": suggestion, "checking": checking},
    )


def capacity_detail(request, pk):
    assessment, access = get_record_for_user(
        request.user, CapacityAssessment, pk, what="capacity assessment", select_related=("assessor",)
    )
    lacks = assessment.outcome == CapacityOutcome.LACKS_CAPACITY
    return render(
        request,
        "careact/capacity_detail.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "why": mca.explain_outcome(assessment),
            "cannot": mca.cannot_do(assessment),
            "decisions": mca.decisions_following(assessment),
            "can_decide": lacks and not access.is_break_glass,
            "can_write": not access.is_break_glass,
        },
    )


@require_http_methods(["GET", "POST"])
def best_interests_create(request, pk):
    """A best-interests decision following an assessment that found the person lacks
    capacity; refused for one that found capacity (the decision is then the person's)."""
    assessment, access = get_record_for_user(
        request.user, CapacityAssessment, pk, perm=CHANGE_PERSON, what="best-interests decision (add)"
    )
    person = assessment.person
    lacks = assessment.outcome == CapacityOutcome.LACKS_CAPACITY
    form = BestInterestsForm(
        request.POST if request.method == "POST" else None, imca_referrals=mca.imca_referrals_for(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_best_interests_decision(
                capacity_assessment=assessment, by=request.user, **form.cleaned_data
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The best-interests decision was recorded.")
            return redirect("careact:capacity_detail", pk=assessment.pk)
    return render(
        request,
        "careact/best_interests_form.html",
        {"assessment": assessment, "person": person, "form": form, "lacks": lacks},
    )


def best_interests_detail(request, pk):
    record, access = get_record_for_user(
        request.user,
        BestInterestsDecision,
        pk,
        what="best-interests decision",
        select_related=("decision_maker", "capacity_assessment", "imca_referral"),
    )
    return render(request, "careact/best_interests_detail.html", {"record": record, "person": record.person})


@require_http_methods(["GET", "POST"])
def advocacy_create(request, person_pk):
    access = get_person_for_user(request.user, person_pk, perm=CHANGE_PERSON, what="advocacy referral (add)")
    person = access.person
    form = AdvocacyReferralForm(
        request.POST if request.method == "POST" else None, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_advocacy_referral(person=person, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The advocacy referral was recorded.")
            back_to = _int_or_none(request.GET.get("assessment"))
            if back_to:  # referred to an IMCA from a best-interests decision: go back to it
                return redirect("careact:best_interests_create", pk=back_to)
            return redirect(_person_page(person))
    return render(request, "careact/advocacy_form.html", {"person": person, "form": form})
