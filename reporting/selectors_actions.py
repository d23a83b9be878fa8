"""Reads of the action plan. Callers have already passed reporting.permissions; nothing here
is person data. Lists take a fixed number of queries whatever their length."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import User

from .models import ActionItem, ActionPlan, ActionStatus, ActionTransition, ActionUpdate

PAGE_SIZE = 25
OPEN = ~Q(status=ActionStatus.COMPLETED)


def _overdue(today: datetime.date, prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": ActionStatus.COMPLETED}) & Q(**{f"{prefix}ends_on__lt": today})


def plans(today: datetime.date | None = None):
    """Every plan with its counts by status and overdue, in one query."""
    today = today or timezone.localdate()
    return ActionPlan.objects.annotate(
        total=Count("items"),
        on_track=Count("items", filter=Q(items__status=ActionStatus.ON_TRACK)),
        at_risk=Count("items", filter=Q(items__status=ActionStatus.AT_RISK)),
        completed=Count("items", filter=Q(items__status=ActionStatus.COMPLETED)),
        overdue=Count("items", filter=_overdue(today, "items__")),
    ).order_by("title", "pk")


def plan_queryset():
    return ActionPlan.objects.all()


def plan_items(
    plan: ActionPlan,
    *,
    status: str = "",
    lead: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
):
    """The plan's actions, soonest end first, with each one's latest update (seed 002 shows
    the update beside the action)."""
    today = today or timezone.localdate()
    latest = ActionUpdate.objects.filter(item=OuterRef("pk")).order_by("-written_on", "-pk")
    items = (
        ActionItem.objects.filter(plan=plan)
        .select_related("lead_user")
        .annotate(
            latest_update_text=Subquery(latest.values("text")[:1]),
            latest_update_on=Subquery(latest.values("written_on")[:1]),
        )
    )
    if status:
        items = items.filter(status=status)
    if lead:
        items = items.filter(lead_name=lead)
    if overdue:
        items = items.filter(_overdue(today))
    return items.order_by("ends_on", "pk")


def lead_names(plan: ActionPlan) -> list[str]:
    return list(
        ActionItem.objects.filter(plan=plan)
        .order_by("lead_name")
        .values_list("lead_name", flat=True)
        .distinct()
    )


def item_queryset():
    return ActionItem.objects.select_related("plan", "lead_user")


def updates_for(item: ActionItem) -> list[ActionUpdate]:
    return list(item.updates.select_related("written_by").order_by("-written_on", "-pk"))


def transitions_for(item: ActionItem) -> list[ActionTransition]:
    return list(item.transitions.select_related("actor").order_by("-at", "-pk"))


def open_action_counts(today: datetime.date | None = None) -> dict[str, int]:
    """Across every plan: actions at risk, and actions overdue (for the home panel)."""
    today = today or timezone.localdate()
    return ActionItem.objects.aggregate(
        at_risk=Count("pk", filter=Q(status=ActionStatus.AT_RISK)),
        overdue=Count("pk", filter=_overdue(today)),
    )


def user_by_email(email: str) -> User | None:
    """An active user with this email address, to link a lead or an owner to an account."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()
