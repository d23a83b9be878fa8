"""The one chokepoint for reading a person's record (DESIGN.md sections 2 and 3).

`get_person_for_user` answers 404 for a person who does not exist and for one the user may
not see, so a URL never reveals whether someone is known. Every successful read writes one
AccessLog row in the request's transaction.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import TEAM_LEAD_ROLES
from accounts.selectors import can_see_person_data, current_organisation, leads_team

from .models import (
    AccessAction,
    AccessBasis,
    AccessLog,
    BreakGlassAccess,
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
)

VIEW_PERSON = "view_person"
CHANGE_PERSON = "change_person"


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    basis: str

    @property
    def is_break_glass(self) -> bool:
        return self.basis == AccessBasis.BREAK_GLASS


def relationship_exists(user, perm: str = VIEW_PERSON, person_ref=None):
    """SQL expression: a guardian permission grants `perm` to the user or one of their teams.

    Written against guardian's direct foreign-key tables rather than ObjectPermissionChecker,
    because the checker lets superusers through: here no one reaches a record without a
    relationship. `person_ref` defaults to the outer Person row, for scoped list selectors.
    """
    person_ref = person_ref if person_ref is not None else OuterRef("pk")
    direct = PersonUserObjectPermission.objects.filter(
        content_object=person_ref, user=user, permission__codename=perm
    )
    via_team = PersonGroupObjectPermission.objects.filter(
        content_object=person_ref, group__user=user, group__team__is_active=True, permission__codename=perm
    )
    return Exists(direct) | Exists(via_team)


def visible_to(user):
    """SQL expression: the outer Person row is open to the user right now, through a
    relationship or a live break-glass on an unrestricted record."""
    live_break_glass = BreakGlassAccess.objects.filter(
        user=user, person=OuterRef("pk"), expires_at__gt=timezone.now()
    )
    return relationship_exists(user) | (Q(is_restricted=False) & Exists(live_break_glass))


def has_relationship(user, person: Person, perm: str = VIEW_PERSON) -> bool:
    return Person.objects.filter(pk=person.pk).filter(relationship_exists(user, perm)).exists()


def live_break_glass(user, person_id: int) -> BreakGlassAccess | None:
    return (
        BreakGlassAccess.objects.filter(user=user, person_id=person_id, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def _basis_for_loaded(user, person: Person, perm: str) -> str | None:
    if person._related:
        return AccessBasis.RELATIONSHIP
    return _break_glass_basis(user, person, perm)


def _break_glass_basis(user, person: Person, perm: str) -> str | None:
    if perm == VIEW_PERSON and not person.is_restricted and live_break_glass(user, person.pk):
        return AccessBasis.BREAK_GLASS
    return None


def log_access(*, user, person: Person, basis: str, action: str, what: str) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        organisation=current_organisation(user),
        person=person,
        action=action,
        basis=basis,
        what=what,
    )


def get_person_for_user(
    user,
    pk,
    *,
    perm: str = VIEW_PERSON,
    action: str = AccessAction.VIEW,
    what: str,
) -> PersonAccess:
    """Load a person the user may see, log the read, or raise Http404."""
    if not can_see_person_data(user):
        raise Http404("No such person")
    person = Person.objects.filter(pk=pk).annotate(_related=relationship_exists(user, perm)).first()
    if person is None:
        raise Http404("No such person")
    basis = _basis_for_loaded(user, person, perm)
    if basis is None:
        raise Http404("No such person")
    log_access(user=user, person=person, basis=basis, action=action, what=what)
    return PersonAccess(person=person, basis=basis)


def get_person_for_break_glass(user, pk) -> Person:
    """A person the user may open in an emergency: exists, not restricted, staff user.

    404 for a restricted or unknown person, and for users who never see people (commissioners).
    """
    if not can_see_person_data(user):
        raise Http404("No such person")
    person = Person.objects.filter(pk=pk, is_restricted=False).first()
    if person is None:
        raise Http404("No such person")
    return person


# --- Referrals and cases ----------------------------------------------------------------

TRIAGE_ROLES = TEAM_LEAD_ROLES


def get_referral_for_user(user, pk, *, what: str):
    """A referral in one of the user's current teams (the team's queue), or 404.

    Opening a referral about a person in the index is a read of that person's data and is
    logged like any other: on the relationship basis while the team or user still has one,
    otherwise as the team's own record of a referral it decided (an unverified public
    referral has no person yet).
    """
    from accounts.selectors import current_teams

    from .models import Referral

    if not can_see_person_data(user):
        raise Http404("No such referral")
    team_ids = [team.pk for team in current_teams(user)]
    referral = (
        Referral.objects.select_related("team", "person")
        .filter(pk=pk, team_id__in=team_ids)
        .annotate(_related=relationship_exists(user, person_ref=OuterRef("person_id")))
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    if referral.person_id:
        basis = AccessBasis.RELATIONSHIP if referral._related else AccessBasis.TEAM_RECORD
        log_access(user=user, person=referral.person, basis=basis, action=AccessAction.VIEW, what=what)
    return referral


def get_case_for_user(user, pk, *, perm: str = VIEW_PERSON, what: str, closed_team_record: bool = False):
    """A case whose person the user may see (relationship or break-glass), logged; or 404.

    A closed case gives its team no access to the person any more, yet the team's managers
    must still be able to reopen it: with `closed_team_record` (the reopen page only) they
    reach their own team's closed case as the team's record.
    """
    from .models import Case

    case = Case.objects.select_related("team", "worker").filter(pk=pk).first()
    if case is None:
        raise Http404("No such case")
    try:
        access = get_person_for_user(user, case.person_id, perm=perm, what=what)
    except Http404:
        closed_and_led = case.status == "closed" and leads_team(user, case.team_id)
        if not (closed_team_record and closed_and_led and can_see_person_data(user)):
            raise
        person = Person.objects.get(pk=case.person_id)
        log_access(
            user=user, person=person, basis=AccessBasis.TEAM_RECORD, action=AccessAction.VIEW, what=what
        )
        access = PersonAccess(person=person, basis=AccessBasis.TEAM_RECORD)
    case.person = access.person
    return case, access


def get_record_for_user(user, model, pk, *, perm: str = VIEW_PERSON, what: str, select_related=()):
    """Load `model` row `pk` (any record with a `person`) if the user may see its person.

    Returns (record, access). 404 for missing and forbidden alike; one AccessLog row,
    through `get_person_for_user`. The record's `person` is the one loaded by the check, so
    templates never trigger a second, unlogged read.
    """
    record = model.objects.select_related(*select_related).filter(pk=pk).first()
    if record is None:
        raise Http404("Not found")
    access = get_person_for_user(user, record.person_id, perm=perm, what=what)
    record.person = access.person
    return record, access
