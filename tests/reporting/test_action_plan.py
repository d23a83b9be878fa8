"""The action plan services (seed 002): dated updates kept for good, overdue derived from
the end date, completion and status changes as transition rows, optimistic locking."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import InternalError, ProgrammingError
from django.utils import timezone

from reporting import selectors_actions, services
from reporting.models import ActionItem, ActionStatus, ActionTransition, ActionUpdate

from .conftest import make_action

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_add_action_writes_the_created_transition(plan, commissioner):
    item = make_action(plan, commissioner, status="at_risk")
    assert item.status == ActionStatus.AT_RISK
    [row] = ActionTransition.objects.filter(item=item)
    assert (row.event, row.from_status, row.to_status, row.actor) == ("created", "", "at_risk", commissioner)


def test_add_action_checks_dates_and_text(plan, commissioner):
    with pytest.raises(services.DomainError, match="end date must be the same as or after"):
        make_action(plan, commissioner, days_left=-200, started_days_ago=100)
    with pytest.raises(services.DomainError, match="Enter the action"):
        make_action(plan, commissioner, action="   ")
    with pytest.raises(services.DomainError, match="on track or at risk"):
        make_action(plan, commissioner, status="completed")
    assert not ActionItem.objects.exists()


def test_updates_are_appended_and_kept(plan, commissioner, administrator):
    item = make_action(plan, commissioner)
    first = services.add_action_update(
        item_id=item.pk, written_on=TODAY - 10 * DAY, text="Task group in place", by=commissioner
    )
    second = services.add_action_update(
        item_id=item.pk, written_on=TODAY, text="Referral process reviewed", by=administrator
    )
    updates = selectors_actions.updates_for(item)
    assert [(u.text, u.written_by) for u in updates] == [
        ("Referral process reviewed", administrator),
        ("Task group in place", commissioner),
    ]
    # The database refuses to change or delete an update, whoever asks.
    for change in (
        lambda: ActionUpdate.objects.filter(pk=first.pk).update(text="Rewritten"),
        lambda: ActionUpdate.objects.filter(pk=second.pk).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            change()
    assert ActionUpdate.objects.get(pk=first.pk).text == "Task group in place"
    assert ActionUpdate.objects.count() == 2


def test_transition_rows_cannot_be_changed(plan, commissioner):
    item = make_action(plan, commissioner)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        ActionTransition.objects.filter(item=item).update(reason="edited")


def test_update_refuses_future_dates_and_blank_text(plan, commissioner):
    item = make_action(plan, commissioner)
    with pytest.raises(services.DomainError, match="today or in the past"):
        services.add_action_update(item_id=item.pk, written_on=TODAY + DAY, text="Soon", by=commissioner)
    with pytest.raises(services.DomainError, match="Enter the update"):
        services.add_action_update(item_id=item.pk, written_on=TODAY, text=" ", by=commissioner)
    assert not ActionUpdate.objects.exists()


def test_update_can_move_the_status_with_a_transition_row(plan, commissioner):
    item = make_action(plan, commissioner)
    services.add_action_update(
        item_id=item.pk, written_on=TODAY, text="Funding not found", status="at_risk", by=commissioner
    )
    item.refresh_from_db()
    assert item.status == ActionStatus.AT_RISK
    row = ActionTransition.objects.filter(item=item).latest("pk")
    assert (row.event, row.from_status, row.to_status, row.reason) == (
        "status_changed",
        "on_track",
        "at_risk",
        "Funding not found",
    )
    # The same status again is no move at all.
    services.add_action_update(
        item_id=item.pk, written_on=TODAY, text="Still", status="at_risk", by=commissioner
    )
    assert ActionTransition.objects.filter(item=item).count() == 2


def test_overdue_is_derived_from_the_end_date_and_status(plan, commissioner):
    due_yesterday = make_action(plan, commissioner, days_left=-1, started_days_ago=100, lead="A")
    due_today = make_action(plan, commissioner, days_left=0, started_days_ago=100, lead="B")
    at_risk_late = make_action(
        plan, commissioner, days_left=-5, started_days_ago=100, status="at_risk", lead="C"
    )
    done_late = make_action(plan, commissioner, days_left=-5, started_days_ago=100, lead="D")
    services.complete_action(item_id=done_late.pk, completed_on=TODAY - DAY, by=commissioner)

    for item in (due_yesterday, due_today, at_risk_late, done_late):
        item.refresh_from_db()
    assert [i.is_overdue_on(TODAY) for i in (due_yesterday, due_today, at_risk_late, done_late)] == [
        True,
        False,
        True,
        False,
    ]
    # Tomorrow the one due today is overdue too: nothing stored goes stale.
    assert due_today.is_overdue_on(TODAY + DAY)
    overdue = selectors_actions.plan_items(plan, overdue=True, today=TODAY)
    assert {i.lead_name for i in overdue} == {"A", "C"}
    assert selectors_actions.open_action_counts(TODAY) == {"at_risk": 1, "overdue": 2}


def test_complete_action_records_who_and_when_and_a_repeat_is_a_no_op(plan, commissioner, administrator):
    item = make_action(plan, commissioner, status="at_risk")
    services.complete_action(item_id=item.pk, completed_on=TODAY - DAY, note="Published", by=commissioner)
    item.refresh_from_db()
    assert (item.status, item.completed_on) == (ActionStatus.COMPLETED, TODAY - DAY)
    row = ActionTransition.objects.filter(item=item).latest("pk")
    assert (row.event, row.from_status, row.to_status, row.actor) == (
        "completed",
        "at_risk",
        "completed",
        commissioner,
    )
    assert row.details["completed_on"] == (TODAY - DAY).isoformat()
    [update] = ActionUpdate.objects.filter(item=item)
    assert (update.text, update.written_on) == ("Published", TODAY - DAY)

    services.complete_action(item_id=item.pk, completed_on=TODAY, by=administrator)
    item.refresh_from_db()
    assert item.completed_on == TODAY - DAY
    assert ActionTransition.objects.filter(item=item).count() == 2


def test_complete_action_checks_the_date(plan, commissioner):
    item = make_action(plan, commissioner, started_days_ago=10)
    with pytest.raises(services.DomainError, match="today or in the past"):
        services.complete_action(item_id=item.pk, completed_on=TODAY + DAY, by=commissioner)
    with pytest.raises(services.DomainError, match="on or after its start"):
        services.complete_action(item_id=item.pk, completed_on=TODAY - 11 * DAY, by=commissioner)
    item.refresh_from_db()
    assert item.status == ActionStatus.ON_TRACK and item.completed_on is None


def test_reopening_a_completed_action_needs_a_reason(plan, commissioner):
    item = make_action(plan, commissioner)
    services.complete_action(item_id=item.pk, completed_on=TODAY, by=commissioner)
    with pytest.raises(services.DomainError, match="why the action is reopened"):
        services.set_action_status(item_id=item.pk, status="on_track", by=commissioner)
    services.add_action_update(
        item_id=item.pk, written_on=TODAY, text="Audit found gaps", status="at_risk", by=commissioner
    )
    item.refresh_from_db()
    assert (item.status, item.completed_on) == (ActionStatus.AT_RISK, None)
    assert ActionTransition.objects.filter(item=item).latest("pk").event == "reopened"


def test_status_constraint_holds_in_the_database(plan, commissioner):
    item = make_action(plan, commissioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(status=ActionStatus.COMPLETED)


def test_edit_with_a_stale_version_overwrites_nothing(plan, commissioner, administrator):
    item = make_action(plan, commissioner, lead="R. Marsh")
    data = {f: getattr(item, f) for f in services.ACTION_EDITABLE_FIELDS}
    services.update_action(
        item_id=item.pk, data={**data, "lead_name": "S. Fenwick"}, expected_version=1, by=administrator
    )
    with pytest.raises(services.StaleEdit) as caught:
        services.update_action(
            item_id=item.pk, data={**data, "action": "A clearer action"}, expected_version=1, by=commissioner
        )
    item.refresh_from_db()
    assert (item.lead_name, item.version) == ("S. Fenwick", 2)
    assert item.action != "A clearer action"
    [change] = caught.value.changes
    assert (change.field, change.then, change.now) == ("lead_name", "R. Marsh", "S. Fenwick")
    assert caught.value.merged["action"] == "A clearer action"
    assert caught.value.merged["lead_name"] == "S. Fenwick"
