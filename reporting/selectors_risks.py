"""Reads of the joint risk register: the sorted, filtered list, the 5x5 heat map and a
risk's history. Fixed query counts; no person data."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from .models import (
    CONSEQUENCE_LABELS,
    LEVEL_BANDS,
    LIKELIHOOD_LABELS,
    SCALE,
    Risk,
    RiskAssessment,
    RiskLevel,
    risk_level,
    score_range,
)

PAGE_SIZE = 25


def register(*, level: str = "", owner: str = "", review_overdue: bool = False, today=None):
    """Highest current score first, then the soonest review (seed 003 lists risks by level)."""
    today = today or timezone.localdate()
    risks = Risk.objects.select_related("owner_user")
    if level:
        low, high = score_range(level)
        risks = risks.filter(score__gte=low, score__lte=high)
    if owner:
        risks = risks.filter(owner_name=owner)
    if review_overdue:
        risks = risks.filter(review_on__lt=today)
    return risks.order_by("-score", "review_on", "pk")


def owner_names() -> list[str]:
    return list(Risk.objects.order_by("owner_name").values_list("owner_name", flat=True).distinct())


def risk_queryset():
    return Risk.objects.select_related("owner_user")


def assessments_for(risk: Risk) -> list[RiskAssessment]:
    return list(risk.assessments.select_related("assessed_by").order_by("-assessed_on", "-pk"))


@dataclass(frozen=True)
class HeatCell:
    consequence: int
    likelihood: int
    count: int

    @property
    def score(self) -> int:
        return self.consequence * self.likelihood

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.score)


@dataclass(frozen=True)
class HeatRow:
    consequence: int
    label: str
    cells: list[HeatCell]


def heat_map() -> tuple[list[HeatRow], list[tuple[int, str]], int]:
    """Counts of risks in each cell of the 5x5 matrix by current consequence (rows, 5 at the
    top) and likelihood (columns), in one query. Returns (rows, columns, total)."""
    counts = {
        (row["consequence"], row["likelihood"]): row["n"]
        for row in Risk.objects.values("consequence", "likelihood").annotate(n=Count("pk")).order_by()
    }
    rows = [
        HeatRow(
            consequence=c,
            label=CONSEQUENCE_LABELS[c],
            cells=[HeatCell(c, lik, counts.get((c, lik), 0)) for lik in SCALE],
        )
        for c in reversed(SCALE)
    ]
    columns = [(lik, LIKELIHOOD_LABELS[lik]) for lik in SCALE]
    return rows, columns, sum(counts.values())


def level_counts(today: datetime.date | None = None) -> dict[str, int]:
    """Risks at each current level, and reviews overdue, in one query."""
    today = today or timezone.localdate()
    aggregates = {
        str(level): Count("pk", filter=Q(score__gte=low, score__lte=high)) for level, low, high in LEVEL_BANDS
    }
    aggregates["review_overdue"] = Count("pk", filter=Q(review_on__lt=today))
    aggregates["total"] = Count("pk")
    return Risk.objects.aggregate(**aggregates)
