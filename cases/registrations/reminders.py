"""Home-page panels for reminders (called from CasesConfig.ready).

"Your reminders" for anyone with reminders or a caseload; "Overdue in your teams" for team
managers and senior practitioners.
"""

from accounts.registry import Panel, register_home_panel
from accounts.selectors import can_see_person_data

from .. import selectors_casework as casework
from .. import selectors_reminders as reminders


def _mine_context(request):
    panel = reminders.reminder_panel(request.user)
    if not panel.total and not casework.does_casework(request.user):
        return None
    return {"reminders": panel}


def _teams_context(request):
    teams = casework.managed_teams(request.user)
    if not teams:
        return None
    return {"teams": reminders.overdue_by_team(teams)}


def register() -> None:
    register_home_panel(
        Panel(
            key="reminders_mine",
            template="cases/panels/reminders_mine.html",
            context=_mine_context,
            allowed=can_see_person_data,
            order=0,
        )
    )
    register_home_panel(
        Panel(
            key="reminders_team_overdue",
            template="cases/panels/reminders_team_overdue.html",
            context=_teams_context,
            allowed=lambda user: can_see_person_data(user) and bool(casework.managed_teams(user)),
            order=3,
        )
    )
