"""The outcome step's risk questions, as the Safeguarding Adults Collection counts them (SG2c,
SG2e): what the risk assessment found, whether action was taken, and what happened to the
risk only where one was identified. The service's rules, closure, the database's guard, and
the step page."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from safeguarding import services
from safeguarding.models import Enquiry, RiskAssessmentResult
from safeguarding.services.enquiries import missing_elements
from tests.safeguarding.test_services import ALLEGED, close, complete, raise_for, record, start

pytestmark = pytest.mark.django_db

BEFORE_OUTCOME = ("strategy", "msp", "findings", "plan", "review")


@pytest.fixture
def enquiry(person, safeguarding_team, practitioner, sam, enquiry_officer):
    concern = raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)
    return complete(start(concern, sam, enquiry_officer), enquiry_officer, steps=BEFORE_OUTCOME)


def answers(found, action, risk, achieved="partially"):
    return {
        "risk_assessment_result": found,
        "action_taken": action,
        "risk_outcome": risk,
        "outcomes_achieved": achieved,
    }


# --- The service's rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("found", "action", "risk", "saved"),
    [
        ("identified", True, "reduced", ("identified", True, "reduced")),
        ("identified", False, "remains", ("identified", False, "remains")),
        ("inconclusive", True, "", ("inconclusive", True, "")),
        ("inconclusive", False, None, ("inconclusive", False, "")),
        ("not_identified", True, "", ("not_identified", True, "")),
        ("not_identified", False, "", ("not_identified", False, "")),
        # Ceased at the adult's request: no action taken, whether answered No or left blank.
        ("ceased", None, "", ("ceased", False, "")),
        ("ceased", False, "", ("ceased", False, "")),
    ],
)
def test_each_national_category_is_saved(enquiry, enquiry_officer, found, action, risk, saved):
    enquiry = record(enquiry, "outcome", enquiry_officer, **answers(found, action, risk))
    assert (enquiry.risk_assessment_result, enquiry.action_taken, enquiry.risk_outcome) == saved
    assert enquiry.outcomes_achieved == "partially"  # the adult expressed outcomes


@pytest.mark.parametrize(
    ("found", "action", "risk", "message"),
    [
        ("", True, "reduced", "Select what the risk assessment found"),
        ("somewhere", True, "reduced", "Select what the risk assessment found"),
        ("identified", None, "reduced", "Select whether action was taken"),
        ("not_identified", None, "", "Select whether action was taken"),
        # A risk identified needs what happened to it, with or without action.
        ("identified", True, "", "Select whether the risk remained, was reduced or was removed"),
        ("identified", False, None, "Select whether the risk remained, was reduced or was removed"),
        ("identified", True, "gone", "Select whether the risk remained, was reduced or was removed"),
        # No risk identified: what happened to the risk is not applicable, so refused.
        ("inconclusive", True, "reduced", "Select not applicable for what happened to the risk"),
        ("not_identified", False, "removed", "Select not applicable for what happened to the risk"),
        ("ceased", False, "remains", "Select not applicable for what happened to the risk"),
        ("ceased", True, "", "Select No for whether action was taken"),
    ],
)
def test_contradictions_and_gaps_are_refused(enquiry, enquiry_officer, found, action, risk, message):
    before = Enquiry.objects.get(pk=enquiry.pk)
    with pytest.raises(services.DomainError, match=message):
        record(enquiry, "outcome", enquiry_officer, **answers(found, action, risk))
    after = Enquiry.objects.get(pk=enquiry.pk)
    assert (after.version, after.risk_assessment_result, after.risk_outcome) == (before.version, "", "")


def test_a_finding_corrected_to_no_risk_drops_the_risk_outcome(enquiry, enquiry_officer):
    enquiry = record(enquiry, "outcome", enquiry_officer, **answers("identified", True, "removed"))
    enquiry = record(enquiry, "outcome", enquiry_officer, **answers("not_identified", True, ""))
    assert (enquiry.risk_assessment_result, enquiry.risk_outcome) == ("not_identified", "")
    last = enquiry.transitions.last()
    assert (last.event, last.details["fields"]) == (
        "outcome recorded",
        ["risk_assessment_result", "risk_outcome"],
    )


# --- Closure ---------------------------------------------------------------------------------


def test_an_enquiry_that_ceased_at_the_adults_request_closes_without_a_risk_outcome(
    enquiry, enquiry_officer, sam
):
    enquiry = record(enquiry, "outcome", enquiry_officer, **answers("ceased", None, ""))
    assert [e.key for e in missing_elements(enquiry.pk)] == ["ongoing_risk"]
    enquiry = close(enquiry, sam)
    assert (enquiry.stage, enquiry.risk_outcome, enquiry.action_taken) == ("closed", "", False)


@pytest.mark.parametrize(
    "gap",
    [
        # Recorded before the first question was asked: a risk outcome but no finding.
        {"risk_assessment_result": ""},
        # Imported: a risk identified but what happened to it missing.
        {"risk_outcome": ""},
        {"action_taken": None},
    ],
)
def test_closure_needs_the_risk_answers(enquiry, enquiry_officer, sam, gap):
    enquiry = record(enquiry, "outcome", enquiry_officer, **answers("identified", True, "reduced"))
    Enquiry.objects.filter(pk=enquiry.pk).update(**gap)
    with pytest.raises(services.ClosureRefused) as refused:
        close(enquiry, sam)
    assert [e.key for e in refused.value.missing] == ["outcome"]
    assert "what the risk assessment found" in str(refused.value)


# --- The database's guard --------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"risk_assessment_result": "not_identified", "risk_outcome": "reduced"},
        {"risk_assessment_result": "ceased", "action_taken": True},
    ],
)
def test_the_database_refuses_what_the_sac_cannot_count(enquiry, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.filter(pk=enquiry.pk).update(**values)


def test_the_database_keeps_records_from_before_the_question(enquiry):
    Enquiry.objects.filter(pk=enquiry.pk).update(risk_assessment_result="", risk_outcome="remains")
    assert Enquiry.objects.get(pk=enquiry.pk).risk_outcome == "remains"


# --- The step page ---------------------------------------------------------------------------


def outcome_url(enquiry):
    return reverse("safeguarding:enquiry_outcome", args=[enquiry.pk])


def post(enquiry, **fields):
    return {"version": Enquiry.objects.get(pk=enquiry.pk).version, "outcomes_achieved": "fully", **fields}


def test_the_page_saves_not_applicable_as_blank_and_shows_it_again(enquiry, enquiry_officer_client):
    page = enquiry_officer_client.get(outcome_url(enquiry)).content.decode()
    for label in ("What did the risk assessment find?", "Risk assessment inconclusive", "Risk remained"):
        assert label in page
    response = enquiry_officer_client.post(
        outcome_url(enquiry),
        post(
            enquiry,
            risk_assessment_result="not_identified",
            action_taken="yes",
            risk_outcome="not_applicable",
        ),
    )
    assert response.status_code == 302
    saved = Enquiry.objects.get(pk=enquiry.pk)
    assert (saved.risk_assessment_result, saved.action_taken, saved.risk_outcome) == (
        "not_identified",
        True,
        "",
    )
    again = enquiry_officer_client.get(outcome_url(enquiry))
    assert again.context["form"].initial["risk_outcome"] == "not_applicable"
    assert re.search(r'<input[^>]*value="not_applicable"[^>]*checked', again.content.decode())
    detail = enquiry_officer_client.get(
        reverse("safeguarding:enquiry_detail", args=[enquiry.pk])
    ).content.decode()
    assert "No risk identified" in detail and "Not applicable: no risk was identified" in detail


def test_the_page_refuses_a_risk_outcome_without_a_risk_and_keeps_what_was_typed(
    enquiry, enquiry_officer_client
):
    response = enquiry_officer_client.post(
        outcome_url(enquiry),
        post(enquiry, risk_assessment_result="inconclusive", action_taken="no", risk_outcome="reduced"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select not applicable for what happened to the risk" in body
    form = response.context["form"]
    assert (form.data["risk_assessment_result"], form.data["risk_outcome"]) == ("inconclusive", "reduced")
    assert Enquiry.objects.get(pk=enquiry.pk).risk_assessment_result == ""


def test_the_page_asks_for_the_finding_first(enquiry, enquiry_officer_client):
    response = enquiry_officer_client.post(outcome_url(enquiry), post(enquiry, action_taken="yes"))
    assert response.status_code == 200
    assert "Select what the risk assessment found" in response.content.decode()


def test_ceased_at_the_adults_request_needs_no_other_answer_on_the_page(enquiry, enquiry_officer_client):
    response = enquiry_officer_client.post(
        outcome_url(enquiry), post(enquiry, risk_assessment_result=RiskAssessmentResult.CEASED)
    )
    assert response.status_code == 302
    saved = Enquiry.objects.get(pk=enquiry.pk)
    assert (saved.risk_assessment_result, saved.action_taken, saved.risk_outcome) == ("ceased", False, "")
