"""Known worlds for the board report section tests (tests/reporting/test_sections_a.py).

Each world is written straight to the database with the times chosen here (as the demo
seeder does), and keeps its own plain-Python description. The last part of this module works
out the expected figures from those descriptions, in plain Python and without the builders
or their helpers; the compliance world is worked by hand.
"""

import datetime
import itertools
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from careact.models import AssessmentStatus, PlanStatus, Review, ReviewKind, ReviewOutcome
from cases.models import (
    Case,
    CaseStatus,
    CaseTransition,
    Person,
    Referral,
    ReferralStatus,
    ReferralTransition,
)
from reporting.models import (
    ActionItem,
    ActionPlan,
    ActionStatus,
    ActionTransition,
    ActionUpdate,
    Indicator,
    IndicatorValue,
    Risk,
    RiskAssessment,
)
from tests.careact.conftest import make_assessment, make_plan
from tests.factories import PersonFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = datetime.date
PERIOD_START, PERIOD_END = D(2026, 4, 1), D(2026, 9, 30)  # six months across the change to and from BST
END = PERIOD_END
OPEN, CLOSED = CaseStatus.OPEN, CaseStatus.CLOSED
_references = itertools.count(1)


def at(year, month, day, hour=12, minute=0, second=0) -> datetime.datetime:
    """A wall-clock time in London (BST or GMT as the day falls)."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """The test's own percentage: one place, half up."""
    if denominator == 0:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Referrals and cases --------------------------------------------------------------------


@dataclass
class ReferralSpec:
    team: object
    received_at: datetime.datetime
    allocated_at: datetime.datetime | None = None
    saved: bool = False


@dataclass
class CaseSpec:
    team: object
    events: list[tuple[datetime.datetime, str, str]]  # (at, from_status, to_status), in order
    saved: bool = False

    def state_at(self, moment: datetime.datetime) -> str | None:
        """The status after the last event before `moment` (None: not opened yet)."""
        state = None
        for when, _, to in self.events:
            if when < moment:
                state = to
        return state


@dataclass
class ActivityWorld:
    referrals: list[ReferralSpec] = field(default_factory=list)
    cases: list[CaseSpec] = field(default_factory=list)

    def referral(self, team, received_at, allocated_at=None) -> ReferralSpec:
        spec = ReferralSpec(team, received_at, allocated_at)
        self.referrals.append(spec)
        return spec

    def case(self, team, *events) -> CaseSpec:
        """events: (at, "open"|"closed") in order; the first opens the case."""
        steps, state = [], ""
        for when, to in events:
            steps.append((when, state, to))
            state = to
        spec = CaseSpec(team, steps)
        self.cases.append(spec)
        return spec

    def add_random(self, teams, count: int, seed: int = 8) -> None:
        """`count` referrals received between September 2025 and November 2026; most are
        allocated and open a case, some of which close, and some of those reopen."""
        rng = random.Random(seed)
        first, last = at(2025, 9, 1, 0), at(2026, 11, 15, 0)
        span = int((last - first).total_seconds())
        for _ in range(count):
            team = rng.choice(teams)
            received = first + datetime.timedelta(seconds=rng.randrange(span))
            allocated = None
            if rng.random() < 0.6:
                allocated = received + datetime.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8))
                events = [(allocated, OPEN)]
                if rng.random() < 0.5:
                    closed = allocated + datetime.timedelta(
                        days=rng.randint(10, 200), minutes=rng.randint(0, 600)
                    )
                    events.append((closed, CLOSED))
                    if rng.random() < 0.3:
                        events.append((closed + datetime.timedelta(days=rng.randint(5, 60)), OPEN))
                self.case(team, *events)
            self.referral(team, received, allocated)

    def save(self) -> None:
        """Write what has not been written yet."""
        referrals = [s for s in self.referrals if not s.saved]
        rows = [
            Referral(
                reference=f"T{next(_references):07d}",
                team=s.team,
                source="gp",
                received_via="phone",
                received_at=s.received_at,
                reason="Low mood",
                status=ReferralStatus.ALLOCATED if s.allocated_at else ReferralStatus.AWAITING_TRIAGE,
                decided_at=s.allocated_at,
            )
            for s in referrals
        ]
        Referral.objects.bulk_create(rows)
        transitions = []
        for spec, row in zip(referrals, rows, strict=True):
            spec.saved = True
            transitions.append(
                ReferralTransition(
                    referral=row,
                    event="received",
                    to_status=ReferralStatus.AWAITING_TRIAGE,
                    at=spec.received_at,
                )
            )
            if spec.allocated_at:
                transitions.append(
                    ReferralTransition(
                        referral=row,
                        event="allocated",
                        from_status=ReferralStatus.AWAITING_TRIAGE,
                        to_status=ReferralStatus.ALLOCATED,
                        at=spec.allocated_at,
                    )
                )
        ReferralTransition.objects.bulk_create(transitions)

        cases = [s for s in self.cases if not s.saved]
        people = Person.objects.bulk_create(PersonFactory.build_batch(len(cases)))
        case_rows = []
        for spec, person in zip(cases, people, strict=True):
            closes = [when for when, _, to in spec.events if to == CLOSED]
            status = spec.events[-1][2]
            case_rows.append(
                Case(
                    person=person,
                    team=spec.team,
                    status=status,
                    opened_at=spec.events[0][0],
                    closed_at=closes[-1] if status == CLOSED else None,
                )
            )
        Case.objects.bulk_create(case_rows)
        case_transitions = []
        for spec, row in zip(cases, case_rows, strict=True):
            spec.saved = True
            for when, frm, to in spec.events:
                event = "opened" if not frm else ("closed" if to == CLOSED else "reopened")
                case_transitions.append(
                    CaseTransition(case=row, event=event, from_status=frm, to_status=to, at=when)
                )
            # A reallocation is neither an opening nor a closing.
            case_transitions.append(
                CaseTransition(
                    case=row,
                    event="reallocated",
                    from_status=OPEN,
                    to_status=OPEN,
                    at=spec.events[0][0] + datetime.timedelta(days=1),
                )
            )
        CaseTransition.objects.bulk_create(case_transitions)


# --- Indicators -----------------------------------------------------------------------------


def indicator_values(values: dict[str, dict[datetime.date, tuple[int, int]]]) -> None:
    """{code: {month: (numerator, denominator)}} as stored monthly values."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicators[code],
            month=month,
            numerator=n,
            denominator=d,
            value=percent(n, d),
        )
        for code, months in values.items()
        for month, (n, d) in months.items()
    )


# --- Care Act compliance ------------------------------------------------------------------


def before_end(days: int) -> datetime.date:
    return END - datetime.timedelta(days=days)


def referred_case(team, worker, received_days_before_end: int) -> Case:
    received = before_end(received_days_before_end)
    referral = Referral.objects.create(
        reference=f"C{Referral.objects.count():07d}",
        team=team,
        person=PersonFactory(),
        source="gp",
        received_via="phone",
        received_at=at(received.year, received.month, received.day),
        reason="Low mood",
        status="allocated",
    )
    return Case.objects.create(person=referral.person, team=team, worker=worker, referral=referral)


def review(plan, held_on):
    Review.objects.create(
        plan=plan,
        person=plan.person,
        kind=ReviewKind.PLANNED,
        held_on=held_on,
        whats_working="Working",
        outcome=ReviewOutcome.CONTINUE,
        outcome_reason="Needs met",
        recorded_by=plan.written_by,
    )


def care_act_world(north_team, south_team, practitioner, other_worker) -> None:
    """Worked by hand for the period end (30 September 2026); 12 months before is 30 Sep 2025."""
    case = referred_case(north_team, practitioner, 900)
    assessment = make_assessment(case, completed_on=before_end(400))  # outside the 12 months
    recent = make_plan(assessment, agreed_on=before_end(100))  # in place, agreed within 12 months
    review(recent, before_end(50))  # light-touch on day 50: on time
    make_plan(assessment, agreed_on=before_end(500))  # in place, never reviewed
    review(make_plan(assessment, agreed_on=before_end(500)), before_end(200))  # reviewed within 12 months
    review(make_plan(assessment, agreed_on=before_end(420)), before_end(380))  # review lapsed
    make_plan(assessment, agreed_on=before_end(30))  # in place, too recent for light-touch
    late = make_plan(assessment, status=PlanStatus.SUPERSEDED, agreed_on=before_end(200))
    review(late, before_end(130))  # light-touch on day 70: late
    make_plan(assessment, status=PlanStatus.ENDED, agreed_on=before_end(150), ended_on=before_end(10))
    make_plan(assessment, status=PlanStatus.DRAFT)  # not agreed: not counted
    # First assessments completed in the 12 months: 10, 20 and 60 days after the referral.
    for received, completed in ((40, 30), (50, 30), (100, 40)):
        make_assessment(referred_case(north_team, practitioner, received), completed_on=before_end(completed))
    first = make_assessment(referred_case(north_team, practitioner, 900), completed_on=before_end(800))
    make_assessment(first.case, completed_on=before_end(20), previous=first, version_number=2)  # reassessment
    make_assessment(
        referred_case(north_team, practitioner, 30), completed_on=END + datetime.timedelta(days=1)
    )
    for _ in range(2):
        make_assessment(case, status=AssessmentStatus.AWAITING_AUTHORISATION, completed_on=None)
    # South: one plan in place, agreed long ago; one assessment 5 days after its referral.
    south = referred_case(south_team, other_worker, 15)
    make_plan(make_assessment(south, completed_on=before_end(10)), agreed_on=before_end(600))


# --- Action plan ----------------------------------------------------------------------------


@dataclass
class ActionSpec:
    plan: str
    action: str
    status: str
    ends_on: datetime.date
    completed_on: datetime.date | None = None
    status_before_completion: str | None = None
    updates: list[tuple[datetime.date, str]] = field(default_factory=list)
    lead: str = "R. Marsh"


def action_specs():
    def day(offset):
        return END + datetime.timedelta(days=offset)

    return [
        ActionSpec("Review action plan", "Ends in a month", "on_track", day(30)),
        ActionSpec(
            "Review action plan",
            "At risk",
            "at_risk",
            day(10),
            updates=[
                (day(-20), "First update"),
                (day(-5), "Latest by the period end"),
                (day(3), "Written after"),
            ],
        ),
        ActionSpec("Review action plan", "Ended yesterday", "on_track", day(-1), lead="J. Okoro"),
        ActionSpec("Review action plan", "Long overdue", "at_risk", day(-40)),
        ActionSpec("Review action plan", "Done in time", "completed", day(-10), completed_on=day(-3)),
        ActionSpec(
            "Review action plan",
            "Done late",
            "completed",
            day(-2),
            completed_on=day(5),
            status_before_completion="at_risk",
        ),
        ActionSpec(
            "Review action plan",
            "Done after the period",
            "completed",
            day(20),
            completed_on=day(5),
            status_before_completion="at_risk",
        ),
        ActionSpec("Review action plan", "Ends on the last day", "on_track", day(0)),
        ActionSpec("Safeguarding plan", "Other plan", "on_track", day(100)),
    ]


def action_plan(specs: list[ActionSpec], by) -> dict[str, ActionItem]:
    plans = {}
    items = {}
    for spec in specs:
        if spec.plan not in plans:
            plans[spec.plan] = ActionPlan.objects.create(title=spec.plan, owner="Partnership Board")
        item = ActionItem.objects.create(
            plan=plans[spec.plan],
            recommendation=f"Recommendation for {spec.action}",
            action=spec.action,
            lead_name=spec.lead,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=spec.ends_on,
            status=spec.status,
            completed_on=spec.completed_on,
        )
        if spec.status_before_completion:
            ActionTransition.objects.create(
                item=item, event="created", from_status="", to_status=spec.status_before_completion
            )
            ActionTransition.objects.create(
                item=item,
                event="completed",
                from_status=spec.status_before_completion,
                to_status=ActionStatus.COMPLETED,
            )
        for written_on, text in spec.updates:
            ActionUpdate.objects.create(item=item, written_on=written_on, text=text, written_by=by)
        items[spec.action] = item
    return items


# --- Risk register --------------------------------------------------------------------------


@dataclass
class RiskSpec:
    title: str
    scorings: list[tuple[datetime.date, int, int, datetime.date]]  # (assessed_on, C, L, next review)
    owner: str = "Head of Service"
    review_on: datetime.date | None = None  # the register's; default the last scoring's next review


def risk_specs():
    return [
        RiskSpec(  # re-scored in the period, and again after it
            "Care Act work outgrows the teams",
            [
                (D(2026, 1, 10), 4, 4, D(2026, 5, 1)),
                (D(2026, 5, 1), 2, 4, D(2026, 8, 1)),
                (D(2026, 10, 15), 2, 2, D(2027, 1, 15)),
            ],
        ),
        RiskSpec(
            "Not enough AMHPs on the rota", [(D(2026, 6, 1), 5, 3, D(2026, 12, 1))], owner="Head of AMHPs"
        ),
        RiskSpec(  # re-scored the day before the period and on its last day
            "Case recording systems do not join up",
            [
                (D(2025, 6, 1), 2, 2, D(2025, 12, 1)),
                (D(2026, 3, 31), 3, 3, D(2026, 9, 30)),
                (D(2026, 9, 30), 4, 3, D(2026, 12, 30)),
            ],
        ),
        RiskSpec("Office move", [(D(2025, 1, 1), 1, 2, D(2026, 3, 1))]),
        RiskSpec("Added after the period", [(D(2026, 10, 1), 5, 5, D(2027, 1, 1))]),
        RiskSpec("Added on the first day", [(D(2026, 4, 1), 3, 5, D(2026, 10, 1))]),
    ]


def risk_register(specs: list[RiskSpec], by) -> dict[str, Risk]:
    risks = {}
    for spec in specs:
        first, last = spec.scorings[0], spec.scorings[-1]
        risk = Risk.objects.create(
            title=spec.title,
            owner_name=spec.owner,
            initial_consequence=first[1],
            initial_likelihood=first[2],
            first_assessed_on=first[0],
            consequence=last[1],
            likelihood=last[2],
            last_assessed_on=last[0],
            mitigations="Mitigations",
            review_on=spec.review_on or last[3],
        )
        for number, (assessed_on, c, lik, review) in enumerate(spec.scorings):
            RiskAssessment.objects.create(
                risk=risk,
                kind=RiskAssessment.Kind.FIRST if number == 0 else RiskAssessment.Kind.REVIEW,
                assessed_on=assessed_on,
                assessed_by=by,
                consequence=c,
                likelihood=lik,
                score=c * lik,
                next_review_on=review,
            )
        risks[spec.title] = risk
    return risks


# --- The tests' own calculations of the expected figures ------------------------------------


def month_spans(start, end):
    """(label, first day, last day) of each month of the period, cut to the period."""
    spans, first = [], start
    while first <= end:
        following = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = min(following - datetime.timedelta(days=1), end)
        spans.append((f"{first:%B %Y}", first, last))
        first = following
    return spans


def midnight_after(day) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON)


def local_day(moment) -> datetime.date:
    return moment.astimezone(LONDON).date()


def expected_activity(world, start, end, line=None):
    """{month label: [received, allocated, opened, closed, open at month end]}, worked out from
    the world's description: each event placed by its London date, and each case's state at
    the end of the month's last day."""
    referrals = [s for s in world.referrals if line is None or s.team.service_line == line]
    cases = [s for s in world.cases if line is None or s.team.service_line == line]
    figures = {}
    for label, first, last in month_spans(start, end):

        def within(moment, first=first, last=last):
            return moment is not None and first <= local_day(moment) <= last

        figures[label] = [
            sum(within(s.received_at) for s in referrals),
            sum(within(s.allocated_at) for s in referrals),
            sum(within(when) for s in cases for when, frm, to in s.events if to == OPEN and frm != OPEN),
            sum(within(when) for s in cases for when, frm, to in s.events if to != OPEN and frm == OPEN),
            sum(s.state_at(midnight_after(last)) == OPEN for s in cases),
        ]
    return figures


def expected_cells(numerator_denominator, target: Decimal):
    if numerator_denominator is None:
        return [None, target, None, None, None]
    n, d = numerator_denominator
    value = percent(n, d)
    return [value, target, "Yes" if value >= target else "No", n, d]


def expected_status(spec: ActionSpec, day) -> str:
    """The test's own reading of the rules: completed by the day; else overdue past the end
    date; else the status recorded (before a later completion)."""
    if spec.completed_on and spec.completed_on <= day:
        return "Completed"
    if spec.ends_on < day:
        return "Overdue"
    status = spec.status_before_completion or spec.status
    return {"on_track": "On track", "at_risk": "At risk"}[status]


def level(score: int) -> str:
    return "Low" if score <= 3 else "Moderate" if score <= 6 else "High" if score <= 12 else "Extreme"


def as_at(spec: RiskSpec, day):
    """(consequence, likelihood, next review) in force at the end of `day`, or None."""
    known = [s for s in spec.scorings if s[0] <= day]
    return known[-1][1:] if known else None
