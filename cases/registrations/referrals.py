"""Navigation items and panels of the referrals pages (called from CasesConfig.ready)."""

from accounts.models import TEAM_LEAD_ROLES, Role
from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import can_see_person_data, current_teams, has_role

QUEUE_ROLES = (Role.TEAM_MANAGER, Role.SENIOR_PRACTITIONER, Role.BUSINESS_SUPPORT)
MANAGER_ROLES = TEAM_LEAD_ROLES


def _waiting_in_my_teams(request):
    from ..selectors_referrals import waiting_counts_for_teams

    return {"teams": waiting_counts_for_teams(current_teams(request.user))}


def _make_a_referral(request, *, person, access):
    if access.is_break_glass:
        return None  # emergency access is read-only
    return {"person": person}


def register() -> None:
    from ..panels import register_person_panel

    register_nav(
        NavItem(
            "Triage queue",
            "referrals:queue",
            allowed=lambda user: has_role(user, *QUEUE_ROLES),
            order=20,
            active_prefix="/referrals/queue/",
        )
    )
    # Business support and any practitioner take referrals (issue 3: "Intake").
    register_nav(
        NavItem(
            "Make a referral",
            "referrals:new",
            allowed=can_see_person_data,
            order=15,
            active_prefix="/referrals/new/",
        )
    )
    register_home_panel(
        Panel(
            key="triage_queue",
            template="cases/panels/referral_queue_waiting.html",
            context=_waiting_in_my_teams,
            allowed=lambda user: has_role(user, *MANAGER_ROLES),
            order=3,
        )
    )
    register_person_panel(
        Panel(
            key="make_a_referral",
            template="cases/panels/referral_make.html",
            context=_make_a_referral,
            allowed=can_see_person_data,
            order=50,
        )
    )
