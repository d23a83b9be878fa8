"""Safeguarding reminders from the due-work sweep: decisions due and enquiries without a
review after 28 days. Idempotent, resolved when the work is done, moved with the officer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.due_work import registered_kinds, run_sweep
from cases.models import Reminder
from safeguarding import due_work, services
from safeguarding.models import Enquiry
from tests.factories import PersonFactory, make_member
from tests.safeguarding.test_services import raise_for, record, start

pytestmark = pytest.mark.django_db

DECISION = "safeguarding.concern_decision"
REVIEW = "safeguarding.enquiry_review"


def sweep(kind, today=None):
    today = today or timezone.localdate()
    derive = {DECISION: due_work.derive_concern_decisions, REVIEW: due_work.derive_enquiry_reviews}[kind]
    return derive(today, timezone.now())


def test_both_kinds_are_registered_with_the_sweep(person, safeguarding_team, practitioner):
    assert {DECISION, REVIEW} <= {d.kind for d in registered_kinds()}
    raise_for(person, safeguarding_team, practitioner)
    results = run_sweep(kinds=[DECISION, REVIEW])
    assert results[DECISION]["created"] == 1 and results[REVIEW]["created"] == 0


def test_a_team_reminder_for_each_decision_due_resolved_when_decided(
    person, safeguarding_team, practitioner, sam
):
    concern = raise_for(person, safeguarding_team, practitioner)
    counts = sweep(DECISION)
    assert (counts.created, counts.resolved) == (1, 0)
    reminder = Reminder.objects.get(kind=DECISION)
    assert reminder.subject == f"safeguarding.concern:{concern.pk}"
    assert reminder.due_on == timezone.localdate(concern.decision_due_at)
    assert (reminder.team, reminder.assignee, reminder.person) == (safeguarding_team, None, person)
    assert reminder.url == reverse("safeguarding:concern_decide", args=[concern.pk])
    assert reminder.title == f"Decide on safeguarding concern {concern.reference}"
    assert person.family_name not in reminder.title
    assert sweep(DECISION).created == 0  # a rerun creates nothing twice
    assert Reminder.objects.filter(kind=DECISION).count() == 1

    start(concern, sam)  # the service resolves it at once ...
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None and reminder.resolution == "Decided"
    Reminder.objects.filter(pk=reminder.pk).update(resolved_at=None, resolution="")
    assert sweep(DECISION).resolved == 1  # ... and the sweep would have too


def test_an_enquiry_without_a_review_is_due_28_days_after_it_started(
    safeguarding_team, practitioner, sam, enquiry_officer
):
    due_soon = start(raise_for(PersonFactory(), safeguarding_team, practitioner), sam, enquiry_officer)
    recent = start(raise_for(PersonFactory(), safeguarding_team, practitioner), sam)
    started = timezone.now() - datetime.timedelta(days=25)
    Enquiry.objects.filter(pk=due_soon.pk).update(started_at=started)
    assert sweep(REVIEW).created == 1  # within the week's lead; the recent one is not yet
    reminder = Reminder.objects.get(kind=REVIEW)
    assert reminder.subject == f"safeguarding.enquiry:{due_soon.pk}"
    assert reminder.due_on == timezone.localdate(started) + datetime.timedelta(days=28)
    assert reminder.assignee == enquiry_officer
    assert reminder.title == (
        f"Review safeguarding enquiry for concern {due_soon.concern.reference}: open 28 days"
    )
    assert not Reminder.objects.filter(subject=f"safeguarding.enquiry:{recent.pk}").exists()
    assert sweep(REVIEW).created == 0


def test_the_review_reminder_moves_with_the_officer_and_resolves_on_review(
    safeguarding_team, practitioner, sam, enquiry_officer
):
    enquiry = start(raise_for(PersonFactory(), safeguarding_team, practitioner), sam)
    Enquiry.objects.filter(pk=enquiry.pk).update(started_at=timezone.now() - datetime.timedelta(days=30))
    sweep(REVIEW)
    reminder = Reminder.objects.get(kind=REVIEW)
    assert reminder.assignee == sam  # no officer named yet: the SAM

    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    new_officer = make_member(safeguarding_team, Role.ENQUIRY_OFFICER)
    services.change_enquiry_staff(
        enquiry_id=enquiry.pk, sam=sam, enquiry_officer=new_officer, expected_version=enquiry.version, by=sam
    )
    assert sweep(REVIEW).reassigned == 1
    reminder.refresh_from_db()
    assert reminder.assignee == new_officer

    for step in ("strategy", "msp", "findings", "plan"):
        record(enquiry, step, new_officer)
    Reminder.objects.filter(pk=reminder.pk).update(resolved_at=None)
    assert sweep(REVIEW).resolved == 0
    record(enquiry, "review", new_officer)
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None and reminder.resolution == "Reviewed"
