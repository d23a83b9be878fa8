"""Closing an enquiry: refused, listing everything missing, until seed 000's elements are all
recorded; then the access of everyone who held the adult through it ends."""

import pytest

from cases.models import Relationship, RelationshipKind
from safeguarding import services
from safeguarding.models import Enquiry, EnquiryStage
from tests.safeguarding.test_services import ALLEGED, close, complete, raise_for, record, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def concern(person, safeguarding_team, practitioner):
    return raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)


@pytest.fixture
def enquiry(concern, sam, enquiry_officer):
    return start(concern, sam, enquiry_officer)


# --- Closure ----------------------------------------------------------------------------


def test_closure_lists_everything_missing_then_closes_when_complete(enquiry, sam, enquiry_officer, person):
    enquiry = record(enquiry, "strategy", enquiry_officer)
    with pytest.raises(services.ClosureRefused) as refused:
        close(enquiry, sam, ongoing="")
    assert [e.key for e in refused.value.missing] == [
        "msp",
        "capacity",
        "advocacy",
        "findings",
        "risk_assessment",
        "plan",
        "review",
        "outcome",
        "ongoing_risk",
    ]
    message = str(refused.value)
    for words in (
        "record whether the adult was asked what outcomes they want",
        "record the findings of the enquiry",
        "record the risk assessment",
        "record the case conference date and the safeguarding plan",
        "record the review",
        "enter how any ongoing risk will be managed",
    ):
        assert words in message
    enquiry.refresh_from_db()
    assert enquiry.stage == EnquiryStage.ENQUIRY and enquiry.ongoing_risk_management == ""

    enquiry = complete(enquiry, enquiry_officer, steps=("msp", "findings", "plan", "review", "outcome"))
    enquiry = close(enquiry, sam)
    assert (enquiry.stage, enquiry.closed_by) == (EnquiryStage.CLOSED, sam)
    assert enquiry.closed_at is not None
    last = enquiry.transitions.last()
    assert (last.event, last.from_stage, last.to_stage, last.actor) == ("closed", "review", "closed", sam)
    # The SAM's, the officer's and the team's access through this enquiry ends.
    assert (
        not Relationship.objects.active().filter(person=person, kind=RelationshipKind.SAFEGUARDING).exists()
    )
    with pytest.raises(services.DomainError, match="This enquiry is closed"):
        record(enquiry, "review", sam, review_notes="Late note")


def test_closure_needs_the_officer_named(concern, sam, enquiry_officer):
    enquiry = start(concern, sam)
    enquiry = complete(enquiry, sam)
    with pytest.raises(services.ClosureRefused) as refused:
        close(enquiry, sam)
    assert [e.key for e in refused.value.missing] == ["enquiry_officer"]


def test_closure_needs_the_advocate_when_there_is_no_appropriate_person(enquiry, sam, enquiry_officer):
    enquiry = complete(enquiry, enquiry_officer)
    Enquiry.objects.filter(pk=enquiry.pk).update(advocate="")  # a record from before the rule
    with pytest.raises(services.ClosureRefused) as refused:
        close(enquiry, sam)
    assert [e.key for e in refused.value.missing] == ["advocacy"]


def test_the_officer_cannot_close_their_own_enquiry(enquiry, enquiry_officer):
    enquiry = complete(enquiry, enquiry_officer)
    with pytest.raises(services.DomainError, match="Only the safeguarding adults manager can close"):
        close(enquiry, enquiry_officer)
