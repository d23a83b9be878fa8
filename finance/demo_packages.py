"""Care packages for the finance demo (finance.demo), drawn in memory; finance.demo_write
writes them in bulk.

Each package is drawn with its whole story: the request, the funding panel's decision at the
level its weekly cost needs (the scheme of delegation), its start, cost versions (an annual
uplift, a change of need, a fee rise agreed for next month), its end. Cost versions are
recorded on or before the day they take effect and decisions before the start, so a
month-end position "as known on" a past day (ADR 7) gives what finance knew then.

Who did what follows the rules the services keep: the allocated worker requests, starts and
ends; the team manager records a decision at team level and finance above it; never the
person who requested it.
"""

import bisect
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cases.workdays import is_working_day

from . import demo_texts as T
from .models import CareType, PackageStatus, PanelOutcome

C, S_ = CareType, PackageStatus
DAY = datetime.timedelta(days=1)
PENNY = Decimal("0.01")
SHARE_FIELDS = ("social_care_share", "health_share", "joint_share", "s117_share", "chc_share")

PEOPLE_PER_PACKAGE = 8  # about one package for every 8 people with an open case
MIN_PACKAGES = 20  # so a small seed still shows every care type and status
MAX_PACKAGES = 2500
HISTORY_DAYS = 730  # packages start over the last two years
OPEN_BEFORE = datetime.timedelta(days=21)  # a package is asked for after the case opened
STATUS_WEIGHTS = {
    S_.ACTIVE: 50,
    S_.ENDED: 30,
    S_.REQUESTED: 5,
    S_.APPROVED: 6,
    S_.DECLINED: 5,
    S_.WITHDRAWN: 4,
}
STALE_REVIEWS = 4  # high-cost packages left without a review for over a year
STALE_MIN_WEEKLY = Decimal("1000")
# Funding splits (percentages summing to 100) and how often each is drawn, per service line.
SPLITS = {
    "social": {"social_care_share": 100},
    "s117": {"s117_share": 100},  # section 117 aftercare, shared with the ICB
    "joint": {"joint_share": 100},
    "health": {"social_care_share": 70, "health_share": 30},
    "chc": {"social_care_share": 75, "chc_share": 25},
}
# Older people are far more often in paid-for care than working-age adults with an open case.
LINE_WEIGHTS = {T.AMH: 1, T.OPMH: 2.5}
# Of the packages live today, the share that started this financial year: a steady caseload
# (starts this year about balance ends), except older people's residential care, where
# demand rose (seed 003 s3.4.3), and working-age supported living, where people moved on.
IN_YEAR_STARTS = {(T.OPMH, C.RESIDENTIAL): 0.55, (T.AMH, C.SUPPORTED_LIVING): 0.1}
IN_YEAR_START_SHARE = 0.2
IN_YEAR_END_SHARE = {(T.AMH, C.SUPPORTED_LIVING): 0.85}  # of ended packages, ended this year
IN_YEAR_END_DEFAULT = 0.8
SPLIT_WEIGHTS = {
    T.AMH: {"social": 88, "s117": 7, "joint": 3, "health": 2},
    T.OPMH: {"social": 89, "s117": 3, "joint": 3, "health": 2, "chc": 3},
}


@dataclass(frozen=True)
class CaseInfo:
    pk: int
    person_id: int
    team_id: int
    worker_id: int
    opened: datetime.date
    line: str  # "AMH" or "OPMH"
    council: str  # the partnership key of the council whose locality the team serves


@dataclass
class Version:
    effective_from: datetime.date
    weekly: Decimal
    contribution: Decimal
    shares: dict
    recorded_at: datetime.datetime
    unit_rate: Decimal | None = None
    units: Decimal | None = None
    reason: str = ""

    def health_fraction(self) -> Decimal:
        s = self.shares
        half = Decimal(s.get("joint_share", 0) + s.get("s117_share", 0)) / 2
        return (Decimal(s.get("health_share", 0) + s.get("chc_share", 0)) + half) / 100


@dataclass
class Event:
    """One step, as the package services write it (a PackageTransition row)."""

    event: str
    from_status: str
    to_status: str
    actor_id: int
    at: datetime.datetime
    reason: str = ""
    details: dict = field(default_factory=dict)


# The order steps happen in; steps of one phase go by time.
PHASES = {"requested": 0, "approved": 1, "approved_with_changes": 1, "declined": 1, "started": 2, "ended": 4}
TERMINAL_PHASE = 4
MIDDLE_PHASE = 3  # cost changes and reviews while active


@dataclass
class Draft:
    case: CaseInfo
    care_type: str
    status: str
    requested_at: datetime.datetime
    planned_start: datetime.date
    versions: list[Version]
    provider: str = ""
    needs: str = ""
    planned_end: datetime.date | None = None
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    end_reason: str = ""
    last_reviewed_on: datetime.date | None = None
    decision: dict | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return bool(self.decision) and self.decision["outcome"] != PanelOutcome.DECLINE


def quantize(value) -> Decimal:
    return Decimal(value).quantize(PENNY, ROUND_HALF_UP)


class Pools:
    """The cases still without a package, per service line, oldest opened first."""

    def __init__(self, cases: list[CaseInfo], rng):
        self.rng = rng
        self.cases = {
            line: sorted((c for c in cases if c.line == line), key=lambda c: (c.opened, c.pk))
            for line in (T.AMH, T.OPMH)
        }
        self.opened = {line: [c.opened for c in pool] for line, pool in self.cases.items()}

    def line(self, weights) -> str | None:
        """A service line, in proportion to its cases left times its weight."""
        lines = [line for line, pool in self.cases.items() if pool]
        if not lines:
            return None
        return self.rng.choices(lines, [len(self.cases[line]) * weights[line] for line in lines])[0]

    def take(self, line, by=None) -> CaseInfo | None:
        """A case of the line (of the other if none is left), opened three weeks before `by`
        when there is one."""
        if not self.cases[line]:
            line = T.OPMH if line == T.AMH else T.AMH
        pool, opened = self.cases[line], self.opened[line]
        if not pool:
            return None
        eligible = bisect.bisect_right(opened, by - OPEN_BEFORE) if by else len(pool)
        index = self.rng.randrange(eligible or len(pool))
        opened.pop(index)
        return pool.pop(index)


class Drafter:
    """Draws the packages. `managers` maps team pk to its team manager's user pk; `levels` are
    the authorisation levels, lowest first; `finance_id` is the pool manager's user pk."""

    def __init__(self, *, rng, today, year_bounds, managers, levels, finance_id, head_names):
        self.rng, self.today, (self.start, self.end) = rng, today, year_bounds
        self.now = timezone.now()
        self.window = today - datetime.timedelta(days=HISTORY_DAYS)
        self.managers, self.levels, self.finance_id = managers, levels, finance_id
        self.head, self.director = head_names
        self.drafts: list[Draft] = []

    # --- Choosing cases -------------------------------------------------------------

    def draw(self, cases: list[CaseInfo], count: int) -> list[Draft]:
        pools = Pools(cases, self.rng)
        for line, care_type, status, start, *options in self._script():
            if len(self.drafts) >= count or (case := pools.take(line, start)) is None:
                break
            self.package(case, care_type, status, start=start, **(options[0] if options else {}))
        while len(self.drafts) < count and (line := pools.line(LINE_WEIGHTS)):
            weights = T.CARE_TYPE_WEIGHTS[line]
            care_type = self.rng.choices(list(weights), list(weights.values()))[0]
            status = self.rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            # When it began (or was asked for), then someone whose case was open by then.
            start = requested = None
            if status == S_.ACTIVE:
                start = self._start_day(line, care_type, self.window)
            elif status == S_.ENDED:
                start = self._day(self.window, self.today - datetime.timedelta(days=60))
            elif status in (S_.DECLINED, S_.WITHDRAWN):
                requested = self._day(self.window, self.today - datetime.timedelta(days=14))
            case = pools.take(line, start or requested)
            if case.opened + OPEN_BEFORE > (start or requested or self.today):
                start = requested = None  # nobody was open then: draw from this case's dates
            self.package(case, care_type, status, start=start, requested=requested)
        self._stale_reviews()
        for draft in self.drafts:
            self._finish(draft)
        return self.drafts

    def _script(self):
        """Every care type and status at least once; the four live-in packages (one from last
        year, three new this year: the pressure seed 003 shows), two costly placements from
        long ago and every funding split, whatever the seed."""
        s, long_ago, costly = self.start, self.today - datetime.timedelta(days=640), {"costly": True}
        return [
            (T.OPMH, C.NURSING, S_.ACTIVE, long_ago, costly),  # a costly one left unreviewed
            (T.AMH, C.RESIDENTIAL, S_.ACTIVE, long_ago - datetime.timedelta(days=40), costly),
            (T.OPMH, C.LIVE_IN, S_.ACTIVE, s - datetime.timedelta(days=self.rng.randint(120, 300))),
            (T.OPMH, C.LIVE_IN, S_.ACTIVE, s + datetime.timedelta(days=100)),
            (T.AMH, C.LIVE_IN, S_.ACTIVE, s + datetime.timedelta(days=140)),
            (T.OPMH, C.LIVE_IN, S_.ACTIVE, s + datetime.timedelta(days=170)),
            (T.OPMH, C.NURSING, S_.ACTIVE, None, {"split": "chc"}),
            (T.OPMH, C.RESIDENTIAL, S_.ACTIVE, None),
            (T.OPMH, C.DOMICILIARY, S_.ACTIVE, None, {"split": "health"}),
            (T.OPMH, C.DAY_CARE, S_.ACTIVE, None),
            (T.AMH, C.SUPPORTED_LIVING, S_.ACTIVE, None, {"split": "joint"}),
            (T.AMH, C.RESIDENTIAL, S_.ACTIVE, None, {"split": "s117"}),
            (T.AMH, C.DIRECT_PAYMENTS, S_.ACTIVE, None),
            (T.AMH, C.OTHER, S_.ACTIVE, None),
            (T.OPMH, C.RESIDENTIAL, S_.REQUESTED, None),
            (T.AMH, C.SUPPORTED_LIVING, S_.APPROVED, None),
            (T.AMH, C.RESIDENTIAL, S_.DECLINED, None),
            (T.OPMH, C.DOMICILIARY, S_.WITHDRAWN, None),
            (T.AMH, C.DOMICILIARY, S_.ENDED, None),
        ]

    # --- One package ------------------------------------------------------------------

    def package(
        self, case, care_type, status, *, start=None, requested=None, costly=False, split=None
    ) -> Draft | None:
        rng, today = self.rng, self.today
        earliest = min(max(self.window, case.opened + OPEN_BEFORE), today - DAY)
        if start is not None and start >= today:  # a scripted start still to come
            status = S_.APPROVED
        if status == S_.ACTIVE:
            start = start or self._start_day(case.line, care_type, earliest)
        elif status == S_.ENDED:
            start = start or self._day(earliest, max(earliest, today - datetime.timedelta(days=60)))
        elif status == S_.REQUESTED:
            requested = requested or self._day(today - datetime.timedelta(days=20), today - DAY)
            start = start or requested + datetime.timedelta(days=rng.randint(10, 40))
        elif status == S_.APPROVED:
            requested = requested or self._day(today - datetime.timedelta(days=45), today - 4 * DAY)
            start = start or today + datetime.timedelta(days=rng.randint(3, 40))
        else:  # declined or withdrawn: asked for at some point in the two years
            requested = requested or self._day(earliest, max(earliest, today - datetime.timedelta(days=14)))
            start = start or requested + datetime.timedelta(days=rng.randint(14, 40))
        if requested is None:
            requested = max(min(case.opened, start), start - datetime.timedelta(days=rng.randint(7, 35)))
        requested = self._workday_back(min(requested, today - DAY))
        requested_at = self._at(requested)
        draft = Draft(
            case=case,
            care_type=care_type,
            status=status,
            requested_at=requested_at,
            planned_start=start,
            versions=[self._first_version(case, care_type, start, requested_at, costly, split)],
            provider=rng.choice(T.PROVIDERS[care_type]),
            needs=rng.choice(T.NEEDS[care_type]),
        )
        draft.events.append(Event("requested", "", S_.REQUESTED, case.worker_id, requested_at))
        if status == S_.REQUESTED:
            return self._keep(draft)
        if status == S_.WITHDRAWN and rng.random() < 0.5:  # before the panel met
            at = self._at(self._day(requested, min(start, today - DAY)))
            draft.events.append(
                Event("withdrawn", S_.REQUESTED, S_.WITHDRAWN, case.worker_id, at, self._reason())
            )
            return self._keep(draft)
        self._decide(draft, decline=status == S_.DECLINED)
        if status in (S_.DECLINED, S_.APPROVED):
            return self._keep(draft)
        if status == S_.WITHDRAWN:
            decided = draft.decision["decided_on"]
            at = self._at(self._day(decided, max(decided, min(start, today - DAY))))
            draft.events.append(
                Event("withdrawn", S_.APPROVED, S_.WITHDRAWN, case.worker_id, at, self._reason())
            )
            return self._keep(draft)
        self._start(draft)
        if status == S_.ENDED:
            self._end(draft)
        if care_type in (C.RESIDENTIAL, C.DAY_CARE) and rng.random() < 0.08:
            # A short stay (respite, a trial placement): ended as planned, or planned to end.
            draft.planned_end = draft.ended_on or max(
                draft.started_on + datetime.timedelta(days=rng.randint(28, 180)),
                today + datetime.timedelta(days=rng.randint(7, 90)),
            )
        self._cost_changes(draft)
        self._review(draft)
        return self._keep(draft)

    def _needed(self, weekly: Decimal) -> int:
        """The index of the lowest level whose maximum covers the weekly cost (the top one
        when none does): selectors_packages.level_needed."""
        for index, level in enumerate(self.levels):
            if level.max_weekly_cost is None or weekly <= level.max_weekly_cost:
                return index
        return len(self.levels) - 1

    def _reason(self) -> str:
        return self.rng.choice(T.WITHDRAW_REASONS)

    def _keep(self, draft: Draft) -> Draft:
        self.drafts.append(draft)
        return draft

    @staticmethod
    def _finish(draft: Draft) -> None:
        """Its steps in order (a minute apart at least), each with the package's version and
        latest weekly cost after it, as the services log them."""
        events = sorted(
            draft.events,
            key=lambda e: (
                TERMINAL_PHASE if e.event == "withdrawn" else PHASES.get(e.event, MIDDLE_PHASE),
                e.at,
            ),
        )
        for index, event in enumerate(events):
            if index and event.at <= events[index - 1].at:
                event.at = events[index - 1].at + datetime.timedelta(minutes=1)
            known = [v for v in draft.versions if v.recorded_at <= event.at] or draft.versions[:1]
            latest = max(known, key=lambda v: v.effective_from)
            event.details = {"version": index + 1, "weekly_cost": str(latest.weekly), **event.details}
        draft.events = events

    def _start_day(self, line, care_type, earliest) -> datetime.date:
        """This year or before it, in the shares of IN_YEAR_STARTS."""
        latest = self.today - DAY
        share = IN_YEAR_STARTS.get((line, care_type), IN_YEAR_START_SHARE)
        if earliest >= self.start or self.rng.random() < share:
            return self._day(min(max(self.start, earliest), latest), latest)
        return self._day(earliest, min(latest, self.start - DAY))

    def _first_version(self, case, care_type, start, recorded_at, costly=False, split=None) -> Version:
        rng = self.rng
        low, high = T.WEEKLY_COST[care_type]
        if costly:
            low = max(low, int(STALE_MIN_WEEKLY))
        rate = units = None
        if care_type == C.DOMICILIARY:
            rate = rng.choice(T.HOURLY_RATES)
            units = Decimal(rng.randint(14, 33)) / 2  # 7 to 16.5 hours a week
        elif care_type == C.DAY_CARE:
            rate, units = rng.choice(T.DAY_RATES), Decimal(rng.choice((1, 1, 2)))
        weekly = (
            quantize(rate * units) if rate else quantize(Decimal(rng.randint(low * 100, high * 100)) / 100)
        )
        splits = SPLIT_WEIGHTS[case.line]
        split = split or rng.choices(list(splits), list(splits.values()))[0]
        if split == "chc" and care_type != C.NURSING:  # funded nursing care: nursing homes only
            split = "social"
        contribution = Decimal("0")
        if split != "s117":  # section 117 aftercare is free to the person
            if care_type in (C.RESIDENTIAL, C.NURSING, C.LIVE_IN) and rng.random() < 0.9:
                contribution = quantize(weekly * Decimal(rng.randint(15, 32)) / 100)
            elif rng.random() < 0.3:
                contribution = quantize(min(Decimal(rng.randint(5, 60)), weekly / 2))
        return Version(
            effective_from=start,
            weekly=weekly,
            contribution=contribution,
            shares=dict(SPLITS[split]),
            recorded_at=recorded_at,
            unit_rate=rate,
            units=units,
        )

    def _decide(self, draft: Draft, *, decline: bool) -> None:
        """The panel's decision between the request and the planned start, at the level the
        weekly cost needs (sometimes a higher one), recorded by someone other than the
        requester."""
        rng, version = self.rng, draft.versions[0]
        requested = draft.requested_at.date()
        latest = min(max(requested, draft.planned_start - DAY), self.today - DAY)
        decided = self._workday_back(self._day(requested, max(requested, latest)), floor=requested)
        needed = self._needed(version.weekly)
        level = min(needed + (rng.random() < 0.1), len(self.levels) - 1)
        outcome = PanelOutcome.DECLINE if decline else PanelOutcome.APPROVE
        changes = ""
        if not decline and rng.random() < 0.15:
            outcome = PanelOutcome.APPROVE_WITH_CHANGES
            asked = quantize(version.weekly * Decimal(rng.randint(108, 120)) / 100)
            changes = f"Requested at £{asked:,} a week; approved at £{version.weekly:,} a week."
        manager = self.managers.get(draft.case.team_id)
        recorder = manager if level == 0 and manager and manager != draft.case.worker_id else self.finance_id
        decided_by = (
            "Team manager (delegated authority)",
            f"{self.head}, head of mental health services",
            f"Joint funding panel, chaired by {self.director}",
        )[min(self.levels[level].rank, 3) - 1]
        if decline:
            reasons = rng.choice(T.DECLINE_REASONS)
        else:
            reasons = rng.choice(T.CHANGE_REASONS if changes else T.APPROVE_REASONS)
        at = self._at(decided)
        if at <= draft.requested_at:
            at = draft.requested_at + datetime.timedelta(hours=1)
        draft.decision = {
            "outcome": outcome,
            "decided_on": decided,
            "decided_by": decided_by,
            "level": self.levels[level],
            "level_needed": self.levels[needed],
            "reasons": reasons,
            "changes": changes,
            "recorded_by_id": recorder,
            "recorded_at": at,
        }
        details = {
            "outcome": outcome,
            "level": self.levels[level].name,
            "level_needed": self.levels[needed].name,
        }
        if changes:
            details |= {"requested_weekly_cost": str(asked), "approved_weekly_cost": str(version.weekly)}
        name = {PanelOutcome.APPROVE: "approved", PanelOutcome.APPROVE_WITH_CHANGES: "approved_with_changes"}
        to = S_.DECLINED if decline else S_.APPROVED
        draft.events.append(
            Event(name.get(outcome, "declined"), S_.REQUESTED, to, recorder, at, reasons, details)
        )

    def _start(self, draft: Draft) -> None:
        """Most start on the planned day; some a few days late (a bed not ready)."""
        start = draft.planned_start
        if self.rng.random() < 0.15:
            start = min(start + datetime.timedelta(days=self.rng.randint(1, 9)), self.today - DAY)
        draft.started_on = max(start, draft.planned_start)
        draft.status = S_.ACTIVE
        at = max(self._at(self._workday_forward(draft.started_on)), draft.decision["recorded_at"])
        details = {"started_on": draft.started_on.isoformat()}
        draft.events.append(
            Event("started", S_.APPROVED, S_.ACTIVE, draft.case.worker_id, self._past(at), "", details)
        )

    def _end(self, draft: Draft) -> None:
        """Ended after four weeks at least; most of them this year, so this year's starts
        and ends about balance."""
        rng, start, latest = self.rng, draft.started_on, self.today - DAY
        first = min(start + datetime.timedelta(days=28), latest)
        share = IN_YEAR_END_SHARE.get((draft.case.line, draft.care_type), IN_YEAR_END_DEFAULT)
        if first < self.start and rng.random() >= share:  # ended last year or before
            draft.ended_on = self._day(first, self.start - DAY)
        else:
            draft.ended_on = self._day(max(first, self.start), latest) if first <= latest else latest
        draft.status = S_.ENDED
        draft.end_reason = rng.choice(T.END_REASONS)
        at = self._past(max(self._at(self._workday_forward(draft.ended_on)), draft.events[-1].at))
        details = {"ended_on": draft.ended_on.isoformat()}
        draft.events.append(
            Event("ended", S_.ACTIVE, S_.ENDED, draft.case.worker_id, at, draft.end_reason, details)
        )
        if draft.end_reason == T.MOVE_ON_REASON and draft.care_type not in (C.RESIDENTIAL, C.NURSING):
            self._move_on(draft)

    def _move_on(self, draft: Draft) -> None:
        """The care home placement that followed: requested before the old package ended."""
        start = draft.ended_on + DAY
        if start >= self.today:
            return
        care_type = C.NURSING if draft.case.line == T.OPMH and self.rng.random() < 0.5 else C.RESIDENTIAL
        requested = max(draft.started_on, start - datetime.timedelta(days=self.rng.randint(5, 20)))
        self.package(draft.case, care_type, S_.ACTIVE, start=start, requested=requested)

    def _cost_changes(self, draft: Draft) -> None:
        """An annual uplift in September for some, a change of need for some, and for a few
        live packages a fee rise agreed now that starts next month (forecast only)."""
        rng, first = self.rng, draft.versions[0]
        last_day = draft.ended_on or self.today - DAY
        uplift_day = self._monday_on_or_after(self.start + datetime.timedelta(days=153))  # early September
        changes = []
        if draft.started_on + datetime.timedelta(days=30) < uplift_day <= last_day and rng.random() < 0.4:
            changes.append((uplift_day, "uplift", Decimal(rng.randint(30, 60)) / 1000))
        span = (last_day - draft.started_on).days
        if span > 70 and rng.random() < 0.12:
            day = draft.started_on + datetime.timedelta(days=rng.randint(42, span))
            kind = "more" if rng.random() < 0.65 else "less"
            changes.append((day, kind, Decimal(rng.randint(10, 30)) / 100 * (1 if kind == "more" else -1)))
        if draft.status == S_.ACTIVE and rng.random() < 0.05:
            day = self.today + datetime.timedelta(days=rng.randint(7, 40))
            changes.append((day, "future", Decimal(rng.randint(4, 10)) / 100))
        version = first
        for day, kind, change in sorted(changes):
            if day <= version.effective_from:
                continue
            previous = version
            if kind == "future":
                recorded = self._at(
                    self._workday_back(self.today - datetime.timedelta(days=rng.randint(1, 10)))
                )
            else:
                recorded = self._at(self._workday_back(day - datetime.timedelta(days=rng.randint(0, 20))))
            recorded = max(recorded, version.recorded_at + datetime.timedelta(minutes=5))
            rate, units = version.unit_rate, version.units
            if rate is not None and kind in ("more", "less"):
                units = max(Decimal("1"), (units * (1 + change) * 2).quantize(Decimal(1)) / 2)
            elif rate is not None:
                rate = quantize(rate * (1 + change))
            weekly = quantize(rate * units) if rate is not None else quantize(version.weekly * (1 + change))
            if self._needed(weekly) > self.levels.index(draft.decision["level"]):
                continue  # above what the panel approved: it would go back to the panel
            ratio = weekly / version.weekly if version.weekly else Decimal(1)
            version = Version(
                effective_from=day,
                weekly=weekly,
                contribution=quantize(version.contribution * min(ratio, Decimal(1))),
                shares=dict(version.shares),
                recorded_at=self._past(recorded),
                unit_rate=rate,
                units=units,
                reason=T.COST_CHANGE_REASONS[kind],
            )
            draft.versions.append(version)
            details = {"effective_from": day.isoformat(), "previous_weekly_cost": str(previous.weekly)}
            draft.events.append(
                Event(
                    "cost_changed",
                    S_.ACTIVE,
                    S_.ACTIVE,
                    draft.case.worker_id,
                    version.recorded_at,
                    version.reason,
                    details,
                )
            )

    def _review(self, draft: Draft) -> None:
        """A first review six to eight weeks in; for a package over a year old, another in
        the last year. Each is a step of its own (the services' record_review)."""
        start, today = draft.started_on, self.today
        last = (draft.ended_on or today) - DAY
        if (last - start).days < 42:
            return
        days = [start + datetime.timedelta(days=self.rng.randint(42, min(56, (last - start).days)))]
        if (today - start).days > 365 and draft.status == S_.ACTIVE:
            days.append(today - datetime.timedelta(days=self.rng.randint(14, 300)))
        for day in days:
            at = self._at(self._workday_back(day, floor=start))
            details = {"reviewed_on": day.isoformat()}
            note = self.rng.choice(T.REVIEW_NOTES)
            draft.events.append(
                Event("reviewed", S_.ACTIVE, S_.ACTIVE, draft.case.worker_id, at, note, details)
            )
        draft.last_reviewed_on = days[-1]

    def _stale_reviews(self) -> None:
        """A few costly packages nobody has reviewed since the first six weeks (the deep dive
        finds them)."""
        cutoff = self.today - datetime.timedelta(days=548)
        costly = [
            d
            for d in self.drafts
            if d.status == S_.ACTIVE and d.started_on <= cutoff and d.versions[-1].weekly >= STALE_MIN_WEEKLY
        ]
        costly.sort(key=lambda d: (-d.versions[-1].weekly, d.case.pk))
        for draft in costly[:STALE_REVIEWS]:
            reviews = [e for e in draft.events if e.event == "reviewed"]
            if reviews:
                draft.events = [e for e in draft.events if e not in reviews[1:]]
                draft.last_reviewed_on = datetime.date.fromisoformat(reviews[0].details["reviewed_on"])

    # --- Days and times -----------------------------------------------------------------

    def _day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def _at(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.time(self.rng.randint(9, 16), self.rng.randint(0, 59))
        return self._past(datetime.datetime.combine(day, moment, tzinfo=timezone.get_default_timezone()))

    def _past(self, at: datetime.datetime) -> datetime.datetime:
        """Nothing is recorded after the moment the demo is seeded."""
        return min(at, self.now - datetime.timedelta(minutes=1))

    @staticmethod
    def _workday_back(day: datetime.date, floor: datetime.date | None = None) -> datetime.date:
        moved = day
        while not is_working_day(moved):
            moved -= DAY
        return day if floor and moved < floor else moved

    def _workday_forward(self, day: datetime.date) -> datetime.date:
        moved = day
        while not is_working_day(moved) and moved < self.today:
            moved += DAY
        return moved

    @staticmethod
    def _monday_on_or_after(day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=(7 - day.weekday()) % 7)
