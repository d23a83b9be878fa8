"""Reads about one adult's concerns and enquiries, and the choices their forms offer."""

from django.db.models import Q

from accounts.models import Membership, Role, ServiceLine, Team, User
from accounts.selectors import current_teams, team_members

from ..checklist import ChecklistItem, checklist_from_row, recorded_annotations
from ..models import AbuseType, AllegedPerson, Concern, Enquiry
from ..permissions import can_see_alleged_person

__all__ = [
    "abuse_type_labels",
    "alleged_person_for",
    "concern_history",
    "concern_team_choices",
    "concerns_for_person",
    "enquiry_checklist",
    "enquiry_history",
    "enquiry_of",
    "officer_choices",
    "sam_choices",
]


def concerns_for_person(person) -> list[Concern]:
    """The adult's concerns, newest first, each with its enquiry (one query)."""
    return list(
        Concern.objects.filter(person=person)
        .select_related("team", "enquiry")
        .only(
            "pk",
            "reference",
            "received_at",
            "status",
            "decision_due_at",
            "decided_at",
            "team__name",
            "enquiry__id",
            "enquiry__kind",
            "enquiry__stage",
            "enquiry__started_at",
            "enquiry__closed_at",
        )
        .order_by("-received_at", "-pk")
    )


def abuse_type_labels(concern: Concern) -> list[str]:
    labels = dict(AbuseType.choices)
    return [labels.get(value, value) for value in concern.abuse_types]


def enquiry_of(concern: Concern) -> Enquiry | None:
    return Enquiry.objects.filter(concern=concern).select_related("sam", "enquiry_officer").first()


def alleged_person_for(user, concern: Concern, enquiry: Enquiry | None, access) -> AllegedPerson | None:
    """The person alleged to cause harm, only for those who may see it; for anyone else it
    is never read from the database at all (restricted visibility)."""
    if not can_see_alleged_person(user, concern, enquiry, access):
        return None
    return AllegedPerson.objects.filter(concern_id=concern.pk).first()


def concern_history(concern: Concern):
    return concern.transitions.select_related("actor").order_by("at", "pk")


def enquiry_history(enquiry: Enquiry):
    return enquiry.transitions.select_related("actor").order_by("at", "pk")


def enquiry_checklist(enquiry: Enquiry) -> list[ChecklistItem]:
    """What is recorded and what is missing before closure, in one query."""
    row = Enquiry.objects.filter(pk=enquiry.pk).values(**recorded_annotations()).get()
    return checklist_from_row(row)


def concern_team_choices(user):
    """The safeguarding teams a concern can go to: those of the organisations the user works
    for; when none of them has one (a partner's staff), every active safeguarding team."""
    teams = Team.objects.filter(is_active=True, service_line=ServiceLine.SAFEGUARDING).select_related(
        "organisation"
    )
    own = teams.filter(organisation_id__in={t.organisation_id for t in current_teams(user)})
    chosen = own if own.exists() else teams
    return chosen.order_by("organisation__name", "name")


def sam_choices(team):
    return team_members(team, roles=[Role.SAFEGUARDING_MANAGER])


def officer_choices(team):
    """Enquiry officers of the team's organisation (mental health staff lead enquiries too),
    and the team's own SAMs."""
    memberships = (
        Membership.objects.current()
        .filter(team__is_active=True)
        .filter(
            Q(team__organisation_id=team.organisation_id, role=Role.ENQUIRY_OFFICER)
            | Q(team=team, role=Role.SAFEGUARDING_MANAGER)
        )
    )
    return User.objects.filter(memberships__in=memberships, is_active=True).distinct().order_by("full_name")
