"""Who may see whom in the demo: team cases, allocations and a few specialist relationships.

Writes `Relationship` rows and the django-guardian permission rows they stand for
(`view_person` and `change_person`) with bulk inserts, the same rows that
cases.services.grant_team_relationship / grant_user_relationship write one at a time.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import Role
from cases.models import (
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RelationshipKind,
)
from cases.permissions import CHANGE_PERSON, VIEW_PERSON

from .organisations import Partnership, geographic_team_key
from .people import ANCHOR_PEOPLE, PersonPlan

BATCH_SIZE = 5000

# Closed or historic cases, held by no one, for break-glass demos (the person just after the
# anchors always is one, so even a tiny seed has someone to break the glass for).
NO_TEAM_SHARE = 0.08
POINT_OF_ACCESS_SHARE = 0.03  # an open referral at the point of access, not yet with a team
ALLOCATED_SHARE = 0.45  # of team cases, allocated to a named worker
SPECIALIST_CASES = 6  # people with an AMHP assessment / a safeguarding enquiry


@dataclass
class AccessSummary:
    team_cases: int = 0
    referrals: int = 0
    allocations: int = 0
    specialist: int = 0
    no_team: int = 0


class _Writer:
    """Collects relationships and their permission rows, then inserts them in bulk."""

    def __init__(self):
        content_type = ContentType.objects.get_for_model(Person)
        self.perms = list(
            Permission.objects.filter(content_type=content_type, codename__in=(VIEW_PERSON, CHANGE_PERSON))
        )
        self.relationships, self.group_perms, self.user_perms = [], [], []
        self._user_pairs = set()

    def team(self, person_id, team, kind, source):
        self.relationships.append(Relationship(person_id=person_id, team=team, kind=kind, source=source))
        self.group_perms += [
            PersonGroupObjectPermission(group_id=team.group_id, permission=perm, content_object_id=person_id)
            for perm in self.perms
        ]

    def user(self, person_id, user, kind, source):
        self.relationships.append(Relationship(person_id=person_id, user=user, kind=kind, source=source))
        if (user.pk, person_id) in self._user_pairs:
            return
        self._user_pairs.add((user.pk, person_id))
        self.user_perms += [
            PersonUserObjectPermission(user=user, permission=perm, content_object_id=person_id)
            for perm in self.perms
        ]

    def write(self):
        Relationship.objects.bulk_create(self.relationships, batch_size=BATCH_SIZE)
        PersonGroupObjectPermission.objects.bulk_create(self.group_perms, batch_size=BATCH_SIZE)
        PersonUserObjectPermission.objects.bulk_create(self.user_perms, batch_size=BATCH_SIZE)


def grant_demo_access(plans: list[PersonPlan], partnership: Partnership, seed: int) -> AccessSummary:
    """Give most people a holding team by locality and age, allocate some to workers."""
    rng = random.Random(f"access:{seed}")
    writer = _Writer()
    summary = AccessSummary()
    demo_practitioner = partnership.demo_users[Role.PRACTITIONER]
    held = []  # person ids with a team case, for the specialist relationships below

    for index, plan in enumerate(plans):
        person_id = plan.person.pk
        anchor = index < ANCHOR_PEOPLE
        roll = rng.random()
        if index == ANCHOR_PEOPLE or (not anchor and roll < NO_TEAM_SHARE):
            summary.no_team += 1
            continue
        if not anchor and roll < NO_TEAM_SHARE + POINT_OF_ACCESS_SHARE:
            writer.team(
                person_id, partnership.teams["poa"], RelationshipKind.REFERRAL, f"demo:referral:{index}"
            )
            summary.referrals += 1
            continue
        team_key = geographic_team_key(plan.locality, plan.older)
        writer.team(person_id, partnership.teams[team_key], RelationshipKind.TEAM_CASE, f"demo:case:{index}")
        summary.team_cases += 1
        held.append(person_id)
        workers = partnership.workers(team_key)
        if anchor or (workers and rng.random() < ALLOCATED_SHARE):
            worker = demo_practitioner if anchor else rng.choice(workers)
            writer.user(person_id, worker, RelationshipKind.ALLOCATED_WORKER, f"demo:allocation:{index}")
            summary.allocations += 1

    summary.specialist = _specialist_relationships(writer, partnership, held, rng)
    writer.write()
    return summary


def _specialist_relationships(
    writer: _Writer, partnership: Partnership, held: list[int], rng: random.Random
) -> int:
    """The demo AMHP on a few MHA assessments; the demo SAM and enquiry officer on a few
    safeguarding enquiries, so their logins show people too."""
    demo = partnership.demo_users
    candidates = held[ANCHOR_PEOPLE:] or held
    count = min(SPECIALIST_CASES, len(candidates))
    for number, person_id in enumerate(rng.sample(candidates, count)):
        writer.user(person_id, demo[Role.AMHP], RelationshipKind.MHA_ASSESSMENT, f"demo:mha:{number}")
    for number, person_id in enumerate(rng.sample(candidates, count)):
        source = f"demo:safeguarding:{number}"
        writer.user(person_id, demo[Role.SAFEGUARDING_MANAGER], RelationshipKind.SAFEGUARDING, source)
        writer.user(person_id, demo[Role.ENQUIRY_OFFICER], RelationshipKind.SAFEGUARDING, source)
    return count * 3
