"""Carers for some of the people with a plan (Care Act s10): a new person in the index, the
link to the person cared for, the team's relationship with the carer (so the team may open
their record, as cases.services.grant_team_relationship would give), and for about half a
carer's assessment and, when eligible, a carer's support plan.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from careact.models import AssessmentKind, CarerLink
from cases.demo import names
from cases.demo.organisations import DEMO_REFERENCE_DATE
from cases.models import Gender, Person, PersonGroupObjectPermission, Relationship, RelationshipKind
from cases.permissions import CHANGE_PERSON, VIEW_PERSON
from cases.testdata import test_nhs_numbers

from . import texts
from .bulk import copy_rows
from .common import World, stamp, workday
from .journeys import CARER_SCENARIOS, Book, JourneyMaker, Spec

CARER_SHARE = 0.15  # of people with a plan in place
ASSESSED_SHARE = 0.55  # of carers: a carer's assessment
LIVES_WITH = {"Partner", "Wife", "Husband", "Mother", "Father"}
PERSON_FIELDS = Person._meta.concrete_fields
POOLS_BY_ETHNICITY: dict[str, list[tuple[str, str]]] = {}
for code, _, given_pool, family_pool in names.ETHNICITY_WEIGHTS:
    POOLS_BY_ETHNICITY.setdefault(code, []).append((given_pool, family_pool))


def add_carers(world: World, book: Book, maker: JourneyMaker, rng: random.Random) -> int:
    """Create the carers and queue their assessments in `book`. Returns how many carers."""
    chosen = [
        (person_id, case, worker_id)
        for person_id, (case, worker_id) in book.planned.items()
        if case.anchor is not None or rng.random() < CARER_SHARE
    ]
    numbers = list(test_nhs_numbers(len(chosen), start=world.nhs_start))
    rng.shuffle(numbers)
    carers, links = [], []
    for index, (_, case, worker_id) in enumerate(chosen):
        carer, relationship, lives_with = _carer(rng, case.plan.person, case.plan.older)
        carer.nhs_number = numbers[index]
        council = names.TOWNS.get(carer.town, ("northshire",))[0]
        carer.council_person_id = (
            f"{'NCC' if council == 'northshire' else 'ECC'}{100000 + world.people + index}"
        )
        carers.append({field.attname: getattr(carer, field.attname) for field in PERSON_FIELDS})
        started = min(workday(case.opened + timedelta(days=rng.randint(7, 60))), world.yesterday)
        links.append(
            {
                "carer": carers[-1],
                "cared_for_id": case.person_id,
                "relationship": relationship,
                "lives_with": lives_with,
                "care_provided": rng.choice(texts.CARE_PROVIDED),
                "started_on": started,
                "recorded_by_id": worker_id,
                "created_at": stamp(started, rng),
            }
        )
    copy_rows(Person, carers, history=True)
    copy_rows(CarerLink, links)
    _grant_teams(world, chosen, links)

    for (_, case, worker_id), link in zip(chosen, links, strict=True):
        if case.anchor is None and rng.random() >= ASSESSED_SHARE:
            continue
        scenario = "light_touch_due"  # the demo practitioner's carer: a review due now
        if case.anchor is None:
            scenario = rng.choices(
                [name for name, _ in CARER_SCENARIOS], [weight for _, weight in CARER_SCENARIOS]
            )[0]
        spec = Spec(
            kind=AssessmentKind.CARER,
            person_id=link["carer"]["id"],
            cared_for_id=case.person_id,
            case=case,
            worker_id=worker_id,
            manager_id=world.managers[case.team_id].pk,
            older=False,
            scenario=scenario,
            earliest=workday(link["started_on"] + timedelta(days=7)),
        )
        maker.make(spec)
    return len(carers)


def _grant_teams(world: World, chosen, links) -> None:
    """The cared-for person's team gains a relationship with the carer (source names the link),
    with the guardian rows behind it, in bulk as cases/demo/access.py writes them."""
    content_type = ContentType.objects.get_for_model(Person)
    perms = list(
        Permission.objects.filter(content_type=content_type, codename__in=(VIEW_PERSON, CHANGE_PERSON))
    )
    relationships, group_perms = [], []
    for (_, case, worker_id), link in zip(chosen, links, strict=True):
        team, carer_id = world.teams[case.team_id], link["carer"]["id"]
        relationships.append(
            {
                "person_id": carer_id,
                "team_id": team.pk,
                "kind": RelationshipKind.CARER,
                "source": f"carerlink:{link['id']}",
                "started_by_id": worker_id,
            }
        )
        group_perms += [
            {"group_id": team.group_id, "permission_id": perm.pk, "content_object_id": carer_id}
            for perm in perms
        ]
    copy_rows(Relationship, relationships)
    copy_rows(PersonGroupObjectPermission, group_perms)


def _age(person: Person) -> int:
    return DEMO_REFERENCE_DATE.year - person.date_of_birth.year  # people's ages count from this date


def _carer(rng: random.Random, cared_for: Person, older: bool) -> tuple[Person, str, bool]:
    """A fictional carer of a believable age, name and address for the relationship."""
    age = _age(cared_for)
    relationship = rng.choice(texts.RELATIONSHIPS_OLDER if older else texts.RELATIONSHIPS_YOUNGER)
    if relationship in {"Mother", "Father"}:
        carer_age = age + rng.randint(20, 36)
        if carer_age > 92:
            relationship, carer_age = "Partner", age + rng.randint(-5, 5)
    elif relationship in {"Daughter", "Son", "Niece"}:
        carer_age = max(20, age - rng.randint(24, 40))
    elif relationship in {"Partner", "Wife", "Husband", "Sister", "Brother"}:
        carer_age = age + rng.randint(-7, 7)
    else:
        carer_age = rng.randint(30, 78)
    carer_age = max(18, min(carer_age, 95))
    if relationship in texts.FEMALE_RELATIONSHIPS:
        gender = Gender.FEMALE
    elif relationship in texts.MALE_RELATIONSHIPS:
        gender = Gender.MALE
    else:
        gender = Gender.FEMALE if rng.random() < 0.62 else Gender.MALE
    given_pool, family_pool = rng.choice(
        POOLS_BY_ETHNICITY.get(cared_for.ethnicity, [("british", "british")])
    )
    female, male, families = names.POOLS[given_pool]
    if given_pool == "british" and carer_age >= 65 and rng.random() < 0.85:
        female, male = names.BRITISH_FEMALE_OLDER, names.BRITISH_MALE_OLDER
    given = rng.choice(female if gender == Gender.FEMALE else male)
    family_related = relationship not in {"Friend", "Neighbour"}
    family = (
        cared_for.family_name
        if family_related and rng.random() < 0.75
        else rng.choice(names.POOLS[family_pool][2])
    )
    lives_with = rng.random() < (0.6 if relationship in LIVES_WITH else 0.1)
    town = cared_for.town if cared_for.town in names.TOWNS else next(iter(names.TOWNS))
    if lives_with:
        line_1, line_2, postcode = cared_for.address_line_1, cared_for.address_line_2, cared_for.postcode
    else:
        district = rng.choice(names.TOWNS[town][2])
        letters = names.INWARD_LETTERS
        postcode = f"{district} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        street = f"{rng.choice(names.STREET_STEMS)} {rng.choice(names.STREET_SUFFIXES)}"
        line_1, line_2 = f"{rng.randint(1, 180)} {street}", ""
    title = {Gender.FEMALE: rng.choice(("Mrs", "Ms", "Miss")), Gender.MALE: "Mr"}[gender]
    born = cared_for.date_of_birth.replace(year=cared_for.date_of_birth.year - (carer_age - age), day=1)
    person = Person(
        title=title,
        given_name=given,
        family_name=family,
        date_of_birth=born + timedelta(days=rng.randint(0, 27)),
        gender=gender,
        ethnicity=cared_for.ethnicity,
        address_line_1=line_1,
        address_line_2=line_2,
        town=town,
        postcode=postcode,
        phone=f"07700 900{rng.randint(0, 999):03d}",
        gp_practice=rng.choice(names.GP_PRACTICES[town]),
    )
    person.search_name = person.compute_search_name()
    return person, relationship, lives_with
