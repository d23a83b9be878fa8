"""The head of safeguarding's line of sight across organisations (seed 002 recommendation c).

Every open concern and enquiry of every organisation: reference, organisation, team,
status or stage, age. The adult's name is read in SQL only for rows whose adult the viewer
already has a relationship with; for every other row no person data leaves the database.
"""

from django.db.models import Case, CharField, Count, OuterRef, Q, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import Organisation, ServiceLine
from cases.permissions import relationship_exists

from ..models import Concern, ConcernStatus, Enquiry, EnquiryStage
from .queue import review_overdue_q

__all__ = [
    "oversight_concerns",
    "oversight_enquiries",
    "oversight_summary",
    "safeguarding_organisations",
]


def _name_if_related(user):
    """The adult's name where the viewer has a relationship with them, otherwise ''."""
    return Case(
        When(
            relationship_exists(user, person_ref=OuterRef("person_id")),
            then=Concat("person__given_name", Value(" "), "person__family_name"),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def safeguarding_organisations():
    """Organisations with a safeguarding team (filter choices)."""
    return (
        Organisation.objects.filter(teams__service_line=ServiceLine.SAFEGUARDING).distinct().order_by("name")
    )


def oversight_concerns(user, *, organisation_id=None, overdue: bool = False, now=None):
    now = now or timezone.now()
    concerns = (
        Concern.objects.filter(status=ConcernStatus.AWAITING_DECISION)
        .select_related("organisation", "team")
        .only(
            "pk", "reference", "received_at", "decision_due_at", "status", "organisation__name", "team__name"
        )
        .annotate(shown_name=_name_if_related(user))
    )
    if organisation_id:
        concerns = concerns.filter(organisation_id=organisation_id)
    if overdue:
        concerns = concerns.filter(decision_due_at__lt=now)
    return concerns.order_by("decision_due_at", "pk")


def oversight_enquiries(user, *, organisation_id=None, stage: str = "", overdue: bool = False, now=None):
    now = now or timezone.now()
    enquiries = (
        Enquiry.objects.exclude(stage=EnquiryStage.CLOSED)
        .select_related("team", "team__organisation", "concern")
        .only(
            "pk",
            "kind",
            "stage",
            "started_at",
            "review_on",
            "team__name",
            "team__organisation__name",
            "concern__reference",
        )
        .annotate(shown_name=_name_if_related(user))
    )
    if organisation_id:
        enquiries = enquiries.filter(team__organisation_id=organisation_id)
    if stage:
        enquiries = enquiries.filter(stage=stage)
    if overdue:
        enquiries = enquiries.filter(review_overdue_q(now))
    return enquiries.order_by("started_at", "pk")


def oversight_summary(now=None) -> list[dict]:
    """Per organisation: concerns waiting and overdue, enquiries open and overdue (two queries)."""
    now = now or timezone.now()
    concerns = {
        row["organisation_id"]: row
        for row in Concern.objects.filter(status=ConcernStatus.AWAITING_DECISION)
        .values("organisation_id")
        .annotate(waiting=Count("pk"), overdue=Count("pk", filter=Q(decision_due_at__lt=now)))
    }
    enquiries = {
        row["team__organisation_id"]: row
        for row in Enquiry.objects.exclude(stage=EnquiryStage.CLOSED)
        .values("team__organisation_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=review_overdue_q(now)))
    }
    organisations = dict(
        Organisation.objects.filter(pk__in=set(concerns) | set(enquiries)).values_list("pk", "name")
    )
    return [
        {
            "organisation": organisations[pk],
            "concerns_waiting": concerns.get(pk, {}).get("waiting", 0),
            "concerns_overdue": concerns.get(pk, {}).get("overdue", 0),
            "enquiries_open": enquiries.get(pk, {}).get("open", 0),
            "enquiries_overdue": enquiries.get(pk, {}).get("overdue", 0),
        }
        for pk in sorted(organisations, key=organisations.get)
    ]
