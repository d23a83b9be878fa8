"""Person-page panel "Mental capacity and advocacy" (called from CareActConfig.ready)."""

from accounts.registry import Panel
from accounts.selectors import can_see_person_data


def _mca_context(request, *, person, access):
    from .. import selectors_mca as mca

    assessments, more_assessments = mca.capacity_assessments_for(person)
    decisions, more_decisions = mca.best_interests_decisions_for(person)
    referrals, more_referrals = mca.advocacy_referrals_for(person)
    return {
        "person": person,
        "assessments": assessments,
        "decisions": decisions,
        "referrals": referrals,
        "more": {"assessments": more_assessments, "decisions": more_decisions, "referrals": more_referrals},
        "shown": mca.PANEL_SIZE,
        "can_write": not access.is_break_glass,
    }


def register() -> None:
    from cases.panels import register_person_panel

    register_person_panel(
        Panel(
            key="careact_mca",
            template="careact/panels/mca.html",
            context=_mca_context,
            allowed=can_see_person_data,
            order=80,
        )
    )
