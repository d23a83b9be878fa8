"""Mental Health Act assessment requests for the AMHP demo (run by amhp.demo.seed_amhp).

A year of past requests for each AMHP team, from the people of its area: most assessed, some
withdrawn; assessments whose applications pass amhp.rules (two doctors, one s12 approved,
examined no more than 5 clear days apart and within the 14 days; the nearest relative informed
for s2 and consulted for s3); delays with their causes; a few place of safety periods extended
and a few breached, for the lead's figures. Then the live requests of today.

Every request is for a different person, and the team and allocated AMHP are given access as
the services would (relationship and permission rows, in bulk); a withdrawn request's access
has ended, so it leaves none.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from cases.demo.organisations import DEMO_LOGIN_EMAILS, staff_names
from cases.demo.people import ANCHOR_PEOPLE
from cases.models import (
    Person,
    PersonContact,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RelationshipKind,
)
from cases.permissions import CHANGE_PERSON, VIEW_PERSON
from cases.services.referrals import REFERENCE_ALPHABET

from .models import (
    PLACE_OF_SAFETY_STATUSES,
    AssessmentDelay,
    DelayCause,
    LegalStatus,
    MedicalRecommendation,
    MhaAssessment,
    MhaRequest,
    MhaRequestTransition,
    NearestRelativeContact,
    Outcome,
    RequesterKind,
    RequestStatus,
)

HISTORY_REASON = "Demo data"
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
S, L, C = RequestStatus, LegalStatus, NearestRelativeContact
# AMHP team key -> the localities whose people it assesses (cases.demo.organisations).
TEAM_LOCALITIES = {"amhp_ns": ("North", "West"), "amhp_em": ("South",)}
REQUESTS_PER_PERSON_MONTH = 0.012  # requests a month for each person living in the team's area
MAX_SHARE = 0.4  # of the people of the area, at most (one request each)
WITHDRAWN_SHARE = 0.1
DELAYED_SHARE = 0.35
BREACH_SHARE = 0.07  # of place of safety requests
EXTENDED_SHARE = 0.06
FINISHED_BY = 10  # past requests were received at least this many days ago, so all is done by now
STATUSES = ((L.S136, 35), (L.COMMUNITY, 30), (L.S5_2, 12), (L.INFORMAL, 7), (L.DETAINED, 5))
STATUSES += ((L.S135_1, 5), (L.S5_4, 4), (L.S135_2, 2))
OUTCOMES = (
    (Outcome.S2, 32),
    (Outcome.S3, 14),
    (Outcome.S4, 2),
    (Outcome.INFORMAL, 16),
    (Outcome.COMMUNITY, 22),
    (Outcome.NO_FURTHER_ACTION, 14),
)
DELAYS = ((DelayCause.BED, 45), (DelayCause.AMBULANCE, 20), (DelayCause.POLICE, 15), (DelayCause.DOCTOR, 12))
DELAYS += ((DelayCause.OTHER, 8),)
DELAY_MINUTES = {"bed": (120, 960), "police": (30, 240), "ambulance": (45, 360), "doctor": (30, 300)}
DELAY_DETAILS = {
    "bed": ("No bed in the county; out-of-area bed found", "Waited for a bed on the acute ward"),
    "police": ("Police needed to attend for the warrant", "Officers called to another incident"),
    "ambulance": ("Ambulance delayed: high demand", "Secure transport booked for the next morning"),
    "doctor": ("Section 12 doctor not available until the evening", "Second doctor came from out of area"),
    "other": ("Interpreter needed", "Waited for the person to return home"),
}
# Locality -> (general hospital, mental health unit, a town with a police station)
PLACES = {
    "North": ("Ashbridge General Hospital", "Kilnfield Mental Health Unit", "Ashbridge"),
    "West": ("Westcombe Regis Hospital", "Saltmere House", "Westcombe Regis"),
    "South": ("Eastmere Royal Infirmary", "Mereside Unit", "Eastmere"),
}
WARDS = ("Larch ward", "Heron ward", "Rowan ward", "Willow ward")
REASONS = {
    L.S136: "Found by police on a bridge, distressed and saying they wanted to die",
    L.S135_1: "Warrant executed at home after the person refused to open the door to the crisis team",
    L.S135_2: "Absent without leave from hospital; warrant to retake",
    L.S5_2: "Informal patient trying to leave the ward; held under section 5(2)",
    L.S5_4: "Nurse's holding power used overnight; doctor on the way",
    L.INFORMAL: "Informal patient refusing treatment and more unwell",
    L.DETAINED: "Section 2 ending; consider an application under section 3",
    L.COMMUNITY: "Relapse: not eating, not sleeping, hearing voices; family very worried",
}
WITHDRAW_REASONS = (
    "The person agreed to an informal admission before the assessment",
    "Police reviewed the detention and released the person with the crisis team's support",
    "The GP withdrew the request: the home treatment team is now involved",
    "The person was admitted to the general hospital and is not well enough to be assessed",
)
EXTENSION_REASONS = (
    "Intoxicated on arrival: could not be assessed until sober",
    "Needed treatment for an overdose in the emergency department first",
)


@dataclass
class Drawn:
    request: MhaRequest
    allocator: User | None = None
    assessment: MhaAssessment | None = None
    recommendations: list[MedicalRecommendation] = field(default_factory=list)
    delays: list[AssessmentDelay] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)  # (event, from, to, actor, at, reason, details)


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _phone(rng) -> str:
    return f"01632 960{rng.randint(0, 999):03d}"  # Ofcom's drama range


class _Maker:
    """Draws one team's requests: people, places, doctors and the times in between."""

    def __init__(self, team, plans, rng, today, now, references):
        self.team, self.plans, self.rng, self.today, self.now = team, plans, rng, today, now
        self.references = references
        names = [f"Dr {name}" for name in staff_names(rng, 14)]
        self.s12_doctors, self.other_doctors = names[:6], names[6:]
        self.staff = [u for u in team.support] + [a.user for a in team.amhps]
        self.drawn: list[Drawn] = []
        self.place_of_safety = 0  # past place of safety requests assessed so far

    def reference(self) -> str:
        while True:
            value = "M" + "".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(7))
            if value not in self.references:
                self.references.add(value)
                return value

    def amhp_for(self, day: datetime.date, prefer=None, avoid=None):
        valid = [a for a in self.team.amhps if a.valid_on(day, day + 7 * DAY)]
        if prefer is not None and prefer in valid:
            return prefer
        valid = [a for a in valid if a is not avoid] or valid
        return self.rng.choice(valid) if valid else None

    def location(self, status, plan) -> str:
        hospital, unit, town = PLACES.get(plan.locality, PLACES["North"])
        if status in (L.S136, L.S135_1):
            return self.rng.choice(
                (
                    f"Place of safety suite, {unit}",
                    f"Emergency department, {hospital}",
                    f"Custody, {town} police station",
                )
                if status == L.S136
                else (f"Place of safety suite, {unit}",)
            )
        if status == L.S135_2:
            return f"Place of safety suite, {unit}"
        if status == L.COMMUNITY:
            person = plan.person
            return (
                f"At home: {person.address_line_1}, {person.postcode}" if person.address_line_1 else "At home"
            )
        return f"{self.rng.choice(WARDS)}, {unit}"

    def requester(self, status, plan) -> tuple[str, str, str]:
        rng = self.rng
        if status in PLACE_OF_SAFETY_STATUSES:
            officer = staff_names(rng, 1)[0]
            return (
                RequesterKind.POLICE,
                f"PC {officer} {rng.randint(1000, 9999)}",
                f"Control room, {_phone(rng)}",
            )
        if status != L.COMMUNITY:
            return RequesterKind.PSYCHIATRIST, rng.choice(self.s12_doctors), f"Ward office, {_phone(rng)}"
        kind = _pick(
            rng, ((RequesterKind.GP, 60), (RequesterKind.NEAREST_RELATIVE, 12), (RequesterKind.OTHER, 28))
        )
        relative = self.relative(plan)
        if kind == RequesterKind.NEAREST_RELATIVE and relative:
            return kind, relative.name, relative.phone or _phone(rng)
        if kind == RequesterKind.OTHER:
            return kind, f"{staff_names(rng, 1)[0]}, crisis team", f"Crisis team, {_phone(rng)}"
        return RequesterKind.GP, rng.choice(self.other_doctors), f"GP surgery, {_phone(rng)}"

    @staticmethod
    def relative(plan) -> PersonContact | None:
        return next((c for c in plan.contacts if c.kind == PersonContact.Kind.NEAREST_RELATIVE), None)

    def request(self, plan, status, received, arrived, created_by) -> Drawn:
        kind, name, contact = self.requester(status, plan)
        request = MhaRequest(
            reference=self.reference(),
            team=self.team.team,
            person=plan.person,
            received_at=received,
            requester_kind=kind,
            requester_name=name,
            requester_contact=contact,
            location=self.location(status, plan),
            legal_status=status,
            reason=REASONS[status],
            arrived_at_place_of_safety=arrived,
            created_by=created_by,
        )
        drawn = Drawn(request)
        drawn.events.append(("received", "", S.OPEN, created_by, received + 2 * MINUTE, "", {}))
        self.drawn.append(drawn)
        return drawn

    def allocate(self, drawn: Drawn, amhp, at, by) -> None:
        request = drawn.request
        request.status, request.allocated_amhp, request.allocated_at = S.ALLOCATED, amhp.user, at
        drawn.allocator = by
        details = {"from_amhp": None, "to_amhp": amhp.user.pk}
        drawn.events.append(("allocated", S.OPEN, S.ALLOCATED, by, at, "", details))

    # --- A past request, from receipt to its end -------------------------------------------

    def past(self, plan) -> None:
        rng = self.rng
        day = self.today - datetime.timedelta(days=rng.randint(FINISHED_BY, 365))
        status = _pick(rng, STATUSES)
        place_of_safety = status in PLACE_OF_SAFETY_STATUSES
        hour = rng.randint(0, 23) if place_of_safety else rng.randint(8, 18)
        received = datetime.datetime.combine(
            day, datetime.time(hour, rng.randint(0, 59)), tzinfo=timezone.get_default_timezone()
        )
        arrived = received - rng.randint(10, 90) * MINUTE if place_of_safety else None
        amhp = self.amhp_for(day)
        if amhp is None:
            return
        drawn = self.request(plan, status, received, arrived, rng.choice(self.staff))
        allocated_at = received + rng.randint(15, 180) * MINUTE
        if rng.random() < WITHDRAWN_SHARE:
            self.withdraw(drawn, amhp, allocated_at)
            return
        self.allocate(drawn, amhp, allocated_at, rng.choice((amhp.user, self.team.lead)))
        self.assess(drawn, amhp, plan)

    def withdraw(self, drawn: Drawn, amhp, allocated_at) -> None:
        request, rng = drawn.request, self.rng
        if rng.random() < 0.5:
            self.allocate(drawn, amhp, allocated_at, self.team.lead)
        closed = allocated_at + rng.randint(30, 300) * MINUTE
        reason = rng.choice(WITHDRAW_REASONS)
        drawn.events.append(("withdrawn", request.status, S.WITHDRAWN, amhp.user, closed, reason, {}))
        request.status, request.closed_at = S.WITHDRAWN, closed

    def assess_at(self, drawn: Drawn) -> datetime.datetime:
        """When the AMHP assessed: within the place of safety period, mostly."""
        request, rng = drawn.request, self.rng
        if request.arrived_at_place_of_safety is None:
            return request.allocated_at + rng.randint(60, 72 * 60) * MINUTE
        arrived = request.arrived_at_place_of_safety
        roll = rng.random()
        # Every team's year has at least one breach and one extension, however small the seed.
        self.place_of_safety += 1
        if self.place_of_safety <= 2:
            roll = (BREACH_SHARE + EXTENDED_SHARE / 2) if self.place_of_safety == 2 else 0
        if roll < BREACH_SHARE:
            at = arrived + datetime.timedelta(hours=24) + rng.randint(20, 300) * MINUTE
        elif roll < BREACH_SHARE + EXTENDED_SHARE:
            hours = rng.randint(4, 12)
            extended = arrived + datetime.timedelta(hours=20)
            doctor = rng.choice(self.s12_doctors)
            reason = rng.choice(EXTENSION_REASONS)
            request.extension_hours, request.extension_authorised_by = hours, doctor
            request.extension_reason, request.extended_at = reason, extended
            details = {"hours": hours, "doctor": doctor}
            event = ("place of safety extended", S.ALLOCATED, S.ALLOCATED, request.allocated_amhp)
            drawn.events.append((*event, extended, reason, details))
            at = arrived + datetime.timedelta(hours=24) + rng.randint(30, hours * 60 - 30) * MINUTE
        else:
            at = arrived + rng.randint(180, 22 * 60) * MINUTE
        return max(at, request.allocated_at + 30 * MINUTE)

    def assess(self, drawn: Drawn, amhp, plan) -> None:
        request, rng = drawn.request, self.rng
        assessed_at = self.assess_at(drawn)
        outcome = _pick(rng, OUTCOMES)
        assessment = MhaAssessment(request=request, amhp=amhp.user, assessed_at=assessed_at, outcome=outcome)
        self.nearest_relative(assessment, plan)
        day = timezone.localtime(assessed_at).date()
        last = assessed_at
        if outcome in (Outcome.S2, Outcome.S3):
            assessment.application_made_at = last = assessed_at + rng.randint(20, 150) * MINUTE
            first_exam = day - rng.choice((0, 0, 0, 1, 2)) * DAY
            second_s12 = rng.random() < 0.35
            self.doctor(drawn, assessment, True, first_exam)
            self.doctor(drawn, assessment, second_s12, day)
        elif outcome == Outcome.S4:
            assessment.application_made_at = assessed_at + rng.randint(20, 90) * MINUTE
            assessment.s4_admitted_at = last = assessment.application_made_at + rng.randint(60, 360) * MINUTE
            self.doctor(drawn, assessment, rng.random() < 0.5, day)
        else:
            for _ in range(rng.choice((0, 1, 2, 2))):
                self.doctor(drawn, assessment, rng.random() < 0.6, day)
        breached = request.arrived_at_place_of_safety and assessed_at > request.arrived_at_place_of_safety + (
            datetime.timedelta(hours=24 + request.extension_hours)
        )
        if breached or rng.random() < DELAYED_SHARE:
            causes = [DelayCause.BED] if breached else []
            causes += [_pick(rng, DELAYS) for _ in range(rng.choice((1, 1, 1, 2)) - len(causes))]
            for cause in causes or [_pick(rng, DELAYS)]:
                low, high = DELAY_MINUTES.get(cause, (20, 180))
                drawn.delays.append(
                    AssessmentDelay(
                        assessment=assessment,
                        cause=cause,
                        minutes=rng.randint(low, high),
                        details=rng.choice(DELAY_DETAILS[cause]),
                    )
                )
        closed = last + rng.randint(30, 240) * MINUTE
        assessment.recorded_at = closed
        request.status, request.closed_at = S.ASSESSED, closed
        drawn.assessment = assessment
        drawn.events.append(
            ("assessed", S.ALLOCATED, S.ASSESSED, amhp.user, closed, "", {"outcome": outcome})
        )
        if outcome == Outcome.S4 and rng.random() < 0.7:
            converted = assessment.s4_admitted_at + rng.randint(8, 60) * datetime.timedelta(hours=1)
            name = self.doctor(drawn, assessment, True, timezone.localtime(converted).date())
            assessment.s4_converted_at = converted
            drawn.events.append(
                ("s4 converted to s2", S.ASSESSED, S.ASSESSED, amhp.user, converted, "", {"doctor": name})
            )

    def doctor(self, drawn: Drawn, assessment, s12: bool, examined: datetime.date) -> str:
        used = {r.doctor_name for r in drawn.recommendations}
        pool = [d for d in (self.s12_doctors if s12 else self.other_doctors) if d not in used]
        name = self.rng.choice(pool)
        drawn.recommendations.append(
            MedicalRecommendation(
                assessment=assessment,
                doctor_name=name,
                s12_approved=s12,
                previous_acquaintance=not s12 and self.rng.random() < 0.7,  # usually the GP
                examined_on=examined,
            )
        )
        return name

    def nearest_relative(self, assessment: MhaAssessment, plan) -> None:
        """Informed for s2 and s4 (s11(3)), consulted for s3 (s11(4)), never objecting to an s3
        that was made; sometimes not practicable; no one where the person has no relative."""
        relative, rng, outcome = self.relative(plan), self.rng, assessment.outcome
        if relative is None:
            return
        if outcome in (Outcome.S2, Outcome.S3, Outcome.S4):
            done = C.CONSULTED if outcome == Outcome.S3 else C.INFORMED
            contact = done if rng.random() < 0.85 else C.NOT_PRACTICABLE
        else:
            contact = C.INFORMED if rng.random() < 0.3 else C.NOT_APPLICABLE
        if contact != C.NOT_APPLICABLE:
            assessment.nearest_relative_name = relative.name
            assessment.nearest_relative_relationship = relative.relationship
        assessment.nearest_relative_contact = contact

    # --- Today's live requests ------------------------------------------------------------

    def live(self, plans: list, demo_amhp) -> None:
        """Northshire's board: a s136 with about 5 hours left (allocated to the demo AMHP), one
        breached while waiting for a bed, and a GP's request not yet allocated. Other teams: a
        section 5(2) on a ward, waiting."""
        now, rng = self.now, self.rng
        today = timezone.localdate(now)
        if self.team.key != "amhp_ns":
            if plans:
                self.request(
                    plans.pop(), L.S5_2, now - 3 * datetime.timedelta(hours=1), None, rng.choice(self.staff)
                )
            return
        specs = (
            (L.S136, now - datetime.timedelta(hours=19), demo_amhp),  # 24 hours: about 5 left
            (L.S136, now - datetime.timedelta(hours=26, minutes=30), None),  # breached
        )
        for status, arrived, prefer in specs:
            if not plans:
                return
            drawn = self.request(plans.pop(), status, arrived + 20 * MINUTE, arrived, rng.choice(self.staff))
            amhp = self.amhp_for(today, prefer, avoid=demo_amhp)
            if amhp is not None:
                self.allocate(drawn, amhp, arrived + 50 * MINUTE, self.team.lead)
        if plans:
            received = now - datetime.timedelta(hours=2, minutes=10)
            self.request(plans.pop(), L.COMMUNITY, received, None, rng.choice(self.staff))


def seed_requests(context, teams, today, now) -> dict[str, int]:
    held = set(Relationship.objects.active().values_list("person_id", flat=True).distinct())
    references = set(MhaRequest.objects.values_list("reference", flat=True))
    makers = []
    for team in teams:
        rng = context.rng(f"amhp:requests:{team.key}")
        area = [p for p in context.plans[ANCHOR_PEOPLE + 1 :] if p.locality in TEAM_LOCALITIES[team.key]]
        known = [p for p in area if p.person.pk in held]
        unknown = [p for p in area if p.person.pk not in held]
        rng.shuffle(known)
        rng.shuffle(unknown)
        # People known to services, and some who are not (but never every one of those).
        people = known + unknown[: len(unknown) // 2]
        rng.shuffle(people)
        wanted = min(round(12 * len(area) * REQUESTS_PER_PERSON_MONTH) or 1, int(len(area) * MAX_SHARE))
        maker = _Maker(team, people, rng, today, now, references)
        demo_amhp = next((a for a in team.amhps if a.user.email == DEMO_LOGIN_EMAILS[Role.AMHP]), None)
        maker.live(people, demo_amhp)
        for plan in people[: max(wanted - len(maker.drawn), 0)]:
            maker.past(plan)
        makers.append(maker)
    drawn = [d for maker in makers for d in maker.drawn]
    return _write(drawn)


def _write(drawn: list[Drawn]) -> dict[str, int]:
    requests = [d.request for d in drawn]
    bulk_create_with_history(requests, MhaRequest, default_change_reason=HISTORY_REASON)
    ids = [r.pk for r in requests]
    # When things happened, not when seeded (created_at is auto_now_add).
    MhaRequest.objects.filter(pk__in=ids).update(created_at=F("received_at") + 2 * MINUTE)
    MhaRequest.history.model.objects.filter(id__in=ids).update(
        created_at=F("received_at") + 2 * MINUTE,
        history_date=Coalesce("closed_at", "allocated_at", "received_at", output_field=DateTimeField()),
    )
    assessments = [d.assessment for d in drawn if d.assessment is not None]
    bulk_create_with_history(assessments, MhaAssessment, default_change_reason=HISTORY_REASON)
    MhaAssessment.history.model.objects.filter(id__in=[a.pk for a in assessments]).update(
        history_date=F("recorded_at")
    )
    recommendations = [r for d in drawn for r in d.recommendations]
    MedicalRecommendation.objects.bulk_create(recommendations)
    delays = [x for d in drawn for x in d.delays]
    AssessmentDelay.objects.bulk_create(delays)
    keys = ("event", "from_status", "to_status", "actor", "at", "reason", "details")
    transitions = [
        MhaRequestTransition(request=d.request, **dict(zip(keys, event, strict=True)))
        for d in drawn
        for event in d.events
    ]
    MhaRequestTransition.objects.bulk_create(transitions)
    relationships = _grant_access(drawn)
    return {
        "MHA requests": len(requests),
        "live MHA requests": sum(1 for r in requests if r.status in (S.OPEN, S.ALLOCATED)),
        "MHA assessments": len(assessments),
        "medical recommendations": len(recommendations),
        "assessment delays": len(delays),
        "request transitions": len(transitions),
        "MHA relationships": relationships,
    }


def _grant_access(drawn: list[Drawn]) -> int:
    """The AMHP team holds the person while it works on the request and after the assessment;
    the allocated AMHP holds them personally (amhp.services.requests)."""
    perms = list(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), codename__in=(VIEW_PERSON, CHANGE_PERSON)
        )
    )
    relationships, group_perms, user_perms = [], [], []
    kind = RelationshipKind.MHA_ASSESSMENT
    for d in drawn:
        request = d.request
        if request.status == S.WITHDRAWN:
            continue
        source, person_id = f"mharequest:{request.pk}", request.person_id
        relationships.append(
            Relationship(
                person_id=person_id,
                team=request.team,
                kind=kind,
                source=source,
                started_by=request.created_by,
            )
        )
        group_perms += [
            PersonGroupObjectPermission(
                group_id=request.team.group_id, permission=p, content_object_id=person_id
            )
            for p in perms
        ]
        if request.allocated_amhp is not None:
            relationships.append(
                Relationship(
                    person_id=person_id,
                    user=request.allocated_amhp,
                    kind=kind,
                    source=source,
                    started_by=d.allocator,
                )
            )
            user_perms += [
                PersonUserObjectPermission(
                    user=request.allocated_amhp, permission=p, content_object_id=person_id
                )
                for p in perms
            ]
    Relationship.objects.bulk_create(relationships)
    # The allocated AMHP may hold the person already (a practitioner on the AMHP rota).
    PersonGroupObjectPermission.objects.bulk_create(group_perms, ignore_conflicts=True)
    PersonUserObjectPermission.objects.bulk_create(user_perms, ignore_conflicts=True)
    ids = [r.pk for r in relationships]
    request_of = MhaRequest.objects.filter(pk=Cast(Substr(OuterRef("source"), 12), IntegerField()))
    Relationship.objects.filter(pk__in=ids, team__isnull=False).update(
        started_at=Subquery(request_of.values("received_at")[:1])
    )
    Relationship.objects.filter(pk__in=ids, user__isnull=False).update(
        started_at=Subquery(request_of.values("allocated_at")[:1])
    )
    return len(relationships)
