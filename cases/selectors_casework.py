"""Reads for casework: caseloads, a person's cases, the chronology and the latest checks.

Every list is a fixed number of queries whatever its length (annotations and subqueries,
never a query per row), so caseloads and chronologies stay fast as they grow.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from accounts.models import TEAM_LEAD_ROLES, Role, ServiceLine, Team
from accounts.selectors import current_memberships, leads_team, team_members

from .models import (
    Case,
    CaseNote,
    CaseStatus,
    CaseTransition,
    InformationSharingDecision,
    Referral,
    ReferralStatus,
    ReferralTransition,
    StatusCheck,
    Urgency,
)
from .services.recording import NOTE_EDIT_WINDOW

NEW_ALLOCATION_DAYS = 7
CONTACT_DUE_DAYS = 28
CASEWORK_ROLES = (Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER, Role.AMHP)
# Teams that hold people's cases; finance, commissioning and governance never do.
CASE_HOLDING_SERVICE_LINES = (
    ServiceLine.WORKING_AGE,
    ServiceLine.OLDER_PEOPLE,
    ServiceLine.AMHP,
    ServiceLine.FORENSIC,
    ServiceLine.SAFEGUARDING,
    ServiceLine.POINT_OF_ACCESS,
)


# --- Who may manage what ----------------------------------------------------------------


def managed_teams(user) -> list[Team]:
    """Teams in which the user is a team manager or senior practitioner now."""
    seen = {}
    for membership in current_memberships(user):
        if membership.role in TEAM_LEAD_ROLES:
            seen.setdefault(membership.team_id, membership.team)
    return list(seen.values())


def manages_team(user, team_id: int) -> bool:
    return leads_team(user, team_id)


def does_casework(user) -> bool:
    return any(m.role in CASEWORK_ROLES for m in current_memberships(user))


def allocation_choices(case: Case):
    """Current members of the case's team who can hold cases, but not the current worker."""
    members = team_members(case.team, roles=CASEWORK_ROLES)
    return members.exclude(pk=case.worker_id) if case.worker_id else members


def transfer_destinations(case: Case):
    return (
        Team.objects.filter(is_active=True, service_line__in=CASE_HOLDING_SERVICE_LINES)
        .exclude(pk=case.team_id)
        .order_by("name")
    )


# --- Worker caseload --------------------------------------------------------------------


def _last_contact_subquery():
    """When the person was last in contact: a note on this case or a note on the person
    not tied to any case."""
    notes = CaseNote.objects.filter(person=OuterRef("person_id")).filter(
        Q(case=OuterRef("pk")) | Q(case__isnull=True)
    )
    return Subquery(notes.order_by("-occurred_at").values("occurred_at")[:1])


@dataclass
class CaseloadEntry:
    case: Case
    last_contact: object
    days_without_contact: int | None

    @property
    def is_new(self) -> bool:
        allocated = self.case.allocated_at
        return bool(allocated and allocated >= timezone.now() - timedelta(days=NEW_ALLOCATION_DAYS))


@dataclass
class Caseload:
    cases: list[CaseloadEntry] = field(default_factory=list)

    @property
    def new_allocations(self) -> list[CaseloadEntry]:
        return [entry for entry in self.cases if entry.is_new]

    @property
    def due(self) -> list[CaseloadEntry]:
        """Open cases with no contact recorded in the last 28 days, longest first."""
        overdue = [
            e
            for e in self.cases
            if e.days_without_contact is not None and e.days_without_contact >= CONTACT_DUE_DAYS
        ]
        return sorted(overdue, key=lambda e: -e.days_without_contact)


def worker_caseload(user) -> Caseload:
    """The user's open cases with the last contact date: one query whatever their number."""
    cases = (
        Case.objects.filter(worker=user, status=CaseStatus.OPEN)
        .select_related("person", "team")
        .annotate(last_contact=_last_contact_subquery())
        .order_by("person__family_name", "person__given_name", "pk")
    )
    now = timezone.now()
    entries = []
    for case in cases:
        # With no contact yet, the clock runs from when the worker took the case.
        since = case.last_contact or case.allocated_at or case.opened_at
        entries.append(CaseloadEntry(case, case.last_contact, (now - since).days if since else None))
    return Caseload(entries)


# --- Team caseload ----------------------------------------------------------------------


def weighted_load_expression():
    """Weighted load: each open case counts 1, or 2 when its referral was urgent or high.

    Urgent and high-urgency referrals are the people in crisis or at risk: they need more
    frequent contact, joint visits and more recording, so a worker holding ten of them
    carries more than one holding ten routine cases. Cases without a referral (opened
    some other way) count 1. A deliberately simple, explainable weighting that a team
    manager can check by hand; it is one expression so it can be refined later.
    """
    return Sum(
        SqlCase(
            When(referral__urgency__in=[Urgency.URGENT, Urgency.HIGH], then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


@dataclass
class WorkerLoad:
    worker_id: int
    name: str
    open_cases: int
    weighted_load: int
    is_member: bool = True


def team_worker_loads(team: Team) -> list[WorkerLoad]:
    """Each case-holding member's open case count and weighted load (two queries), plus
    anyone no longer in the team who still holds one of its cases."""
    loads = {
        row["worker"]: row
        for row in Case.objects.filter(team=team, status=CaseStatus.OPEN, worker__isnull=False)
        .values("worker", "worker__full_name", "worker__email")
        .annotate(open_cases=Count("pk"), weighted=weighted_load_expression())
        .order_by()
    }
    result = []
    for member in team_members(team, roles=CASEWORK_ROLES):
        row = loads.pop(member.pk, None)
        result.append(
            WorkerLoad(
                member.pk,
                member.display_name,
                row["open_cases"] if row else 0,
                row["weighted"] if row else 0,
            )
        )
    for worker_id, row in loads.items():
        name = row["worker__full_name"] or row["worker__email"]
        result.append(WorkerLoad(worker_id, name, row["open_cases"], row["weighted"], is_member=False))
    return result


def unallocated_cases(team: Team):
    """Open cases in the team with no worker (after a transfer, or reopened after the
    worker left), longest waiting first; waiting since the last change to the case."""
    return (
        Case.objects.filter(team=team, status=CaseStatus.OPEN, worker__isnull=True)
        .select_related("person", "referral")
        .annotate(waiting_since=Max("transitions__at"))
        .order_by("waiting_since", "pk")
    )


OLDEST_WAITS_SHOWN = 5


def oldest_waiting_referrals(team: Team, limit: int = OLDEST_WAITS_SHOWN):
    return list(
        Referral.objects.filter(team=team, status=ReferralStatus.AWAITING_TRIAGE)
        .select_related("person")
        .order_by("received_at", "pk")[:limit]
    )


def waiting_referral_count(team: Team) -> int:
    return Referral.objects.filter(team=team, status=ReferralStatus.AWAITING_TRIAGE).count()


# --- A person's cases and records --------------------------------------------------------


def cases_for_person(person):
    return list(
        Case.objects.filter(person=person)
        .select_related("team", "worker")
        .order_by(F("closed_at").desc(nulls_first=True), "-opened_at")
    )


def open_cases_for_person(person):
    return (
        Case.objects.filter(person=person, status=CaseStatus.OPEN)
        .select_related("team")
        .order_by("team__name")
    )


def latest_status_check(person) -> StatusCheck | None:
    return StatusCheck.objects.filter(person=person).select_related("recorded_by").first()


SHARING_DECISIONS_SHOWN = 10


def sharing_decisions_for(person, limit: int = SHARING_DECISIONS_SHOWN):
    return list(InformationSharingDecision.objects.filter(person=person).select_related("decided_by")[:limit])


# --- Chronology -------------------------------------------------------------------------

CHRONOLOGY_PANEL_SIZE = 20
_COLUMNS = ("e_type", "e_id", "e_at", "e_label", "e_text", "e_actor", "e_team", "e_actor_id", "e_written")


def _entries(queryset, *, kind: str, at: str, label: str, text: str, actor: str, team: str, written: str):
    """One source of chronology entries with the shared columns, in the same order."""
    return queryset.annotate(
        e_type=Value(kind),
        e_id=F("pk"),
        e_at=F(at),
        e_label=F(label),
        e_text=F(text),
        e_actor=F(actor),
        e_team=F(team),
        e_actor_id=F(actor.replace("__full_name", "_id")),
        e_written=F(written),
    ).values(*_COLUMNS)


def chronology_for(person):
    """Case notes and workflow events (referral and case transitions) about a person, newest
    first, as one UNION query that can be sliced and paginated."""
    notes = _entries(
        CaseNote.objects.filter(person=person),
        kind="note",
        at="occurred_at",
        label="kind",
        text="text",
        actor="author__full_name",
        team="case__team__name",
        written="created_at",
    )
    referral_events = _entries(
        ReferralTransition.objects.filter(referral__person=person),
        kind="referral",
        at="at",
        label="event",
        text="reason",
        actor="actor__full_name",
        team="referral__team__name",
        written="at",
    )
    case_events = _entries(
        CaseTransition.objects.filter(case__person=person),
        kind="case",
        at="at",
        label="event",
        text="reason",
        actor="actor__full_name",
        team="case__team__name",
        written="at",
    )
    return notes.union(referral_events, case_events, all=True).order_by("-e_at", "-e_type", "-e_id")


_NOTE_KINDS = dict(CaseNote.Kind.choices)


def describe_entries(rows, user=None) -> list[dict]:
    """Readable headings for chronology rows, and whether `user` may still correct each
    note (no queries)."""
    described = []
    now = timezone.now()
    for row in rows:
        if row["e_type"] == "note":
            heading = _NOTE_KINDS.get(row["e_label"], row["e_label"])
        elif row["e_type"] == "referral":
            heading = f"Referral {row['e_label']}"
        else:
            heading = f"Case {row['e_label']}"
        can_change = (
            user is not None
            and row["e_type"] == "note"
            and row["e_actor_id"] == user.pk
            and now - row["e_written"] <= NOTE_EDIT_WINDOW
        )
        described.append(
            {**row, "heading": heading, "is_event": row["e_type"] != "note", "can_change": can_change}
        )
    return described


def latest_chronology(person, user=None, limit: int = CHRONOLOGY_PANEL_SIZE) -> tuple[list[dict], bool]:
    """The newest entries, and whether there are more than fit."""
    rows = list(chronology_for(person)[: limit + 1])
    return describe_entries(rows[:limit], user), len(rows) > limit


def note_of(person, note_id: int) -> CaseNote:
    """One of this person's notes, or 404 (a note of someone else answers the same)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(CaseNote.objects.select_related("case__team"), pk=note_id, person=person)


def can_change_note(note: CaseNote, user) -> bool:
    """The rule of services.update_case_note, to decide whether to offer the change."""
    return note.author_id == user.pk and timezone.now() - note.created_at <= NOTE_EDIT_WINDOW


def note_versions(note: CaseNote):
    """Every saved version of a note, newest first, with who saved it."""
    return list(note.history.select_related("history_user").order_by("-history_date"))
