"""Needs and carer's assessments, their plans and reviews, as a worker and manager would have
made them through the services: a transition row for every step with its actor and time.

A journey draws its gaps once (days to submit, working days for the manager to authorise,
days to agree the plan) and is then placed so its key date lands where the demo needs it
(a plan agreed 6-8 weeks ago, so its light-touch review is due now; an annual review due in
the next four weeks; a submission waiting more than 5 working days). Nothing starts before
the case opened; anything that would happen after yesterday has not happened yet, and the
status says so.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from careact.models import (
    AdvocacyKind,
    AdvocacyNeed,
    AssessmentKind,
    AssessmentStatus,
    PlanKind,
    PlanStatus,
    ReviewKind,
    ReviewOutcome,
)
from cases.workdays import add_working_days

from . import texts
from .answers import (
    ADULT_PROFILES,
    CARER_PROFILES,
    adult_answers,
    budget_split,
    carer_answers,
    plan_content,
    profile,
)
from .common import CaseRow, add_months, stamp, workday, working_days_before

# Shares of each kind of journey (per 100) for a needs assessment.
SCENARIOS = (
    ("draft", 6),
    ("awaiting", 6),
    ("not_eligible", 26),
    ("plan_draft", 3),
    ("plan_awaiting", 3),
    ("light_touch_due", 6),
    ("annual_due", 6),
    ("ended", 4),
    ("revised", 10),
    ("general", 30),
)
CARER_SCENARIOS = (
    ("draft", 8),
    ("awaiting", 8),
    ("not_eligible", 26),
    ("light_touch_due", 8),
    ("annual_due", 8),
    ("general", 42),
)
# The demo practitioner's three fixed people: one of each reminder to show.
ANCHOR_SCENARIOS = ("light_touch_due", "awaiting", "annual_due")
AUTHORISE_WAITS = (0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8)
WITH_PLAN = {"plan_draft", "plan_awaiting", "light_touch_due", "annual_due", "ended", "revised", "general"}


@dataclass
class Spec:
    kind: str
    person_id: int
    cared_for_id: int | None
    case: CaseRow
    worker_id: int
    manager_id: int
    older: bool
    scenario: str
    earliest: date  # the first day anything may happen


@dataclass
class Written:
    obj: dict  # an Assessment or CarePlan row (careact.demo.bulk)
    # (event, from status, to status, actor id, at, reason, details); reason and details may be
    # functions, called when the rows are written and the ids they name are known
    events: list[tuple]
    created: datetime
    updated: datetime


@dataclass
class Book:
    """Everything the journeys made, for the writer to insert in bulk."""

    assessments: list[Written] = field(default_factory=list)
    plans: list[Written] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    advocacy: list[dict] = field(default_factory=list)
    # person pk -> (case row, worker id) for people with a plan in place, for the carers step
    planned: dict[int, tuple[CaseRow, int]] = field(default_factory=dict)


class Chain:
    """Steps with gaps drawn once, placed on the calendar by `realise`."""

    def __init__(self):
        self.steps: list[tuple[str, int, bool]] = []

    def add(self, name: str, gap: int, working: bool = False) -> "Chain":
        self.steps.append((name, gap, working))
        return self

    def realise(self, start: date) -> dict[str, date]:
        day = workday(start)
        dates = {"started": day}
        for name, gap, working in self.steps:
            day = add_working_days(day, gap) if working else workday(day + timedelta(days=gap))
            dates[name] = day
        return dates

    def place(self, key: str, target: date, earliest: date) -> dict[str, date]:
        """Dates with `key` on (about) `target`, or from `earliest` if that would start too soon."""
        dates = self.realise(target)
        dates = self.realise(target - (dates[key] - target))
        if dates["started"] < earliest:
            dates = self.realise(earliest)
        return dates


def assessment_chain(rng: random.Random, chain: Chain | None = None, first_gap=(7, 35)) -> Chain:
    chain = chain or Chain()
    chain.add("first_submitted", rng.randint(*first_gap))
    if rng.random() < 0.08:  # returned by the manager once, then resubmitted
        chain.add("returned", rng.randint(1, 3), working=True).add("submitted", rng.randint(1, 7))
    else:
        chain.add("submitted", 0)
    return chain.add("authorised", rng.choice(AUTHORISE_WAITS), working=True)


def plan_chain(rng: random.Random, chain: Chain, suffix: str = "", first_gap=(1, 14)) -> Chain:
    return (
        chain.add(f"drafted{suffix}", rng.randint(*first_gap))
        .add(f"agreed{suffix}", rng.randint(3, 21))
        .add(f"plan_submitted{suffix}", rng.randint(0, 2), working=True)
        .add(f"plan_authorised{suffix}", rng.choice(AUTHORISE_WAITS[:-2]), working=True)
    )


class JourneyMaker:
    def __init__(self, book: Book, today: date, rng: random.Random):
        self.book, self.today, self.rng = book, today, rng
        self.yesterday = today - timedelta(days=1)

    def at(self, day: date, after: datetime | None = None) -> datetime:
        """A time in office hours on `day`, later than `after` (steps on one day keep their order)."""
        moment = stamp(day, self.rng, 9, 16)
        return max(moment, after + timedelta(minutes=self.rng.randint(10, 90))) if after else moment

    def answers(self, spec: Spec, kind_of_profile: str) -> dict:
        if spec.kind == AssessmentKind.CARER:
            return carer_answers(self.rng, kind_of_profile)
        return adult_answers(self.rng, spec.older, kind_of_profile)

    def not_eligible_profile(self, spec: Spec) -> str:
        table = CARER_PROFILES if spec.kind == AssessmentKind.CARER else ADULT_PROFILES
        kind_of_profile = "eligible"
        while kind_of_profile == "eligible":
            kind_of_profile = profile(self.rng, table)
        return kind_of_profile

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    # -- one journey ---------------------------------------------------------------------------

    def make(self, spec: Spec) -> None:
        rng, y = self.rng, self.yesterday
        if spec.earliest > y:
            return
        scenario = spec.scenario
        carer = spec.kind == AssessmentKind.CARER
        if scenario in WITH_PLAN:
            kind_of_profile = "eligible"
        elif scenario == "not_eligible":
            kind_of_profile = self.not_eligible_profile(spec)
        else:
            kind_of_profile = profile(rng, CARER_PROFILES if carer else ADULT_PROFILES)
        answers = self.answers(spec, kind_of_profile)

        if scenario == "draft":
            started = min(workday(self.days_ago(1, 25)), working_days_before(self.today, 1))
            self.assessment(spec, answers, {"started": max(spec.earliest, started)})
            return
        if scenario == "awaiting":
            waited = 7 if spec.case.anchor is not None else rng.choice((1, 1, 2, 2, 3, 4, 6, 7, 8, 10, 12))
            chain = assessment_chain(rng)
            dates = chain.place("submitted", working_days_before(self.today, waited), spec.earliest)
            self.assessment(spec, answers, self.cut(dates, unreached={"authorised"}))
            return

        chain = assessment_chain(rng)
        if scenario == "not_eligible":
            dates = chain.place("authorised", self.days_ago(5, 700), spec.earliest)
            if rng.random() < 0.15 and dates["authorised"] < self.today - timedelta(days=120):
                self.reassessed_not_eligible(spec, answers, dates)
            else:
                self.assessment(spec, answers, self.cut(dates))
            return

        plan_chain(rng, chain)
        targets = {
            "plan_draft": ("authorised", (2, 20)),
            "plan_awaiting": ("agreed", (2, 10)),
            "light_touch_due": ("agreed", (43, 54)),
            "annual_due": ("agreed", (338, 360)),
            "ended": ("agreed", (150, 700)),
            "revised": ("agreed", (200, 700)),
            "general": ("agreed", (57, 730)),
        }
        key, (low, high) = targets[scenario]
        target = self.days_ago(low, high)
        light_touch_gap = None
        if scenario == "annual_due":  # the light-touch review, the latest, held 11-12 months ago
            light_touch_gap = rng.randint(42, 54)
            target -= timedelta(days=light_touch_gap)
        dates = chain.place(key, target, spec.earliest)
        unreached = {"plan_draft": {"agreed"}, "plan_awaiting": {"plan_authorised"}}.get(scenario, set())
        dates = self.cut(dates, unreached)
        first = self.assessment(spec, answers, dates)
        if "drafted" not in dates:
            return
        plan = self.plan(spec, first, answers, dates)
        if plan.obj["status"] != PlanStatus.ACTIVE:
            return
        agreed = dates["agreed"]
        if scenario == "revised" and self.revise(spec, first, plan, answers, agreed):
            return
        if scenario == "ended" and self.end(spec, plan, agreed):
            return
        # Leave the review that is due now undone (unless the journey had to start later).
        since = (self.today - agreed).days
        self.reviews(
            spec,
            plan,
            agreed,
            self.today,
            light_touch_gap=light_touch_gap,
            hold_light_touch=not (scenario == "light_touch_due" and since <= 56),
            hold_planned=not (scenario == "annual_due" and since < 365 + 42),
        )
        self.book.planned[spec.person_id] = (spec.case, spec.worker_id)

    def cut(self, dates: dict[str, date], unreached=()) -> dict[str, date]:
        """Only what has happened by yesterday (and nothing the scenario holds back)."""
        kept = {}
        for name, day in dates.items():
            if day > self.yesterday or name.rstrip("2") in unreached:
                break
            kept[name] = day
        return kept

    # -- records -------------------------------------------------------------------------------

    def assessment(self, spec: Spec, answers: dict, dates: dict, previous: Written | None = None) -> Written:
        rng, awaiting = self.rng, AssessmentStatus.AWAITING_AUTHORISATION
        started_at = self.at(dates["started"])
        started = (lambda: {"reassessment_of": previous.obj["id"]}) if previous else {}
        events = [("started", "", AssessmentStatus.DRAFT, spec.worker_id, started_at, "", started)]
        submitted_at = completed_on = authorised_at = None
        if "first_submitted" in dates:
            submitted_at, completed_on = (
                self.at(dates["first_submitted"], started_at),
                dates["first_submitted"],
            )
            events.append(
                ("submitted", AssessmentStatus.DRAFT, awaiting, spec.worker_id, submitted_at, "", {})
            )
        if "returned" in dates:  # sent back by the manager with a reason, then resubmitted
            returned_at, reason = self.at(dates["returned"], submitted_at), rng.choice(texts.RETURN_REASONS)
            events.append(
                ("returned", awaiting, AssessmentStatus.DRAFT, spec.manager_id, returned_at, reason, {})
            )
            submitted_at = completed_on = None
            if "submitted" in dates:
                submitted_at, completed_on = self.at(dates["submitted"], returned_at), dates["submitted"]
                events.append(
                    ("submitted", AssessmentStatus.DRAFT, awaiting, spec.worker_id, submitted_at, "", {})
                )
        status = AssessmentStatus.DRAFT if submitted_at is None else awaiting
        if "authorised" in dates:
            status, authorised_at = AssessmentStatus.AUTHORISED, self.at(dates["authorised"], submitted_at)
            events.append(("authorised", awaiting, status, spec.manager_id, authorised_at, "", {}))
        decided = status != AssessmentStatus.DRAFT
        assessment = dict(
            kind=spec.kind,
            person_id=spec.person_id,
            cared_for_id=spec.cared_for_id,
            case_id=spec.case.pk,
            team_id=spec.case.team_id,
            previous=previous.obj if previous else None,
            version_number=previous.obj["version_number"] + 1 if previous else 1,
            status=status,
            started_on=dates["started"],
            completed_on=completed_on,
            assessor_id=spec.worker_id,
            persons_outcomes=answers["persons_outcomes"],
            strengths=answers["strengths"],
            needs_from_impairment=answers["needs_from_impairment"],
            impairment=answers["impairment"],
            carer_health_at_risk=answers["carer_health_at_risk"],
            wellbeing=answers["wellbeing"],
            outcomes=answers["outcomes"],
            significant_impact=answers["significant_impact"],
            eligible=answers["eligible"] if decided else None,
            determination_reasons=answers["determination_reasons"] if decided else "",
            advocacy_need=answers["advocacy_need"],
            advocacy_details=answers["advocacy_details"],
            submitted_at=submitted_at,
            authorised_by_id=spec.manager_id if authorised_at else None,
            authorised_at=authorised_at,
        )
        written = Written(assessment, events, started_at, events[-1][4])
        self.book.assessments.append(written)
        if answers["advocacy_need"] == AdvocacyNeed.ADVOCATE and previous is None:
            advocate, provider = answers["advocacy_details"].split(", ", 1)
            self.book.advocacy.append(
                dict(
                    person_id=spec.person_id,
                    kind=AdvocacyKind.CARE_ACT,
                    referred_on=dates["started"],
                    provider=provider,
                    advocate_name=advocate,
                    reason="Substantial difficulty in being involved in the assessment and nobody "
                    "appropriate to support them (Care Act s67).",
                    referred_by_id=spec.worker_id,
                    recorded_at=started_at,
                )
            )
        return written

    def supersede(self, older: Written, newer: Written, what: str) -> None:
        """The older version is replaced when the newer one is authorised (both kept)."""
        at, by = newer.obj["authorised_at"], newer.obj["authorised_by_id"]
        if what == "assessment":
            older.obj["status"] = AssessmentStatus.SUPERSEDED
            event = ("superseded", AssessmentStatus.AUTHORISED, AssessmentStatus.SUPERSEDED, by, at, "")
            older.events.append((*event, lambda: {"replaced_by": newer.obj["id"]}))
        else:
            older.obj["status"] = PlanStatus.SUPERSEDED
            reason = "Replaced by version {}".format(newer.obj["version_number"])
            event = ("superseded", PlanStatus.ACTIVE, PlanStatus.SUPERSEDED, by, at, reason)
            older.events.append((*event, lambda: {"next": newer.obj["id"]}))
        older.updated = at

    def plan(
        self, spec, assessment: Written, answers, dates, previous=None, suffix="", review=None
    ) -> Written:
        """A plan started from an authorised assessment (or, with `review`, the revision a
        review made), then agreed, submitted and authorised as far as `dates` reach."""
        rng = self.rng
        drafted_at = self.at(
            dates[f"drafted{suffix}"], review["recorded_at"] if review else assessment.obj["authorised_at"]
        )
        if review is not None:
            reason = f"Revised after the review on {review['held_on']:%-d %B %Y}"
            details = lambda: {"review": review["id"], "previous": previous.obj["id"]}  # noqa: E731
        else:
            reason = ""
            details = lambda: {  # noqa: E731
                "assessment": assessment.obj["id"],
                "previous": previous.obj["id"] if previous else None,
            }
        events = [("started", "", PlanStatus.DRAFT, spec.worker_id, drafted_at, reason, details)]
        status, agreed, authorised_at, at = PlanStatus.DRAFT, dates.get(f"agreed{suffix}"), None, drafted_at
        if f"plan_submitted{suffix}" in dates:
            status, at = (
                PlanStatus.AWAITING_AUTHORISATION,
                self.at(dates[f"plan_submitted{suffix}"], drafted_at),
            )
            events.append(("submitted", PlanStatus.DRAFT, status, spec.worker_id, at, "", {}))
        if f"plan_authorised{suffix}" in dates:
            status, authorised_at = PlanStatus.ACTIVE, self.at(dates[f"plan_authorised{suffix}"], at)
            events.append(
                (
                    "authorised",
                    PlanStatus.AWAITING_AUTHORISATION,
                    status,
                    spec.manager_id,
                    authorised_at,
                    "",
                    {},
                )
            )
        content = plan_content(rng, answers, spec.kind == AssessmentKind.CARER)
        if review is not None:  # a revision starts as a copy of the plan it revises
            content["needs"] = previous.obj["needs"]
            budget = min(
                900, max(50, int(previous.obj["personal_budget_weekly"] * rng.randint(80, 140) / 500) * 5)
            )
            content.update(budget_split(rng, Decimal(budget)))
        plan = dict(
            kind=PlanKind.CARER_SUPPORT if spec.kind == AssessmentKind.CARER else PlanKind.CARE_AND_SUPPORT,
            person_id=spec.person_id,
            case_id=spec.case.pk,
            team_id=spec.case.team_id,
            assessment=assessment.obj,
            previous=previous.obj if previous else None,
            version_number=previous.obj["version_number"] + 1 if previous else 1,
            status=status,
            agreed_on=agreed,
            written_by_id=spec.worker_id,
            authorised_by_id=spec.manager_id if authorised_at else None,
            authorised_at=authorised_at,
            created_at=drafted_at,
            **content,
        )
        written = Written(plan, events, drafted_at, events[-1][4])
        self.book.plans.append(written)
        return written

    def reviews(
        self,
        spec,
        plan: Written,
        agreed: date,
        until: date,
        *,
        light_touch_gap: int | None = None,
        hold_light_touch: bool = True,
        hold_planned: bool = True,
    ) -> None:
        """Reviews held before `until`, as careact.review_rules counts them: the light-touch one
        6-8 weeks after the plan was agreed (some late, some missed), then planned ones within
        12 months of the latest review (some late, some missed, so the reminders have overdue
        work to show); now and then an unplanned one, which restarts the 12 months."""
        rng, held, until = self.rng, [], min(until, self.today)
        roll = rng.random()
        if light_touch_gap is not None:
            held.append((ReviewKind.LIGHT_TOUCH, workday(agreed + timedelta(days=light_touch_gap))))
        elif hold_light_touch and roll < 0.92:
            gap = rng.randint(42, 54) if roll < 0.82 else rng.randint(58, 100)
            held.append((ReviewKind.LIGHT_TOUCH, workday(agreed + timedelta(days=gap))))
        held = [(kind, day) for kind, day in held if day < until]
        unplanned, span = None, (until - agreed).days
        if (
            light_touch_gap is None
            and hold_light_touch
            and hold_planned
            and span > 45
            and rng.random() < 0.06
        ):
            unplanned = workday(agreed + timedelta(days=rng.randint(21, span - 1)))
        last = held[-1][1] if held else agreed
        while hold_planned:
            due = add_months(last, 12)
            if unplanned and last < unplanned < due:
                held.append((ReviewKind.UNPLANNED, unplanned))
                last, unplanned = unplanned, None
                continue
            roll = rng.random()
            if roll > 0.9:
                break  # missed: overdue
            early, late = due - timedelta(days=rng.randint(3, 40)), due + timedelta(days=rng.randint(1, 60))
            day = workday(early if roll < 0.82 else late)
            if day >= until:
                break
            held.append((ReviewKind.PLANNED, day))
            last = day
        if unplanned and unplanned < until:
            held.append((ReviewKind.UNPLANNED, unplanned))
        for kind, day in sorted(held, key=lambda item: item[1]):
            self.review(spec, plan, kind, day, ReviewOutcome.CONTINUE, rng.choice(texts.CONTINUE_REASONS))

    def review(self, spec, plan: Written, kind, day, outcome, reason) -> dict:
        """A review and the plan's transition for it ("reviewed", or "ended" when it ends the plan)."""
        rng = self.rng
        review = dict(
            plan=plan.obj,
            person_id=spec.person_id,
            kind=kind,
            held_on=day,
            change_reason=rng.choice(texts.CHANGE_REASONS) if kind == ReviewKind.UNPLANNED else "",
            persons_views=rng.choice(texts.PERSONS_VIEWS),
            whats_working=rng.choice(texts.WHATS_WORKING),
            outcome=outcome,
            outcome_reason=reason,
            recorded_by_id=spec.worker_id,
            recorded_at=max(stamp(day, rng, 15, 17), plan.events[-1][4] + timedelta(minutes=5)),
        )
        self.book.reviews.append(review)
        details = lambda: {"review": review["id"], "kind": kind, "outcome": outcome}  # noqa: E731
        if outcome == ReviewOutcome.END:
            event = ("ended", PlanStatus.ACTIVE, PlanStatus.ENDED, spec.worker_id, review["recorded_at"])
        else:
            event = ("reviewed", PlanStatus.ACTIVE, PlanStatus.ACTIVE, spec.worker_id, review["recorded_at"])
        plan.events.append((*event, lambda: review["outcome_reason"], details))
        plan.updated = review["recorded_at"]
        return review

    def final_review_day(self, agreed: date, latest: date) -> tuple[str, date] | None:
        """A review that changes the plan: at the anniversary, or unplanned after a change."""
        earliest = agreed + timedelta(days=60)
        if latest < earliest:
            return None
        anniversary = workday(add_months(agreed, 12) - timedelta(days=self.rng.randint(3, 30)))
        if self.rng.random() < 0.4 and earliest <= anniversary <= latest:
            return ReviewKind.PLANNED, anniversary
        return ReviewKind.UNPLANNED, workday(
            earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))
        )

    def revise(self, spec, assessment: Written, plan: Written, answers: dict, agreed: date) -> bool:
        """The plan changes: half the time a review revises it (a new draft version, as
        careact.services.plans does), otherwise a change in needs leads to a reassessment and
        a new plan from it. The old versions are kept, superseded."""
        rng = self.rng
        reassess = rng.random() < 0.5
        if reassess:
            chain = plan_chain(rng, assessment_chain(rng, first_gap=(5, 21)), suffix="2", first_gap=(1, 7))
        else:
            chain = plan_chain(rng, Chain(), suffix="2", first_gap=(0, 0))
        start_gap = rng.randint(1, 10) if reassess else 0
        found = self.final_review_day(agreed, self.yesterday - timedelta(days=95))
        if found is None:
            return False
        kind, day = found
        dates = chain.realise(day + timedelta(days=start_gap))
        if dates["plan_authorised2"] > self.yesterday:
            return False
        self.reviews(spec, plan, agreed, day, hold_planned=kind != ReviewKind.PLANNED)
        if reassess:
            self.review(spec, plan, kind, day, ReviewOutcome.CONTINUE, texts.REASSESSMENT_REASON)
            new_answers = self.answers(spec, "eligible")
            second = self.assessment(spec, new_answers, dates, previous=assessment)
            self.supersede(assessment, second, "assessment")
            new_plan = self.plan(spec, second, new_answers, dates, previous=plan, suffix="2")
        else:
            review = self.review(spec, plan, kind, day, ReviewOutcome.REVISE, "")
            new_plan = self.plan(spec, assessment, answers, dates, previous=plan, suffix="2", review=review)
            review["outcome_reason"] = texts.REVISE_REASONS[_change(plan.obj, new_plan.obj)]
        self.supersede(plan, new_plan, "plan")
        self.reviews(spec, new_plan, dates["agreed2"], self.today)
        self.book.planned[spec.person_id] = (spec.case, spec.worker_id)
        return True

    def end(self, spec, plan: Written, agreed: date) -> bool:
        found = self.final_review_day(agreed, self.yesterday - timedelta(days=5))
        if found is None:
            return False
        kind, day = found
        reason = self.rng.choice(texts.END_REASONS)
        self.reviews(spec, plan, agreed, day, hold_planned=kind != ReviewKind.PLANNED)
        self.review(spec, plan, kind, day, ReviewOutcome.END, reason)
        plan.obj["status"], plan.obj["ended_on"], plan.obj["end_reason"] = PlanStatus.ENDED, day, reason
        return True

    def reassessed_not_eligible(self, spec, answers, dates) -> None:
        """Reassessed after a change; still not eligible. Version 1 is kept, superseded."""
        first = self.assessment(spec, answers, self.cut(dates))
        chain = assessment_chain(self.rng, Chain(), first_gap=(5, 21))
        start = workday(dates["authorised"] + timedelta(days=self.rng.randint(60, 100)))
        second_dates = chain.realise(start)
        if second_dates["authorised"] > self.yesterday:
            return
        second = self.assessment(
            spec, self.answers(spec, self.not_eligible_profile(spec)), second_dates, first
        )
        self.supersede(first, second, "assessment")


def _change(before: dict, after: dict) -> str:
    """What a revision changed, for the review's reasons."""
    if before["direct_payment"] == "none" != after["direct_payment"]:
        return "direct_payment"
    old, new = before["personal_budget_weekly"], after["personal_budget_weekly"]
    return "more" if new > old else "less" if new < old else "same"
