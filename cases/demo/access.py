"""Who may see whom in the demo: team cases, allocations and a few specialist relationships.

Writes `Relationship` rows and the django-guardian permission rows they stand for
(`view_person` and `change_person`) with bulk inserts, the same rows that
cases.services.grant_team_relationship / grant_user_relationship write one at a time.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import Role, User
from cases.models import (
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RelationshipKind,
)
from cases.permissions import CHANGE_PERSON, VIEW_PERSON

from .casework import Episode, write_episodes, write_public_referrals
from .organisations import Partnership, geographic_team_key
from .people import ANCHOR_PEOPLE, PersonPlan

BATCH_SIZE = 5000

# Closed or historic cases, held by no one, for break-glass demos (the person just after the
# anchors always is one, so even a tiny seed has someone to break the glass for).
NO_TEAM_SHARE = 0.08
POINT_OF_ACCESS_SHARE = 0.03  # an open referral at the point of access, not yet with a team
AWAITING_SHARE = 0.04  # a referral waiting for triage in the geographic team
ALLOCATED_SHARE = 0.9  # of open cases, allocated to a named worker (the rest wait for one)
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
    """Give most people a case in their geographic team (most allocated to a worker), some a
    referral waiting for triage, and the rest a past referral or closed case that no longer
    gives anyone access (for break-glass demos)."""
    rng = random.Random(f"access:{seed}")
    summary = AccessSummary()
    demo_practitioner = partnership.demo_users[Role.PRACTITIONER]
    episodes = []

    for index, plan in enumerate(plans):
        person_id = plan.person.pk
        anchor = index < ANCHOR_PEOPLE
        roll = rng.random()
        team_key = geographic_team_key(plan.locality, plan.older)
        team, workers = partnership.teams[team_key], partnership.workers(team_key)
        if index == ANCHOR_PEOPLE or (not anchor and roll < NO_TEAM_SHARE):
            state = rng.choice(["closed", "signposted", "clinical_pathway", "nfa"])
            worker = rng.choice(workers) if state == "closed" and workers else None
            episodes.append(
                Episode(person_id, team, "nfa" if state == "closed" and not worker else state, worker)
            )
            summary.no_team += 1
        elif not anchor and roll < NO_TEAM_SHARE + POINT_OF_ACCESS_SHARE:
            episodes.append(Episode(person_id, partnership.teams["poa"], "awaiting"))
            summary.referrals += 1
        elif not anchor and roll < NO_TEAM_SHARE + POINT_OF_ACCESS_SHARE + AWAITING_SHARE:
            episodes.append(Episode(person_id, team, "awaiting"))
            summary.referrals += 1
        elif anchor or (workers and rng.random() < ALLOCATED_SHARE):
            worker = demo_practitioner if anchor else rng.choice(workers)
            episodes.append(Episode(person_id, team, "allocated", worker))
            summary.team_cases += 1
            summary.allocations += 1
        else:
            episodes.append(Episode(person_id, team, "unallocated"))
            summary.team_cases += 1

    write_episodes(episodes, _team_managers(partnership), rng)
    summary.referrals += write_public_referrals(partnership.teams["poa"], rng)
    writer = _Writer()
    held = []
    for episode in episodes:
        if episode.state == "awaiting":
            writer.team(
                episode.person_id, episode.team, RelationshipKind.REFERRAL, f"referral:{episode.referral.pk}"
            )
        elif episode.state in {"allocated", "unallocated"}:
            source = f"case:{episode.case.pk}"
            writer.team(episode.person_id, episode.team, RelationshipKind.TEAM_CASE, source)
            held.append(episode.person_id)
            if episode.state == "allocated":
                writer.user(episode.person_id, episode.worker, RelationshipKind.ALLOCATED_WORKER, source)
    summary.specialist = _specialist_relationships(writer, partnership, held, rng)
    writer.write()
    return summary


def _team_managers(partnership: Partnership) -> dict[int, User]:
    """The member of each team who triages its referrals (its team manager, else the first
    senior practitioner or anyone)."""
    managers = {}
    for key, members in partnership.staff.items():
        ranked = sorted(members, key=lambda m: (m[1] != Role.TEAM_MANAGER, m[1] != Role.SENIOR_PRACTITIONER))
        if ranked:
            managers[partnership.teams[key].pk] = ranked[0][0]
    return managers


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
