"""Who may see and do what in safeguarding (DESIGN.md section 2; Care Act 2014 s42).

- A concern or an enquiry is part of the adult's record: whoever may see the adult (a
  relationship, or read-only break-glass) may see its status and what happened, through
  `cases.permissions` (404 for missing and forbidden alike, one AccessLog row).
- The team's safeguarding adults managers (SAMs) may still open their team's concerns and
  enquiries after the team's access to the adult ended (no further action, closure), as the
  team's own record: read only, logged with that basis, as cases does for closed cases.
- The person alleged to cause harm is seen only by the enquiry's SAM and enquiry officer and
  the SAMs of the concern's team; never through break-glass, never by the practitioner who
  raised the concern or other teams. Callers ask `can_see_alleged_person` before loading it.
"""

from django.http import Http404

from accounts.models import Role, ServiceLine
from accounts.selectors import can_see_person_data, current_memberships, has_role, has_role_in_team
from cases.models import AccessAction, AccessBasis, Person
from cases.permissions import (
    CHANGE_PERSON,
    VIEW_PERSON,
    PersonAccess,
    get_person_for_user,
    log_access,
)

from .models import Concern, Enquiry

__all__ = [
    "CHANGE_PERSON",
    "VIEW_PERSON",
    "can_close_enquiry",
    "can_decide",
    "can_see_alleged_person",
    "can_work_on_enquiry",
    "can_write",
    "get_concern_for_user",
    "get_enquiry_for_user",
    "is_sam",
    "is_sam_of",
    "safeguarding_teams_of",
]


def is_sam(user) -> bool:
    """Holds the safeguarding adults manager role anywhere (oversight and quality pages)."""
    return has_role(user, Role.SAFEGUARDING_MANAGER)


def is_sam_of(user, team) -> bool:
    return has_role_in_team(user, team, Role.SAFEGUARDING_MANAGER)


def safeguarding_teams_of(user) -> list:
    """The user's current safeguarding teams (any role), for the queue and the front door."""
    seen = {}
    for membership in current_memberships(user):
        team = membership.team
        if team.service_line == ServiceLine.SAFEGUARDING and team.is_active:
            seen.setdefault(team.pk, team)
    return list(seen.values())


def can_write(access: PersonAccess) -> bool:
    """Break-glass and the team's own record are read only."""
    return access.basis == AccessBasis.RELATIONSHIP


def can_decide(user, concern: Concern) -> bool:
    return is_sam_of(user, concern.team_id)


def can_work_on_enquiry(user, enquiry: Enquiry) -> bool:
    """The enquiry's SAM and officer, and the SAMs of its team, record its steps."""
    return user.pk in (enquiry.sam_id, enquiry.enquiry_officer_id) or is_sam_of(user, enquiry.team_id)


def can_close_enquiry(user, enquiry: Enquiry) -> bool:
    """Closing is a manager's sign-off of the officer's work: the SAM, or a SAM of the team."""
    return user.pk == enquiry.sam_id or is_sam_of(user, enquiry.team_id)


def can_see_alleged_person(user, concern: Concern, enquiry: Enquiry | None, access: PersonAccess) -> bool:
    if access.is_break_glass or not can_see_person_data(user):
        return False
    if enquiry is not None and user.pk in (enquiry.sam_id, enquiry.enquiry_officer_id):
        return True
    return is_sam_of(user, concern.team_id)


def _load(user, model, pk, *, perm: str, what: str, select_related):
    record = model.objects.select_related(*select_related).filter(pk=pk).first()
    if record is None:
        raise Http404("Not found")
    try:
        access = get_person_for_user(user, record.person_id, perm=perm, what=what)
    except Http404:
        # The team's SAMs keep their own record once the team's access to the adult ended.
        if perm != VIEW_PERSON or not can_see_person_data(user) or not is_sam_of(user, record.team_id):
            raise
        person = Person.objects.get(pk=record.person_id)
        log_access(
            user=user, person=person, basis=AccessBasis.TEAM_RECORD, action=AccessAction.VIEW, what=what
        )
        access = PersonAccess(person=person, basis=AccessBasis.TEAM_RECORD)
    record.person = access.person
    return record, access


def get_concern_for_user(user, pk, *, perm: str = VIEW_PERSON, what: str) -> tuple[Concern, PersonAccess]:
    """A concern whose adult the user may see, logged; or 404. Never loads the alleged person."""
    concern, access = _load(
        user, Concern, pk, perm=perm, what=what, select_related=("team", "organisation", "decided_by")
    )
    return concern, access


def get_enquiry_for_user(user, pk, *, perm: str = VIEW_PERSON, what: str) -> tuple[Enquiry, PersonAccess]:
    """An enquiry (with its concern) whose adult the user may see, logged; or 404."""
    enquiry, access = _load(
        user,
        Enquiry,
        pk,
        perm=perm,
        what=what,
        select_related=("concern", "team", "team__organisation", "sam", "enquiry_officer", "closed_by"),
    )
    enquiry.concern.person = access.person
    return enquiry, access
