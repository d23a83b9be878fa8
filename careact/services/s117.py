"""The section 117 aftercare register (Mental Health Act 1983 s117; Code of Practice ch. 33).

Free aftercare for people detained under s3, s37, s45A, s47 or s48 and then discharged: a
joint duty of the council and the integrated care board. It is reviewed, and it ends only
by a recorded joint decision of both bodies that the person no longer needs aftercare for
needs arising from their mental disorder (Code of Practice 33.20-33.22). A review never
ends it by itself.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from accounts.selectors import current_teams
from cases.models import Case, CaseStatus, Person
from cases.services import DomainError
from cases.services.people import FieldChange, StaleEdit

from ..due_work import settle_reminders
from ..models import (
    QualifyingSection,
    Section117Entitlement,
    Section117Review,
    Section117Status,
    Section117Transition,
)

__all__ = [
    "S117_EDITABLE_FIELDS",
    "S117_REVIEW_INTERVAL_RANGE",
    "create_s117_entitlement",
    "end_s117_entitlement",
    "record_s117_review",
    "update_s117_entitlement",
]

ACTIVE, ENDED = Section117Status.ACTIVE, Section117Status.ENDED
S117_TRANSITIONS = {ACTIVE: {ENDED}}
S117_EDITABLE_FIELDS = ("aftercare_plan", "responsible_council", "responsible_icb", "review_interval_months")
# Reviewed at least yearly (as care and support plans, Care Act s27 and guidance 13.32).
S117_REVIEW_INTERVAL_RANGE = (1, 12)

NOT_QUALIFYING = (
    "Select the section the person was detained under: only sections 3, 37, 45A, 47 and 48 "
    "give a right to aftercare under section 117"
)


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _check_bodies(council, icb) -> None:
    """MHA s117(3): the council and the ICB for where the person lived before detention."""
    if council is None:
        raise DomainError("Select the responsible council")
    if council.kind != Organisation.Kind.COUNCIL:
        raise DomainError("The responsible council must be a council")
    if icb is None:
        raise DomainError("Select the responsible integrated care board (ICB)")
    if icb.kind != Organisation.Kind.ICB:
        raise DomainError("The responsible ICB must be an integrated care board")


def _check_interval(months) -> int:
    low, high = S117_REVIEW_INTERVAL_RANGE
    if months is None or not low <= int(months) <= high:
        raise DomainError(f"Enter how often aftercare is reviewed, from {low} to {high} months")
    return int(months)


def _check_dates(*, detained_on, discharged_on) -> None:
    today = timezone.localdate()
    if discharged_on is None:
        raise DomainError("Enter the date the person was discharged from hospital")
    if discharged_on > today:
        raise DomainError("The discharge date must be today or in the past")
    if detained_on is not None:
        if detained_on > today:
            raise DomainError("The date of detention must be today or in the past")
        if discharged_on < detained_on:
            raise DomainError("The discharge date must be on or after the date of detention")


def _log(entitlement, *, event: str, from_status: str, by, reason: str = "", details=None) -> None:
    Section117Transition.objects.create(
        entitlement=entitlement,
        event=event,
        from_status=from_status,
        to_status=entitlement.status,
        actor=by,
        reason=reason,
        details=details or {},
    )


@transaction.atomic
def create_s117_entitlement(
    *,
    person: Person,
    team,
    section: str,
    discharged_on,
    responsible_council,
    responsible_icb,
    aftercare_plan: str,
    by,
    detained_on=None,
    review_interval_months: int = 12,
) -> Section117Entitlement:
    """Put a person on the register after discharge from a qualifying detention (MHA s117(1)).

    One active entitlement per person: a later qualifying detention is recorded by changing
    the current entry, or by ending it jointly first.
    """
    if section not in QualifyingSection.values:
        raise DomainError(NOT_QUALIFYING)
    _check_dates(detained_on=detained_on, discharged_on=discharged_on)
    _check_bodies(responsible_council, responsible_icb)
    interval = _check_interval(review_interval_months)
    plan = _text(
        aftercare_plan, "Enter the aftercare plan: the services that meet needs arising from the disorder"
    )
    if team is None or team.pk not in {t.pk for t in current_teams(by)}:
        raise DomainError("Select one of your teams")
    if not Case.objects.filter(person=person, team=team, status=CaseStatus.OPEN).exists():
        raise DomainError(f"{team.name} has no open case for this person")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if Section117Entitlement.objects.filter(person=person, status=ACTIVE).exists():
        raise DomainError(
            "This person already has an active section 117 entitlement: change that entry, "
            "or record the joint decision to end it first"
        )
    entitlement = Section117Entitlement(
        person=person,
        team=team,
        section=section,
        detained_on=detained_on,
        discharged_on=discharged_on,
        responsible_council=responsible_council,
        responsible_icb=responsible_icb,
        aftercare_plan=plan,
        review_interval_months=interval,
        recorded_by=by,
    )
    entitlement._history_user = by
    entitlement._change_reason = "Added to the section 117 register"
    entitlement.full_clean()
    entitlement.save()
    _log(entitlement, event="recorded", from_status="", by=by, details={"section": section})
    return entitlement


def _stale_edit(entitlement, version: int, submitted: dict) -> StaleEdit:
    """What changed since the editor opened the form, and their changes laid over it."""
    then = entitlement.history.filter(version=version).order_by("-history_id").first()
    changes, merged = [], {}
    for field in S117_EDITABLE_FIELDS:
        now = getattr(entitlement, field)
        before = getattr(then, field) if then is not None else now
        mine = submitted.get(field, before)
        merged[field] = now if mine == before else mine
        if before != now:
            label = str(Section117Entitlement._meta.get_field(field).verbose_name)
            changes.append(FieldChange(field, label[:1].upper() + label[1:], before, now, mine))
    return StaleEdit(current=entitlement, changes=changes, merged=merged)


@transaction.atomic
def update_s117_entitlement(
    *, entitlement_id: int, data: dict, expected_version: int, by, reason: str = ""
) -> Section117Entitlement:
    """Change the aftercare plan, the responsible bodies or the review interval, with
    optimistic locking: a stale save raises StaleEdit and overwrites nothing."""
    entitlement = Section117Entitlement.objects.select_for_update().get(pk=entitlement_id)
    if entitlement.status != ACTIVE:
        raise DomainError("This entitlement has ended: it can no longer be changed")
    if entitlement.version != expected_version:
        raise _stale_edit(entitlement, expected_version, data)
    values = {field: data.get(field, getattr(entitlement, field)) for field in S117_EDITABLE_FIELDS}
    _check_bodies(values["responsible_council"], values["responsible_icb"])
    values["review_interval_months"] = _check_interval(values["review_interval_months"])
    values["aftercare_plan"] = _text(
        values["aftercare_plan"],
        "Enter the aftercare plan: the services that meet needs arising from the disorder",
    )
    if all(getattr(entitlement, field) == value for field, value in values.items()):
        return entitlement
    for field, value in values.items():
        setattr(entitlement, field, value)
    entitlement.version = expected_version + 1  # the row is locked, so this cannot race
    entitlement._history_user = by
    entitlement._change_reason = (reason or "").strip() or "Aftercare details changed"
    entitlement.full_clean()
    entitlement.save()
    return entitlement


@transaction.atomic
def record_s117_review(
    *, entitlement_id: int, held_on, attendees: str, needs_continue: bool, notes: str, by
) -> Section117Review:
    """A review of the aftercare (Code of Practice 33.20). Finding that aftercare is no longer
    needed does not end it: that takes the joint decision (`end_s117_entitlement`)."""
    entitlement = Section117Entitlement.objects.select_for_update().get(pk=entitlement_id)
    if entitlement.status != ACTIVE:
        raise DomainError("This entitlement has ended: there is no aftercare left to review")
    if held_on is None:
        raise DomainError("Enter the date of the review")
    if held_on > timezone.localdate():
        raise DomainError("The date of the review must be today or in the past")
    if held_on < entitlement.discharged_on:
        raise DomainError("The date of the review must be on or after the discharge date")
    if needs_continue is None:
        raise DomainError("Select whether aftercare is still needed")
    review = Section117Review(
        entitlement=entitlement,
        held_on=held_on,
        attendees=_text(attendees, "Enter who took part in the review"),
        needs_continue=bool(needs_continue),
        notes=_text(notes, "Enter what was reviewed and decided"),
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    settle_reminders(entitlement, resolution=f"Reviewed on {held_on:%d/%m/%Y}")
    _log(
        entitlement,
        event="reviewed",
        from_status=ACTIVE,
        by=by,
        details={"review": review.pk, "held_on": held_on.isoformat(), "needs_continue": bool(needs_continue)},
    )
    return review


def _missing_decisions(council_by, council_on, icb_by, icb_on) -> list[str]:
    missing = []
    for body, who, when in (("council", council_by, council_on), ("ICB", icb_by, icb_on)):
        if not who and when is None:
            missing.append(f"the {body}'s decision")
        elif not who:
            missing.append(f"who made the {body}'s decision")
        elif when is None:
            missing.append(f"the date of the {body}'s decision")
    return missing


@transaction.atomic
def end_s117_entitlement(
    *,
    entitlement_id: int,
    council_decision_by: str,
    council_decision_on,
    icb_decision_by: str,
    icb_decision_on,
    reason: str,
    by,
) -> Section117Entitlement:
    """End aftercare by the joint decision of the council and the ICB (MHA s117(2); Code of
    Practice 33.20-33.22). Both decisions, who made them and when, are required; aftercare
    ends on the later of the two dates. A repeat is a no-op."""
    entitlement = Section117Entitlement.objects.select_for_update().get(pk=entitlement_id)
    if entitlement.status == ENDED:
        return entitlement
    if ENDED not in S117_TRANSITIONS.get(entitlement.status, set()):
        raise DomainError("This entitlement cannot be ended now")
    council_by, icb_by = (council_decision_by or "").strip(), (icb_decision_by or "").strip()
    missing = _missing_decisions(council_by, council_decision_on, icb_by, icb_decision_on)
    if missing:
        raise DomainError(
            "Aftercare under section 117 ends only by a joint decision: record " + " and ".join(missing)
        )
    today = timezone.localdate()
    for body, when in (("council", council_decision_on), ("ICB", icb_decision_on)):
        if when > today:
            raise DomainError(f"The date of the {body}'s decision must be today or in the past")
        if when < entitlement.discharged_on:
            raise DomainError(f"The date of the {body}'s decision must be on or after the discharge date")
    reason = _text(
        reason, "Enter why aftercare is no longer needed for needs arising from the mental disorder"
    )
    entitlement.council_decision_by, entitlement.council_decision_on = council_by, council_decision_on
    entitlement.icb_decision_by, entitlement.icb_decision_on = icb_by, icb_decision_on
    entitlement.end_reason = reason
    entitlement.ended_on = max(council_decision_on, icb_decision_on)
    entitlement.status = ENDED
    entitlement.version += 1
    entitlement._history_user = by
    entitlement._change_reason = "Ended by joint decision of the council and the ICB"
    entitlement.full_clean()
    entitlement.save()
    _log(
        entitlement,
        event="ended",
        from_status=ACTIVE,
        by=by,
        reason=reason,
        details={
            "council_decision_by": council_by,
            "council_decision_on": council_decision_on.isoformat(),
            "icb_decision_by": icb_by,
            "icb_decision_on": icb_decision_on.isoformat(),
        },
    )
    settle_reminders(entitlement, resolution="Aftercare ended by joint decision")
    return entitlement
