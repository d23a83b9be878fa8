"""Due work and the compliance panel (called from CareActConfig.ready).

Registers the Care Act derivers with the shared reminder sweep (cases.due_work) and the
manager's home panel of headline compliance figures for each team they lead.
"""

from accounts.registry import Panel, register_home_panel
from accounts.selectors import can_see_person_data
from cases.selectors_casework import managed_teams


def _compliance_context(request):
    from ..selectors_compliance import team_compliance

    teams = managed_teams(request.user)
    if not teams:
        return None
    return {"teams": [(team, team_compliance(team)) for team in teams]}


def register() -> None:
    from .. import due_work

    due_work.register()
    register_home_panel(
        Panel(
            key="careact_compliance",
            template="careact/panels/compliance.html",
            context=_compliance_context,
            allowed=lambda user: can_see_person_data(user) and bool(managed_teams(user)),
            order=60,
        )
    )
