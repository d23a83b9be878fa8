"""Performance indicators against their targets, the last 12 months (seed 003 s3.1)."""

from django.shortcuts import render

from .. import selectors_indicators as indicators
from ..permissions import governance_required


@governance_required
def indicator_list(request):
    rows = indicators.indicator_rows()
    return render(
        request,
        "reporting/indicator_list.html",
        {"rows": rows, "months": indicators.months_shown()},
    )
