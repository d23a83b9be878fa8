"""Every write to the person index and to who may see whom.

Later issues call `grant_team_relationship` / `grant_user_relationship` when they create
a legitimate relationship (allocation, referral, MHA assessment, safeguarding enquiry) and
`end_relationship` when it ends (DESIGN.md sections 2 and 4).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import update_change_reason

from accounts.selectors import current_organisation

from ..models import (
    PERSON_EDITABLE_FIELDS,
    BreakGlassAccess,
    Person,
    PersonContact,
    Relationship,
    RelationshipKind,
)
from ..permissions import CHANGE_PERSON, VIEW_PERSON, get_person_for_break_glass

RELATIONSHIP_PERMS = (VIEW_PERSON, CHANGE_PERSON)


class DomainError(Exception):
    """A rule refused the change; the view shows the message as a form error."""


# --- Relationships ----------------------------------------------------------------------


def _grant(*, person: Person, holder: dict, target, kind: str, source: str, by) -> Relationship:
    # Lock the person so a grant and an end for the same holder cannot interleave.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    relationship, _ = Relationship.objects.get_or_create(
        person=person,
        kind=kind,
        source=source,
        ended_at=None,
        **holder,
        defaults={"started_by": by},
    )
    for perm in RELATIONSHIP_PERMS:
        assign_perm(perm, target, person)  # idempotent: repairs a permission gone missing
    return relationship


@transaction.atomic
def grant_team_relationship(*, person: Person, team, kind: str, source: str, by=None) -> Relationship:
    """Give a team (all its current members) access to a person. A repeat is a no-op."""
    return _grant(person=person, holder={"team": team}, target=team.group, kind=kind, source=source, by=by)


@transaction.atomic
def grant_user_relationship(*, person: Person, user, kind: str, source: str, by=None) -> Relationship:
    """Give one user access to a person (allocated worker, AMHP, SAM, enquiry officer)."""
    return _grant(person=person, holder={"user": user}, target=user, kind=kind, source=source, by=by)


@transaction.atomic
def end_relationship(*, relationship: Relationship, by=None) -> Relationship:
    """End one relationship; the permission goes only when no other one still needs it."""
    Person.objects.select_for_update().filter(pk=relationship.person_id).first()
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.ended_at is not None:
        return relationship
    relationship.ended_at = timezone.now()
    relationship.ended_by = by
    relationship.save(update_fields=["ended_at", "ended_by"])
    holder = {"team": relationship.team} if relationship.team_id else {"user": relationship.user}
    still_needed = Relationship.objects.active().filter(person=relationship.person, **holder).exists()
    if not still_needed:
        target = relationship.team.group if relationship.team_id else relationship.user
        for perm in RELATIONSHIP_PERMS:
            remove_perm(perm, target, relationship.person)
    return relationship


def end_relationships_for_source(*, source: str, by=None, user_only: bool = False) -> int:
    """End every active relationship a record created (or only its personal ones)."""
    relationships = Relationship.objects.active().filter(source=source)
    if user_only:
        relationships = relationships.filter(user__isnull=False)
    relationships = list(relationships)
    for relationship in relationships:
        end_relationship(relationship=relationship, by=by)
    return len(relationships)


# --- People -----------------------------------------------------------------------------


@transaction.atomic
def create_person(*, data: dict, by, team=None, source: str = "") -> Person:
    """Add someone to the person index; optionally the creating team holds the record."""
    person = Person(**{k: v for k, v in data.items() if k in PERSON_EDITABLE_FIELDS})
    person._history_user = by
    person._change_reason = "Added to the person index"
    person.full_clean()
    _save_unique(person)
    if team is not None:
        grant_team_relationship(
            person=person,
            team=team,
            kind=RelationshipKind.CREATED,
            source=source or f"created:{person.pk}",
            by=by,
        )
    return person


def _save_unique(person: Person) -> None:
    """Save, turning a clash that slipped past validation (two people saving the same NHS
    number at the same moment) into a message rather than a server error."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        raise DomainError(
            "Someone else has just saved a person with this NHS number or council person ID. "
            "Search for them before going on."
        ) from error


@dataclass
class FieldChange:
    field: str
    label: str
    then: object  # when the editor opened the form
    now: object  # saved by someone else since
    mine: object  # what the editor submitted

    @property
    def conflict(self) -> bool:
        """Both changed the same detail to different values: the editor must choose."""
        return self.mine != self.then and self.mine != self.now


@dataclass
class StaleEdit(Exception):
    """Someone else saved the record first; nothing was overwritten.

    `merged` holds the editor's own changes laid over the current record, so the form can be
    shown again with the other person's changes kept and this editor's typing not lost.
    """

    current: Person
    changes: list[FieldChange]
    merged: dict

    def __str__(self):
        return "This record was changed by someone else while you were editing it."


@transaction.atomic
def update_person(*, person_id: int, data: dict, expected_version: int, by, reason: str = "") -> Person:
    """Save demographics with optimistic locking (DESIGN.md section 12).

    A stale version raises StaleEdit carrying what the other person changed since the form
    was opened, so the view can show it and keep what this user typed.
    """
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.version != expected_version:
        raise _stale_edit(person, expected_version, data)
    for field in PERSON_EDITABLE_FIELDS:
        if field in data:
            setattr(person, field, data[field])
    person.full_clean()
    person.version = expected_version + 1  # the row is locked, so this cannot race
    person._history_user = by
    person._change_reason = reason or "Details updated"
    _save_unique(person)
    return person


@transaction.atomic
def set_restricted(*, person_id: int, restricted: bool, reason: str, by) -> Person:
    """Restrict a record (staff as service users, high-profile people) or lift it.

    A restricted person is hidden from search for anyone without a relationship and closed to
    break-glass (DESIGN.md section 2). The reason goes into the change history.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the record is being restricted or opened")
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.is_restricted == restricted:
        return person
    person.is_restricted = restricted
    person.version += 1
    person._history_user = by
    person._change_reason = ("Restricted: " if restricted else "Restriction lifted: ") + reason
    person.save(update_fields=["is_restricted", "version", "updated_at"])
    return person


def _stale_edit(person: Person, version: int, submitted: dict) -> StaleEdit:
    """Three-way comparison of the version the editor saw, the record now, and the form."""
    then = person.history.filter(version=version).order_by("-history_id").first()
    changes, merged = [], {}
    for field in PERSON_EDITABLE_FIELDS:
        now = getattr(person, field)
        before = getattr(then, field) if then is not None else now
        mine = submitted.get(field, before)
        merged[field] = now if mine == before else mine
        if before != now:
            label = Person._meta.get_field(field).verbose_name
            changes.append(FieldChange(field, label[:1].upper() + label[1:], before, now, mine))
    return StaleEdit(current=person, changes=changes, merged=merged)


@transaction.atomic
def save_contact(*, contact: PersonContact, data: dict, by) -> PersonContact:
    """Add or change a contact; history records who and why."""
    adding = contact.pk is None
    for field, value in data.items():
        setattr(contact, field, value)
    contact._history_user = by
    contact.full_clean()
    contact.save()
    update_change_reason(contact, "Contact added" if adding else "Contact changed")
    return contact


def add_contact(*, person: Person, data: dict, by) -> PersonContact:
    return save_contact(contact=PersonContact(person=person), data=data, by=by)


@transaction.atomic
def remove_contact(*, contact: PersonContact, by) -> None:
    contact._history_user = by
    contact._change_reason = "Contact removed"
    contact.delete()


# --- Break-glass ------------------------------------------------------------------------


@transaction.atomic
def start_break_glass(*, user, person_id: int, reason: str) -> BreakGlassAccess:
    """Emergency access with a stated reason, for BREAK_GLASS_MINUTES, shown to a privacy
    officer. Refused for restricted records (get_person_for_break_glass answers 404)."""
    person = get_person_for_break_glass(user, person_id)
    reason = (reason or "").strip()
    if len(reason) < settings.BREAK_GLASS_MIN_REASON:
        raise DomainError(f"Give a reason of at least {settings.BREAK_GLASS_MIN_REASON} characters")
    now = timezone.now()
    return BreakGlassAccess.objects.create(
        user=user,
        organisation=current_organisation(user),
        person=person,
        reason=reason,
        expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )


@transaction.atomic
def review_break_glass(*, access_id: int, by, comment: str) -> BreakGlassAccess:
    access = BreakGlassAccess.objects.select_for_update().get(pk=access_id)
    if access.reviewed_at is not None:
        raise DomainError("This access has already been reviewed")
    if access.user_id == by.pk:
        raise DomainError("You cannot review your own break-glass access")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("Enter a review comment")
    access.reviewed_at = timezone.now()
    access.reviewed_by = by
    access.review_comment = comment
    access.save(update_fields=["reviewed_at", "reviewed_by", "review_comment"])
    return access
