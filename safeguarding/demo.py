"""Safeguarding demo data: two years of concerns, decisions and enquiries (issue 5), run by
`manage.py seed_demo` after the core seed (registered by safeguarding.registrations.demo).

Deterministic for a seed and a day: every date counts back from today and the part draws
from its own generator. The rows are the ones the services write (safeguarding.services),
in bulk: the concern, the person alleged to cause harm, the enquiry with each step, a
transition per step, a history row per record, and the relationships the services grant
(the team while the concern is open, the SAM and the officer while the enquiry is open)
with their permission rows. Enquiries closed since the closure checklist applied have
every element; some closed before it (CHECKLIST_FROM_DAYS) lack some, so the quality view
shows the gaps of seed 000 6.27-6.31. Reminders are left to the sweep.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership, Organisation, Role, ServiceLine, Team, User
from cases.demo import names
from cases.demo.organisations import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, staff_names
from cases.demo.registry import DemoContext
from cases.models import (
    Case,
    CaseStatus,
    Relationship,
)
from cases.workdays import add_working_days, is_working_day

from . import demo_texts as T
from .demo_write import PLACEHOLDER_SOURCE, Draft, TeamStaff, retire_placeholders, write_drafts
from .models import (
    AllegedPerson,
    Concern,
    ConcernConsent,
    ConcernStatus,
    Enquiry,
    EnquiryKind,
    EnquiryStage,
    MspAsked,
    RiskAssessmentResult,
    RiskLocation,
    SafeguardingSettings,
    SourceOfRisk,
    YesNoDontKnow,
)
from .services.concerns import END_OF_WORKING_DAY, REFERENCE_ALPHABET
from .services.enquiries import STAGE_ORDER, STEP_EVENTS, STEP_STAGE

ORDER = 110
CONCERNS_PER_PERSON = 0.15  # over two years: about 300 for the default 2,000 people
MIN_CONCERNS = 40  # so a small seed still shows every stage
HISTORY_DAYS = 730
CHECKLIST_FROM_DAYS = 240  # enquiries closed before this many days ago predate the checklist
LEGACY_GAP_SHARE = 0.35  # of those, how many lack something
STALL_SHARE = 0.05  # enquiries that stopped part way (seed 000 6.29)
FROM_RECORD_SHARE = 0.3  # raised by the allocated worker from the adult's record
LATE_OFFICER_SHARE = 0.12  # officer named a day or more after the enquiry started
DECISION_DAYS = {"northshire": 2, "eastmere": 3}  # working days; the default is 2
STEPS = ("strategy", "msp", "findings", "plan", "review", "outcome", "close")
# The demo SAM's and officer's open enquiries: (kind, working days since it started, the
# last step recorded, officer named).
OPEN_SCRIPT = (
    (EnquiryKind.S42, 2, None, True),
    (EnquiryKind.S42, 8, "msp", True),
    (EnquiryKind.S42, 15, "plan", True),
    (EnquiryKind.S42, 30, "outcome", True),  # all but the closure: ready for the SAM to sign off
    (EnquiryKind.S42, 45, "strategy", True),  # stalled: over 28 days without a review
    (EnquiryKind.OTHER, 3, None, False),  # no officer named yet
)
# Today's queue in the demo SAM's team: (working days since received, who raised it). With two
# working days to decide, the first is overdue and the second due today.
WAITING_SCRIPT = ((4, "police"), (2, "care_home"), (1, "worker"), (0, "family"))


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _at(day: datetime.date, rng: random.Random, first: int = 9, last: int = 17) -> datetime.datetime:
    """A time in office hours on `day`, London time."""
    moment = datetime.time(rng.randint(first, last), rng.randint(0, 59))
    return datetime.datetime.combine(day, moment, tzinfo=timezone.get_default_timezone())


def _workday(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _working_days_before(day: datetime.date, count: int) -> datetime.date:
    while count > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _person_name(rng: random.Random) -> str:
    female, male, family = names.POOLS[rng.choice(list(names.POOLS))]
    return f"{rng.choice(female + male)} {rng.choice(family)}"


def seed_safeguarding(context: DemoContext) -> dict[str, int]:
    """Concerns for about 15% of the people over two years, each decided and, for about four
    in ten, an enquiry taken as far as it has got by today; the demo SAM's and officer's own
    open enquiries and today's queue are scripted so every screen has something to show."""
    now = timezone.now()
    teams = _teams(context)
    for staff in teams:
        SafeguardingSettings.objects.get_or_create(
            organisation=staff.team.organisation, defaults={"decision_working_days": staff.days}
        )
    counts = {"safeguarding teams": len(teams)}
    if not context.plans or not teams:
        return counts
    maker = Maker(context, teams, now)
    maker.scripted()
    maker.bulk()
    counts |= write_drafts(maker.drafts)
    counts["stand-in relationships ended"] = retire_placeholders(now)
    return counts


def _teams(context: DemoContext) -> list[TeamStaff]:
    """Each council's safeguarding team with its SAMs and the council's enquiry officers; a
    team (with a SAM and an officer) is made for a council that has none."""
    result = []
    for key, council in context.partnership.organisations.items():
        if council.kind != Organisation.Kind.COUNCIL:
            continue
        team = (
            Team.objects.filter(organisation=council, service_line=ServiceLine.SAFEGUARDING, is_active=True)
            .order_by("pk")
            .first()
        ) or _new_team(context, key, council)
        members = Membership.objects.current().filter(team__organisation=council, user__is_active=True)
        members = members.select_related("user").order_by("pk")
        sams = [m.user for m in members if m.team_id == team.pk and m.role == Role.SAFEGUARDING_MANAGER]
        officers = list({m.user: None for m in members if m.role == Role.ENQUIRY_OFFICER})
        if sams:
            result.append(TeamStaff(team, key, sams, officers or sams, DECISION_DAYS.get(key, 2)))
    return result


def _new_team(context: DemoContext, key: str, council: Organisation) -> Team:
    team = account_services.create_team(
        organisation=council,
        name=f"{council.name.split(' ')[0]} Safeguarding Adults Team",
        service_line=ServiceLine.SAFEGUARDING,
    )
    password = make_password(DEMO_PASSWORD)
    roles = (Role.SAFEGUARDING_MANAGER, Role.ENQUIRY_OFFICER)
    for full_name, role in zip(staff_names(context.rng(f"safeguarding:staff:{key}"), 2), roles, strict=True):
        local = "".join(c for c in full_name.lower() if c.isalpha() or c == " ").replace(" ", ".")
        user = User.objects.create(
            email=f"{local}.{key}@{DEMO_EMAIL_DOMAIN}", full_name=full_name, password=password
        )
        account_services.add_membership(user=user, team=team, role=role)
    return team


class Maker:
    """Draws the concerns and what became of them, as Drafts."""

    def __init__(self, context: DemoContext, teams: list[TeamStaff], now: datetime.datetime):
        self.context, self.teams, self.now = context, teams, now
        self.today = timezone.localdate(now)
        self.rng = context.rng("safeguarding")
        self.drafts: list[Draft] = []
        self.references = set(Concern.objects.values_list("reference", flat=True))
        self.by_council = {t.council: t for t in teams}
        self.places = {k: o.name.split(" ")[0] for k, o in context.partnership.organisations.items()}
        demo = context.partnership.demo_users
        self.demo_sam, self.demo_officer = demo.get(Role.SAFEGUARDING_MANAGER), demo.get(Role.ENQUIRY_OFFICER)
        self.home = next((t for t in teams if self.demo_sam in t.sams), teams[0])
        open_cases = Case.objects.filter(status=CaseStatus.OPEN, worker__isnull=False).order_by("pk")
        self.workers = dict(open_cases.values_list("person_id", "worker_id"))
        self.users = {u.pk: u for u in User.objects.filter(pk__in=set(self.workers.values()))}

    def staff_for(self, plan) -> TeamStaff:
        """The safeguarding team of the council the adult lives in."""
        council = names.TOWNS.get(plan.person.town, (self.home.council,))[0]
        return self.by_council.get(council, self.home)

    # --- The concern and the decision -------------------------------------------------

    def concern(self, plan, staff: TeamStaff, received: datetime.datetime, raiser: str) -> Draft:
        rng, person = self.rng, plan.person
        location = _pick(rng, T.LOCATIONS[plan.older])
        if location in T.PROVIDED:
            source = _pick(rng, T.SOURCES["provided"])
        else:
            source = _pick(rng, T.SOURCES["home" if location == RiskLocation.OWN_HOME else "elsewhere"])
        types = list(dict.fromkeys(_pick(rng, T.ABUSE[source]) for _ in range(_pick(rng, T.HOW_MANY_TYPES))))
        worker = self.users.get(self.workers.get(person.pk))
        if raiser == "worker" and worker is None:
            raiser = "family"
        if raiser == "worker":
            by, name, role, where = worker, worker.full_name, "Allocated worker", "Mental health team"
        else:
            by = rng.choice(staff.officers + staff.sams)  # recorded at the safeguarding front door
            role, where = T.RAISERS[raiser]
            where = where.format(
                council=self.places.get(staff.council, "County"),
                home=rng.choice(names.CARE_HOMES),
                gp=person.gp_practice or "GP practice",
            )
            name = _person_name(rng)
            name = {"police": f"PC {name}", "gp": f"Dr {name}"}.get(raiser, name)
        consent = _pick(rng, T.CONSENT)
        created = min(received + datetime.timedelta(minutes=rng.randint(5, 90)), self.now)
        concern = Concern(
            reference=self._reference(),
            organisation_id=staff.team.organisation_id,
            team=staff.team,
            person_id=person.pk,
            received_at=received,
            raised_by_name=name,
            raised_by_role=role,
            raised_from=where,
            abuse_types=types,
            location=location,
            source_of_risk=source,
            primary_support_reason=_pick(rng, T.SUPPORT[plan.older]),
            details=" ".join(T.DETAILS[t] for t in types),
            immediate_actions=rng.choice(T.ACTIONS),
            adults_views=rng.choice(T.VIEWS),
            consent=consent,
            may_lack_capacity=consent == ConcernConsent.CANNOT_CONSENT or rng.random() < 0.1,
            decision_due_at=datetime.datetime.combine(
                add_working_days(timezone.localdate(received), staff.days),
                END_OF_WORKING_DAY,
                tzinfo=timezone.get_default_timezone(),
            ),
            created_by=by,
            created_at=created,
        )
        draft = Draft(concern=concern, staff=staff)
        draft.concern_events.append(("received", "", ConcernStatus.AWAITING_DECISION, by, created, "", {}))
        if types != ["self_neglect"] and rng.random() < T.ALLEGED_SHARE[source]:
            draft.alleged = AllegedPerson(
                name="" if source == SourceOfRisk.UNKNOWN else _person_name(rng),
                relationship=rng.choice(T.ALLEGED[source]),
                is_professional=source == SourceOfRisk.SERVICE_PROVIDER,
                details=T.TEXT["alleged"] if source == SourceOfRisk.KNOWN else "",
            )
        self.drafts.append(draft)
        return draft

    def _reference(self) -> str:
        while True:
            reference = "S" + "".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(7))
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def decide(self, draft: Draft, decision: str, at: datetime.datetime, sam: User) -> None:
        """s42 only with all three criteria met (Care Act s42(1)); another enquiry or no further
        action when one is not, with the reason (and what was done instead)."""
        rng, concern = self.rng, draft.concern
        if decision == "s42":
            criteria, reason, status = (True, True, True), "", ConcernStatus.S42_ENQUIRY
        elif decision == "other":
            criteria = rng.choice(((False, True, True), (True, True, False)))
            reason, status = T.OTHER_ENQUIRY, ConcernStatus.OTHER_ENQUIRY
        else:
            criteria = rng.choice(((True, False, True), (True, True, False), (False, True, False)))
            reason, concern.action_instead = rng.choice(T.NFA)
            status = ConcernStatus.NO_FURTHER_ACTION
        concern.has_care_needs, concern.at_risk_of_abuse, concern.unable_to_protect = criteria
        concern.status, concern.decision_reason = status, reason
        concern.decided_by, concern.decided_at = sam, at
        event = {"s42": "section 42 enquiry", "other": "other enquiry", "nfa": "no further action"}[decision]
        details = dict(
            zip(("has_care_needs", "at_risk_of_abuse", "unable_to_protect"), criteria, strict=True)
        )
        details["late"] = at > concern.decision_due_at
        draft.concern_events.append(
            (event, ConcernStatus.AWAITING_DECISION, status, sam, at, reason, details)
        )

    # --- The enquiry ------------------------------------------------------------------

    def enquiry(self, draft: Draft, *, sam, officer, steps, officer_at=None, gaps=frozenset()) -> Enquiry:
        """An enquiry from the decision, with each (step, when) in `steps` recorded as the
        services record it; `officer_at` names the officer later; `gaps` are elements left
        unrecorded (only for enquiries closed before the checklist)."""
        concern = draft.concern
        start = concern.decided_at
        if "enquiry_officer" in gaps:
            officer = None
        named = officer if officer_at is None else None
        enquiry = Enquiry(
            concern=concern,
            person_id=concern.person_id,
            team=concern.team,
            kind=EnquiryKind.S42 if concern.status == ConcernStatus.S42_ENQUIRY else EnquiryKind.OTHER,
            started_at=start,
            sam=sam,
            enquiry_officer=named,
        )
        draft.enquiry, draft.officer_from = enquiry, start if named else None
        staff = {"sam": sam.pk, "enquiry_officer": named.pk if named else None}
        events = [
            ("started", "", EnquiryStage.STRATEGY, concern.decided_by, start, concern.decision_reason, staff)
        ]
        if officer is not None and officer_at is not None:
            steps = sorted([*steps, ("staff", officer_at)], key=lambda step: step[1])
        for step, at in steps:
            before = enquiry.stage
            if step == "staff":  # change_enquiry_staff: the SAM names the officer
                enquiry.enquiry_officer, draft.officer_from = officer, at
                change = {
                    "from_sam": sam.pk,
                    "to_sam": sam.pk,
                    "from_officer": None,
                    "to_officer": officer.pk,
                }
                events.append((STEP_EVENTS["staff"], before, before, sam, at, "", change))
                continue
            if step == "close":
                enquiry.ongoing_risk_management = "" if "ongoing_risk" in gaps else T.TEXT["ongoing"]
                enquiry.stage, enquiry.closed_at, enquiry.closed_by = EnquiryStage.CLOSED, at, sam
                events.append(("closed", before, enquiry.stage, sam, at, T.LEGACY_REASON if gaps else "", {}))
                continue
            if step in gaps and step == "review":
                continue  # never held
            values = self._values(step, enquiry, at, gaps)
            for name, value in values.items():
                setattr(enquiry, name, value)
            enquiry.stage = max(before, STEP_STAGE.get(step, before), key=STAGE_ORDER.index)
            recorded = sorted(name for name, value in values.items() if value not in ("", None))
            doer = enquiry.enquiry_officer or sam
            events.append((STEP_EVENTS[step], before, enquiry.stage, doer, at, "", {"fields": recorded}))
        enquiry.version = len(events)  # the first save is version 1; each step adds one
        draft.enquiry_events = events
        return enquiry

    def _values(self, step: str, enquiry: Enquiry, at: datetime.datetime, gaps) -> dict:
        """What one step records, every rule of safeguarding.services.enquiries kept."""
        rng, day = self.rng, timezone.localdate(at)
        if step == "strategy":
            blank = "strategy" in gaps  # held, but who came and what was decided not written down
            return {
                "strategy_kind": rng.choice(("discussion", "meeting", "meeting")),
                "strategy_on": day,
                "strategy_attendees": "" if blank else T.TEXT["attendees"],
                "strategy_decisions": "" if blank else T.TEXT["decisions"],
            }
        if step == "msp":
            asked = "" if "msp" in gaps else _pick(rng, T.MSP)
            lacks = _pick(rng, T.LACKS_CAPACITY)
            difficulty = rng.random() < (0.7 if lacks == YesNoDontKnow.YES else 0.2)
            appropriate = rng.random() < 0.55 if difficulty else None
            if "advocacy" in gaps:
                difficulty = appropriate = None
            return {
                "msp_asked": asked,
                "desired_outcomes": rng.choice(T.OUTCOMES) if asked == MspAsked.ASKED_EXPRESSED else "",
                "lacks_capacity": "" if "capacity" in gaps else lacks,
                "substantial_difficulty": difficulty,
                "appropriate_person": appropriate,
                "advocate": f"{_person_name(rng)}, {T.TEXT['advocacy']}" if appropriate is False else "",
            }
        if step == "findings":
            risk = "" if "risk_assessment" in gaps else T.TEXT["risk"]
            return {"findings": T.TEXT["findings"], "risk_assessment": risk}
        if step == "plan":
            plan = "" if "plan" in gaps else T.TEXT["plan"]
            return {
                "conference_on": day,
                "conference_attendees": T.TEXT["conference"],
                "safeguarding_plan": plan,
            }
        if step == "review":
            return {"review_on": day, "review_notes": T.TEXT["review"]}
        # The SAC's risk questions, as the service asks them (what happened to the risk only
        # where one was identified); an enquiry closed before the checklist with an outcome gap
        # predates the first question, so it has a risk outcome and no finding.
        expressed = enquiry.msp_asked == MspAsked.ASKED_EXPRESSED
        legacy = "outcome" in gaps
        found = _pick(rng, T.RISK_FOUND)
        action = rng.random() < T.ACTION_TAKEN_SHARE[found]
        identified = found == RiskAssessmentResult.IDENTIFIED or legacy
        return {
            "risk_assessment_result": "" if legacy else found,
            "action_taken": action,
            "risk_outcome": _pick(rng, T.RISK[action]) if identified else "",
            "outcomes_achieved": _pick(rng, T.ACHIEVED) if expressed and not legacy else "",
        }

    def timeline(self, start: datetime.datetime) -> list[tuple[str, datetime.datetime]]:
        """When each step would be recorded: the strategy within days, findings within a
        fortnight or so, the conference, then the review (most within 28 days of the start),
        the outcome and closure."""
        steps, previous = [], start
        for step in STEPS:
            day = _workday(
                timezone.localdate(previous) + datetime.timedelta(days=self.rng.randint(*T.STEP_DAYS[step]))
            )
            at = max(_at(day, self.rng), previous + datetime.timedelta(minutes=self.rng.randint(10, 90)))
            steps.append((step, at))
            previous = at
        return steps

    # --- Who gets what ----------------------------------------------------------------

    def scripted(self) -> None:
        """Today's queue and the demo SAM's and officer's open enquiries, whatever the seed.
        The open enquiries go to the people cases.demo.access gave them stand-in access to,
        where those live in the team's area."""
        home, rng = self.home, self.rng
        plans = [p for p in self.context.plans if self.staff_for(p) is home] or self.context.plans
        stand_ins = set(
            Relationship.objects.filter(source__startswith=PLACEHOLDER_SOURCE).values_list(
                "person_id", flat=True
            )
        )
        chosen = [p for p in plans if p.person.pk in stand_ins][: len(OPEN_SCRIPT)]
        rest = [p for p in plans if p.person.pk not in stand_ins]
        chosen += rng.sample(rest, min(len(rest), len(OPEN_SCRIPT) - len(chosen)))
        sam = self.demo_sam if self.demo_sam in home.sams else home.sams[0]
        officer = self.demo_officer if self.demo_officer in home.officers else home.officers[-1]
        for (kind, days, last, named), plan in zip(OPEN_SCRIPT, chosen, strict=False):
            started = _at(_working_days_before(self.today, days), rng, 9, 11)
            received = _at(_working_days_before(timezone.localdate(started), 1), rng, 9, 16)
            draft = self.concern(plan, home, received, _pick(rng, T.RAISER_WEIGHTS))
            self.decide(draft, "s42" if kind == EnquiryKind.S42 else "other", started, sam)
            done = STEPS[: STEPS.index(last) + 1] if last else ()
            span = max(1, (self.today - timezone.localdate(started)).days - 1)
            steps, previous = [], started
            for number, step in enumerate(done, start=1):
                day = timezone.localdate(started) + datetime.timedelta(days=span * number // (len(done) + 1))
                while not is_working_day(day):
                    day -= datetime.timedelta(days=1)
                previous = max(_at(day, rng, 12, 16), previous + datetime.timedelta(minutes=20))
                steps.append((step, previous))
            self.enquiry(draft, sam=sam, officer=officer if named else None, steps=steps)
        anchors = self.context.plans[:3]
        for days, raiser in WAITING_SCRIPT:
            plan = anchors[1] if raiser == "worker" and len(anchors) > 1 else rng.choice(plans)
            received = _at(_working_days_before(self.today, days), rng, 9, 16)
            if days == 0:
                received = self.now - datetime.timedelta(hours=2)
            self.concern(plan, home, received, raiser)
        for staff in self.teams:
            people = [p for p in self.context.plans if self.staff_for(p) is staff]
            if staff is not home and people:
                received = _at(_working_days_before(self.today, 1), rng, 9, 16)
                self.concern(rng.choice(people), staff, received, "police")

    def bulk(self) -> None:
        """About 15% of the people (older people more often) over the last two years; every
        one received more than a week ago, so decided (the scripted queue is today's)."""
        rng, plans = self.rng, self.context.plans
        count = max(round(len(plans) * CONCERNS_PER_PERSON), min(MIN_CONCERNS, len(plans)))
        latest = _working_days_before(self.today, 6)
        checklist_from = self.today - datetime.timedelta(days=CHECKLIST_FROM_DAYS)
        for plan in rng.choices(plans, [1.6 if p.older else 1.0 for p in plans], k=count):
            day = self.today - datetime.timedelta(days=rng.randint(7, HISTORY_DAYS))
            day = min(_workday(day) if rng.random() < 0.85 else day, latest)  # some come in at weekends
            staff = self.staff_for(plan)
            raiser = "worker" if rng.random() < FROM_RECORD_SHARE else _pick(rng, T.RAISER_WEIGHTS)
            draft = self.concern(plan, staff, _at(day, rng, 7, 20), raiser)
            decided_on = _workday(add_working_days(day, _pick(rng, T.DECISION_DELAY)))
            recorded = draft.concern.created_at
            decided = max(_at(decided_on, rng), recorded + datetime.timedelta(minutes=rng.randint(20, 240)))
            sam, decision = rng.choice(staff.sams), _pick(rng, T.DECISIONS)
            self.decide(draft, decision, decided, sam)
            if decision == "nfa":
                continue
            enquiry_sam = sam if rng.random() < 0.9 else rng.choice(staff.sams)
            officers = [u for u in staff.officers if u != enquiry_sam] or [
                u for u in staff.sams if u != enquiry_sam
            ]
            officer = rng.choice(officers) if officers else None
            officer_at = None
            if officer is not None and rng.random() < LATE_OFFICER_SHARE:
                officer_at = decided + datetime.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 4))
                officer_at = officer_at if officer_at <= self.now else None
                officer = officer if officer_at else None
            steps = [(step, at) for step, at in self.timeline(decided) if at <= self.now]
            if (
                timezone.localdate(decided) < self.today - datetime.timedelta(days=45)
                and rng.random() < STALL_SHARE
            ):
                steps = steps[: rng.randint(0, 3)]
            gaps = frozenset()
            closed_on = timezone.localdate(steps[-1][1]) if steps and steps[-1][0] == "close" else None
            if closed_on and closed_on < checklist_from and rng.random() < LEGACY_GAP_SHARE:
                how_many = rng.choices((1, 2, 3), (60, 30, 10))[0]
                gaps = frozenset(rng.sample(list(T.GAPS), how_many, counts=list(T.GAPS.values())))
            self.enquiry(
                draft, sam=enquiry_sam, officer=officer, steps=steps, officer_at=officer_at, gaps=gaps
            )
