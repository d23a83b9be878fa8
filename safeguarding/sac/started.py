"""SG1: concerns raised and enquiries started in the year.

SG1a-SG1c count individuals, each adult once a column however many cases ("three s42
enquiries for Mr X: Mr X appears in SG1a-SG1c once"); SG1d and SG1f count cases. Age is the
age on the last day of the year.
"""

import datetime

from django.db.models import Case, CharField, Count, Q, Value, When

from cases.models import EthnicCategory, Gender, Person

from ..models import EnquiryKind, PrimarySupportReason
from .base import (
    FinancialYear,
    SacTable,
    activity,
    concern_counted,
    concerns_of,
    rows_with_total,
    started_in,
)

AGE_BANDS = (
    ("18-64", "18-64"),
    ("65-74", "65-74"),
    ("75-84", "75-84"),
    ("85-94", "85-94"),
    ("95+", "95+"),
    ("unknown", "Age unknown"),
)
# SG1b has Male, Female and Not known, and no other category.
GENDERS = (("male", "Male"), ("female", "Female"), ("unknown", "Not known"))
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
    not to say, not known) has only Not known left in the SAC's list."""
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


def _individuals(year: FinancialYear, organisation_id: int, group, categories):
    """Each adult once per column: one row per person in SQL, grouped, so no join can count
    anyone twice. One query."""
    concerns = concerns_of(organisation_id)
    in_concerns = concerns.filter(concern_counted(year)).values("person_id")
    in_s42 = concerns.filter(started_in(year, EnquiryKind.S42)).values("person_id")
    in_other = concerns.filter(started_in(year, EnquiryKind.OTHER)).values("person_id")
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
    return rows_with_total(categories, counts, 3)


def _sg1(slug: str, title: str, category: str, group, categories):
    def build(year: FinancialYear, organisation_id: int) -> SacTable:
        return SacTable(
            slug,
            slug.upper(),
            title,
            "Adults at risk involved in concerns raised, or enquiries started, in the year; each adult "
            "counted once in each column however many concerns or enquiries they had."
            + (" Age on 31 March, the last day of the year." if slug == "sg1a" else ""),
            (category, *INDIVIDUAL_COLUMNS),
            _individuals(year, organisation_id, group, categories),
        )

    return build


sg1a = _sg1("sg1a", "Individuals by age band", "Age band", _age_band, AGE_BANDS)
sg1b = _sg1("sg1b", "Individuals by gender", "Gender", _gender, GENDERS)
sg1c = _sg1("sg1c", "Individuals by ethnicity", "Ethnicity", _ethnic_group, ETHNIC_GROUPS)


def sg1d(year: FinancialYear, organisation_id: int) -> SacTable:
    """Cases by the primary support reason recorded on the concern. One query."""
    concern, s42, other = (
        concern_counted(year),
        started_in(year, EnquiryKind.S42),
        started_in(year, EnquiryKind.OTHER),
    )
    grouped = (
        concerns_of(organisation_id)
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
        rows_with_total(PrimarySupportReason.choices, counts, 3),
    )


def sg1f(year: FinancialYear, organisation_id: int) -> SacTable:
    """The year's totals of concerns and enquiries (SG1f), with the adults involved beside them."""
    return activity(
        "sg1f",
        "SG1f",
        "Concerns raised and enquiries started",
        "Concerns raised and enquiries started in the year, and the adults at risk involved in them.",
        concerns_of(organisation_id),
        (
            ("Safeguarding concerns", concern_counted(year)),
            ("Section 42 safeguarding enquiries", started_in(year, EnquiryKind.S42)),
            ("Other safeguarding enquiries", started_in(year, EnquiryKind.OTHER)),
        ),
    )
