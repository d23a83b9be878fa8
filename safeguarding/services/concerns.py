"""Safeguarding concerns and the s42 decision (Care Act 2014 s42(1); statutory guidance 14.77).

A concern goes to the safeguarding team of the council; the team may see the adult while the
concern (and any enquiry that follows) is open. A safeguarding adults manager (SAM) of that
team decides, within the organisation's timescale in working days, whether the s42 duty
applies: each of the three criteria is answered, then a s42 enquiry, another enquiry, or no
further safeguarding action with what was done instead. Each step is a ConcernTransition.
"""

import datetime
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, ServiceLine
from accounts.selectors import has_role_in_team
from cases.models import RelationshipKind
from cases.services import (
    DomainError,
    end_relationships_for_source,
    grant_team_relationship,
    grant_user_relationship,
)
from cases.services.reminders import resolve_reminders
from cases.workdays import add_working_days

from ..models import (
    AbuseType,
    AllegedPerson,
    Concern,
    ConcernConsent,
    ConcernStatus,
    ConcernTransition,
    Enquiry,
    EnquiryKind,
    EnquiryTransition,
    PrimarySupportReason,
    RiskLocation,
    SafeguardingSettings,
    SourceOfRisk,
)

__all__ = [
    "CONCERN_DECISION_KIND",
    "DEFAULT_DECISION_WORKING_DAYS",
    "END_OF_WORKING_DAY",
    "S42_CRITERIA",
    "check_enquiry_staff",
    "close_concern_no_further_action",
    "concern_source",
    "decision_due_at",
    "enquiry_officer_allowed",
    "enquiry_source",
    "grant_enquiry_access",
    "raise_concern",
    "start_enquiry",
]

DEFAULT_DECISION_WORKING_DAYS = 2
# "Within N working days" ends with the last of those days, in Europe/London.
END_OF_WORKING_DAY = datetime.time(23, 59, 59)
CONCERN_DECISION_KIND = "safeguarding.concern_decision"
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread on the phone

# Care Act 2014 s42(1), in the words a decision page and an error use.
S42_CRITERIA = (
    ("has_care_needs", "has needs for care and support"),
    ("at_risk_of_abuse", "is experiencing, or is at risk of, abuse or neglect"),
    ("unable_to_protect", "is unable to protect themselves because of those needs"),
)

CONCERN_FIELDS = (
    "received_at",
    "raised_by_name",
    "raised_by_role",
    "raised_from",
    "abuse_types",
    "location",
    "source_of_risk",
    "primary_support_reason",
    "details",
    "immediate_actions",
    "adults_views",
    "consent",
    "may_lack_capacity",
)
ALLEGED_FIELDS = ("name", "relationship", "is_professional", "details")

S = ConcernStatus
DECISIONS = {S.AWAITING_DECISION: {S.S42_ENQUIRY, S.OTHER_ENQUIRY, S.NO_FURTHER_ACTION}}


def concern_source(concern) -> str:
    return f"concern:{concern.pk}"


def enquiry_source(enquiry) -> str:
    return f"enquiry:{enquiry.pk}"


def _require(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _new_reference() -> str:
    while True:
        reference = "S" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
        if not Concern.objects.filter(reference=reference).exists():
            return reference


def decision_due_at(received_at: datetime.datetime, organisation) -> datetime.datetime:
    """The end of the Nth working day after the concern was received (N per organisation,
    default 2), in Europe/London: weekends and England and Wales bank holidays skipped."""
    days = (
        SafeguardingSettings.objects.filter(organisation=organisation)
        .values_list("decision_working_days", flat=True)
        .first()
    )
    days = DEFAULT_DECISION_WORKING_DAYS if days is None else days
    due_on = add_working_days(timezone.localdate(received_at), days)
    return timezone.make_aware(datetime.datetime.combine(due_on, END_OF_WORKING_DAY))


def _check_concern(data: dict) -> None:
    """Every rule the concern form shows, again here so no screen can skip one."""
    received_at = data.get("received_at")
    if received_at is None:
        raise DomainError("Enter the date and time the concern was received")
    if received_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError("The date and time the concern was received must be in the past")
    data["raised_by_name"] = _require(data.get("raised_by_name"), "Enter who raised the concern")
    types = list(dict.fromkeys(data.get("abuse_types") or []))
    if not types:
        raise DomainError("Select at least one type of abuse or neglect")
    if any(t not in AbuseType.values for t in types):
        raise DomainError("Select types of abuse or neglect from the list")
    data["abuse_types"] = types
    if data.get("location") not in RiskLocation.values:
        raise DomainError("Select where the abuse or neglect happened")
    if data.get("source_of_risk") not in SourceOfRisk.values:
        raise DomainError("Select the source of risk")
    data.setdefault("primary_support_reason", PrimarySupportReason.NOT_KNOWN)
    if data["primary_support_reason"] not in PrimarySupportReason.values:
        raise DomainError("Select the adult's primary support reason, or Not known")
    data["details"] = _require(data.get("details"), "Enter what happened")
    data["immediate_actions"] = _require(
        data.get("immediate_actions"), "Enter the immediate actions taken to make the adult safe"
    )
    data.setdefault("consent", ConcernConsent.NOT_ASKED)
    if data["consent"] not in ConcernConsent.values:
        raise DomainError("Select whether the adult consents to safeguarding action")


@transaction.atomic
def raise_concern(*, person, team, data: dict, by, alleged: dict | None = None) -> Concern:
    """Record a concern about an adult for a council's safeguarding team.

    The team may see the adult from now until the concern is closed (no further action) or
    its enquiry closes. The person alleged to cause harm, if given, is kept apart
    (AllegedPerson) so only the SAM, the enquiry officer and the team's SAMs ever load it.
    """
    if team is None or team.service_line != ServiceLine.SAFEGUARDING or not team.is_active:
        raise DomainError("Select the safeguarding team the concern goes to")
    data = {field: data[field] for field in CONCERN_FIELDS if field in data}
    _check_concern(data)
    concern = Concern(
        reference=_new_reference(),
        organisation=team.organisation,
        team=team,
        person=person,
        created_by=by,
        decision_due_at=decision_due_at(data["received_at"], team.organisation),
        **data,
    )
    concern._history_user = by
    concern._change_reason = "Concern received"
    # The s42 answers (nullable, not blank) come with the decision, not now.
    concern.full_clean(exclude=["reference", "has_care_needs", "at_risk_of_abuse", "unable_to_protect"])
    concern.save()
    alleged = {k: v for k, v in (alleged or {}).items() if k in ALLEGED_FIELDS}
    if any(v for k, v in alleged.items() if k != "is_professional") or alleged.get("is_professional"):
        AllegedPerson.objects.create(concern=concern, **alleged)
    _log_concern(concern, event="received", from_status="", by=by)
    grant_team_relationship(
        person=person, team=team, kind=RelationshipKind.SAFEGUARDING, source=concern_source(concern), by=by
    )
    return concern


# --- The decision -----------------------------------------------------------------------


def _lock_for_decision(concern_id: int, to_status: str, by) -> tuple[Concern, bool]:
    concern = Concern.objects.select_for_update().select_related("team").get(pk=concern_id)
    if not has_role_in_team(by, concern.team, Role.SAFEGUARDING_MANAGER):
        raise DomainError(f"Only a safeguarding adults manager of {concern.team} can decide on this concern")
    if concern.status == to_status:
        return concern, True
    if to_status not in DECISIONS.get(concern.status, set()):
        raise DomainError(
            f"This concern has already been decided ({concern.get_status_display().lower()}): "
            "it cannot be decided again"
        )
    return concern, False


def _criteria(has_care_needs, at_risk_of_abuse, unable_to_protect) -> dict:
    answers = {
        "has_care_needs": has_care_needs,
        "at_risk_of_abuse": at_risk_of_abuse,
        "unable_to_protect": unable_to_protect,
    }
    for field, words in S42_CRITERIA:
        if answers[field] is None:
            raise DomainError(f"Select whether the adult {words}")
    return answers


def _decide(concern: Concern, to_status: str, *, criteria: dict, by, reason: str, event: str, details=None):
    from_status = concern.status
    now = timezone.now()
    for field, value in criteria.items():
        setattr(concern, field, value)
    concern.status, concern.decision_reason = to_status, reason
    concern.decided_by, concern.decided_at = by, now
    concern._history_user = by
    concern._change_reason = f"Decided: {concern.get_status_display()}"
    concern.save()
    late = now > concern.decision_due_at
    _log_concern(
        concern,
        event=event,
        from_status=from_status,
        by=by,
        reason=reason,
        details={**(details or {}), **criteria, "late": late},
    )
    resolve_reminders(
        kind=CONCERN_DECISION_KIND, subject=f"safeguarding.concern:{concern.pk}", resolution="Decided"
    )
    return concern


def enquiry_officer_allowed(user, team) -> bool:
    """An enquiry officer of the team's organisation, or a SAM of the team itself."""
    from accounts.models import Membership

    return (
        Membership.objects.current()
        .filter(user=user, user__is_active=True, team__is_active=True)
        .filter(
            Q(team__organisation_id=team.organisation_id, role=Role.ENQUIRY_OFFICER)
            | Q(team=team, role=Role.SAFEGUARDING_MANAGER)
        )
        .exists()
    )


def check_enquiry_staff(*, team, sam, enquiry_officer) -> None:
    """The SAM is a SAM of the team; the officer is someone else who may be one."""
    if sam is None or not has_role_in_team(sam, team, Role.SAFEGUARDING_MANAGER):
        raise DomainError(f"Select a safeguarding adults manager of {team}")
    if enquiry_officer is not None:
        if enquiry_officer.pk == sam.pk:
            raise DomainError(
                "The enquiry officer must be someone other than the safeguarding adults manager"
            )
        if not enquiry_officer_allowed(enquiry_officer, team):
            raise DomainError(f"Select an enquiry officer of {team.organisation}")


def grant_enquiry_access(enquiry: Enquiry, *, by) -> None:
    """The SAM and the enquiry officer each hold the adult personally while the enquiry is open."""
    for user in (enquiry.sam, enquiry.enquiry_officer):
        if user is not None:
            grant_user_relationship(
                person=enquiry.person,
                user=user,
                kind=RelationshipKind.SAFEGUARDING,
                source=enquiry_source(enquiry),
                by=by,
            )


@transaction.atomic
def start_enquiry(
    *,
    concern_id: int,
    kind: str,
    has_care_needs: bool | None,
    at_risk_of_abuse: bool | None,
    unable_to_protect: bool | None,
    by,
    reason: str = "",
    sam=None,
    enquiry_officer=None,
) -> Enquiry:
    """Decide that an enquiry follows: s42 only when all three s42(1) criteria are met, or
    another safeguarding enquiry (the council's power, with the reason). Names the SAM (the
    deciding manager unless another SAM of the team is chosen) and, optionally, the officer."""
    if kind not in EnquiryKind.values:
        raise DomainError("Select the decision")
    to_status = S.S42_ENQUIRY if kind == EnquiryKind.S42 else S.OTHER_ENQUIRY
    criteria = _criteria(has_care_needs, at_risk_of_abuse, unable_to_protect)
    reason = (reason or "").strip()
    if kind == EnquiryKind.S42:
        unmet = [words for field, words in S42_CRITERIA if not criteria[field]]
        if unmet:
            raise DomainError(
                "A section 42 enquiry needs all three criteria, and this was not found: that the adult "
                + "; that the adult ".join(unmet)
                + ". Choose another safeguarding enquiry or no further safeguarding action instead"
            )
    else:
        reason = _require(reason, "Enter why another safeguarding enquiry is needed")
    concern, repeat = _lock_for_decision(concern_id, to_status, by)
    if repeat:
        return concern.enquiry
    sam = sam or by
    check_enquiry_staff(team=concern.team, sam=sam, enquiry_officer=enquiry_officer)
    _decide(
        concern,
        to_status,
        criteria=criteria,
        by=by,
        reason=reason,
        event="section 42 enquiry" if kind == EnquiryKind.S42 else "other enquiry",
    )
    enquiry = Enquiry(
        concern=concern,
        person_id=concern.person_id,
        team=concern.team,
        kind=kind,
        sam=sam,
        enquiry_officer=enquiry_officer,
    )
    enquiry._history_user = by
    enquiry._change_reason = "Enquiry started"
    enquiry.save()
    EnquiryTransition.objects.create(
        enquiry=enquiry,
        event="started",
        from_stage="",
        to_stage=enquiry.stage,
        actor=by,
        reason=reason,
        details={"sam": sam.pk, "enquiry_officer": enquiry_officer.pk if enquiry_officer else None},
    )
    enquiry.person = concern.person
    grant_enquiry_access(enquiry, by=by)
    return enquiry


@transaction.atomic
def close_concern_no_further_action(
    *,
    concern_id: int,
    has_care_needs: bool | None,
    at_risk_of_abuse: bool | None,
    unable_to_protect: bool | None,
    reason: str,
    action_instead: str,
    by,
) -> Concern:
    """No further safeguarding action: the reason and what was done instead (advice,
    a Care Act assessment, a referral elsewhere) are required. The team's access ends."""
    criteria = _criteria(has_care_needs, at_risk_of_abuse, unable_to_protect)
    reason = _require(reason, "Enter why no further safeguarding action is needed")
    action_instead = _require(action_instead, "Enter what was done instead")
    concern, repeat = _lock_for_decision(concern_id, S.NO_FURTHER_ACTION, by)
    if repeat:
        return concern
    concern.action_instead = action_instead
    _decide(concern, S.NO_FURTHER_ACTION, criteria=criteria, by=by, reason=reason, event="no further action")
    end_relationships_for_source(source=concern_source(concern), by=by)
    return concern


def _log_concern(concern, *, event, from_status, by, reason="", details=None):
    ConcernTransition.objects.create(
        concern=concern,
        event=event,
        from_status=from_status,
        to_status=concern.status,
        actor=by,
        reason=reason,
        details=details or {},
    )
