"""What every table of the Safeguarding Adults Collection shares: the financial year, the table
and row shapes, what counts in the year, and the helpers that lay categories out as rows.

Local definitions (see the package docstring for the national ones):
- A concern counts in the year it was received once a SAM has decided on it (the SAC counts a
  concern once the council has checked there is reasonable cause); those still waiting are
  shown beside the tables (`concerns_awaiting_decision`), not counted.
- Started is `Enquiry.started_at` (the decision); concluded is `Enquiry.closed_at`.
- The organisation is the concern's.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from ..models import Concern, ConcernStatus, Enquiry, EnquiryKind

NOT_RECORDED = "Not recorded"
TOTAL = "Total"
S42_CONCLUDED = "Concluded section 42 enquiries"


@dataclass(frozen=True, order=True)
class FinancialYear:
    """April to March (DESIGN.md section 5), named by the calendar year it starts in."""

    start_year: int

    @classmethod
    def containing(cls, day: datetime.date) -> "FinancialYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.start_year, 4, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """As the SAC names a year: 2025-26."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def previous(self) -> "FinancialYear":
        return FinancialYear(self.start_year - 1)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Midnight on 1 April to midnight on the next 1 April, in Europe/London."""
        tz = timezone.get_default_timezone()
        return (
            datetime.datetime(self.start_year, 4, 1, tzinfo=tz),
            datetime.datetime(self.start_year + 1, 4, 1, tzinfo=tz),
        )


def default_year(today: datetime.date) -> FinancialYear:
    """The year the return is being made for: the one just ended while returns are due
    (April to June), otherwise the current year so far."""
    current = FinancialYear.containing(today)
    return current.previous if today.month in (4, 5, 6) else current


@dataclass(frozen=True)
class SacRow:
    label: str
    counts: tuple[int, ...]
    is_total: bool = False


@dataclass(frozen=True)
class SacTable:
    slug: str  # in URLs and file names
    code: str  # the SAC's table name
    title: str
    basis: str  # what is counted, in a sentence
    columns: tuple[str, ...]  # the header row: the category column, then the counts
    rows: tuple[SacRow, ...]

    def csv_rows(self):
        yield list(self.columns)
        for row in self.rows:
            yield [row.label, *row.counts]

    def cell(self, label: str, column: str) -> int:
        row = next(r for r in self.rows if r.label == label)
        return row.counts[self.columns.index(column) - 1]


# --- Laying categories out as rows ------------------------------------------------------------


def tally(counts: dict, key, n: int) -> None:
    counts[key] = (counts.get(key, (0,))[0] + n,)


def choices_and_blank(choices) -> tuple[tuple[str, str], ...]:
    """The national categories, then "Not recorded" for a blank answer (enquiries closed before
    closure required it, or imported), so each table adds up to the enquiries it counts."""
    return (*choices, ("", NOT_RECORDED))


def rows_with_total(categories, counts: dict, width: int) -> tuple[SacRow, ...]:
    """One row per category (zeros included, in the national order), then the total."""
    rows = [SacRow(label, tuple(counts.get(key, (0,) * width))) for key, label in categories]
    return (*rows, SacRow(TOTAL, tuple(sum(r.counts[i] for r in rows) for i in range(width)), True))


def with_total_column(counts: tuple[int, ...]) -> tuple[int, ...]:
    return (*counts, sum(counts))


# --- What counts in the year ----------------------------------------------------------------


def in_year(field: str, year: FinancialYear) -> Q:
    start, end = year.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def concern_counted(year: FinancialYear) -> Q:
    return in_year("received_at", year) & ~Q(status=ConcernStatus.AWAITING_DECISION)


def started_in(year: FinancialYear, kind: str, prefix: str = "enquiry__") -> Q:
    return in_year(f"{prefix}started_at", year) & Q(**{f"{prefix}kind": kind})


def concluded_in(year: FinancialYear, kind: str) -> Q:
    return in_year("closed_at", year) & Q(kind=kind)


def concerns_of(organisation_id: int):
    return Concern.objects.filter(organisation_id=organisation_id)


def enquiries_of(organisation_id: int):
    return Enquiry.objects.filter(concern__organisation_id=organisation_id)


def concluded_s42(year: FinancialYear, organisation_id: int):
    return enquiries_of(organisation_id).filter(concluded_in(year, EnquiryKind.S42))


def concerns_awaiting_decision(year: FinancialYear, organisation_id: int) -> int:
    """Concerns received in the year that no one has decided on yet, so not yet counted."""
    return (
        concerns_of(organisation_id)
        .filter(in_year("received_at", year), status=ConcernStatus.AWAITING_DECISION)
        .count()
    )


def activity(slug, code, title, basis, queryset, conditions) -> SacTable:
    """Cases and the individuals involved in them (each adult once a row). One query."""
    totals = queryset.aggregate(
        **{f"cases_{i}": Count("pk", filter=q) for i, (_, q) in enumerate(conditions)},
        **{f"people_{i}": Count("person_id", filter=q, distinct=True) for i, (_, q) in enumerate(conditions)},
    )
    rows = tuple(
        SacRow(label, (totals[f"cases_{i}"], totals[f"people_{i}"]))
        for i, (label, _) in enumerate(conditions)
    )
    return SacTable(slug, code, title, basis, ("Activity", "Number", "Individuals involved"), rows)
