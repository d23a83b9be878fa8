"""Per-team Care Act compliance figures for managers now and board reports later.

Aggregates only (counts, percentages, days), never a person: the figures can go to people
who may not see records. Four aggregate queries whatever the size of the team's caseload.

- Plans reviewed within 12 months: of the team's plans in place, the share whose agreed
  date or latest review of that version is within the last 12 months (Care Act s27(1)(a);
  statutory guidance 13.32).
- Light-touch reviews within 8 weeks: of plan versions agreed in the last 12 months and
  at least 8 weeks ago, the share with a review held within 8 weeks of the agreed date
  (seed 003 section 2; statutory guidance chapter 13).
- Days from referral to completed assessment: from the day the case's referral was
  received (London date) to the day the first version of the assessment was completed,
  over assessments completed in the last 12 months; a reassessment (a later version) is
  not a response to the referral and is left out.
- Assessments waiting for a manager to authorise, and how long the oldest has waited.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from cases.workdays import working_days_between

from .models import Assessment, AssessmentStatus, CarePlan, PlanStatus, Review

__all__ = ["TeamCompliance", "team_compliance"]

AGREED_STATUSES = (PlanStatus.ACTIVE, PlanStatus.SUPERSEDED, PlanStatus.ENDED)


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """later - earlier for two dates: whole days (PostgreSQL date subtraction)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class TeamCompliance:
    team_id: int
    today: datetime.date
    active_plans: int
    active_plans_reviewed: int
    light_touch_due: int
    light_touch_on_time: int
    assessments_completed: int
    referral_to_assessment_median_days: float | None
    referral_to_assessment_mean_days: float | None
    awaiting_authorisation: int
    oldest_awaiting_since: datetime.datetime | None

    @property
    def reviewed_percent(self) -> float | None:
        return _percent(self.active_plans_reviewed, self.active_plans)

    @property
    def light_touch_percent(self) -> float | None:
        return _percent(self.light_touch_on_time, self.light_touch_due)

    @property
    def oldest_awaiting_working_days(self) -> int | None:
        if self.oldest_awaiting_since is None:
            return None
        return working_days_between(timezone.localdate(self.oldest_awaiting_since), self.today)


def team_compliance(team, *, today: datetime.date | None = None) -> TeamCompliance:
    """The team's figures as of `today` (default today in London). `team` is a Team or pk."""
    from .review_rules import LIGHT_TOUCH_DUE_DAYS, add_months

    team_id = getattr(team, "pk", team)
    today = today or timezone.localdate()
    year_ago = add_months(today, -12)
    light_touch = datetime.timedelta(days=LIGHT_TOUCH_DUE_DAYS)

    latest_review = Subquery(
        Review.objects.filter(plan=OuterRef("pk"), held_on__lte=today)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    # As at `today` (a board report asks about a past day): nothing agreed or reviewed after it.
    active = (
        CarePlan.objects.filter(team_id=team_id, status=PlanStatus.ACTIVE, agreed_on__lte=today)
        .annotate(basis=Greatest("agreed_on", Coalesce(latest_review, "agreed_on")))
        .aggregate(total=Count("pk"), reviewed=Count("pk", filter=Q(basis__gte=year_ago)))
    )

    on_time_review = Review.objects.filter(
        plan=OuterRef("pk"),
        held_on__gte=OuterRef("agreed_on"),
        held_on__lte=ExpressionWrapper(OuterRef("agreed_on") + light_touch, output_field=DateField()),
    )
    light = CarePlan.objects.filter(
        team_id=team_id,
        status__in=AGREED_STATUSES,
        agreed_on__gte=year_ago,
        agreed_on__lte=today - light_touch,
    ).aggregate(total=Count("pk"), on_time=Count("pk", filter=Exists(on_time_review)))

    days = DaysBetween(F("completed_on"), TruncDate("case__referral__received_at"))
    completed = Assessment.objects.filter(
        team_id=team_id,
        previous__isnull=True,
        completed_on__gte=year_ago,
        completed_on__lte=today,
        case__referral__isnull=False,
    ).aggregate(total=Count("pk"), median=Median(days), mean=Avg(days))

    waiting = Assessment.objects.filter(
        team_id=team_id, status=AssessmentStatus.AWAITING_AUTHORISATION
    ).aggregate(total=Count("pk"), oldest=Min("submitted_at"))

    return TeamCompliance(
        team_id=team_id,
        today=today,
        active_plans=active["total"],
        active_plans_reviewed=active["reviewed"],
        light_touch_due=light["total"],
        light_touch_on_time=light["on_time"],
        assessments_completed=completed["total"],
        referral_to_assessment_median_days=completed["median"],
        referral_to_assessment_mean_days=round(completed["mean"], 1)
        if completed["mean"] is not None
        else None,
        awaiting_authorisation=waiting["total"],
        oldest_awaiting_since=waiting["oldest"],
    )
