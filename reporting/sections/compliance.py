"""Board report section "compliance": Care Act compliance per team at the period end (seed
003 s2: plans reviewed every 12 months, a light-touch review within 6-8 weeks; seed 003 s2.10
"confirm practice compliance with the Care Act").

The figures are careact.selectors_compliance.team_compliance's, as of the period's last day,
for every team that holds Care Act assessments or plans: one query for the teams, then four
aggregate queries per team (none grows with the number of people or the period's length).
Percentages are worked out here from the counts, to one place half up, as the other sections
do; the "All teams" row pools the counts.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from accounts.exports import Table
from accounts.models import ServiceLine, Team
from careact.models import Assessment, CarePlan
from careact.selectors_compliance import TeamCompliance, team_compliance

from . import SUPPRESSED, SUPPRESSION_THRESHOLD, SectionRequest, register_section
from .common import (
    capitalised,
    long_date,
    number_of,
    percent_text,
    public_count,
    public_note,
    public_percentage,
    section,
    suppression_definitions,
    were,
)

KEY, TITLE, ORDER = "compliance", "Care Act compliance", 30

COLUMNS = [
    "Team",
    "Plans in place",
    "Reviewed within 12 months (%)",
    "Light-touch reviews due",
    "Held within 8 weeks (%)",
    "Assessments completed",
    "Median days, referral to assessment",
    "Mean days, referral to assessment",
    "Waiting for authorisation",
]


def care_act_teams() -> list[Team]:
    """Teams holding any Care Act assessment or plan (one query), by name. `IN` over the
    team ids gives one hashed pass over each table; a correlated EXISTS scanned them once per
    team (1.5 s against 0.27 s at 100,000 people)."""
    return list(
        Team.objects.filter(
            Q(pk__in=CarePlan.objects.values("team_id")) | Q(pk__in=Assessment.objects.values("team_id"))
        ).order_by("name", "pk")
    )


def _days(value, completed: int, is_public: bool):
    """Median or mean days: hidden in a public report when under 5 assessments were completed."""
    if value is None:
        return None
    if is_public and completed < SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _row(label: str, f: dict, is_public: bool) -> list:
    return [
        label,
        public_count(f["active_plans"], is_public),
        public_percentage(f["active_plans_reviewed"], f["active_plans"], is_public),
        public_count(f["light_touch_due"], is_public),
        public_percentage(f["light_touch_on_time"], f["light_touch_due"], is_public),
        public_count(f["assessments_completed"], is_public),
        _days(f["median"], f["assessments_completed"], is_public),
        _days(f["mean"], f["assessments_completed"], is_public),
        public_count(f["awaiting_authorisation"], is_public),
    ]


COUNTS = (
    "active_plans",
    "active_plans_reviewed",
    "light_touch_due",
    "light_touch_on_time",
    "assessments_completed",
    "awaiting_authorisation",
)


def _as_dict(figures: TeamCompliance) -> dict:
    values = {name: getattr(figures, name) for name in COUNTS}
    values["median"] = figures.referral_to_assessment_median_days
    values["mean"] = figures.referral_to_assessment_mean_days
    return values


def _share_sentence(part: int, whole: int, is_public: bool, *, shown: str, hidden: str, none: str) -> str:
    """`shown` with {percent} filled in; `hidden` when the percentage is suppressed; `none`
    when nobody was counted."""
    value = public_percentage(part, whole, is_public)
    if value is None:
        return none
    if value == SUPPRESSED:
        return f"{hidden} is not shown, as it rests on fewer than 5 people"
    return shown.format(percent=percent_text(value))


def build(request: SectionRequest) -> dict:
    is_public, end = request.is_public, long_date(request.period_end)
    table = Table(
        title=f"Care Act compliance by team at {end}",
        columns=COLUMNS,
        note=public_note(is_public),
    )
    totals = dict.fromkeys(COUNTS, 0)
    for team in care_act_teams():
        figures = _as_dict(team_compliance(team, today=request.period_end))
        for name in COUNTS:
            totals[name] += figures[name]
        label = team.name
        if team.service_line in ServiceLine.values:
            label = f"{team.name} ({ServiceLine(team.service_line).label})"
        table.add(_row(label, figures, is_public))
    totals["median"] = totals["mean"] = None  # a median cannot be pooled from teams' medians
    table.add(_row("All teams", totals, is_public), kind="total")

    reviewed = _share_sentence(
        totals["active_plans_reviewed"],
        totals["active_plans"],
        is_public,
        shown="{percent} of the plans in place had been agreed or reviewed within the last 12 months",
        hidden="the share of plans in place reviewed within 12 months",
        none="no plans were in place",
    )
    light = _share_sentence(
        totals["light_touch_on_time"],
        totals["light_touch_due"],
        is_public,
        shown="{percent} of the light-touch reviews due were held within 8 weeks of the plan being agreed",
        hidden="the share of light-touch reviews held within 8 weeks",
        none="no light-touch reviews were due",
    )
    done, waiting = totals["assessments_completed"], totals["awaiting_authorisation"]
    summary = [
        f"At {end}, {reviewed}; {light}.",
        capitalised(
            f"{number_of(done, 'first assessment', is_public=is_public)} {were(done, is_public)} completed "
            f"in the 12 months to {end}; {number_of(waiting, 'assessment', is_public=is_public)} "
            f"{were(waiting, is_public)} waiting for a manager to authorise."
        ),
    ]
    definitions = [
        [
            "Plans in place",
            "Care and support plans (and carers' support plans) agreed and in place at the period end.",
        ],
        [
            "Reviewed within 12 months",
            "Of the plans in place, the share agreed or last reviewed within the "
            "12 months up to the period end (Care Act s27(1)(a); statutory guidance 13.32).",
        ],
        [
            "Light-touch reviews due",
            "Plan versions agreed in the 12 months up to the period end and at least 8 weeks before it.",
        ],
        [
            "Held within 8 weeks",
            "Of those, the share with a review held within 8 weeks (56 days) of the date "
            "the plan was agreed (statutory guidance chapter 13: a light-touch review 6-8 weeks after).",
        ],
        [
            "Assessments completed",
            "First assessments completed in the 12 months up to the period end, for "
            "cases that came from a referral; reassessments are left out.",
        ],
        [
            "Days, referral to assessment",
            "From the day the referral was received (UK time) to the day the "
            "assessment was completed: the median, and the mean to one decimal place.",
        ],
        [
            "Waiting for authorisation",
            "Assessments submitted and waiting for a manager to authorise when the report was produced.",
        ],
        [
            "All teams",
            "The teams' counts added together; its percentages are of the pooled counts. Medians "
            "and means are per team only.",
        ],
        *suppression_definitions(is_public),
    ]
    if is_public:
        definitions.append(
            ["* (days)", "Median and mean days are suppressed when fewer than 5 assessments were completed."]
        )
    return section(summary=summary, tables=[table], definitions=definitions)


def register() -> None:
    register_section(KEY, TITLE, build, ORDER)
