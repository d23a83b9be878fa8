"""Navigation items and panels of the casework pages (called from CasesConfig.ready)."""

from accounts.registry import NavItem, Panel, register_home_panel, register_nav

from .. import selectors_casework as casework
from ..panels import register_person_panel


def _caseload_context(request):
    return {"caseload": casework.worker_caseload(request.user), "due_days": casework.CONTACT_DUE_DAYS}


def _cases_context(request, *, person, access):
    cases = casework.cases_for_person(person)
    can_write = not access.is_break_glass
    return {
        "person": person,
        "can_write": can_write,
        "rows": [(case, can_write and casework.manages_team(request.user, case.team_id)) for case in cases],
    }


def _chronology_context(request, *, person, access):
    entries, more = casework.latest_chronology(person, request.user)
    return {"person": person, "entries": entries, "more": more, "can_write": not access.is_break_glass}


def _status_context(request, *, person, access):
    return {
        "person": person,
        "latest": casework.latest_status_check(person),
        "can_write": not access.is_break_glass,
    }


def _sharing_context(request, *, person, access):
    return {
        "person": person,
        "decisions": casework.sharing_decisions_for(person),
        "can_write": not access.is_break_glass,
    }


def register() -> None:
    register_nav(
        NavItem(
            "Team caseload",
            "casework:team_caseload",
            allowed=lambda user: bool(casework.managed_teams(user)),
            order=30,
        )
    )
    register_home_panel(
        Panel(
            key="casework_caseload",
            template="cases/panels/casework_caseload.html",
            context=_caseload_context,
            allowed=casework.does_casework,
            order=1,
        )
    )
    for key, context, order in (
        ("casework_cases", _cases_context, 10),
        ("casework_chronology", _chronology_context, 20),
        ("casework_status", _status_context, 30),
        ("casework_sharing", _sharing_context, 40),
    ):
        register_person_panel(
            Panel(key=key, template=f"cases/panels/{key}.html", context=context, order=order)
        )
