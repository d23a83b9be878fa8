"""Navigation and the on-duty home panel of the AMHP rota (called from AmhpConfig.ready)."""

from django.utils import timezone

from accounts.models import Role
from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import can_see_person_data, has_role


def _on_duty_context(request):
    """Who is on duty now in the user's AMHP teams, their own next shift, and for the lead
    the number of gaps in the next 14 days."""
    from .. import selectors_register as register
    from .. import selectors_rota as rota

    teams = rota.rota_teams(request.user)
    if not teams:
        return None
    now = timezone.now()
    profile = register.own_profile(request.user)
    led = [t.pk for t in rota.led_rota_teams(request.user)]
    return {
        "teams": teams,
        "now_rows": rota.on_duty([t.pk for t in teams], now),
        "next": rota.next_assignment(profile, now) if profile else None,
        "profile": profile,
        "gap_days": rota.PANEL_GAP_DAYS,
        **(rota.panel_gaps(led, now=now) if led else {"gap_count": None, "has_rota": True}),
    }


def _has(*roles):
    return lambda user: can_see_person_data(user) and has_role(user, *roles)


def register() -> None:
    register_nav(
        NavItem("Rota", "amhp:rota", allowed=_has(Role.AMHP_LEAD), order=41, active_prefix="/amhp/rota/")
    )
    register_nav(NavItem("My shifts", "amhp:my_shifts", allowed=_has(Role.AMHP), order=42))
    register_home_panel(
        Panel(
            key="amhp_on_duty",
            template="amhp/panels/rota_on_duty.html",
            context=_on_duty_context,
            allowed=_has(Role.AMHP, Role.AMHP_LEAD),
            order=20,
        )
    )
