"""Reads for carers: who cares for a person, whom a person cares for, and finding a carer in
the person index (stubs only, as the index shows them; DESIGN.md section 2)."""

from django.db.models import OuterRef
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from accounts.selectors import current_teams
from cases import selectors as people
from cases.models import Case, CaseStatus
from cases.permissions import VIEW_PERSON, get_person_for_user, relationship_exists

from .models import CarerLink

CANDIDATE_LIMIT = 20


def open_cases_in_my_teams(user, person) -> list[Case]:
    """The person's open cases held by the user's teams: the teams that may link carers."""
    team_ids = [t.pk for t in current_teams(user)]
    return list(
        Case.objects.filter(person=person, status=CaseStatus.OPEN, team_id__in=team_ids)
        .select_related("team__organisation")
        .order_by("team__name", "pk")
    )


def open_cases_in_my_teams_for_page(request, person) -> list[Case]:
    """The same, read once per request: several person-page panels ask."""
    cache = request.__dict__.setdefault("_careact_open_cases", {})
    if person.pk not in cache:
        cache[person.pk] = open_cases_in_my_teams(request.user, person)
    return cache[person.pk]


def carers_of(user, person) -> list[CarerLink]:
    """Current carers of a person, each marked with whether the user may open the carer's
    own record (`carer_open`). One query."""
    return list(
        CarerLink.objects.filter(cared_for=person, ended_on__isnull=True)
        .select_related("carer")
        .annotate(carer_open=relationship_exists(user, person_ref=OuterRef("carer_id")))
        .order_by("carer__family_name", "carer__given_name", "pk")
    )


def cared_for_by(user, person) -> tuple[list[CarerLink], int]:
    """Whom a person currently cares for: the links to people the user may open, and how
    many others there are. Names of people the user has no relationship with stay hidden."""
    links = list(
        CarerLink.objects.filter(carer=person, ended_on__isnull=True)
        .select_related("cared_for")
        .annotate(cared_for_open=relationship_exists(user, person_ref=OuterRef("cared_for_id")))
        .order_by("cared_for__family_name", "cared_for__given_name", "pk")
    )
    shown = [link for link in links if link.cared_for_open]
    return shown, len(links) - len(shown)


def carer_candidates(user, criteria: dict, *, exclude) -> list:
    """Search stubs (person, holding teams) for choosing a carer; never the cared-for person
    and never a restricted record the user has no relationship with (search_people)."""
    found = people.search_people(user, **criteria).exclude(pk=exclude.pk)[:CANDIDATE_LIMIT]
    return [(person, people.holding_teams(person)) for person in found]


def likely_duplicate_carers(user, data: dict, *, exclude) -> list:
    duplicates = people.likely_duplicates(
        user=user,
        nhs_number=data.get("nhs_number", ""),
        given_name=data.get("given_name", ""),
        family_name=data.get("family_name", ""),
        date_of_birth=data.get("date_of_birth"),
        exclude_pk=exclude.pk,
    )
    return [(person, people.holding_teams(person)) for person in duplicates]


def carer_link_for_user(user, pk, *, perm: str = VIEW_PERSON, what: str):
    """A carer link and the access to its cared-for person (whose record it is part of):
    404 for a missing link and for one the user may not see. Returns (link, access)."""
    link = CarerLink.objects.select_related("carer").filter(pk=pk).first()
    if link is None:
        raise Http404("Not found")
    access = get_person_for_user(user, link.cared_for_id, perm=perm, what=what)
    link.cared_for = access.person
    return link, access


def carer_assessment_url(case_pk: int, carer_pk: int) -> str | None:
    """Where a carer's assessment starts (built in the assessments area); None until that
    page exists, so the carers panel never breaks the person page."""
    try:
        return reverse("careact:carer_assessment_start", kwargs={"case_pk": case_pk, "carer_pk": carer_pk})
    except NoReverseMatch:
        return None
