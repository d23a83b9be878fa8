"""Referrals, triage decisions and cases (episodes): one service per transition (ADR 3).

Each service locks its row, checks the transition against the map, treats a repeat as a
no-op, writes the status and a transition row, and moves access with the relationship
services in cases.services.people (ADR 1).
"""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.selectors import is_current_member

from ..models import (
    Case,
    CaseStatus,
    CaseTransition,
    ReceivedVia,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReferralTransition,
    RelationshipKind,
)
from .people import (
    DomainError,
    end_relationships_for_source,
    grant_team_relationship,
    grant_user_relationship,
)

S = ReferralStatus

# Triage decisions: every decision starts from a referral waiting for triage.
REFERRAL_TRANSITIONS = {
    S.AWAITING_TRIAGE: {S.ALLOCATED, S.SIGNPOSTED, S.CLINICAL_PATHWAY, S.NO_FURTHER_ACTION},
}
CASE_TRANSITIONS = {CaseStatus.OPEN: {CaseStatus.CLOSED}, CaseStatus.CLOSED: {CaseStatus.OPEN}}

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread on the phone


def referral_source(referral: Referral) -> str:
    return f"referral:{referral.pk}"


def case_source(case: Case) -> str:
    return f"case:{case.pk}"


def _new_reference() -> str:
    while True:
        reference = "R" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
        if not Referral.objects.filter(reference=reference).exists():
            return reference


def _require(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message)
    return text


# --- Intake -----------------------------------------------------------------------------

REFERRAL_FIELDS = (
    "source",
    "received_via",
    "received_at",
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_phone",
    "referrer_email",
    "reason",
    "presenting_needs",
    "known_risks",
    "urgency",
    "consent_leaflet_given",
    "consent_to_share",
)


@transaction.atomic
def receive_referral(*, team, person, data: dict, by) -> Referral:
    """A referral taken by staff for a person in the index; the receiving team may now see
    the person while the referral is open."""
    referral = Referral(
        reference=_new_reference(),
        team=team,
        person=person,
        created_by=by,
        **{field: data[field] for field in REFERRAL_FIELDS if field in data},
    )
    referral.received_at = referral.received_at or timezone.now()
    referral.full_clean()
    referral.save()
    _log_referral(referral, event="received", from_status="", by=by)
    grant_team_relationship(
        person=person, team=team, kind=RelationshipKind.REFERRAL, source=referral_source(referral), by=by
    )
    return referral


@transaction.atomic
def receive_public_referral(*, team, subject_details: dict, data: dict) -> Referral:
    """A referral from the public front door: unverified, not yet matched to anyone."""
    referral = Referral(
        reference=_new_reference(),
        team=team,
        person=None,
        is_verified=False,
        subject_details=subject_details,
        received_via=ReceivedVia.ONLINE,
        received_at=timezone.now(),
        **{field: data[field] for field in REFERRAL_FIELDS if field in data and field != "received_via"},
    )
    referral.source = referral.source or ReferralSource.SELF
    referral.full_clean()
    referral.save()
    _log_referral(referral, event="received online", from_status="", by=None)
    return referral


@transaction.atomic
def verify_referral(*, referral_id: int, person, by) -> Referral:
    """Match a public referral to a person in the index; the team may then see the person."""
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if referral.is_verified and referral.person_id == person.pk:
        return referral
    if referral.status != S.AWAITING_TRIAGE:
        raise DomainError("Only a referral waiting for triage can be matched to a person")
    referral.person, referral.is_verified = person, True
    referral.save(update_fields=["person", "is_verified"])
    _log_referral(
        referral, event="verified", from_status=referral.status, by=by, details={"person": person.pk}
    )
    grant_team_relationship(
        person=person,
        team=referral.team,
        kind=RelationshipKind.REFERRAL,
        source=referral_source(referral),
        by=by,
    )
    return referral


# --- Triage decisions -------------------------------------------------------------------


def _lock_for_decision(referral_id: int, to_status: str) -> tuple[Referral, bool]:
    """The locked referral, and whether this decision was already made (a repeat)."""
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if referral.status == to_status:
        return referral, True
    if to_status not in REFERRAL_TRANSITIONS.get(referral.status, set()):
        raise DomainError(
            f"This referral is already {referral.get_status_display().lower()}: it cannot be changed now"
        )
    if referral.person_id is None:
        raise DomainError("Match the referral to a person in the index before deciding on it")
    return referral, False


def _decide(referral: Referral, to_status: str, *, by, reason: str, event: str, details=None) -> Referral:
    from_status = referral.status
    referral.status = to_status
    referral.decision_reason = reason
    referral.decided_at, referral.decided_by = timezone.now(), by
    referral.save()
    _log_referral(referral, event=event, from_status=from_status, by=by, reason=reason, details=details)
    end_relationships_for_source(source=referral_source(referral), by=by)
    return referral


@transaction.atomic
def allocate_referral(*, referral_id: int, worker, by, reason: str = "") -> Case:
    """Allocate to a worker: opens a case in the team; the worker and the team hold the person."""
    referral, repeat = _lock_for_decision(referral_id, S.ALLOCATED)
    if repeat:
        return referral.case
    if not is_current_member(worker, referral.team):
        raise DomainError(f"{worker} is not a member of {referral.team}")
    if Case.objects.filter(person=referral.person, team=referral.team, status=CaseStatus.OPEN).exists():
        raise DomainError("This person already has an open case in this team: add the referral to it instead")
    case = Case.objects.create(
        person=referral.person,
        team=referral.team,
        worker=worker,
        referral=referral,
        allocated_at=timezone.now(),
    )
    _log_case(case, event="opened", from_status="", by=by, reason=reason, details={"worker": worker.pk})
    _grant_case_access(case, by=by)
    _decide(
        referral,
        S.ALLOCATED,
        by=by,
        reason=reason,
        event="allocated",
        details={"worker": worker.pk, "case": case.pk},
    )
    return case


@transaction.atomic
def signpost_referral(*, referral_id: int, advice: str, by, reason: str = "") -> Referral:
    advice = _require(advice, "Enter the information or advice given")
    referral, repeat = _lock_for_decision(referral_id, S.SIGNPOSTED)
    if repeat:
        return referral
    referral.signpost_advice = advice
    return _decide(referral, S.SIGNPOSTED, by=by, reason=reason, event="signposted")


@transaction.atomic
def pass_to_clinical_pathway(*, referral_id: int, by, reason: str) -> Referral:
    reason = _require(reason, "Enter why the referral goes to the trust's clinical pathway")
    referral, repeat = _lock_for_decision(referral_id, S.CLINICAL_PATHWAY)
    return (
        referral
        if repeat
        else _decide(referral, S.CLINICAL_PATHWAY, by=by, reason=reason, event="clinical pathway")
    )


@transaction.atomic
def close_referral_no_further_action(*, referral_id: int, by, reason: str) -> Referral:
    reason = _require(reason, "Enter why no further action is needed")
    referral, repeat = _lock_for_decision(referral_id, S.NO_FURTHER_ACTION)
    return (
        referral
        if repeat
        else _decide(referral, S.NO_FURTHER_ACTION, by=by, reason=reason, event="no further action")
    )


@transaction.atomic
def transfer_referral(*, referral_id: int, to_team, by, reason: str) -> Referral:
    """Move a waiting referral to another team's queue; access moves with it."""
    reason = _require(reason, "Enter why the referral is being transferred")
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if referral.team_id == to_team.pk:
        return referral
    if referral.status != S.AWAITING_TRIAGE:
        raise DomainError("Only a referral waiting for triage can be transferred")
    from_team = referral.team
    end_relationships_for_source(source=referral_source(referral), by=by)
    referral.team = to_team
    referral.save(update_fields=["team"])
    _log_referral(
        referral,
        event="transferred",
        from_status=referral.status,
        by=by,
        reason=reason,
        details={"from_team": from_team.pk, "to_team": to_team.pk},
    )
    if referral.person_id:
        grant_team_relationship(
            person=referral.person,
            team=to_team,
            kind=RelationshipKind.REFERRAL,
            source=referral_source(referral),
            by=by,
        )
    return referral


# --- Cases ------------------------------------------------------------------------------


def _grant_case_access(case: Case, *, by) -> None:
    grant_team_relationship(
        person=case.person, team=case.team, kind=RelationshipKind.TEAM_CASE, source=case_source(case), by=by
    )
    if case.worker_id:
        grant_user_relationship(
            person=case.person,
            user=case.worker,
            kind=RelationshipKind.ALLOCATED_WORKER,
            source=case_source(case),
            by=by,
        )


def _lock_open_case(case_id: int) -> Case:
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.OPEN:
        raise DomainError("This case is closed: reopen it first")
    return case


@transaction.atomic
def reallocate_case(*, case_id: int, worker, by, reason: str) -> Case:
    reason = _require(reason, "Enter why the case is being reallocated")
    case = _lock_open_case(case_id)
    if case.worker_id == worker.pk:
        return case
    if not is_current_member(worker, case.team):
        raise DomainError(f"{worker} is not a member of {case.team}")
    previous = case.worker
    end_relationships_for_source(source=case_source(case), by=by, user_only=True)
    case.worker, case.allocated_at = worker, timezone.now()
    case.save(update_fields=["worker", "allocated_at"])
    _grant_case_access(case, by=by)
    _log_case(
        case,
        event="reallocated",
        from_status=case.status,
        by=by,
        reason=reason,
        details={"from_worker": previous.pk if previous else None, "to_worker": worker.pk},
    )
    return case


@transaction.atomic
def transfer_case(*, case_id: int, to_team, by, reason: str) -> Case:
    """Move an open case to another team, unallocated there; the old team's access ends."""
    reason = _require(reason, "Enter why the case is being transferred")
    case = _lock_open_case(case_id)
    if case.team_id == to_team.pk:
        return case
    if Case.objects.filter(person=case.person, team=to_team, status=CaseStatus.OPEN).exists():
        raise DomainError(f"This person already has an open case in {to_team}")
    from_team = case.team
    end_relationships_for_source(source=case_source(case), by=by)
    case.team, case.worker, case.allocated_at = to_team, None, None
    case.save(update_fields=["team", "worker", "allocated_at"])
    _grant_case_access(case, by=by)
    _log_case(
        case,
        event="transferred",
        from_status=case.status,
        by=by,
        reason=reason,
        details={"from_team": from_team.pk, "to_team": to_team.pk},
    )
    return case


@transaction.atomic
def close_case(*, case_id: int, by, reason: str) -> Case:
    """Close the case: the team's and the worker's access through it ends."""
    reason = _require(reason, "Enter why the case is being closed")
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status == CaseStatus.CLOSED:
        return case
    end_relationships_for_source(source=case_source(case), by=by)
    case.status, case.closed_at, case.close_reason = CaseStatus.CLOSED, timezone.now(), reason
    case.save(update_fields=["status", "closed_at", "close_reason"])
    _log_case(case, event="closed", from_status=CaseStatus.OPEN, by=by, reason=reason)
    return case


@transaction.atomic
def reopen_case(*, case_id: int, by, reason: str) -> Case:
    reason = _require(reason, "Enter why the case is being reopened")
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status == CaseStatus.OPEN:
        return case
    if Case.objects.filter(person=case.person, team=case.team, status=CaseStatus.OPEN).exists():
        raise DomainError("This person already has another open case in this team")
    if case.worker_id and not is_current_member(case.worker, case.team):
        case.worker = None  # the worker has left the team: reopen unallocated
    case.status, case.closed_at = CaseStatus.OPEN, None
    case.save(update_fields=["status", "closed_at", "worker"])
    _grant_case_access(case, by=by)
    _log_case(case, event="reopened", from_status=CaseStatus.CLOSED, by=by, reason=reason)
    return case


# --- Transition rows --------------------------------------------------------------------


def _log_referral(referral, *, event, from_status, by, reason="", details=None):
    ReferralTransition.objects.create(
        referral=referral,
        event=event,
        from_status=from_status,
        to_status=referral.status,
        actor=by,
        reason=reason,
        details=details or {},
    )


def _log_case(case, *, event, from_status, by, reason="", details=None):
    CaseTransition.objects.create(
        case=case,
        event=event,
        from_status=from_status,
        to_status=case.status,
        actor=by,
        reason=reason,
        details=details or {},
    )
