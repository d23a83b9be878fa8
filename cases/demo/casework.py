"""Referrals in every state, cases, contacts and status checks for the demo.

Bulk inserts of the same rows the services in cases.services.referrals write one at a time
(referral, decision, case, transition rows), so every screen has something to show. Waiting
referrals count back from the day of seeding, so the triage queue shows every wait band;
everything else counts back from the fixed demo reference date.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Team, User
from cases.models import (
    AccommodationStatus,
    Case,
    CaseNote,
    CaseStatus,
    CaseTransition,
    EmploymentStatus,
    ReceivedVia,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReferralTransition,
    StatusCheck,
    Urgency,
)
from cases.services.referrals import REFERENCE_ALPHABET
from cases.workdays import is_working_day

from .organisations import DEMO_REFERENCE_DATE

BATCH_SIZE = 5000

REASONS = [
    "Low mood and withdrawal since losing job; not eating well, family worried.",
    "Struggling to manage at home after discharge from the ward; missed appointments.",
    "Carer reports increasing confusion and distress in the evenings.",
    "Anxiety stopping them leaving the house; has not been shopping for weeks.",
    "Debt and threat of eviction; says they cannot cope and sleeps most of the day.",
    "Hearing voices again after stopping medication; neighbours have complained.",
    "Recently bereaved, drinking more, not caring for self.",
    "Asks for help with personal care and getting back to college.",
]
SIGNPOSTS = [
    "Recovery college courses and the local peer support group.",
    "Citizens Advice for debt; talking therapies self-referral.",
    "Carers' centre for the daughter; GP to review medication.",
]
NOTES = [
    "Home visit. Discussed what matters to them and agreed to start a Care Act assessment.",
    "Phone call: confirmed visit next week, asked about benefits advice.",
    "MDT discussion with the community team; shared risk summary with consent.",
    "Letter sent confirming allocated worker and how to reach the duty line.",
]
SOURCES = [s for s in ReferralSource.values if s != ReferralSource.SELF] + [ReferralSource.SELF]
VIAS = [ReceivedVia.PHONE, ReceivedVia.EMAIL, ReceivedVia.FORM, ReceivedVia.PARTNER_SYSTEM]


@dataclass
class Episode:
    """What happens to one person in the demo: a referral, and perhaps a case."""

    person_id: int
    team: Team
    state: str  # awaiting | allocated | unallocated | closed | signposted | clinical_pathway | nfa
    worker: User | None = None
    referral: Referral | None = None
    case: Case | None = None


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _working_days_before(day, count):
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


# The event names cases.services.referrals writes for each decision.
DECISION_EVENTS = {
    ReferralStatus.ALLOCATED: "allocated",
    ReferralStatus.SIGNPOSTED: "signposted",
    ReferralStatus.CLINICAL_PATHWAY: "clinical pathway",
    ReferralStatus.NO_FURTHER_ACTION: "no further action",
}

DECIDED_STATUS = {
    "allocated": ReferralStatus.ALLOCATED,
    "unallocated": ReferralStatus.ALLOCATED,
    "closed": ReferralStatus.ALLOCATED,
    "signposted": ReferralStatus.SIGNPOSTED,
    "clinical_pathway": ReferralStatus.CLINICAL_PATHWAY,
    "nfa": ReferralStatus.NO_FURTHER_ACTION,
    "awaiting": ReferralStatus.AWAITING_TRIAGE,
}


def write_episodes(episodes: list[Episode], deciders: dict[int, User], rng: random.Random) -> None:
    """Insert referrals, cases, transitions, contacts and status checks for the episodes.

    `deciders` maps a team's pk to the manager who triages its queue.
    """
    today, now = timezone.localdate(), timezone.now()
    references = set()
    referrals = []
    for episode in episodes:
        if episode.state == "awaiting":
            received = _aware(
                _working_days_before(today, rng.choice([0, 1, 1, 2, 3, 4, 6, 9])), rng.randint(8, 17)
            )
            received = min(received, now - timedelta(minutes=rng.randint(5, 90)))  # never in the future
        elif episode.state == "unallocated":  # waiting for a worker: recent, not years old
            received = _aware(today - timedelta(days=rng.randint(8, 40)))
        else:
            received = _aware(DEMO_REFERENCE_DATE - timedelta(days=rng.randint(20, 700)))
        reference = _reference(rng, references)
        status = DECIDED_STATUS[episode.state]
        decided = status != ReferralStatus.AWAITING_TRIAGE
        referrals.append(
            Referral(
                reference=reference,
                team=episode.team,
                created_by=deciders.get(episode.team.pk),
                person_id=episode.person_id,
                source=rng.choice(SOURCES),
                received_via=rng.choice(VIAS),
                received_at=received,
                referrer_name=rng.choice(
                    ["Dr K. Osei", "PC Morgan", "Ward 3 nurse in charge", "Mrs Hale", ""]
                ),
                reason=rng.choice(REASONS),
                urgency=rng.choice([Urgency.URGENT, Urgency.HIGH, Urgency.ROUTINE, Urgency.ROUTINE]),
                consent_leaflet_given=decided or rng.random() < 0.5,
                consent_to_share="yes" if decided else rng.choice(["yes", "not_asked"]),
                status=status,
                decided_at=received + timedelta(days=rng.randint(1, 6)) if decided else None,
                decided_by=deciders.get(episode.team.pk) if decided else None,
                decision_reason="Eligible for assessment" if decided else "",
                signpost_advice=rng.choice(SIGNPOSTS) if episode.state == "signposted" else "",
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)
    for episode, referral in zip(episodes, referrals, strict=True):
        episode.referral = referral
    _write_referral_transitions(episodes)
    _write_cases(episodes, deciders, rng)


def _reference(rng, taken):
    while True:
        reference = "R" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(7))
        if reference not in taken:
            taken.add(reference)
            return reference


def _write_referral_transitions(episodes):
    rows = []
    for episode in episodes:
        referral = episode.referral
        rows.append(
            ReferralTransition(
                at=referral.received_at,
                referral=referral,
                event="received",
                from_status="",
                to_status=ReferralStatus.AWAITING_TRIAGE,
                actor=referral.created_by,
            )
        )
        if referral.decided_at:
            rows.append(
                ReferralTransition(
                    at=referral.decided_at,
                    referral=referral,
                    event=DECISION_EVENTS[referral.status],
                    from_status=ReferralStatus.AWAITING_TRIAGE,
                    to_status=referral.status,
                    actor=referral.decided_by,
                    reason=referral.decision_reason,
                )
            )
    ReferralTransition.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _write_cases(episodes, deciders, rng):
    with_cases = [e for e in episodes if e.state in {"allocated", "unallocated", "closed"}]
    cases = []
    for episode in with_cases:
        referral = episode.referral
        closed = episode.state == "closed"
        cases.append(
            Case(
                person_id=episode.person_id,
                team=episode.team,
                referral=referral,
                worker=episode.worker if episode.state != "unallocated" else None,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                opened_at=referral.decided_at,
                allocated_at=referral.decided_at if episode.state != "unallocated" else None,
                closed_at=referral.decided_at + timedelta(days=rng.randint(40, 300)) if closed else None,
                close_reason="Outcomes met; support plan in place with the GP." if closed else "",
            )
        )
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
    transitions = []
    for episode, case in zip(with_cases, cases, strict=True):
        episode.case = case
        manager = deciders.get(episode.team.pk)
        transitions.append(
            CaseTransition(
                at=case.opened_at,
                case=case,
                event="opened",
                from_status="",
                to_status=CaseStatus.OPEN,
                actor=manager,
            )
        )
        if case.closed_at:
            transitions.append(
                CaseTransition(
                    at=case.closed_at,
                    case=case,
                    event="closed",
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.CLOSED,
                    actor=manager,
                    reason=case.close_reason,
                )
            )
    CaseTransition.objects.bulk_create(transitions, batch_size=BATCH_SIZE)
    _write_recording(with_cases, rng)


def _write_recording(episodes, rng):
    notes, checks = [], []
    for episode in episodes:
        case = episode.case
        author = episode.worker or case.worker
        if author is None:
            continue
        start = case.opened_at
        for number in range(rng.randint(1, 4)):
            notes.append(
                CaseNote(
                    person_id=episode.person_id,
                    case=case,
                    author=author,
                    kind=rng.choice(CaseNote.Kind.values),
                    occurred_at=start + timedelta(days=7 * (number + 1), hours=rng.randint(0, 6)),
                    text=rng.choice(NOTES),
                )
            )
        checks.append(
            StatusCheck(
                person_id=episode.person_id,
                recorded_by=author,
                employment=rng.choice(EmploymentStatus.values),
                accommodation=rng.choice(AccommodationStatus.values),
                checked_on=(start + timedelta(days=rng.randint(10, 60))).date(),
            )
        )
    for note in notes:
        note.created_at = note.occurred_at  # written at the time, so past the correction window
    bulk_create_with_history(notes, CaseNote, batch_size=BATCH_SIZE)
    StatusCheck.objects.bulk_create(checks, batch_size=BATCH_SIZE)


PUBLIC_REFERRALS = [
    ("relative_or_friend", "Sam Whitlow", "My brother has stopped going out and will not answer the door."),
    ("self", "Jo Penhale", "I am not coping since my mum died and I need someone to talk to about support."),
    ("other_professional", "Ellis Carver", "Housing officer: tenant at risk of eviction, very low mood."),
]


def write_public_referrals(team: Team, rng: random.Random) -> int:
    """A few unverified referrals from the online front door, waiting to be matched."""
    today = timezone.localdate()
    rows = []
    for source, name, reason in PUBLIC_REFERRALS:
        received = _aware(_working_days_before(today, rng.choice([0, 1, 3])), rng.randint(8, 20))
        received = min(received, timezone.now() - timedelta(minutes=rng.randint(5, 90)))
        rows.append(
            Referral(
                reference=_reference(rng, set()),
                team=team,
                person=None,
                is_verified=False,
                subject_details={"name": name, "postcode": "NS1 4AB"},
                source=source,
                received_via=ReceivedVia.ONLINE,
                received_at=received,
                reason=reason,
                urgency=Urgency.ROUTINE,
                consent_to_share="yes",
            )
        )
    Referral.objects.bulk_create(rows)
    ReferralTransition.objects.bulk_create(
        [
            ReferralTransition(referral=r, event="received online", to_status=ReferralStatus.AWAITING_TRIAGE)
            for r in rows
        ]
    )
    return len(rows)
