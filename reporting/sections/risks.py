"""Board report section "risks": the joint risk register at the period end (seed 000 s4.3;
seed 003 appendix: "C = 4 (Major) L = 4 (Likely) Score = 16 (Extreme)" at first, then the
score after review).

Scores are as they stood at the period end, from the append-only scorings
(RiskAssessment): the latest scoring dated on or before the period's last day; a risk first
assessed after the period is left out. Direction of travel compares that score with the one
in force the day before the period began ("New" for a risk first assessed in the period).
Levels follow the NHS 5x5 bands (reporting.models.risks). One query whatever the number of
risks. Counts of risks are not suppressed in a public report: they count risks, not people.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from accounts.exports import Table

from ..models import (
    CONSEQUENCE_LABELS,
    LEVEL_BANDS,
    LIKELIHOOD_LABELS,
    SCALE,
    Risk,
    RiskAssessment,
    risk_level,
)
from . import SectionRequest, register_section
from .common import capitalised, long_date, number_of, section, were

KEY, TITLE, ORDER = "risks", "Joint risk register", 90

LEVELS = [(str(level), level.label) for level, _, _ in LEVEL_BANDS]  # low to extreme
SCORES = {
    "low": "1 to 3",
    "moderate": "4 to 6",
    "high": "8 to 12",
    "extreme": "15 to 25",
}  # the products that occur
SHOWN_LEVELS = ("extreme", "high")
UP, DOWN, SAME, NEW = "Increased", "Reduced", "No change", "New"


@dataclass(frozen=True)
class RiskAt:
    """A risk as it stood at the period end."""

    risk: Risk
    consequence: int
    likelihood: int
    score_before: int | None  # the score the day before the period began; None if not yet assessed
    review_on: datetime.date | None

    @property
    def score(self) -> int:
        return self.consequence * self.likelihood

    @property
    def level(self) -> str:
        return str(risk_level(self.score))

    @property
    def direction(self) -> str:
        if self.score_before is None:
            return NEW
        if self.score > self.score_before:
            return UP
        return DOWN if self.score < self.score_before else SAME


def risks_at(period_start: datetime.date, period_end: datetime.date) -> list[RiskAt]:
    """Every risk first assessed by the period end, scored as at that day (one query)."""
    at_end = RiskAssessment.objects.filter(risk=OuterRef("pk"), assessed_on__lte=period_end).order_by(
        "-assessed_on", "-pk"
    )
    before = RiskAssessment.objects.filter(risk=OuterRef("pk"), assessed_on__lt=period_start).order_by(
        "-assessed_on", "-pk"
    )
    risks = (
        Risk.objects.filter(first_assessed_on__lte=period_end)
        .annotate(
            end_consequence=Subquery(at_end.values("consequence")[:1]),
            end_likelihood=Subquery(at_end.values("likelihood")[:1]),
            end_next_review=Subquery(at_end.values("next_review_on")[:1]),
            before_score=Subquery(before.values("score")[:1]),
        )
        .order_by("pk")
    )
    found = []
    for risk in risks:
        if risk.end_consequence is None:  # no scoring row: the register's own first scores
            consequence, likelihood = risk.initial_consequence, risk.initial_likelihood
        else:
            consequence, likelihood = risk.end_consequence, risk.end_likelihood
        score_before = risk.before_score
        if score_before is None and risk.first_assessed_on < period_start:
            score_before = risk.initial_consequence * risk.initial_likelihood
        # The register's own review date, unless the risk was re-scored after the period end:
        # then the next review set by the scoring in force at the period end.
        review_on = risk.review_on if risk.last_assessed_on <= period_end else risk.end_next_review
        found.append(RiskAt(risk, consequence, likelihood, score_before, review_on))
    return found


def _score_text(consequence: int, likelihood: int) -> str:
    """Seed 003's wording: "C = 4 (Major) L = 4 (Likely) Score = 16 (Extreme)"."""
    score = consequence * likelihood
    return (
        f"C = {consequence} ({CONSEQUENCE_LABELS[consequence]}) L = {likelihood} "
        f"({LIKELIHOOD_LABELS[likelihood]}) Score = {score} ({risk_level(score).label})"
    )


def build(request: SectionRequest) -> dict:
    day = request.period_end
    end, start = long_date(day), long_date(request.period_start)
    risks = risks_at(request.period_start, day)

    at_end = {key: 0 for key, _ in LEVELS}
    at_start = {key: 0 for key, _ in LEVELS}
    for r in risks:
        at_end[r.level] += 1
        if r.score_before is not None:
            at_start[str(risk_level(r.score_before))] += 1
    by_level = Table(
        title=f"Risks by level at {end}",
        columns=[
            "Level",
            "Score",
            f"At {long_date(request.period_start - datetime.timedelta(days=1))}",
            f"At {end}",
        ],
    )
    for key, label in reversed(LEVELS):
        by_level.add([label, SCORES[key], at_start[key], at_end[key]])
    by_level.add(["All risks", None, sum(at_start.values()), len(risks)], kind="total")

    serious = sorted(
        (r for r in risks if r.level in SHOWN_LEVELS),
        key=lambda r: (-r.score, r.review_on or datetime.date.max, r.risk.pk),
    )
    high = Table(
        title=f"Risks scored high or extreme at {end}",
        columns=[
            "Reference",
            "Risk",
            "First score",
            "Score at period end",
            "Level",
            "Direction of travel",
            "Owner",
            "Next review",
        ],
        note=f"Direction of travel: the score at {end} against the score the day before {start}.",
    )
    for r in serious:
        high.add(
            [
                r.risk.reference,
                r.risk.title,
                _score_text(r.risk.initial_consequence, r.risk.initial_likelihood),
                _score_text(r.consequence, r.likelihood),
                risk_level(r.score).label,
                r.direction,
                r.risk.owner_name,
                r.review_on,
            ]
        )

    counts: dict[tuple[int, int], int] = {}
    for r in risks:
        counts[r.consequence, r.likelihood] = counts.get((r.consequence, r.likelihood), 0) + 1
    matrix = Table(
        title=f"Risks by consequence and likelihood at {end} (5x5 matrix)",
        columns=["Consequence", *(f"{lik} {LIKELIHOOD_LABELS[lik]}" for lik in SCALE)],
        note="Each cell counts the risks with that consequence (row) and likelihood (column).",
    )
    for c in reversed(SCALE):
        matrix.add([f"{c} {CONSEQUENCE_LABELS[c]}", *(counts.get((c, lik), 0) for lik in SCALE)])

    if risks:
        overdue = sum(1 for r in risks if r.review_on is not None and r.review_on < day)
        moved = {d: sum(1 for r in risks if r.direction == d) for d in (UP, DOWN, NEW)}
        held = number_of(len(risks), "risk")
        summary = [
            f"At {end} the joint risk register held {held}: {at_end['extreme']} extreme, "
            f"{at_end['high']} high, {at_end['moderate']} moderate and {at_end['low']} low.",
            f"Since {start}, the score of {number_of(moved[UP], 'risk')} increased and of "
            f"{number_of(moved[DOWN], 'risk')} reduced; "
            f"{number_of(moved[NEW], 'risk')} {were(moved[NEW])} added.",
            capitalised(f"{number_of(overdue, 'risk')} {were(overdue)} past the review date at {end}."),
        ]
    else:
        summary = [f"No risks were on the joint risk register at {end}."]
    definitions = [
        [
            "Score",
            "Consequence (1 negligible to 5 catastrophic) times likelihood (1 rare to 5 almost "
            "certain), as last scored on or before the period end (NHS 5x5 risk matrix, NPSA 2008).",
        ],
        ["Level", "From the score: 1 to 3 low, 4 to 6 moderate, 8 to 12 high, 15 to 25 extreme."],
        ["First score", "The scoring when the risk was first assessed."],
        [
            "Direction of travel",
            "Increased, reduced or no change: the score at the period end against the "
            "score the day before the period began. New: first assessed during the period.",
        ],
        [
            "Next review",
            "The date the risk is next due for review, as set by its latest scoring or the register.",
        ],
        ["Counts of risks", "Not suppressed in a public report: they count risks, not people."],
    ]
    return section(summary=summary, tables=[by_level, high, matrix], definitions=definitions)


def register() -> None:
    register_section(KEY, TITLE, build, ORDER)
