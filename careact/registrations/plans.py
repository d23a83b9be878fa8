"""Person-page and home-page panels for plans (called from CareActConfig.ready).

The person page shows the person's plans (current and earlier versions, next review due)
and offers to start a plan from an authorised assessment that has none; break-glass access
shows no write links. Managers see the plans waiting for them to authorise.
"""

from accounts.registry import Panel, register_home_panel
from cases.panels import register_person_panel

from .. import selectors_plans as plans


def _person_context(request, *, person, access):
    return {"person": person, "plans": plans.plans_for_person(person), "can_write": not access.is_break_glass}


def _awaiting_context(request):
    waiting, count = plans.awaiting_authorisation_for(request.user)
    return {"plans": waiting, "count": count}


def register() -> None:
    register_person_panel(
        Panel(key="careact_plans", template="careact/panels/plans.html", context=_person_context, order=56)
    )
    register_home_panel(
        Panel(
            key="careact_plans_awaiting",
            template="careact/panels/plans_awaiting.html",
            context=_awaiting_context,
            allowed=plans.leads_any_team,
            order=6,  # beside the assessments waiting for the same manager
        )
    )
