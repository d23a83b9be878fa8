"""Navigation item "Section 117 register" and the person-page panel for s117 aftercare
(called from CareActConfig.ready)."""

from accounts.registry import NavItem, Panel, register_nav
from accounts.selectors import can_see_person_data


def _s117_context(request, *, person, access):
    from .. import selectors_carers
    from .. import selectors_s117 as s117

    entitlements = s117.entitlements_for_person(person)
    # Added by a team with an open case for the person (one of the user's teams).
    holds_case = bool(selectors_carers.open_cases_in_my_teams_for_page(request, person))
    return {
        "person": person,
        "rows": [(e, s117.review_state(e.review_due_on)) for e in entitlements],
        "can_add": holds_case and not access.is_break_glass and not s117.has_active_entitlement(entitlements),
    }


def register() -> None:
    from cases.panels import register_person_panel

    register_nav(
        NavItem(
            "Section 117 register",
            "careact:s117_register",
            allowed=can_see_person_data,
            order=45,
            active_prefix="/care/s117/",
        )
    )
    register_person_panel(
        Panel(
            key="careact_s117",
            template="careact/panels/s117.html",
            context=_s117_context,
            allowed=can_see_person_data,
            order=70,
        )
    )
