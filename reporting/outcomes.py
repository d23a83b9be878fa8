"""The employment and accommodation outcome measures (seed 003 s3.1), counted in one query.

Follows the Adult Social Care Outcomes Framework (ASCOF) handbook of definitions for 1F
(paid employment) and 1H (living independently, with or without support), which the NHS
Outcomes Framework also uses (2.5i, 2.5ii):

- Who is counted (the denominator): adults aged 18 to 69 on the day, "in contact with
  secondary mental health services", here: with a case that was open on that day (opened by
  the end of the day and not closed by then). Everyone in contact counts, including people
  whose status is not known: ASCOF divides by all adults in contact, not only those with a
  status, so missing recording lowers the figure instead of hiding.
- What counts (the numerators): the person's latest StatusCheck (`checked_on` latest, then
  the latest recorded) dated in the 12 months up to the day; an older status is ignored
  (ASCOF: status "recorded in the last 12 months"). A latest status of "not known" is not
  counted as employed or settled.
- Paid employment (1F): EmploymentStatus "In paid employment" only. Voluntary work, students,
  the retired and the unemployed are not in paid employment.
- Living independently (1H): AccommodationStatus that the Mental Health Services Data Set
  calls settled: owner occupier or tenant, settled with family or friends, and supported
  accommodation ("with or without support"). Residential or nursing care, hospital,
  homeless or rough sleeping and temporary accommodation are not settled.

Ages: someone born on 29 February becomes a year older on 1 March in a common year (the
cut-off dates below fall back to 28 February, so that is what the comparison does).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import AccommodationStatus, Case, CaseStatus, EmploymentStatus, Person, StatusCheck

AGE_FROM, AGE_TO = 18, 69
PAID_EMPLOYMENT = (EmploymentStatus.PAID_EMPLOYMENT,)
SETTLED_ACCOMMODATION = (
    AccommodationStatus.OWNER_OR_TENANT,
    AccommodationStatus.WITH_FAMILY,
    AccommodationStatus.SUPPORTED,
)
STATUS_WINDOW_YEARS = 1  # "recorded in the last 12 months"


@dataclass(frozen=True)
class OutcomeCounts:
    day: datetime.date
    in_contact: int  # the denominator of both measures
    in_paid_employment: int
    living_independently: int


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` ends, in the service's time zone (Europe/London)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def in_contact(day: datetime.date):
    """People aged 18-69 on `day` with a case open on `day` (a queryset, no person data leaves
    this module: callers only count)."""
    boundary = end_of_day(day)
    open_case = Case.objects.filter(person=OuterRef("pk"), opened_at__lt=boundary).filter(
        Q(status=CaseStatus.OPEN) | Q(closed_at__gte=boundary)
    )
    return Person.objects.filter(
        date_of_birth__lte=years_before(day, AGE_FROM),  # 18th birthday on or before the day
        date_of_birth__gt=years_before(day, AGE_TO + 1),  # 70th birthday after the day
    ).filter(Exists(open_case))


def outcome_counts(day: datetime.date) -> OutcomeCounts:
    """The denominator and both numerators as at `day`, in one aggregate query."""
    latest = StatusCheck.objects.filter(
        person=OuterRef("pk"),
        checked_on__lte=day,
        checked_on__gt=years_before(day, STATUS_WINDOW_YEARS),
    ).order_by("-checked_on", "-pk")
    totals = (
        in_contact(day)
        .annotate(
            employment=Subquery(latest.values("employment")[:1]),
            accommodation=Subquery(latest.values("accommodation")[:1]),
        )
        .aggregate(
            in_contact=Count("pk"),
            in_paid_employment=Count("pk", filter=Q(employment__in=PAID_EMPLOYMENT)),
            living_independently=Count("pk", filter=Q(accommodation__in=SETTLED_ACCOMMODATION)),
        )
    )
    return OutcomeCounts(day=day, **totals)


def percentage(numerator: int, denominator: int) -> Decimal | None:
    """One decimal place, half up, as the board reports show (13.4%)."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Indicator code -> (the OutcomeCounts field of its numerator).
CALCULATIONS = {
    "ASCOF-1F": "in_paid_employment",
    "ASCOF-1H": "living_independently",
}
