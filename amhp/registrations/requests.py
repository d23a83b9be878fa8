"""Navigation and panels for the AMHP requests (called from AmhpConfig.ready)."""

from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import has_role
from cases.panels import register_person_panel

from .. import selectors_requests as requests_


def _live_summary(request):
    return {"summary": requests_.live_summary(request.user)}


def _person_requests(request, *, person, access):
    """The person's MHA assessment requests; the AMHP service may take a new one from here."""
    rows = requests_.requests_for_person(person)
    can_request = not access.is_break_glass and bool(requests_.amhp_teams(request.user))
    if not rows and not can_request:
        return None
    return {"person": person, "rows": rows, "can_request": can_request}


def register() -> None:
    register_nav(
        NavItem("Live board", "amhp:board", allowed=requests_.uses_board, order=12, active_prefix="/amhp/")
    )
    register_nav(
        NavItem(
            "AMHP figures",
            "amhp:reporting",
            allowed=lambda user: bool(requests_.led_amhp_teams(user)),
            order=60,
            active_prefix="/amhp/reporting/",
        )
    )
    register_home_panel(
        Panel(
            key="amhp_live_requests",
            template="amhp/panels/requests_live.html",
            context=_live_summary,
            allowed=lambda user: has_role(user, *requests_.AMHP_ROLES),
            order=2,
        )
    )
    register_person_panel(
        Panel(
            key="amhp_requests",
            template="amhp/panels/requests_person.html",
            context=_person_requests,
            order=45,
        )
    )
