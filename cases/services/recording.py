"""What workers record about a person: case notes (contacts), information-sharing decisions
and employment and accommodation checks (issue 3, seed 003).

Keyword-only services with the acting user; history through django-simple-history with the
user and a change reason set here (ADR 2). A refused change raises DomainError.

Changing a note: only its author, and only within 24 hours of writing it
(`NOTE_EDIT_WINDOW`). A case note is evidence that may be read in court or by an
ombudsman; a record that anyone could rewrite at any time would be worth less, even with
the history kept. Within the window the author can put right a slip (wrong time, a typo)
and every version is kept in the note's history; after it, a correction is a new note that
says what it corrects, so the chronology shows both.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import (
    AccommodationStatus,
    CaseNote,
    CaseStatus,
    EmploymentStatus,
    InformationSharingDecision,
    StatusCheck,
)
from .people import DomainError

__all__ = [
    "NOTE_EDIT_WINDOW",
    "record_case_note",
    "record_sharing_decision",
    "record_status_check",
    "update_case_note",
]

NOTE_EDIT_WINDOW = timedelta(hours=24)
# A clock a few minutes fast on a laptop should not refuse a note written "now".
FUTURE_TOLERANCE = timedelta(minutes=5)


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _check_note(*, person, case, kind: str, occurred_at) -> None:
    if kind not in CaseNote.Kind.values:
        raise DomainError("Select the type of contact")
    if occurred_at is None:
        raise DomainError("Enter the date and time of the contact")
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError("The date and time of the contact must be in the past")
    if case is not None:
        if case.person_id != person.pk:
            raise DomainError("Select one of this person's cases")
        if case.status != CaseStatus.OPEN:
            raise DomainError("This case is closed: reopen it to record against it")


@transaction.atomic
def record_case_note(*, person, case=None, kind: str, occurred_at, text: str, by) -> CaseNote:
    """A contact or note about a person, optionally against one of their open cases."""
    text = _text(text, "Enter what happened")
    _check_note(person=person, case=case, kind=kind, occurred_at=occurred_at)
    note = CaseNote(person=person, case=case, kind=kind, occurred_at=occurred_at, text=text, author=by)
    note._history_user = by
    note._change_reason = "Recorded"
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def update_case_note(*, note_id: int, kind: str, occurred_at, text: str, by, reason: str = "") -> CaseNote:
    """Correct a note: its author only, within 24 hours of writing it; history keeps each
    version with who changed it and why."""
    note = CaseNote.objects.select_for_update().get(pk=note_id)
    if note.author_id != by.pk:
        raise DomainError("Only the person who wrote this note can change it: add a new note instead")
    if timezone.now() - note.created_at > NOTE_EDIT_WINDOW:
        raise DomainError(
            "Notes can only be changed in the 24 hours after they are written: "
            "add a new note that says what it corrects"
        )
    text = _text(text, "Enter what happened")
    if kind not in CaseNote.Kind.values:
        raise DomainError("Select the type of contact")
    if occurred_at is None or occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError("The date and time of the contact must be in the past")
    if (note.kind, note.occurred_at, note.text) == (kind, occurred_at, text):
        return note
    note.kind, note.occurred_at, note.text = kind, occurred_at, text
    note._history_user = by
    note._change_reason = (reason or "").strip() or "Corrected by the author"
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def record_sharing_decision(
    *,
    person,
    what_was_shared: str,
    shared_with: str,
    basis: str,
    reason: str,
    by,
    referral=None,
) -> InformationSharingDecision:
    """A decision to share a person's information: the user is who decided."""
    if basis not in InformationSharingDecision.Basis.values:
        raise DomainError("Select the basis for sharing")
    if referral is not None and referral.person_id != person.pk:
        raise DomainError("Select one of this person's referrals")
    decision = InformationSharingDecision(
        person=person,
        referral=referral,
        decided_by=by,
        what_was_shared=_text(what_was_shared, "Enter what was shared"),
        shared_with=_text(shared_with, "Enter who the information was shared with"),
        basis=basis,
        reason=_text(reason, "Enter why the information was shared"),
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def record_status_check(*, person, employment: str, accommodation: str, checked_on, by) -> StatusCheck:
    """Employment and accommodation status as checked on a date (feeds ASCOF 1F and 1H)."""
    if employment not in EmploymentStatus.values:
        raise DomainError("Select the person's employment status")
    if accommodation not in AccommodationStatus.values:
        raise DomainError("Select the person's accommodation status")
    if checked_on is None:
        raise DomainError("Enter the date it was checked")
    if checked_on > timezone.localdate():
        raise DomainError("The date it was checked must be today or in the past")
    check = StatusCheck(
        person=person,
        employment=employment,
        accommodation=accommodation,
        checked_on=checked_on,
        recorded_by=by,
    )
    check.full_clean()
    check.save()
    return check
