"""Reads of people, scoped to the user asking (DESIGN.md section 2).

Search returns stubs (name, date of birth, NHS number, which team holds the person) so staff
can avoid duplicates without opening records; restricted people never appear to anyone
without an explicit relationship.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import BooleanField, ExpressionWrapper, F, Max, Prefetch, Q, Value
from django.db.models.functions import Concat, Lower

from .models import AccessLog, BreakGlassAccess, Person, PersonContact, Relationship
from .permissions import relationship_exists, visible_to
from .validators import normalise_nhs_number, normalise_postcode


def people_for_user(user):
    """People the user has a relationship with (relationship basis only)."""
    return Person.objects.filter(relationship_exists(user))


def _holding_teams_prefetch():
    return Prefetch(
        "relationships",
        queryset=Relationship.objects.active().filter(team__isnull=False).select_related("team"),
        to_attr="active_team_relationships",
    )


def search_people(user, *, nhs_number="", name="", date_of_birth=None, postcode=""):
    """Stub search over the person index.

    An NHS number is an exact match and wins over the other fields; otherwise name (with
    typos, trigram), date of birth and postcode narrow the result together.
    """
    people = Person.objects.annotate(has_relationship=relationship_exists(user))
    people = people.filter(Q(is_restricted=False) | Q(has_relationship=True))
    nhs_number = normalise_nhs_number(nhs_number)
    if nhs_number:
        people = people.filter(nhs_number=nhs_number)
    else:
        if name:
            query = " ".join(name.lower().split())
            current_names = Concat("given_name", Value(" "), "family_name", Value(" "), "preferred_name")
            people = (
                people.filter(search_name__trigram_word_similar=query)
                .alias(current_name_similarity=TrigramWordSimilarity(query, Lower(current_names)))
                .annotate(
                    similarity=TrigramWordSimilarity(query, "search_name"),
                    # A previous name matched better than the current one: the stub says so
                    # without showing the previous name.
                    matched_previous_name=ExpressionWrapper(
                        Q(previous_names__gt="") & Q(current_name_similarity__lt=F("similarity")),
                        output_field=BooleanField(),
                    ),
                )
            )
        if date_of_birth:
            people = people.filter(date_of_birth=date_of_birth)
        if postcode:
            people = people.filter(postcode__iexact=normalise_postcode(postcode))
    ordering = ["-similarity"] if name and not nhs_number else []
    return (
        people.only(
            "pk",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "nhs_number",
            "postcode",
            "is_restricted",
        )
        .prefetch_related(_holding_teams_prefetch())
        .order_by(*ordering, "family_name", "given_name", "pk")
    )


def likely_duplicates(
    *, nhs_number="", given_name="", family_name="", date_of_birth=None, exclude_pk=None, user, limit=10
) -> list[Person]:
    """Possible duplicates before a new person is created: same NHS number, or a similar
    name with the same date of birth. Two searches, merged without repeats."""
    found: dict[int, Person] = {}
    nhs_number = normalise_nhs_number(nhs_number)
    if nhs_number:
        found.update((p.pk, p) for p in search_people(user, nhs_number=nhs_number)[:limit])
    if date_of_birth and (given_name or family_name):
        name = f"{given_name} {family_name}"
        for person in search_people(user, name=name, date_of_birth=date_of_birth)[:limit]:
            found.setdefault(person.pk, person)
    found.pop(exclude_pk, None)
    return list(found.values())[:limit]


def identifier_clash(user, *, field: str, value: str, exclude_pk=None) -> str | None:
    """Whether another person already has this NHS number or council ID.

    "visible" when the user could find that person by searching, "hidden" when the clash is
    with a restricted record they may not know exists, None when there is no clash.
    """
    others = Person.objects.filter(**{field: value}).exclude(pk=exclude_pk)
    if not value or not others.exists():
        return None
    searchable = others.filter(Q(is_restricted=False) | relationship_exists(user))
    return "visible" if searchable.exists() else "hidden"


def holding_teams(person: Person) -> list:
    return sorted({r.team for r in getattr(person, "active_team_relationships", [])}, key=lambda t: t.name)


def contacts_for(person: Person):
    return PersonContact.objects.filter(person=person).order_by("kind", "name")


def contact_of(person: Person, contact_id: int) -> PersonContact:
    """One contact of a person the caller already may see; 404 for anyone else's contact."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(PersonContact, person=person, pk=contact_id)


def active_relationships_for(person: Person):
    return (
        Relationship.objects.active()
        .filter(person=person)
        .select_related("team", "user")
        .order_by("started_at")
    )


def recently_opened(user, limit=10):
    """The people this user opened most recently and may still open, from their own log.

    Someone whose relationship has ended, or whose record was restricted since, drops off.
    """
    recent = (
        AccessLog.objects.filter(user=user)
        .values("person_id")
        .annotate(last_at=Max("at"))
        .order_by("-last_at")[:limit]
    )
    rows = list(recent)
    people = Person.objects.filter(visible_to(user)).in_bulk([r["person_id"] for r in rows])
    return [(people[r["person_id"]], r["last_at"]) for r in rows if r["person_id"] in people]


def break_glass_accesses(*, reviewed: bool | None = None):
    accesses = BreakGlassAccess.objects.select_related("user", "person", "organisation", "reviewed_by")
    if reviewed is True:
        accesses = accesses.filter(reviewed_at__isnull=False)
    elif reviewed is False:
        accesses = accesses.filter(reviewed_at__isnull=True)
    return accesses.order_by("-started_at")


def person_change_history(person: Person, limit: int = 50) -> list[dict]:
    """Who changed the person's details, when, why and what, newest first (simple-history)."""
    records = list(person.history.select_related("history_user").order_by("-history_id")[: limit + 1])
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(changes) == limit:
            break
        fields = []
        if older is not None:
            delta = newer.diff_against(older)
            fields = [
                (Person._meta.get_field(c.field).verbose_name.capitalize(), c.old, c.new)
                for c in delta.changes
                if c.field not in {"version"}
            ]
        changes.append(
            {
                "at": newer.history_date,
                "by": newer.history_user,
                "reason": newer.history_change_reason or newer.get_history_type_display(),
                "fields": fields,
            }
        )
    return changes


def unreviewed_break_glass_count() -> int:
    return BreakGlassAccess.objects.filter(reviewed_at__isnull=True).count()
