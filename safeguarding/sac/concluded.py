"""SG2 to SG4: enquiries concluded in the year.

SG2a-SG2e count section 42 enquiries concluded in the year, a count of one for each category
that applies (several types of risk per enquiry; a source of risk once per type). SG3a is
capacity and advocacy, SG4a Making Safeguarding Personal. "Not recorded" rows hold enquiries
closed before closure required the answer, or imported, so each table adds up to the
enquiries it counts.
"""

from django.db.models import Case, CharField, Count, Q, Value, When

from ..models import (
    AbuseType,
    EnquiryKind,
    MspAsked,
    OutcomesAchieved,
    RiskAssessmentResult,
    RiskLocation,
    RiskOutcome,
    SourceOfRisk,
    YesNoDontKnow,
)
from .base import (
    NOT_RECORDED,
    S42_CONCLUDED,
    TOTAL,
    FinancialYear,
    SacRow,
    SacTable,
    activity,
    choices_and_blank,
    concluded_in,
    concluded_s42,
    enquiries_of,
    rows_with_total,
    tally,
    with_total_column,
)

SOURCE_COLUMNS = tuple(label for _, label in SourceOfRisk.choices)
R = RiskAssessmentResult
# SG2c's seven risk assessment outcomes, in the SAC's order and words: (finding, action taken,
# label). An enquiry that ceased at the adult's request has only "no action taken".
RISK_ASSESSMENT_OUTCOMES = (
    (R.IDENTIFIED, True, "Risk identified and action taken"),
    (R.IDENTIFIED, False, "Risk identified and no action taken"),
    (R.INCONCLUSIVE, True, "Risk - assessment inconclusive and action taken"),
    (R.INCONCLUSIVE, False, "Risk - assessment inconclusive and no action taken"),
    (R.NOT_IDENTIFIED, True, "No risk identified and action taken"),
    (R.NOT_IDENTIFIED, False, "No risk identified and no action taken"),
    (R.CEASED, False, "Enquiry ceased at individual's request and no action taken"),
)
RISK_IDENTIFIED_COLUMNS = ("Risk identified and action taken", "Risk identified and no action taken")


def _key(found: str, action: bool) -> str:
    return f"{found!s}:{'action' if action else 'no action'}"


def sg2(year: FinancialYear, organisation_id: int) -> SacTable:
    return activity(
        "sg2",
        "SG2",
        "Enquiries concluded",
        "Enquiries that concluded (closed) in the year, whenever they started, and the adults at risk "
        "involved in them.",
        enquiries_of(organisation_id),
        (
            ("Section 42 safeguarding enquiries", concluded_in(year, EnquiryKind.S42)),
            ("Other safeguarding enquiries", concluded_in(year, EnquiryKind.OTHER)),
        ),
    )


def sg2a(year: FinancialYear, organisation_id: int) -> SacTable:
    """Types of risk by source: every type recorded on the enquiry's concern counts once. One
    query of filtered counts (the types are an array, so no unnesting is needed)."""
    cells = {
        f"t{i}_s{j}": Count(
            "pk", filter=Q(concern__abuse_types__contains=[abuse], concern__source_of_risk=source)
        )
        for i, abuse in enumerate(AbuseType.values)
        for j, source in enumerate(SourceOfRisk.values)
    }
    counts = concluded_s42(year, organisation_id).aggregate(**cells)
    rows = tuple(
        SacRow(label, with_total_column(tuple(counts[f"t{i}_s{j}"] for j in range(len(SOURCE_COLUMNS)))))
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


def sg2b(year: FinancialYear, organisation_id: int) -> SacTable:
    grouped = (
        concluded_s42(year, organisation_id)
        .values("concern__location", "concern__source_of_risk")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {(row["concern__location"], row["concern__source_of_risk"]): row["n"] for row in grouped}
    counts = {
        location: with_total_column(tuple(found.get((location, source), 0) for source in SourceOfRisk.values))
        for location in RiskLocation.values
    }
    return SacTable(
        "sg2b",
        "SG2b",
        "Concluded section 42 enquiries by location of risk and source of risk",
        "Section 42 enquiries concluded in the year, by where the risk was and who it came from.",
        ("Location of risk", *SOURCE_COLUMNS, TOTAL),
        rows_with_total(RiskLocation.choices, counts, len(SOURCE_COLUMNS) + 1),
    )


def _risk_assessment_outcome() -> Case:
    """The enquiry's SG2c row, as "<finding>:<action>"; blank when either answer is missing.
    Ceased counts whatever the action answer (the service saves it as no action)."""
    return Case(
        When(risk_assessment_result=R.CEASED, then=Value(_key(R.CEASED, False))),
        *[
            When(risk_assessment_result=found, action_taken=action, then=Value(_key(found, action)))
            for found, action, _ in RISK_ASSESSMENT_OUTCOMES
            if found != R.CEASED
        ],
        default=Value(""),
        output_field=CharField(),
    )


def sg2c_and_sg2e(year: FinancialYear, organisation_id: int) -> tuple[SacTable, SacTable]:
    """Risk assessment outcomes (SG2c) and, where a risk was identified, what happened to it
    (SG2e). SG2e's total is exactly SG2c's two "Risk identified" rows. One query for both."""
    grouped = (
        concluded_s42(year, organisation_id)
        .values("risk_outcome", assessment=_risk_assessment_outcome())
        .annotate(n=Count("pk"))
        .order_by()
    )
    assessment: dict[str, tuple[int]] = {}
    outcome: dict[str, list[int]] = {}
    identified = [_key(found, action) for found, action, _ in RISK_ASSESSMENT_OUTCOMES[:2]]
    for row in grouped:
        tally(assessment, row["assessment"], row["n"])
        if row["assessment"] in identified:
            outcome.setdefault(row["risk_outcome"], [0, 0])[identified.index(row["assessment"])] += row["n"]
    outcomes = choices_and_blank(RiskOutcome.choices)
    return (
        SacTable(
            "sg2c",
            "SG2c",
            "Concluded section 42 enquiries by risk assessment outcome",
            "Section 42 enquiries concluded in the year: whether a risk was identified, and whether "
            "action was taken. Each enquiry counts once.",
            ("Risk assessment outcome", S42_CONCLUDED),
            rows_with_total(
                (
                    *((_key(found, action), label) for found, action, label in RISK_ASSESSMENT_OUTCOMES),
                    ("", NOT_RECORDED),
                ),
                assessment,
                1,
            ),
        ),
        SacTable(
            "sg2e",
            "SG2e",
            "Where a risk was identified, what was the outcome?",
            "Of the section 42 enquiries concluded in the year where a risk was identified (the first two "
            "rows of SG2c), whether the risk remained, was reduced or was removed when the enquiry "
            "concluded. The Total column is the SAC's count.",
            ("Risk outcome", *RISK_IDENTIFIED_COLUMNS, TOTAL),
            rows_with_total(
                outcomes,
                {key: with_total_column(tuple(pair)) for key, pair in outcome.items()},
                len(RISK_IDENTIFIED_COLUMNS) + 1,
            ),
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


def sg3a(year: FinancialYear, organisation_id: int) -> tuple[SacTable, SacTable]:
    """Capacity, and of those lacking capacity, advocacy. One query for both tables."""
    grouped = (
        concluded_s42(year, organisation_id)
        .values("lacks_capacity", support=_support())
        .annotate(n=Count("pk"))
        .order_by()
    )
    capacity: dict[str, tuple[int]] = {}
    support: dict[str, tuple[int]] = {}
    for row in grouped:
        tally(capacity, row["lacks_capacity"], row["n"])
        if row["lacks_capacity"] == YesNoDontKnow.YES:
            tally(support, row["support"], row["n"])
    answers = choices_and_blank(YesNoDontKnow.choices)
    return (
        SacTable(
            "sg3a-capacity",
            "SG3a",
            "Mental capacity: did the adult lack capacity?",
            "Section 42 enquiries concluded in the year, by whether the adult lacked capacity about "
            "the enquiry (Mental Capacity Act 2005).",
            ("Lacked capacity", S42_CONCLUDED),
            rows_with_total(answers, capacity, 1),
        ),
        SacTable(
            "sg3a-advocacy",
            "SG3a",
            "Advocacy: of those lacking capacity, were they supported by an advocate, family or friend?",
            "Of the section 42 enquiries concluded in the year where the adult lacked capacity, whether "
            "an advocate, family member or friend supported them (Care Act 2014 s68).",
            ("Supported by an advocate, family or friend", S42_CONCLUDED),
            rows_with_total(answers, support, 1),
        ),
    )


def sg4a(year: FinancialYear, organisation_id: int) -> tuple[SacTable, SacTable]:
    """Making Safeguarding Personal: was the adult asked, and of those who expressed outcomes,
    were they achieved (statutory guidance 14.15). One query for both tables."""
    grouped = (
        concluded_s42(year, organisation_id)
        .values("msp_asked", "outcomes_achieved")
        .annotate(n=Count("pk"))
        .order_by()
    )
    asked: dict[str, tuple[int]] = {}
    achieved: dict[str, tuple[int]] = {}
    for row in grouped:
        tally(asked, row["msp_asked"], row["n"])
        if row["msp_asked"] == MspAsked.ASKED_EXPRESSED:
            tally(achieved, row["outcomes_achieved"], row["n"])
    return (
        SacTable(
            "sg4a-asked",
            "SG4a",
            "Making Safeguarding Personal: was the adult asked about the outcomes they wanted?",
            "Section 42 enquiries concluded in the year, by whether the adult (or their representative) "
            "was asked what outcomes they wanted, and whether they expressed any.",
            ("Asked about desired outcomes", S42_CONCLUDED),
            rows_with_total(choices_and_blank(MspAsked.choices), asked, 1),
        ),
        SacTable(
            "sg4a-achieved",
            "SG4a",
            "Making Safeguarding Personal: were the outcomes the adult expressed achieved?",
            "Of the section 42 enquiries concluded in the year where the adult expressed the outcomes "
            "they wanted, whether those outcomes were achieved.",
            ("Desired outcomes", S42_CONCLUDED),
            rows_with_total(choices_and_blank(OutcomesAchieved.choices), achieved, 1),
        ),
    )
