"""Navigation, home panel and due work of the AMHP register (called from AmhpConfig.ready)."""

from django.utils import timezone

from accounts.models import Role
from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import can_see_person_data, has_role

REMINDER_LIMIT = 5


def _register_context(request):
    """The AMHP's own approval and training; for the lead, the register in three numbers and
    the open register reminders of their teams."""
    from cases.selectors_reminders import team_reminders

    from .. import due_work
    from .. import selectors_register as register

    today = timezone.localdate()
    profile = register.own_profile(request.user)
    own = register.register_row(profile, today) if profile else None
    teams = register.led_teams(request.user)
    if own is None and not teams:
        return None
    summary = reminders = None
    if teams:
        rows = [r for r in register.register_rows(request.user, today) if r.in_team]
        summary = {
            "approved": sum(1 for r in rows if r.current),
            "expiring": sum(1 for r in rows if r.expiring_soon),
            "behind": sum(1 for r in rows if r.training_behind),
        }
        open_reminders = team_reminders(teams).filter(
            kind__in=[due_work.APPROVAL_EXPIRING, due_work.TRAINING_BEHIND]
        )
        reminders = list(open_reminders[:REMINDER_LIMIT])
    return {
        "own": own,
        "summary": summary,
        "reminders": reminders,
        "expiring_days": register.EXPIRING_SOON_DAYS,
    }


def _is_lead(user) -> bool:
    return can_see_person_data(user) and has_role(user, Role.AMHP_LEAD)


def register() -> None:
    from .. import due_work

    due_work.register()
    register_nav(
        NavItem("AMHP register", "amhp:register", allowed=_is_lead, order=40, active_prefix="/amhp/register/")
    )
    register_home_panel(
        Panel(
            key="amhp_register",
            template="amhp/panels/register_summary.html",
            context=_register_context,
            allowed=lambda user: can_see_person_data(user) and has_role(user, Role.AMHP, Role.AMHP_LEAD),
            order=25,
        )
    )
