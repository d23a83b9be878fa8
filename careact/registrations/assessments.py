"""Person-page and home-page panels for assessments (called from CareActConfig.ready)."""

from accounts.registry import Panel, register_home_panel
from cases.panels import register_person_panel

from .. import selectors_assessments as selectors


def _person_context(request, *, person, access):
    """The person's assessments, and where this user may start a needs assessment (never
    on emergency access, which is read only)."""
    can_write = not access.is_break_glass
    return {
        "person": person,
        "assessments": selectors.assessments_for_person(person),
        "limit": selectors.PERSON_PANEL_LIMIT,
        "startable": selectors.startable_cases(person, request.user) if can_write else [],
        "can_write": can_write,
    }


def _awaiting_context(request):
    return {"waiting": selectors.awaiting_authorisation(request.user)}


def register() -> None:
    register_person_panel(
        Panel(
            key="careact_assessments",
            template="careact/panels/assessments.html",
            context=_person_context,
            order=55,  # after referrals, with the plans that follow from it
        )
    )
    register_home_panel(
        Panel(
            key="careact_assessments_awaiting",
            template="careact/panels/assessments_awaiting.html",
            context=_awaiting_context,
            allowed=lambda user: bool(selectors.led_team_ids(user)),
            order=5,
        )
    )
