"""Carers linked to the people they care for (Care Act s10; statutory guidance 6.16-6.18).

A carer is a person in the index in their own right. Linking them to the person they care
for gives the team working with that person a relationship with the carer (ADR 1), so the
team can open the carer's record and offer a carer's assessment; ending the link ends
exactly that relationship.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import current_teams
from cases.models import Case, CaseStatus, Person, Relationship, RelationshipKind
from cases.services import DomainError, create_person, end_relationship, grant_team_relationship

from ..models import CarerLink

__all__ = ["add_and_link_carer", "carer_link_source", "end_carer_link", "link_carer"]

SELF_LINK = "A person cannot be recorded as their own carer"
NO_OPEN_CASE = (
    "Only a team with an open case for the person cared for can link a carer: none of your teams has one"
)


def carer_link_source(link: CarerLink) -> str:
    """The relationship source for a link, so ending the link ends exactly its own access."""
    return f"carerlink:{link.pk}"


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _open_case_in_users_team(*, cared_for: Person, by, team=None) -> Case:
    """The cared-for person's open case in one of the user's teams (the given team if any)."""
    team_ids = [t.pk for t in current_teams(by)]
    cases = Case.objects.filter(person=cared_for, status=CaseStatus.OPEN, team_id__in=team_ids)
    if team is not None:
        cases = cases.filter(team=team)
    case = cases.select_related("team").order_by("team__name", "pk").first()
    if case is None:
        raise DomainError(NO_OPEN_CASE)
    return case


@transaction.atomic
def link_carer(
    *,
    cared_for: Person,
    carer: Person,
    relationship: str,
    lives_with: bool,
    care_provided: str,
    by,
    team=None,
) -> CarerLink:
    """Record that `carer` looks after `cared_for`; the cared-for person's team (the user's
    team with an open case for them) gains a carer relationship with the carer."""
    if carer.pk == cared_for.pk:
        raise DomainError(SELF_LINK)
    relationship = _text(relationship, "Enter the carer's relationship to the person they care for")
    case = _open_case_in_users_team(cared_for=cared_for, by=by, team=team)
    # Lock the cared-for person so two people linking the same carer at once cannot both pass.
    Person.objects.select_for_update().filter(pk=cared_for.pk).first()
    if CarerLink.objects.filter(carer=carer, cared_for=cared_for, ended_on__isnull=True).exists():
        raise DomainError(f"{carer.display_name} is already recorded as a carer of {cared_for.display_name}")
    link = CarerLink(
        carer=carer,
        cared_for=cared_for,
        relationship=relationship,
        lives_with=bool(lives_with),
        care_provided=(care_provided or "").strip(),
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as error:  # the constraints stand behind the checks above
        raise DomainError(f"{carer.display_name} is already recorded as a carer of this person") from error
    grant_team_relationship(
        person=carer, team=case.team, kind=RelationshipKind.CARER, source=carer_link_source(link), by=by
    )
    return link


@transaction.atomic
def add_and_link_carer(
    *,
    cared_for: Person,
    person_data: dict,
    relationship: str,
    lives_with: bool,
    care_provided: str,
    by,
    team=None,
) -> CarerLink:
    """Add the carer to the person index and link them in one step: if the link is refused,
    nobody is added. Access comes only from the carer relationship, not from creating."""
    _text(relationship, "Enter the carer's relationship to the person they care for")
    _open_case_in_users_team(cared_for=cared_for, by=by, team=team)
    carer = create_person(data=person_data, by=by)
    return link_carer(
        cared_for=cared_for,
        carer=carer,
        relationship=relationship,
        lives_with=lives_with,
        care_provided=care_provided,
        by=by,
        team=team,
    )


@transaction.atomic
def end_carer_link(*, link_id: int, by, reason: str) -> CarerLink:
    """The carer no longer cares for the person: end the link and the team's relationship
    with the carer that the link created (other relationships with the carer stay)."""
    reason = _text(reason, "Enter why the carer no longer cares for the person")
    link = CarerLink.objects.select_for_update().get(pk=link_id)
    if link.ended_on is not None:
        return link
    link.ended_on = timezone.localdate()
    link.end_reason = reason
    link.save(update_fields=["ended_on", "end_reason"])
    relationships = Relationship.objects.active().filter(
        person_id=link.carer_id, source=carer_link_source(link)
    )
    for relationship in relationships:
        end_relationship(relationship=relationship, by=by)
    return link
