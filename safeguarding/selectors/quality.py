"""The quality view: seed 000's safeguarding audit (6.27-6.31), made continuous.

Of the enquiries closed in a period, how many had each required element recorded, in one
SQL aggregate over the same conditions that refuse closure (`safeguarding.checklist`).
Enquiries closed before the rule, or imported, are where the gaps show.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from ..checklist import ALL_RECORDED, ELEMENTS
from ..models import Enquiry

__all__ = ["QualityRow", "default_quality_period", "quality_figures"]


@dataclass(frozen=True)
class QualityRow:
    label: str
    recorded: int
    total: int

    @property
    def percent(self) -> int | None:
        """Whole percent, halves rounded up; None when nothing closed in the period."""
        if not self.total:
            return None
        return int((Decimal(100 * self.recorded) / self.total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def default_quality_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 12 months, ending today."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + datetime.timedelta(days=1), today


def quality_figures(*, start: datetime.date, end: datetime.date, organisation_id=None) -> dict:
    """{"total", "rows": [QualityRow per element], "all": QualityRow} for enquiries closed
    from `start` to `end` inclusive (dates in Europe/London). One query."""
    enquiries = Enquiry.objects.filter(closed_at__date__gte=start, closed_at__date__lte=end)
    if organisation_id:
        enquiries = enquiries.filter(team__organisation_id=organisation_id)
    counts = enquiries.aggregate(
        total=Count("pk"),
        all_recorded=Count("pk", filter=ALL_RECORDED),
        **{f"el_{e.key}": Count("pk", filter=e.recorded) for e in ELEMENTS},
    )
    total = counts["total"]
    return {
        "total": total,
        "rows": [QualityRow(e.label, counts[f"el_{e.key}"], total) for e in ELEMENTS],
        "all": QualityRow("Every element recorded", counts["all_recorded"], total),
    }
