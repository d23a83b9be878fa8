"""Mental Health Act assessment requests: receive, extend the place of safety period,
allocate, withdraw, record the assessment, convert a section 4 (see amhp/services/__init__.py).

One service per step (ADR 3): each locks the request, checks the step is allowed from its
status, writes the change with simple-history's user and reason and an immutable transition
row, and moves access to the person through the relationship services of cases.

Access: the request's AMHP team holds the person from the moment the request is received, and
the allocated AMHP holds them personally (the AMHP may be in another team). Withdrawing ends
both. After the assessment both are kept: the AMHP writes up the report and the team answers
for the application, so the record stays open to them (the AMHP's personal relationship moves
only on reallocation).
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceLine
from cases.models import RelationshipKind
from cases.services import (
    DomainError,
    end_relationships_for_source,
    grant_team_relationship,
    grant_user_relationship,
)
from cases.services.referrals import REFERENCE_ALPHABET

from .. import rules
from ..models import (
    APPLICATION_OUTCOMES,
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
from ..selectors_requests import holds_valid_approval, works_for

__all__ = [
    "ApplicationRefused",
    "REQUEST_TRANSITIONS",
    "allocate_request",
    "convert_s4",
    "extend_place_of_safety",
    "receive_request",
    "record_assessment",
    "request_source",
    "withdraw_request",
]

S = RequestStatus
REQUEST_TRANSITIONS = {
    S.OPEN: {S.ALLOCATED, S.WITHDRAWN},
    S.ALLOCATED: {S.ALLOCATED, S.ASSESSED, S.WITHDRAWN},  # ALLOCATED again: reallocation
}
# A clock a few minutes fast on a laptop should not refuse a time entered as "now".
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
NOT_CHECKED = object()


class ApplicationRefused(DomainError):
    """Several rules refused the assessment at once: every message is shown to the user."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def request_source(request: MhaRequest) -> str:
    return f"mharequest:{request.pk}"


def _new_reference() -> str:
    while True:
        reference = "M" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
        if not MhaRequest.objects.filter(reference=reference).exists():
            return reference


def _text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _when(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _in_future(value: datetime.datetime | None) -> bool:
    return value is not None and value > timezone.now() + FUTURE_TOLERANCE


def _log(request, *, event: str, from_status: str, by, reason: str = "", details=None) -> None:
    MhaRequestTransition.objects.create(
        request=request,
        event=event,
        from_status=from_status,
        to_status=request.status,
        actor=by,
        reason=reason,
        details=details or {},
    )


def _save(record, *, by, reason: str, update_fields=None) -> None:
    record._history_user = by
    record._change_reason = reason
    record.save(update_fields=update_fields)


def _lock(request_id: int) -> MhaRequest:
    return (
        MhaRequest.objects.select_for_update(of=("self",))
        .select_related("team__organisation", "person")
        .get(pk=request_id)
    )


def _require_live(request: MhaRequest, doing: str) -> None:
    if request.status not in (S.OPEN, S.ALLOCATED):
        raise DomainError(f"This request is {request.get_status_display().lower()}: it cannot be {doing} now")


# --- Receiving a request --------------------------------------------------------------------

REQUEST_FIELDS = (
    "received_at",
    "requester_kind",
    "requester_name",
    "requester_contact",
    "location",
    "legal_status",
    "reason",
    "arrived_at_place_of_safety",
)


def _check_arrival(legal_status: str, received_at, arrived) -> None:
    """s135/s136: the arrival time starts the 24-hour clock, so it is required and must make
    sense: not in the future, and not so long before the request that the power has ended."""
    if legal_status not in PLACE_OF_SAFETY_STATUSES:
        if arrived is not None:
            raise DomainError(
                "Leave the arrival time empty: the person is not at a place of safety "
                "under section 135 or 136"
            )
        return
    if arrived is None:
        raise DomainError("Enter the date and time the person arrived at the place of safety")
    if _in_future(arrived):
        raise DomainError("The time the person arrived at the place of safety must be in the past")
    limit = rules.rules_on(arrived).place_of_safety_limit_hours
    if rules.utc(received_at) - rules.utc(arrived) > datetime.timedelta(hours=limit):
        raise DomainError(
            f"The person arrived at the place of safety more than {limit} hours before the request: "
            "the power to keep them there has ended. Check the times, or choose their legal status now"
        )


@transaction.atomic
def receive_request(*, team, person, data: dict, by) -> MhaRequest:
    """A request for an MHA assessment, taken by the AMHP team; the team may now see the person
    while it works on the request."""
    if person is None:
        raise DomainError("Select the person the request is about, or add them to the person index")
    if team.service_line != ServiceLine.AMHP:
        raise DomainError("Requests for a Mental Health Act assessment go to an AMHP team")
    values = {field: data.get(field) for field in REQUEST_FIELDS}
    if values["requester_kind"] not in RequesterKind.values:
        raise DomainError("Select who asked for the assessment")
    values["requester_name"] = _text(values["requester_name"], "Enter the name of the person who asked")
    values["requester_contact"] = _text(
        values["requester_contact"], "Enter how to contact the person who asked"
    )
    values["location"] = _text(values["location"], "Enter where the person is now")
    if values["legal_status"] not in LegalStatus.values:
        raise DomainError("Select the person's legal status")
    values["reason"] = (values["reason"] or "").strip()
    values["received_at"] = values["received_at"] or timezone.now()
    if _in_future(values["received_at"]):
        raise DomainError("The date and time the request was received must be in the past")
    _check_arrival(values["legal_status"], values["received_at"], values["arrived_at_place_of_safety"])
    request = MhaRequest(reference=_new_reference(), team=team, person=person, created_by=by, **values)
    request.full_clean()
    _save(request, by=by, reason="Request received")
    _log(request, event="received", from_status="", by=by)
    grant_team_relationship(
        person=person, team=team, kind=RelationshipKind.MHA_ASSESSMENT, source=request_source(request), by=by
    )
    return request


# --- Place of safety extension --------------------------------------------------------------


@transaction.atomic
def extend_place_of_safety(*, request_id: int, hours, authorised_by: str, reason: str, by) -> MhaRequest:
    """Extend the place of safety period once, by up to 12 hours, on the authority of the
    doctor responsible for the examination, before the 24 hours end (s136B). At a police station
    the extension also needs a superintendent's approval (s136B(3)), which is the police's record."""
    request = _lock(request_id)
    _require_live(request, "extended")
    if request.legal_status not in PLACE_OF_SAFETY_STATUSES or request.arrived_at_place_of_safety is None:
        raise DomainError("Only a place of safety period under section 135 or 136 can be extended")
    if request.extension_hours:
        raise DomainError(
            f"The place of safety period was already extended by {request.extension_hours} hours: "
            "it can be extended only once"
        )
    allowed = rules.rules_on(request.arrived_at_place_of_safety).place_of_safety_extension_hours
    if not allowed:
        raise DomainError("The law in force when the person arrived allowed no extension")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= allowed:
        raise DomainError(f"The extension must be a whole number of hours from 1 to {allowed}")
    doctor = _text(authorised_by, "Enter the name of the doctor who authorised the extension")
    reason = _text(reason, "Enter the doctor's reason for the extension")
    deadline = rules.place_of_safety_deadline(request)
    if timezone.now() >= deadline:
        raise DomainError(
            f"The place of safety period ended at {_when(deadline)}: it can no longer be extended"
        )
    request.extension_hours, request.extension_authorised_by = hours, doctor
    request.extension_reason, request.extended_at = reason, timezone.now()
    request.full_clean()
    _save(request, by=by, reason=f"Place of safety period extended by {hours} hours")
    _log(
        request,
        event="place of safety extended",
        from_status=request.status,
        by=by,
        reason=reason,
        details={"hours": hours, "doctor": doctor},
    )
    return request


# --- Allocation and withdrawal --------------------------------------------------------------


@transaction.atomic
def allocate_request(
    *, request_id: int, amhp, by, reason: str = "", expected_amhp_id=NOT_CHECKED
) -> MhaRequest:
    """Allocate to an AMHP approved today; they may then open the person's record.

    Reallocation needs a reason and ends the previous AMHP's access. `expected_amhp_id` is
    who the allocating user saw allocated (None for nobody): if someone else changed it
    meanwhile, nothing is overwritten.
    """
    request = _lock(request_id)
    _require_live(request, "allocated")
    if expected_amhp_id is not NOT_CHECKED and request.allocated_amhp_id != expected_amhp_id:
        now_with = request.allocated_amhp.display_name if request.allocated_amhp_id else "nobody"
        raise DomainError(
            f"While you were choosing, someone else changed the allocation: it is now with {now_with}. "
            "Check before changing it"
        )
    if request.allocated_amhp_id == amhp.pk:
        return request
    if not amhp.is_active or not holds_valid_approval(amhp):
        raise DomainError(
            f"{amhp.display_name} does not hold a valid AMHP approval today: choose another AMHP"
        )
    organisation = request.team.organisation
    if not works_for(amhp, organisation):
        raise DomainError(
            f"{amhp.display_name} does not work for {organisation.name}: choose one of its AMHPs"
        )
    previous = request.allocated_amhp
    reallocating = previous is not None
    reason = (reason or "").strip()
    if reallocating and not reason:
        raise DomainError("Enter why the request is being reallocated")
    source = request_source(request)
    if reallocating:
        end_relationships_for_source(source=source, by=by, user_only=True)
    from_status = request.status
    request.status, request.allocated_amhp, request.allocated_at = S.ALLOCATED, amhp, timezone.now()
    _save(request, by=by, reason=f"{'Reallocated' if reallocating else 'Allocated'} to {amhp.display_name}")
    grant_user_relationship(
        person=request.person, user=amhp, kind=RelationshipKind.MHA_ASSESSMENT, source=source, by=by
    )
    _log(
        request,
        event="reallocated" if reallocating else "allocated",
        from_status=from_status,
        by=by,
        reason=reason,
        details={"from_amhp": previous.pk if previous else None, "to_amhp": amhp.pk},
    )
    return request


@transaction.atomic
def withdraw_request(*, request_id: int, reason: str, by) -> MhaRequest:
    """Withdraw a request not yet assessed; the team's and the AMHP's access through it ends."""
    reason = _text(reason, "Enter why the request is being withdrawn")
    request = _lock(request_id)
    if request.status == S.WITHDRAWN:
        return request
    _require_live(request, "withdrawn")
    from_status = request.status
    request.status, request.closed_at = S.WITHDRAWN, timezone.now()
    _save(request, by=by, reason=f"Withdrawn: {reason}")
    end_relationships_for_source(source=request_source(request), by=by)
    _log(request, event="withdrawn", from_status=from_status, by=by, reason=reason)
    return request


# --- The assessment -------------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "assessed_at",
    "nearest_relative_name",
    "nearest_relative_relationship",
    "nearest_relative_contact",
    "nearest_relative_objected",
    "outcome",
    "application_made_at",
    "s4_admitted_at",
    "notes",
)


def _assessment_problems(request, values: dict, recommendations: list[dict], delays: list[dict], by) -> list:
    """Everything wrong with an assessment record, so the user sees all of it at once."""
    problems = []
    assessed_at, outcome = values["assessed_at"], values["outcome"]
    applied_at, admitted_at = values["application_made_at"], values["s4_admitted_at"]
    if assessed_at is None:
        problems.append("Enter the date and time of the assessment")
    elif _in_future(assessed_at):
        problems.append("The date and time of the assessment must be in the past")
    elif assessed_at < request.received_at:
        problems.append(
            f"The assessment must be after the request was received at {_when(request.received_at)}"
        )
    if outcome not in Outcome.values:
        problems.append("Select the outcome of the assessment")
    if values["nearest_relative_contact"] not in NearestRelativeContact.values:
        problems.append(
            f"Select whether the {rules.rules_on(assessed_at).person_role_name} was informed or consulted"
        )
    for number, rec in enumerate(recommendations, start=1):
        if not (rec.get("doctor_name") or "").strip():
            problems.append(f"Enter the name of doctor {number}")
        if rec.get("examined_on") is None:
            problems.append(f"Enter the date doctor {number} examined the person")
        elif rec["examined_on"] > timezone.localdate():
            problems.append(f"The date doctor {number} examined the person must be today or in the past")
    for number, delay in enumerate(delays, start=1):
        if delay.get("cause") not in DelayCause.values:
            problems.append(f"Select the cause of delay {number}")
        minutes = delay.get("minutes")
        if not isinstance(minutes, int) or minutes <= 0:
            problems.append(f"Enter how long delay {number} lasted, in minutes")
    if outcome in APPLICATION_OUTCOMES:
        problems += _application_problems(values, recommendations, by)
    else:
        if applied_at is not None:
            problems.append("Leave the application date empty: no application is made for this outcome")
        if admitted_at is not None:
            problems.append(
                "Leave the admission time empty: it is only for an emergency admission under section 4"
            )
    return problems


def _application_problems(values: dict, recommendations: list[dict], by) -> list:
    assessed_at, outcome = values["assessed_at"], values["outcome"]
    applied_at, admitted_at = values["application_made_at"], values["s4_admitted_at"]
    if applied_at is None:
        return ["Enter the date and time the application was made"]
    problems = []
    if _in_future(applied_at):
        problems.append("The date and time of the application must be in the past")
    if not holds_valid_approval(by, timezone.localtime(applied_at).date()):
        problems.append(
            "You do not hold a valid AMHP approval on the date of the application: only an approved "
            "AMHP can make it (MHA 1983 s114)"
        )
    if assessed_at is not None:
        problems += rules.check_amhp_saw_patient(
            outcome=outcome, seen_at=assessed_at, application_at=applied_at
        )
    local_date = timezone.localtime(applied_at).date()
    problems += rules.check_application(
        outcome=outcome,
        application_date=local_date,
        recommendations=recommendations,
        nearest_relative_contact=values["nearest_relative_contact"],
        nearest_relative_objected=bool(values["nearest_relative_objected"]),
        nearest_relative_name=values["nearest_relative_name"] or "",
        on=local_date,
    )
    if outcome == Outcome.S4:
        if admitted_at is None:
            problems.append(
                "Enter the date and time the person was admitted under section 4: "
                "the 72-hour clock starts then"
            )
        elif admitted_at < applied_at:
            problems.append("The admission under section 4 must be after the application was made")
        elif _in_future(admitted_at):
            problems.append("The date and time of the admission must be in the past")
        elif rules.utc(admitted_at) - rules.utc(applied_at) > datetime.timedelta(hours=24):
            problems.append(
                "The person must be admitted within 24 hours of the emergency application (MHA 1983 s6(1)(b))"
            )
    elif admitted_at is not None:
        problems.append(
            "Leave the admission time empty: it is only for an emergency admission under section 4"
        )
    return problems


@transaction.atomic
def record_assessment(
    *, request_id: int, data: dict, recommendations: list[dict], delays: list[dict], by
) -> MhaAssessment:
    """The allocated AMHP's assessment and, where made, the application, checked against the
    rules in force (amhp.rules.check_application). Refused with every problem at once; the
    request becomes assessed."""
    request = _lock(request_id)
    if request.status == S.ASSESSED:
        raise DomainError("The assessment for this request has already been recorded")
    if request.status == S.OPEN:
        raise DomainError("Allocate the request to an AMHP before recording the assessment")
    _require_live(request, "assessed")
    if request.allocated_amhp_id != by.pk:
        raise DomainError("Only the allocated AMHP can record the assessment")
    values = {field: data.get(field) for field in ASSESSMENT_FIELDS}
    for field in ("nearest_relative_name", "nearest_relative_relationship", "notes"):
        values[field] = (values[field] or "").strip()
    values["nearest_relative_contact"] = (
        values["nearest_relative_contact"] or NearestRelativeContact.NOT_APPLICABLE
    )
    values["nearest_relative_objected"] = bool(values["nearest_relative_objected"])
    problems = _assessment_problems(request, values, recommendations, delays, by)
    if problems:
        raise ApplicationRefused(problems)
    assessment = MhaAssessment(request=request, amhp=by, **values)
    assessment.full_clean()
    _save(assessment, by=by, reason="Assessment recorded")
    MedicalRecommendation.objects.bulk_create(
        MedicalRecommendation(
            assessment=assessment,
            doctor_name=rec["doctor_name"].strip(),
            s12_approved=bool(rec.get("s12_approved")),
            previous_acquaintance=bool(rec.get("previous_acquaintance")),
            examined_on=rec["examined_on"],
        )
        for rec in recommendations
    )
    AssessmentDelay.objects.bulk_create(
        AssessmentDelay(
            assessment=assessment,
            cause=delay["cause"],
            minutes=delay["minutes"],
            details=(delay.get("details") or "").strip(),
        )
        for delay in delays
    )
    from_status = request.status
    request.status, request.closed_at = S.ASSESSED, timezone.now()
    _save(request, by=by, reason=f"Assessed: {assessment.get_outcome_display()}")
    _log(request, event="assessed", from_status=from_status, by=by, details={"outcome": values["outcome"]})
    return assessment


@transaction.atomic
def convert_s4(*, request_id: int, recommendation: dict, received_at, by) -> MhaAssessment:
    """Record the second medical recommendation that converts a section 4 to a section 2,
    received within 72 hours of admission and complying with s12 with the first (s4(4))."""
    request = _lock(request_id)
    assessment = MhaAssessment.objects.select_for_update().filter(request=request).first()
    if assessment is None:
        raise DomainError("Record the assessment before converting a section 4")
    name = _text(recommendation.get("doctor_name"), "Enter the name of the second doctor")
    examined_on = recommendation.get("examined_on")
    if examined_on is None:
        raise DomainError("Enter the date the second doctor examined the person")
    if received_at is None:
        raise DomainError("Enter when the second recommendation was received")
    if _in_future(received_at):
        raise DomainError("The time the second recommendation was received must be in the past")
    second = {
        "doctor_name": name,
        "s12_approved": bool(recommendation.get("s12_approved")),
        "previous_acquaintance": bool(recommendation.get("previous_acquaintance")),
        "examined_on": examined_on,
    }
    existing = list(assessment.recommendations.all())
    problems = rules.check_s4_conversion(
        assessment=assessment, recommendations=[*existing, second], received_at=received_at
    )
    if examined_on > timezone.localtime(received_at).date():
        problems.append("The second doctor must examine the person before the recommendation is received")
    if problems:
        raise ApplicationRefused(problems)
    MedicalRecommendation.objects.create(assessment=assessment, **second)
    assessment.s4_converted_at = received_at
    _save(assessment, by=by, reason="Section 4 converted to section 2 by a second recommendation")
    _log(
        request,
        event="s4 converted to s2",
        from_status=request.status,
        by=by,
        details={"doctor": name},
    )
    return assessment
