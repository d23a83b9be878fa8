"""The partnership action plan (seed 002): plans, actions, dated updates, status changes.

One service per change (ADR 3): a transaction, the action row locked, the move checked
against `ACTION_TRANSITIONS`, status and an ActionTransition row written together; a repeat
is a no-op. Updates are appended, never changed (the database refuses it, migration 0002).
Edits use optimistic locking (`version`): a stale save raises StaleEdit and overwrites nothing.
"""

import datetime

from django.db import transaction

from ..models import ActionItem, ActionPlan, ActionStatus, ActionTransition, ActionUpdate
from .common import DomainError, clean_date, clean_text, long_date, not_future, optional_text, stale_edit

__all__ = [
    "ACTION_EDITABLE_FIELDS",
    "ACTION_TRANSITIONS",
    "add_action",
    "add_action_update",
    "complete_action",
    "create_plan",
    "set_action_status",
    "update_action",
]

S = ActionStatus
ACTION_TRANSITIONS = {
    S.ON_TRACK: {S.AT_RISK, S.COMPLETED},
    S.AT_RISK: {S.ON_TRACK, S.COMPLETED},
    S.COMPLETED: {S.ON_TRACK, S.AT_RISK},  # reopened, with the reason
}
OPEN_STATUSES = (S.ON_TRACK, S.AT_RISK)
ACTION_EDITABLE_FIELDS = (
    "workstream",
    "recommendation",
    "action",
    "lead_name",
    "lead_user",
    "starts_on",
    "ends_on",
)
NAME_LIMIT = 150
TITLE_LIMIT = 200


def _transition(item: ActionItem, *, to_status: str, event: str, by, reason: str = "", details=None):
    ActionTransition.objects.create(
        item=item,
        event=event,
        from_status=item.status,
        to_status=to_status,
        actor=by,
        reason=reason,
        details=details or {},
    )
    item.status = to_status


def _clean_values(values: dict) -> dict:
    values["recommendation"] = clean_text(values.get("recommendation"), "Enter the recommendation")
    values["action"] = clean_text(values.get("action"), "Enter the action")
    values["lead_name"] = clean_text(
        values.get("lead_name"), "Enter who leads the action", limit=NAME_LIMIT, label="lead"
    )
    values["workstream"] = optional_text(values.get("workstream"), limit=TITLE_LIMIT, label="workstream")
    starts_on = clean_date(values.get("starts_on"), "Enter the start date")
    ends_on = clean_date(values.get("ends_on"), "Enter the end date")
    if ends_on < starts_on:
        raise DomainError("The end date must be the same as or after the start date")
    return values


@transaction.atomic
def create_plan(*, title: str, owner: str, description: str = "", by) -> ActionPlan:
    plan = ActionPlan(
        title=clean_text(title, "Enter the title of the plan", limit=TITLE_LIMIT, label="title"),
        owner=clean_text(
            owner, "Enter the board or partnership that owns the plan", limit=TITLE_LIMIT, label="owner"
        ),
        description=(description or "").strip(),
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def add_action(
    *,
    plan: ActionPlan,
    recommendation: str,
    action: str,
    lead_name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by,
    lead_user=None,
    workstream: str = "",
    status: str = S.ON_TRACK,
) -> ActionItem:
    """A new action, on track or at risk (completing it is its own step)."""
    if status not in OPEN_STATUSES:
        raise DomainError("Select whether the action is on track or at risk")
    values = _clean_values(
        {
            "recommendation": recommendation,
            "action": action,
            "lead_name": lead_name,
            "workstream": workstream,
            "starts_on": starts_on,
            "ends_on": ends_on,
        }
    )
    item = ActionItem(plan=plan, lead_user=lead_user, created_by=by, **values)
    item._history_user = by
    item._change_reason = "Action added"
    item.status = status
    item.full_clean()
    item.save()
    ActionTransition.objects.create(item=item, event="created", from_status="", to_status=status, actor=by)
    return item


@transaction.atomic
def update_action(*, item_id: int, data: dict, expected_version: int, by, reason: str = "") -> ActionItem:
    """Change what the action is, who leads it and its dates. Status moves by its own steps."""
    item = ActionItem.objects.select_for_update().get(pk=item_id)
    if item.version != expected_version:
        raise stale_edit(item, ACTION_EDITABLE_FIELDS, expected_version, data)
    values = {field: data.get(field, getattr(item, field)) for field in ACTION_EDITABLE_FIELDS}
    lead_user = values.pop("lead_user")
    values = _clean_values(values)
    values["lead_user"] = lead_user
    if all(getattr(item, field) == value for field, value in values.items()):
        return item
    for field, value in values.items():
        setattr(item, field, value)
    item.version = expected_version + 1  # the row is locked, so this cannot race
    item._history_user = by
    item._change_reason = (reason or "").strip()[:100] or "Action changed"
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def add_action_update(
    *, item_id: int, written_on: datetime.date, text: str, by, status: str | None = None
) -> ActionUpdate:
    """Append a dated update; optionally move the action to on track or at risk with it
    (which reopens a completed action: the update says why)."""
    item = ActionItem.objects.select_for_update().get(pk=item_id)
    written_on = not_future(
        clean_date(written_on, "Enter the date of the update"),
        "The date of the update must be today or in the past",
    )
    text = clean_text(text, "Enter the update")
    if status and status not in OPEN_STATUSES:
        raise DomainError("Select on track or at risk, or leave the status as it is")
    update = ActionUpdate.objects.create(item=item, written_on=written_on, text=text, written_by=by)
    if status and status != item.status:
        event = "reopened" if item.status == S.COMPLETED else "status_changed"
        _move(item, to_status=status, event=event, by=by, reason=text, details={"update": update.pk})
    return update


def _move(item: ActionItem, *, to_status: str, event: str, by, reason: str, details=None) -> None:
    if to_status not in ACTION_TRANSITIONS[item.status]:
        raise DomainError(
            f"An action that is {S(item.status).label.lower()} cannot be marked {S(to_status).label.lower()}"
        )
    _transition(item, to_status=to_status, event=event, by=by, reason=reason, details=details)
    if to_status != S.COMPLETED:
        item.completed_on = None
    item._history_user = by
    item._change_reason = f"Marked {S(to_status).label.lower()}"
    item.save(update_fields=["status", "completed_on"])


@transaction.atomic
def set_action_status(*, item_id: int, status: str, by, reason: str = "") -> ActionItem:
    """On track or at risk. A repeat is a no-op; reopening a completed action needs a reason."""
    item = ActionItem.objects.select_for_update().get(pk=item_id)
    if status not in OPEN_STATUSES:
        raise DomainError("Select on track or at risk")
    if item.status == status:
        return item
    if item.status == S.COMPLETED and not (reason or "").strip():
        raise DomainError("Enter why the action is reopened")
    event = "reopened" if item.status == S.COMPLETED else "status_changed"
    _move(item, to_status=status, event=event, by=by, reason=(reason or "").strip())
    return item


@transaction.atomic
def complete_action(*, item_id: int, completed_on: datetime.date, by, note: str = "") -> ActionItem:
    """Mark an action completed on a date (seed 002 "Completed"). A repeat is a no-op. A note,
    when given, is kept as a dated update too."""
    item = ActionItem.objects.select_for_update().get(pk=item_id)
    if item.status == S.COMPLETED:
        return item
    completed_on = not_future(
        clean_date(completed_on, "Enter the date the action was completed"),
        "The date the action was completed must be today or in the past",
    )
    if completed_on < item.starts_on:
        raise DomainError(
            f"The date the action was completed must be on or after its start, {long_date(item.starts_on)}"
        )
    note = (note or "").strip()
    details = {"completed_on": completed_on.isoformat()}
    if note:
        update = ActionUpdate.objects.create(item=item, written_on=completed_on, text=note, written_by=by)
        details["update"] = update.pk
    item.completed_on = completed_on
    _move(item, to_status=S.COMPLETED, event="completed", by=by, reason=note, details=details)
    return item
