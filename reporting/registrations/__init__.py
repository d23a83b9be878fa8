"""Navigation, the commissioners' home panels (governance counts; boards and their latest
reports) and the demo seeder for governance records (called from ReportingConfig.ready)."""

from django.urls import NoReverseMatch, reverse

from accounts.models import Role
from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import has_role

HOME_URL = "governance:home"


def mounted() -> bool:
    """Whether config/urls.py mounts the governance pages; until it does, no link to them is
    drawn, so no page fails to render."""
    try:
        reverse(HOME_URL)
    except NoReverseMatch:
        return False
    return True


def _can_view(user) -> bool:
    from ..permissions import can_view_governance

    return can_view_governance(user) and mounted()


def _is_commissioner(user) -> bool:
    return has_role(user, Role.COMMISSIONER) and mounted()


def _home_panel(request):
    """Counts only: actions at risk or overdue, extreme risks, reviews overdue."""
    from .. import selectors_actions, selectors_risks

    risk_counts = selectors_risks.level_counts()
    return {
        "actions": selectors_actions.open_action_counts(),
        "extreme": risk_counts["extreme"],
        "review_overdue": risk_counts["review_overdue"],
    }


def _boards_panel(request):
    """Each active board's next meeting and latest published report (a fixed number of
    queries); hidden when there are no boards."""
    from ..selectors_reports import latest_reports_for_panel

    boards = latest_reports_for_panel()
    return {"boards": boards} if boards else None


def register() -> None:
    from cases.demo.registry import register_demo_seeder

    register_nav(NavItem("Governance", HOME_URL, allowed=_can_view, order=70, active_prefix="/governance/"))
    register_home_panel(
        Panel(
            key="governance",
            template="reporting/panels/home.html",
            context=_home_panel,
            allowed=_is_commissioner,
            order=20,
        )
    )

    register_nav(
        NavItem(
            "Board reports",
            "governance:board_list",
            allowed=_can_view,
            order=71,
            active_prefix="/governance/boards/",
        )
    )
    register_home_panel(
        Panel(
            key="governance_boards",
            template="reporting/boards/_home_panel.html",
            context=_boards_panel,
            allowed=_is_commissioner,
            order=21,
        )
    )

    def seed(context):
        from ..demo import seed_governance

        return seed_governance(context)

    register_demo_seeder("governance", seed, order=300)
