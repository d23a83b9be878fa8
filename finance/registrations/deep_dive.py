"""Registrations for the deep dive area (called from FinanceConfig.ready): a home-page panel
that tells a finance officer how many high-cost packages are overdue a review, with a link
to the list (seed 003 s3.4.5: "increase the frequency of review of high cost packages").

It shows counts only, no one's name, so it logs nothing; it shows nothing when none is due.
"""

from accounts.registry import Panel, register_home_panel


def _allowed(user) -> bool:
    from ..permissions import is_finance_officer

    return is_finance_officer(user)


def _context(request):
    from ..deep_dive import DEFAULT_MIN_WEEKLY_COST, DEFAULT_MONTHS, overdue_review_counts

    counts = overdue_review_counts(request.user)
    if not counts:
        return None
    return {"counts": counts, "min_weekly_cost": DEFAULT_MIN_WEEKLY_COST, "months": DEFAULT_MONTHS}


def register() -> None:
    register_home_panel(
        Panel(
            key="finance_deep_dive_reviews",
            template="finance/deep_dive/panel_home.html",
            context=_context,
            allowed=_allowed,
            order=41,
        )
    )
