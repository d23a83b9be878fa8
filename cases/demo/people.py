"""Fictional people for the person index, generated in bulk and written with bulk inserts.

`generate_people` is pure (no database): the same count and seed give the same people, so
tests can compare two runs without seeding twice. `write_people` inserts them with their
history rows (simple-history's bulk helper) and their contacts.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from cases.models import Gender, Person, PersonContact
from cases.testdata import test_nhs_numbers

from . import names
from .organisations import DEMO_REFERENCE_DATE

BATCH_SIZE = 2000
HISTORY_REASON = "Demo data"

# The first few people live in the North, are of working age and are allocated to the demo
# practitioner, so the demo always has a caseload whatever --people is.
ANCHOR_PEOPLE = 3

NO_NHS_NUMBER_SHARE = 0.03
RESTRICTED_SHARE = 0.01
OLDER_SHARE = 0.35

GENDER_WEIGHTS = (
    (Gender.FEMALE, 520),
    (Gender.MALE, 462),
    (Gender.NON_BINARY, 6),
    (Gender.OTHER, 2),
    (Gender.NOT_STATED, 6),
    (Gender.NOT_KNOWN, 4),
)
FEMALE_RELATIVES = {"mother", "daughter", "wife", "sister", "niece", "granddaughter"}
MALE_RELATIVES = {"father", "son", "husband", "brother", "nephew"}
FAMILY_RELATIVES = FEMALE_RELATIVES | MALE_RELATIVES | {"partner"}


@dataclass
class PersonPlan:
    """One generated person, where they live, and the contacts to create with them."""

    person: Person
    locality: str
    older: bool
    contacts: list[PersonContact] = field(default_factory=list)


class _Picker:
    """Weighted choices from fixed tables, with the cumulative weights worked out once."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._eth = [row for row in names.ETHNICITY_WEIGHTS]
        self._eth_cum = _cumulative([row[1] for row in self._eth])
        self._genders = [g for g, _ in GENDER_WEIGHTS]
        self._gender_cum = _cumulative([w for _, w in GENDER_WEIGHTS])
        self._towns = list(names.TOWN_WEIGHTS)
        self._town_cum = _cumulative(list(names.TOWN_WEIGHTS.values()))
        self._north_towns = [t for t in self._towns if names.TOWNS[t][1] == "North"]

    def ethnicity(self):
        return self.rng.choices(self._eth, cum_weights=self._eth_cum)[0]

    def gender(self):
        return self.rng.choices(self._genders, cum_weights=self._gender_cum)[0]

    def town(self, *, north_only=False):
        if north_only:
            return self.rng.choice(self._north_towns)
        return self.rng.choices(self._towns, cum_weights=self._town_cum)[0]


def _cumulative(weights):
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _date_of_birth(rng: random.Random, age: int) -> date:
    birthday = DEMO_REFERENCE_DATE.replace(year=DEMO_REFERENCE_DATE.year - age)
    return birthday - timedelta(days=rng.randint(0, 364))


def _given_name(rng, gender, given_pool, older):
    female, male, _ = names.POOLS[given_pool]
    if given_pool == "british" and older and rng.random() < 0.85:
        female, male = names.BRITISH_FEMALE_OLDER, names.BRITISH_MALE_OLDER
    if gender == Gender.FEMALE:
        return rng.choice(female)
    if gender == Gender.MALE:
        return rng.choice(male)
    return rng.choice(female if rng.random() < 0.5 else male)


def _title(rng, gender, older):
    if rng.random() < 0.08:
        return ""
    if rng.random() < 0.01:
        return "Dr"
    if gender == Gender.MALE:
        return "Mr"
    if gender == Gender.FEMALE:
        weights = (60, 10, 30) if older else (20, 30, 50)
        return rng.choices(("Mrs", "Miss", "Ms"), weights)[0]
    return "Mx" if gender == Gender.NON_BINARY else ""


def _postcode(rng, district: str) -> str:
    letters = names.INWARD_LETTERS
    return f"{district} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _street(rng) -> str:
    return f"{rng.choice(names.STREET_STEMS)} {rng.choice(names.STREET_SUFFIXES)}"


def _address(rng, town: str, age: int) -> tuple[str, str, str]:
    """(address line 1, address line 2, postcode)."""
    _, _, districts, neighbourhoods = names.TOWNS[town]
    postcode = _postcode(rng, rng.choice(districts))
    if age >= 80 and rng.random() < 0.12:
        return f"Room {rng.randint(1, 48)}, {rng.choice(names.CARE_HOMES)}", _street(rng), postcode
    house = rng.randint(1, 180)
    line_1 = f"{house} {_street(rng)}"
    if rng.random() < 0.18:
        line_1 = f"Flat {rng.randint(1, 24)}, {line_1}"
    line_2 = rng.choice(neighbourhoods) if neighbourhoods and rng.random() < 0.6 else ""
    return line_1, line_2, postcode


def _phone(rng, older: bool) -> str:
    """A number from Ofcom's drama ranges: mobile 07700 900xxx, landline 01632 960xxx."""
    roll = rng.random()
    if older and roll < 0.45:
        return f"01632 960{rng.randint(0, 999):03d}"
    if roll < (0.8 if older else 0.85):
        return f"07700 900{rng.randint(0, 999):03d}"
    return ""


def _email(rng, given: str, family: str) -> str:
    local = re.sub(r"[^a-z.]", "", f"{given}.{family}".lower())
    return f"{local}{rng.randint(1, 99)}@example.com"


def _contact(
    rng, person: Person, kind: str, relationship: str, given_pool: str, family_pool, address: str
) -> PersonContact:
    if relationship in FEMALE_RELATIVES:
        gender = Gender.FEMALE
    elif relationship in MALE_RELATIVES:
        gender = Gender.MALE
    else:
        gender = rng.choice((Gender.FEMALE, Gender.MALE))
    older = relationship in {"mother", "father", "wife", "husband"} and person.date_of_birth.year < 1960
    given = _given_name(rng, gender, given_pool, older)
    same_family = relationship in FAMILY_RELATIVES and rng.random() < 0.7
    family = person.family_name if same_family else rng.choice(names.POOLS[family_pool][2])
    return PersonContact(
        kind=kind,
        name=f"{given} {family}",
        relationship=relationship,
        phone=f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.9 else "",
        address=address if rng.random() < 0.4 else "",
    )


def _contacts(rng, person: Person, older: bool, given_pool: str, family_pool: str):
    address = ", ".join(
        part for part in (person.address_line_1, person.address_line_2, person.town, person.postcode) if part
    )
    contacts = []
    if rng.random() < (0.55 if older else 0.35):
        relatives = names.RELATIVES_OF_OLDER if older else names.RELATIVES_OF_YOUNGER
        contacts.append(
            _contact(
                rng,
                person,
                PersonContact.Kind.NEAREST_RELATIVE,
                rng.choice(relatives),
                given_pool,
                family_pool,
                address,
            )
        )
    if rng.random() < (0.35 if older else 0.12):
        contacts.append(
            _contact(
                rng,
                person,
                PersonContact.Kind.CARER,
                rng.choice(names.CARER_RELATIONSHIPS),
                given_pool,
                family_pool,
                address,
            )
        )
    return contacts


def generate_people(count: int, seed: int) -> list[PersonPlan]:
    """`count` fictional people, the same for the same seed. No database access."""
    rng = random.Random(f"people:{seed}")
    pick = _Picker(rng)
    nhs_numbers = list(test_nhs_numbers(count))
    rng.shuffle(nhs_numbers)
    plans = []
    for index in range(count):
        anchor = index < ANCHOR_PEOPLE
        older = not anchor and rng.random() < OLDER_SHARE
        age = int(rng.triangular(65, 101, 80)) if older else int(rng.triangular(18, 65, 38))
        code, _, given_pool, family_pool = pick.ethnicity()
        gender = pick.gender()
        given = _given_name(rng, gender, given_pool, older)
        family = rng.choice(names.POOLS[family_pool][2])
        previous = ""
        if gender == Gender.FEMALE and age > 25 and rng.random() < 0.2:
            previous = f"{given} {rng.choice(names.POOLS[family_pool][2])}"
        preferred = names.NICKNAMES.get(given, "") if rng.random() < 0.4 else ""
        town = pick.town(north_only=anchor)
        council, locality, _, _ = names.TOWNS[town]
        line_1, line_2, postcode = _address(rng, town, age)
        person = Person(
            nhs_number="" if rng.random() < NO_NHS_NUMBER_SHARE else nhs_numbers[index],
            council_person_id=f"{'NCC' if council == 'northshire' else 'ECC'}{100000 + index}",
            title=_title(rng, gender, older),
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            previous_names=previous if previous != f"{given} {family}" else "",
            date_of_birth=_date_of_birth(rng, age),
            gender=gender,
            ethnicity=code,
            address_line_1=line_1,
            address_line_2=line_2,
            town=town,
            postcode=postcode,
            phone=_phone(rng, older),
            email=_email(rng, given, family) if rng.random() < (0.05 if older else 0.3) else "",
            gp_practice=rng.choice(names.GP_PRACTICES[town]),
            # the person after the anchors is held by no team: never restricted, so
            # break-glass can be shown on them
            is_restricted=index > ANCHOR_PEOPLE and rng.random() < RESTRICTED_SHARE,
        )
        person.search_name = person.compute_search_name()
        plans.append(
            PersonPlan(
                person=person,
                locality=locality,
                older=older,
                contacts=_contacts(rng, person, older, given_pool, family_pool),
            )
        )
    return plans


def write_people(plans: list[PersonPlan]) -> tuple[int, int]:
    """Insert the people and their contacts, each with a history row. Returns the counts."""
    people = bulk_create_with_history(
        [plan.person for plan in plans],
        Person,
        batch_size=BATCH_SIZE,
        default_change_reason=HISTORY_REASON,
    )
    contacts = []
    for plan, person in zip(plans, people, strict=True):
        plan.person = person
        for contact in plan.contacts:
            contact.person = person
            contacts.append(contact)
    bulk_create_with_history(
        contacts, PersonContact, batch_size=BATCH_SIZE, default_change_reason=HISTORY_REASON
    )
    return len(people), len(contacts)
