"""Writing the safeguarding demo data (safeguarding.demo) in bulk: the rows the services
write one at a time (safeguarding.services), with a history row per record dated when it
last changed, and the relationships and permission rows the services grant and end.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from simple_history.utils import bulk_create_with_history

from accounts.models import Team, User
from cases.models import (
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RelationshipKind,
)
from cases.permissions import CHANGE_PERSON, VIEW_PERSON

from .models import (
    AllegedPerson,
    Concern,
    ConcernStatus,
    ConcernTransition,
    Enquiry,
    EnquiryStage,
    EnquiryTransition,
)
from .services.concerns import concern_source, enquiry_source

BATCH_SIZE = 2000
HISTORY_REASON = "Demo data"
PLACEHOLDER_SOURCE = "demo:safeguarding:"  # cases.demo.access's stand-ins for real enquiries


@dataclass
class TeamStaff:
    team: Team
    council: str  # the partnership's key for the organisation ("northshire")
    sams: list[User]
    officers: list[User]  # the council's enquiry officers (the team's SAMs if it has none)
    days: int


@dataclass
class Draft:
    """One concern as it happened: the rows to write, and when the officer was named."""

    concern: Concern
    staff: TeamStaff
    alleged: AllegedPerson | None = None
    concern_events: list[tuple] = field(default_factory=list)
    enquiry: Enquiry | None = None
    enquiry_events: list[tuple] = field(default_factory=list)
    officer_from: datetime.datetime | None = None


def write_drafts(drafts: list[Draft]) -> dict[str, int]:
    """Insert everything in bulk, parents first; history rows dated when each record last
    changed, by whoever changed it."""
    concerns = [d.concern for d in drafts]
    for concern in concerns:
        concern._history_date = concern.decided_at or concern.created_at
        concern._history_user = concern.decided_by or concern.created_by
    bulk_create_with_history(concerns, Concern, batch_size=BATCH_SIZE, default_change_reason=HISTORY_REASON)
    alleged = []
    for draft in drafts:
        if draft.alleged is not None:
            draft.alleged.concern = draft.concern
            alleged.append(draft.alleged)
    AllegedPerson.objects.bulk_create(alleged, batch_size=BATCH_SIZE)
    keys = ("event", "from_status", "to_status", "actor", "at", "reason", "details")
    ConcernTransition.objects.bulk_create(
        [
            ConcernTransition(concern=d.concern, **dict(zip(keys, e, strict=True)))
            for d in drafts
            for e in d.concern_events
        ],
        batch_size=BATCH_SIZE,
    )
    with_enquiry = [d for d in drafts if d.enquiry is not None]
    enquiries = [d.enquiry for d in with_enquiry]
    for draft in with_enquiry:
        last = draft.enquiry_events[-1]
        draft.enquiry._history_date, draft.enquiry._history_user = last[4], last[3]
        draft.enquiry.concern = draft.concern  # its id is known now
    bulk_create_with_history(enquiries, Enquiry, batch_size=BATCH_SIZE, default_change_reason=HISTORY_REASON)
    _set_times(Enquiry, "updated_at", [(e.pk, e._history_date) for e in enquiries])
    keys = ("event", "from_stage", "to_stage", "actor", "at", "reason", "details")
    transitions = [
        EnquiryTransition(enquiry=d.enquiry, **dict(zip(keys, e, strict=True)))
        for d in with_enquiry
        for e in d.enquiry_events
    ]
    EnquiryTransition.objects.bulk_create(transitions, batch_size=BATCH_SIZE)
    relationships, permissions = _write_access(drafts)
    return {
        "concerns": len(concerns),
        "waiting for a decision": sum(c.status == ConcernStatus.AWAITING_DECISION for c in concerns),
        "people alleged to cause harm": len(alleged),
        "enquiries": len(enquiries),
        "enquiries closed": sum(e.stage == EnquiryStage.CLOSED for e in enquiries),
        "concern transitions": sum(len(d.concern_events) for d in drafts),
        "enquiry transitions": len(transitions),
        "relationships": relationships,
        "permission rows": permissions,
    }


def _set_times(model, field: str, values: list[tuple[int, datetime.datetime]]) -> None:
    """Put back when things happened where auto_now(_add) stamped the time of the run: one
    UPDATE from arrays (bulk_update's CASE per row is far slower at demo sizes)."""
    if not values:
        return
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" AS t SET "{column}" = v.at '  # noqa: S608 - names from the model, not input
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE t.id = v.id",
            [[pk for pk, _ in values], [at for _, at in values]],
        )


def _holders(draft: Draft) -> list[tuple]:
    """(holder, source, started, by, ended, by) as the services grant and end them: the team
    from the concern until no further action or closure (raise_concern); the SAM and the
    officer from the enquiry's start, or the officer from being named, until closure."""
    concern, enquiry = draft.concern, draft.enquiry
    end = (None, None)
    if concern.status == ConcernStatus.NO_FURTHER_ACTION:
        end = (concern.decided_at, concern.decided_by)
    elif enquiry is not None and enquiry.closed_at is not None:
        end = (enquiry.closed_at, enquiry.closed_by)
    rows = [({"team": concern.team}, concern_source(concern), concern.created_at, concern.created_by, *end)]
    if enquiry is not None:
        end, source = (enquiry.closed_at, enquiry.closed_by), enquiry_source(enquiry)
        rows.append(({"user": enquiry.sam}, source, enquiry.started_at, concern.decided_by, *end))
        if enquiry.enquiry_officer is not None:
            by = concern.decided_by if draft.officer_from == enquiry.started_at else enquiry.sam
            rows.append(({"user": enquiry.enquiry_officer}, source, draft.officer_from, by, *end))
    return rows


def _write_access(drafts: list[Draft]) -> tuple[int, int]:
    """Relationships, and the permission rows of the open ones; a permission the holder has
    already (another concern, the core seed's stand-ins) is not written twice."""
    perms = list(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), codename__in=(VIEW_PERSON, CHANGE_PERSON)
        )
    )
    people = {d.concern.person_id for d in drafts}
    held = {
        ("team", group, person)
        for group, person in PersonGroupObjectPermission.objects.filter(content_object_id__in=people)
        .values_list("group_id", "content_object_id")
        .iterator()
    } | {
        ("user", user, person)
        for user, person in PersonUserObjectPermission.objects.filter(content_object_id__in=people)
        .values_list("user_id", "content_object_id")
        .iterator()
    }
    rows, group_perms, user_perms = [], [], []
    for draft in drafts:
        person = draft.concern.person_id
        for holder, source, started, started_by, ended, ended_by in _holders(draft):
            row = Relationship(
                person_id=person,
                kind=RelationshipKind.SAFEGUARDING,
                source=source,
                started_by=started_by,
                ended_at=ended,
                ended_by=ended_by,
                **holder,
            )
            row.when = started
            rows.append(row)
            ((kind, who),) = holder.items()
            key = (kind, who.group_id if kind == "team" else who.pk, person)
            if ended is None and key not in held:
                held.add(key)
                if kind == "team":
                    group_perms += [
                        PersonGroupObjectPermission(group_id=key[1], permission=p, content_object_id=person)
                        for p in perms
                    ]
                else:
                    user_perms += [
                        PersonUserObjectPermission(user_id=key[1], permission=p, content_object_id=person)
                        for p in perms
                    ]
    Relationship.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    _set_times(Relationship, "started_at", [(row.pk, row.when) for row in rows])
    PersonGroupObjectPermission.objects.bulk_create(group_perms, batch_size=BATCH_SIZE)
    PersonUserObjectPermission.objects.bulk_create(user_perms, batch_size=BATCH_SIZE)
    return len(rows), len(group_perms) + len(user_perms)


def retire_placeholders(now: datetime.datetime) -> int:
    """End the stand-in relationships cases.demo.access gives the demo SAM and officer; their
    real enquiries (scripted above, on the same people where they live in the team's area)
    hold the people now. A permission goes only when no other relationship still needs it,
    as cases.services.end_relationship does."""
    stand_ins = list(
        Relationship.objects.active()
        .filter(source__startswith=PLACEHOLDER_SOURCE, user__isnull=False)
        .values_list("pk", "user_id", "person_id")
    )
    if not stand_ins:
        return 0
    Relationship.objects.filter(pk__in=[pk for pk, _, _ in stand_ins]).update(ended_at=now)
    still = set(
        Relationship.objects.active()
        .filter(user_id__in={u for _, u, _ in stand_ins}, person_id__in={p for _, _, p in stand_ins})
        .values_list("user_id", "person_id")
    )
    for _, user_id, person_id in stand_ins:
        if (user_id, person_id) not in still:
            PersonUserObjectPermission.objects.filter(user_id=user_id, content_object_id=person_id).delete()
    return len(stand_ins)
