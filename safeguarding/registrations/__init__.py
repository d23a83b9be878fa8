"""Navigation, home-page and person-page panels and due work for safeguarding
(called from SafeguardingConfig.ready)."""

from accounts.models import Role
from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import can_see_person_data, has_role


def _person_panel(request, *, person, access):
    from .. import selectors
    from ..permissions import can_write

    return {
        "person": person,
        "concerns": selectors.concerns_for_person(person),
        "can_write": can_write(access),
    }


def _home_panel(request):
    from .. import selectors
    from ..permissions import is_sam_of, safeguarding_teams_of

    user = request.user
    teams = [t for t in safeguarding_teams_of(user) if is_sam_of(user, t)]
    return {
        "enquiries": selectors.my_enquiries(user),
        "teams": teams,
        "concern_counts": selectors.concern_counts(teams) if teams else None,
    }


def _has_queue(user) -> bool:
    from ..permissions import safeguarding_teams_of

    return bool(safeguarding_teams_of(user))


def _oversight_only(user) -> bool:
    from ..permissions import is_sam

    return is_sam(user) and not _has_queue(user)


def register() -> None:
    from cases.due_work import register_due_work
    from cases.panels import register_person_panel

    from .. import due_work

    register_nav(
        NavItem(
            "Safeguarding", "safeguarding:queue", allowed=_has_queue, order=40, active_prefix="/safeguarding/"
        )
    )
    # A head of safeguarding outside a safeguarding team (a trust's) still has the line of sight.
    register_nav(
        NavItem("Safeguarding oversight", "safeguarding:oversight", allowed=_oversight_only, order=41)
    )
    register_home_panel(
        Panel(
            key="safeguarding",
            template="safeguarding/panels/home.html",
            context=_home_panel,
            allowed=lambda user: has_role(user, Role.SAFEGUARDING_MANAGER, Role.ENQUIRY_OFFICER),
            order=4,
        )
    )
    register_person_panel(
        Panel(
            key="safeguarding",
            template="safeguarding/panels/person.html",
            context=_person_panel,
            allowed=can_see_person_data,
            order=45,
        )
    )
    register_due_work(
        due_work.CONCERN_DECISION_KIND, due_work.derive_concern_decisions, label="Safeguarding decisions due"
    )
    register_due_work(
        due_work.ENQUIRY_REVIEW_KIND,
        due_work.derive_enquiry_reviews,
        label="Safeguarding enquiries to review",
    )

    from .demo import register as register_demo

    register_demo()
