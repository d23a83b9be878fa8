"""The governance overview: action plans, the risk register and indicators at a glance."""

from django.shortcuts import render
from django.utils import timezone

from .. import selectors_actions as actions
from .. import selectors_indicators as indicators
from .. import selectors_risks as risks
from ..models import LEVEL_BANDS
from ..permissions import can_edit_governance, governance_required


@governance_required
def home(request):
    today = timezone.localdate()
    counts = risks.level_counts(today)
    return render(
        request,
        "reporting/home.html",
        {
            "plans": list(actions.plans(today)),
            "action_counts": actions.open_action_counts(today),
            "risk_counts": counts,
            "levels": [(level, counts[str(level)]) for level, _, _ in reversed(LEVEL_BANDS)],
            "indicator_rows": indicators.indicator_rows(today),
            "can_edit": can_edit_governance(request.user),
        },
    )
