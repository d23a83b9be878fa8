"""The Safeguarding Adults Collection (SAC): the council's statutory return to NHS England for a
financial year, counted in SQL from the safeguarding records (Care Act 2014 s42; Health and
Social Care Act 2012 s259). Aggregates only: nothing here returns a row about one person.

Shape, from NHS England's "Guidance for completing the Safeguarding Adults Collection"
(2023-24; unchanged in 2024-25):
- SG1: concerns raised and enquiries started in the year (1 April to 31 March, Europe/London).
  SG1a-SG1c count individuals, each adult once a column however many cases ("three s42
  enquiries for Mr X: Mr X appears in SG1a-SG1c once"); SG1d-SG1e count cases. Age is the
  age on the last day of the year.
- SG2: section 42 enquiries concluded in the year; a count of one for each category that
  applies (several types of risk per enquiry; a source of risk once per type).
- SG3: capacity, and of those lacking capacity, support by an advocate, family or friend.
Confirmed there: the rules above, SG1a's age bands and "Individuals involved in ..." metrics,
the sources of risk. Not confirmed (the pages seen stop earlier): the exact titles of SG1b-SG3,
the gender list (taken as Male, Female, Unknown) and the ethnic group labels. The other lists
are `safeguarding.models.categories`, already the national ones.

Local definitions:
- A concern counts in the year it was received once a SAM has decided on it (the SAC counts a
  concern once the council has checked there is reasonable cause); those still waiting are
  shown beside the tables (`concerns_awaiting_decision`), not counted.
- Started is `Enquiry.started_at` (the decision); concluded is `Enquiry.closed_at`.
- The organisation is the concern's.
- "Not recorded" rows hold enquiries closed before closure required the answer, or imported,
  so each table adds up to the enquiries it counts.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone

from cases.models import EthnicCategory, Gender, Person

from .models import (
    AbuseType,
    Concern,
    ConcernStatus,
    Enquiry,
    EnquiryKind,
    MspAsked,
    OutcomesAchieved,
    PrimarySupportReason,
    RiskLocation,
    RiskOutcome,
    SourceOfRisk,
    YesNoDontKnow,
)

__all__ = [
    "FinancialYear",
    "SacRow",
    "SacTable",
    "TABLE_SLUGS",
    "concerns_awaiting_decision",
    "default_year",
    "sac_tables",
    "table_csv",
    "tables_zip",
]

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


# --- Categories -----------------------------------------------------------------------------

AGE_BANDS = (
    ("18-64", "18-64"),
    ("65-74", "65-74"),
    ("75-84", "75-84"),
    ("85-94", "85-94"),
    ("95+", "95+"),
    ("unknown", "Age unknown"),
)
GENDERS = (("male", "Male"), ("female", "Female"), ("unknown", "Unknown"))
ETHNIC_GROUPS = (
    ("white", "White"),
    ("mixed", "Mixed/Multiple"),
    ("asian", "Asian/Asian British"),
    ("black", "Black/African/Caribbean/Black British"),
    ("other", "Other ethnic group"),
    ("refused", "Refused"),
    ("not_known", "Undeclared/Not known"),
)
E = EthnicCategory
# NHS Data Dictionary ethnic category -> the SAC's major group. The SAC's groups are the 2011
# census's, where Chinese is an Asian/Asian British group; "Not stated" is the person
# declining to say (Refused).
ETHNIC_GROUP_OF = {
    "white": (E.A, E.B, E.C),
    "mixed": (E.D, E.E, E.F, E.G),
    "asian": (E.H, E.J, E.K, E.L, E.R),
    "black": (E.M, E.N, E.P),
    "other": (E.S,),
    "refused": (E.Z,),
}
INDIVIDUAL_COLUMNS = (
    "Individuals involved in safeguarding concerns",
    "Individuals involved in section 42 safeguarding enquiries",
    "Individuals involved in other safeguarding enquiries",
)
CASE_COLUMNS = ("Safeguarding concerns", "Section 42 safeguarding enquiries", "Other safeguarding enquiries")
SOURCE_COLUMNS = tuple(label for _, label in SourceOfRisk.choices)
ACTION_ROWS = ((True, "Action taken"), (False, "No action taken"), (None, NOT_RECORDED))


def _tally(counts: dict, key, n: int) -> None:
    counts[key] = (counts.get(key, (0,))[0] + n,)


def _choices_and_blank(choices) -> tuple[tuple[str, str], ...]:
    return (*choices, ("", NOT_RECORDED))


def _rows(categories, counts: dict, width: int) -> tuple[SacRow, ...]:
    """One row per category (zeros included, in the national order), then the total."""
    rows = [SacRow(label, tuple(counts.get(key, (0,) * width))) for key, label in categories]
    return (*rows, SacRow(TOTAL, tuple(sum(r.counts[i] for r in rows) for i in range(width)), True))


def _with_total_column(counts: tuple[int, ...]) -> tuple[int, ...]:
    return (*counts, sum(counts))


# --- What counts in the year ----------------------------------------------------------------


def _in_year(field: str, year: FinancialYear) -> Q:
    start, end = year.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _concern_counted(year: FinancialYear) -> Q:
    return _in_year("received_at", year) & ~Q(status=ConcernStatus.AWAITING_DECISION)


def _started(year: FinancialYear, kind: str, prefix: str = "enquiry__") -> Q:
    return _in_year(f"{prefix}started_at", year) & Q(**{f"{prefix}kind": kind})


def _concluded(year: FinancialYear, kind: str) -> Q:
    return _in_year("closed_at", year) & Q(kind=kind)


def _concerns(organisation_id: int):
    return Concern.objects.filter(organisation_id=organisation_id)


def _enquiries(organisation_id: int):
    return Enquiry.objects.filter(concern__organisation_id=organisation_id)


def _concluded_s42(year: FinancialYear, organisation_id: int):
    return _enquiries(organisation_id).filter(_concluded(year, EnquiryKind.S42))


def concerns_awaiting_decision(year: FinancialYear, organisation_id: int) -> int:
    """Concerns received in the year that no one has decided on yet, so not yet counted."""
    return (
        _concerns(organisation_id)
        .filter(_in_year("received_at", year), status=ConcernStatus.AWAITING_DECISION)
        .count()
    )


# --- SG1: concerns raised and enquiries started -----------------------------------------------


def _age_band(year: FinancialYear) -> Case:
    """Age on the last day of the year (31 March exists in every year, so no leap-day care)."""
    last = year.last_day

    def born_by(age: int) -> datetime.date:  # born on or before this: at least `age` on the day
        return last.replace(year=last.year - age)

    return Case(
        When(date_of_birth__isnull=True, then=Value("unknown")),
        When(date_of_birth__gt=born_by(65), then=Value("18-64")),
        When(date_of_birth__gt=born_by(75), then=Value("65-74")),
        When(date_of_birth__gt=born_by(85), then=Value("75-84")),
        When(date_of_birth__gt=born_by(95), then=Value("85-94")),
        default=Value("95+"),
        output_field=CharField(),
    )


def _gender(year: FinancialYear) -> Case:
    """Male and female as recorded; every other answer (non-binary, another gender, prefers
    not to say, not known) has only Unknown left in the SAC's list."""
    return Case(
        When(gender=Gender.MALE, then=Value("male")),
        When(gender=Gender.FEMALE, then=Value("female")),
        default=Value("unknown"),
        output_field=CharField(),
    )


def _ethnic_group(year: FinancialYear) -> Case:
    return Case(
        *[When(ethnicity__in=codes, then=Value(group)) for group, codes in ETHNIC_GROUP_OF.items()],
        default=Value("not_known"),
        output_field=CharField(),
    )


def _individuals(year: FinancialYear, organisation_id: int, group, categories) -> tuple[SacRow, ...]:
    """Each adult once per column: one row per person in SQL, grouped, so no join can count
    anyone twice. One query."""
    concerns = _concerns(organisation_id)
    in_concerns = concerns.filter(_concern_counted(year)).values("person_id")
    in_s42 = concerns.filter(_started(year, EnquiryKind.S42)).values("person_id")
    in_other = concerns.filter(_started(year, EnquiryKind.OTHER)).values("person_id")
    grouped = (
        Person.objects.filter(Q(pk__in=in_concerns) | Q(pk__in=in_s42) | Q(pk__in=in_other))
        .annotate(group=group(year))
        .values("group")
        .annotate(
            concerns=Count("pk", filter=Q(pk__in=in_concerns)),
            s42=Count("pk", filter=Q(pk__in=in_s42)),
            other=Count("pk", filter=Q(pk__in=in_other)),
        )
        .order_by()
    )
    counts = {row["group"]: (row["concerns"], row["s42"], row["other"]) for row in grouped}
    return _rows(categories, counts, 3)


def _sg1d(year: FinancialYear, organisation_id: int) -> SacTable:
    """Cases by the primary support reason recorded on the concern. One query."""
    concern, s42, other = (
        _concern_counted(year),
        _started(year, EnquiryKind.S42),
        _started(year, EnquiryKind.OTHER),
    )
    grouped = (
        _concerns(organisation_id)
        .filter(concern | s42 | other)
        .values("primary_support_reason")
        .annotate(
            concerns=Count("pk", filter=concern), s42=Count("pk", filter=s42), other=Count("pk", filter=other)
        )
        .order_by()
    )
    counts = {row["primary_support_reason"]: (row["concerns"], row["s42"], row["other"]) for row in grouped}
    return SacTable(
        "sg1d",
        "SG1d",
        "Concerns and enquiries by primary support reason",
        "Concerns raised and enquiries started in the year, by the primary support reason recorded "
        "on the concern; an adult with several counts once for each.",
        ("Primary support reason", *CASE_COLUMNS),
        _rows(PrimarySupportReason.choices, counts, 3),
    )


def _activity(slug, title, basis, queryset, conditions) -> SacTable:
    """Cases and the individuals involved in them (each adult once a row). One query."""
    totals = queryset.aggregate(
        **{f"cases_{i}": Count("pk", filter=q) for i, (_, q) in enumerate(conditions)},
        **{f"people_{i}": Count("person_id", filter=q, distinct=True) for i, (_, q) in enumerate(conditions)},
    )
    rows = tuple(
        SacRow(label, (totals[f"cases_{i}"], totals[f"people_{i}"]))
        for i, (label, _) in enumerate(conditions)
    )
    return SacTable(slug, "SG" + slug[2:], title, basis, ("Activity", "Number", "Individuals involved"), rows)


def _sg1e(year: FinancialYear, organisation_id: int) -> SacTable:
    return _activity(
        "sg1e",
        "Concerns raised and enquiries started",
        "Concerns raised and enquiries started in the year, and the adults at risk involved in them.",
        _concerns(organisation_id),
        (
            ("Safeguarding concerns", _concern_counted(year)),
            ("Section 42 safeguarding enquiries", _started(year, EnquiryKind.S42)),
            ("Other safeguarding enquiries", _started(year, EnquiryKind.OTHER)),
        ),
    )


# --- SG2: enquiries concluded -----------------------------------------------------------------


def _sg2(year: FinancialYear, organisation_id: int) -> SacTable:
    return _activity(
        "sg2",
        "Enquiries concluded",
        "Enquiries that concluded (closed) in the year, whenever they started, and the adults at risk "
        "involved in them.",
        _enquiries(organisation_id),
        (
            ("Section 42 safeguarding enquiries", _concluded(year, EnquiryKind.S42)),
            ("Other safeguarding enquiries", _concluded(year, EnquiryKind.OTHER)),
        ),
    )


def _sg2a(year: FinancialYear, organisation_id: int) -> SacTable:
    """Types of risk by source: every type recorded on the enquiry's concern counts once. One
    query of filtered counts (the types are an array, so no unnesting is needed)."""
    cells = {
        f"t{i}_s{j}": Count(
            "pk", filter=Q(concern__abuse_types__contains=[abuse], concern__source_of_risk=source)
        )
        for i, abuse in enumerate(AbuseType.values)
        for j, source in enumerate(SourceOfRisk.values)
    }
    counts = _concluded_s42(year, organisation_id).aggregate(**cells)
    rows = tuple(
        SacRow(label, _with_total_column(tuple(counts[f"t{i}_s{j}"] for j in range(len(SOURCE_COLUMNS)))))
        for i, (_, label) in enumerate(AbuseType.choices)
    )
    return SacTable(
        "sg2a",
        "SG2a",
        "Concluded section 42 enquiries by type of risk and source of risk",
        "Section 42 enquiries concluded in the year. An enquiry counts once under each type of risk "
        "recorded, so the rows add up to more than the enquiries.",
        ("Type of risk", *SOURCE_COLUMNS, TOTAL),
        rows,
    )


def _sg2b(year: FinancialYear, organisation_id: int) -> SacTable:
    grouped = (
        _concluded_s42(year, organisation_id)
        .values("concern__location", "concern__source_of_risk")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {(row["concern__location"], row["concern__source_of_risk"]): row["n"] for row in grouped}
    counts = {
        location: _with_total_column(
            tuple(found.get((location, source), 0) for source in SourceOfRisk.values)
        )
        for location in RiskLocation.values
    }
    return SacTable(
        "sg2b",
        "SG2b",
        "Concluded section 42 enquiries by location of risk and source of risk",
        "Section 42 enquiries concluded in the year, by where the risk was and who it came from.",
        ("Location of risk", *SOURCE_COLUMNS, TOTAL),
        _rows(RiskLocation.choices, counts, len(SOURCE_COLUMNS) + 1),
    )


def _sg2c(year: FinancialYear, organisation_id: int) -> SacTable:
    """Whether action was taken, by what happened to the risk. The records hold action taken
    and the risk outcome; they do not say whether a risk was identified or the assessment was
    inconclusive, so the SAC's finer rows are not produced here."""
    grouped = (
        _concluded_s42(year, organisation_id).values("action_taken", "risk_outcome").annotate(n=Count("pk"))
    ).order_by()
    found = {(row["action_taken"], row["risk_outcome"]): row["n"] for row in grouped}
    outcomes = _choices_and_blank(RiskOutcome.choices)
    counts = {
        action: _with_total_column(tuple(found.get((action, outcome), 0) for outcome, _ in outcomes))
        for action, _ in ACTION_ROWS
    }
    return SacTable(
        "sg2c",
        "SG2c",
        "Concluded section 42 enquiries by action taken and risk outcome",
        "Section 42 enquiries concluded in the year: whether action was taken, and whether the risk "
        "was removed, reduced or remains.",
        ("Action", *(label for _, label in outcomes), TOTAL),
        _rows(ACTION_ROWS, counts, len(outcomes) + 1),
    )


def _sg2d(year: FinancialYear, organisation_id: int) -> tuple[SacTable, SacTable]:
    """Making Safeguarding Personal: was the adult asked, and of those who expressed outcomes,
    were they achieved (statutory guidance 14.15). One query for both tables."""
    grouped = (
        _concluded_s42(year, organisation_id)
        .values("msp_asked", "outcomes_achieved")
        .annotate(n=Count("pk"))
        .order_by()
    )
    asked: dict[str, tuple[int]] = {}
    achieved: dict[str, tuple[int]] = {}
    for row in grouped:
        _tally(asked, row["msp_asked"], row["n"])
        if row["msp_asked"] == MspAsked.ASKED_EXPRESSED:
            _tally(achieved, row["outcomes_achieved"], row["n"])
    return (
        SacTable(
            "sg2d-asked",
            "SG2d",
            "Making Safeguarding Personal: was the adult asked about the outcomes they wanted?",
            "Section 42 enquiries concluded in the year, by whether the adult (or their representative) "
            "was asked what outcomes they wanted, and whether they expressed any.",
            ("Asked about desired outcomes", S42_CONCLUDED),
            _rows(_choices_and_blank(MspAsked.choices), asked, 1),
        ),
        SacTable(
            "sg2d-achieved",
            "SG2d",
            "Making Safeguarding Personal: were the outcomes the adult expressed achieved?",
            "Of the section 42 enquiries concluded in the year where the adult expressed the outcomes "
            "they wanted, whether those outcomes were achieved.",
            ("Desired outcomes", S42_CONCLUDED),
            _rows(_choices_and_blank(OutcomesAchieved.choices), achieved, 1),
        ),
    )


def _support() -> Case:
    """Supported by an advocate, family or friend (Care Act s68), from what the enquiry records:
    an advocate named, or an appropriate person supporting them, is Yes; substantial difficulty
    with no appropriate person and no advocate is No; no substantial difficulty leaves the
    record silent on support, so Don't know."""
    return Case(
        When(~Q(advocate="") | Q(appropriate_person=True), then=Value("yes")),
        When(substantial_difficulty=True, appropriate_person=False, then=Value("no")),
        When(substantial_difficulty=False, then=Value("dont_know")),
        default=Value(""),
        output_field=CharField(),
    )


def _sg3(year: FinancialYear, organisation_id: int) -> tuple[SacTable, SacTable]:
    """Capacity, and of those lacking capacity, advocacy. One query for both tables."""
    grouped = (
        _concluded_s42(year, organisation_id)
        .values("lacks_capacity", support=_support())
        .annotate(n=Count("pk"))
        .order_by()
    )
    capacity: dict[str, tuple[int]] = {}
    support: dict[str, tuple[int]] = {}
    for row in grouped:
        _tally(capacity, row["lacks_capacity"], row["n"])
        if row["lacks_capacity"] == YesNoDontKnow.YES:
            _tally(support, row["support"], row["n"])
    answers = _choices_and_blank(YesNoDontKnow.choices)
    return (
        SacTable(
            "sg3-capacity",
            "SG3",
            "Mental capacity: did the adult lack capacity?",
            "Section 42 enquiries concluded in the year, by whether the adult lacked capacity about "
            "the enquiry (Mental Capacity Act 2005).",
            ("Lacked capacity", S42_CONCLUDED),
            _rows(answers, capacity, 1),
        ),
        SacTable(
            "sg3-advocacy",
            "SG3",
            "Advocacy: of those lacking capacity, were they supported by an advocate, family or friend?",
            "Of the section 42 enquiries concluded in the year where the adult lacked capacity, whether "
            "an advocate, family member or friend supported them (Care Act 2014 s68).",
            ("Supported by an advocate, family or friend", S42_CONCLUDED),
            _rows(answers, support, 1),
        ),
    )


# --- All the tables ---------------------------------------------------------------------------


def _sg1(slug: str, title: str, category: str, group, categories):
    def build(year: FinancialYear, organisation_id: int) -> SacTable:
        return SacTable(
            slug,
            "SG" + slug[2:],
            title,
            "Adults at risk involved in concerns raised, or enquiries started, in the year; each adult "
            "counted once in each column however many concerns or enquiries they had."
            + (" Age on 31 March, the last day of the year." if slug == "sg1a" else ""),
            (category, *INDIVIDUAL_COLUMNS),
            _individuals(year, organisation_id, group, categories),
        )

    return build


_BUILDERS = (
    _sg1("sg1a", "Individuals by age band", "Age band", _age_band, AGE_BANDS),
    _sg1("sg1b", "Individuals by gender", "Gender", _gender, GENDERS),
    _sg1("sg1c", "Individuals by ethnicity", "Ethnicity", _ethnic_group, ETHNIC_GROUPS),
    _sg1d,
    _sg1e,
    _sg2,
    _sg2a,
    _sg2b,
    _sg2c,
    _sg2d,
    _sg3,
)
TABLE_SLUGS = (
    "sg1a",
    "sg1b",
    "sg1c",
    "sg1d",
    "sg1e",
    "sg2",
    "sg2a",
    "sg2b",
    "sg2c",
    "sg2d-asked",
    "sg2d-achieved",
    "sg3-capacity",
    "sg3-advocacy",
)


def sac_tables(year: FinancialYear, organisation_id: int) -> list[SacTable]:
    """Every table of the return for one organisation and year, in the SAC's order. A fixed
    number of aggregate queries (eleven), whatever the number of records."""
    tables: list[SacTable] = []
    for build in _BUILDERS:
        built = build(year, organisation_id)
        tables.extend(built if isinstance(built, tuple) else (built,))
    return tables


def table_csv(table: SacTable) -> str:
    """The table as CSV: a header row, then one row per category. Labels are the fixed
    national ones and every other cell is a whole number, so nothing a spreadsheet could
    run as a formula is ever written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(table.csv_rows())
    return out.getvalue()


def csv_name(table: SacTable, year: FinancialYear, organisation_slug: str) -> str:
    return f"sac-{year.label}-{organisation_slug}-{table.slug}.csv"


def tables_zip(tables: list[SacTable], year: FinancialYear, organisation_slug: str) -> bytes:
    """Every table as its own CSV file in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(csv_name(table, year, organisation_slug), table_csv(table).encode("utf-8"))
    return buffer.getvalue()
