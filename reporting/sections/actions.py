"""Board report section "actions": the partnership action plan (seed 002 appendix:
recommendation, action, lead, start, end, update, status).

Each action counts once, in the status it had at the period end: completed, if completed by
then; otherwise overdue when its end date is before the period's last day (as
ActionItem.is_overdue_on derives it); otherwise on track or at risk as recorded. Then the
actions at risk or overdue, each with its latest dated update written by the period end. One
query whatever the number of actions. Leads are staff, named in the plan, so their names are
shown; counts of actions are not suppressed in a public report: they count work, not people.
"""

from django.db.models import F, OuterRef, Subquery

from accounts.exports import Table

from ..models import ActionItem, ActionStatus, ActionTransition, ActionUpdate
from . import SectionRequest, register_section
from .common import long_date, number_of, section

KEY, TITLE, ORDER = "actions", "Partnership action plan", 80

ON_TRACK, AT_RISK, OVERDUE, COMPLETED = "on_track", "at_risk", "overdue", "completed"
STATUS_LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", OVERDUE: "Overdue", COMPLETED: "Completed"}


def _items(day) -> list[ActionItem]:
    """Every action with what is needed to place it at `day` (one query): the status it had
    before a completion recorded after `day`, and its latest update written by `day`."""
    latest = ActionUpdate.objects.filter(item=OuterRef("pk"), written_on__lte=day).order_by(
        "-written_on", "-pk"
    )
    completion = ActionTransition.objects.filter(
        item=OuterRef("pk"), to_status=ActionStatus.COMPLETED
    ).order_by("-at", "-pk")
    return list(
        ActionItem.objects.annotate(
            plan_title=F("plan__title"),
            before_completion=Subquery(completion.values("from_status")[:1]),
            update_text=Subquery(latest.values("text")[:1]),
            update_on=Subquery(latest.values("written_on")[:1]),
        ).order_by("ends_on", "pk")
    )


def status_at(item: ActionItem, day) -> str:
    """The action's status at the end of `day`: completed if completed by then; otherwise
    overdue when past its end date; otherwise as recorded (for an action completed later, the
    status it had before it was completed)."""
    if item.status == ActionStatus.COMPLETED:
        if item.completed_on <= day:
            return COMPLETED
        recorded = item.before_completion if item.before_completion in (ON_TRACK, AT_RISK) else ON_TRACK
    else:
        recorded = item.status
    return OVERDUE if item.ends_on < day else recorded


def build(request: SectionRequest) -> dict:
    day = request.period_end
    end = long_date(day)
    keys = (ON_TRACK, AT_RISK, OVERDUE, COMPLETED)

    items = _items(day)
    plans: dict[int, dict] = {}
    attention = Table(
        title=f"Actions at risk or overdue at {end}",
        columns=["Action plan", "Recommendation", "Action", "Lead", "End date", "Status", "Latest update"],
        note="Overdue: not completed and past its end date at the period end.",
    )
    for item in items:
        status = status_at(item, day)
        counts = plans.setdefault(item.plan_id, {"title": item.plan_title, **dict.fromkeys(keys, 0)})
        counts[status] += 1
        if status in (AT_RISK, OVERDUE):
            update = f"{long_date(item.update_on)}: {item.update_text}" if item.update_on else None
            attention.add(
                [
                    item.plan_title,
                    item.recommendation,
                    item.action,
                    item.lead_name,
                    item.ends_on,
                    STATUS_LABELS[status],
                    update,
                ]
            )
    attention.rows.sort(key=lambda row: (row.cells[5] != STATUS_LABELS[OVERDUE], row.cells[4]))

    by_status = Table(
        title=f"Actions by status at {end}",
        columns=["Action plan", *(STATUS_LABELS[k] for k in keys), "Total"],
    )
    totals = dict.fromkeys(keys, 0)
    for counts in sorted(plans.values(), key=lambda c: c["title"]):
        by_status.add([counts["title"], *(counts[k] for k in keys), sum(counts[k] for k in keys)])
        for k in keys:
            totals[k] += counts[k]
    total = sum(totals.values())
    by_status.add(["All plans", *(totals[k] for k in keys), total], kind="total")

    if total:
        where = "the partnership action plan" if len(plans) == 1 else f"the {len(plans)} action plans"
        summary = [
            f"At {end}, {where} had {number_of(total, 'action')}: {totals[ON_TRACK]} on track, "
            f"{totals[AT_RISK]} at risk, {totals[OVERDUE]} overdue and {totals[COMPLETED]} completed."
        ]
    else:
        summary = ["No actions are recorded in an action plan."]
    definitions = [
        [
            "On track, at risk",
            "The status the action's lead recorded, for actions not completed and not "
            "overdue at the period end.",
        ],
        [
            "Overdue",
            "Not completed by the period end, and the end date is before the period's last day. "
            "Derived from the dates, so it cannot go stale.",
        ],
        ["Completed", "Completed on or before the period end."],
        ["Latest update", "The most recent dated progress update written on or before the period end."],
        ["Counts of actions", "Not suppressed in a public report: they count pieces of work, not people."],
    ]
    return section(summary=summary, tables=[by_status, attention], definitions=definitions)


def register() -> None:
    register_section(KEY, TITLE, build, ORDER)
