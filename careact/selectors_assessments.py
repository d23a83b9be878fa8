"""Reads for assessments, and the answers put into words for pages, comparisons and the PDF.

The access check is `careact.permissions.get_record_for_user`; these only read what it has
allowed. Each list is a fixed number of queries whatever its length.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import TEAM_LEAD_ROLES
from accounts.selectors import current_memberships, current_teams
from cases.models import Case, CaseStatus

from .eligibility import allowed_senses, outcome_choices
from .models import (
    AdvocacyNeed,
    Assessment,
    AssessmentCopy,
    AssessmentKind,
    AssessmentStatus,
    UnableSense,
    WellbeingArea,
    WellbeingImpact,
)

# What the detail, edit and decision pages show about an assessment, in one query.
RELATED = ("case", "team", "assessor", "authorised_by", "cared_for", "previous")
PERSON_PANEL_LIMIT = 20
AWAITING_SHOWN = 5
STUCK_AFTER = timedelta(minutes=10)

_IMPACTS = dict(WellbeingImpact.choices)
_SENSES = dict(UnableSense.choices)
_ADVOCACY = dict(AdvocacyNeed.choices)
NOT_ANSWERED = "Not answered"


# --- Who may do what --------------------------------------------------------------------


def led_team_ids(user) -> set[int]:
    return {m.team_id for m in current_memberships(user) if m.role in TEAM_LEAD_ROLES}


def is_team_member(user, team_id: int) -> bool:
    return any(m.team_id == team_id for m in current_memberships(user))


# --- One assessment ---------------------------------------------------------------------


def assessment_for_copy(pk: int) -> Assessment:
    """The few columns a copy download needs; 404 when missing (the access check follows)."""
    return get_object_or_404(Assessment.objects.only("pk", "person_id", "version_number", "kind"), pk=pk)


def open_assessment(person, kind: str) -> Assessment | None:
    """The person's draft or waiting assessment of this kind, if one is in progress."""
    return (
        Assessment.objects.filter(
            person=person,
            kind=kind,
            status__in=(AssessmentStatus.DRAFT, AssessmentStatus.AWAITING_AUTHORISATION),
        )
        .only("pk", "status", "version_number")
        .first()
    )


def transitions_for(assessment: Assessment) -> list:
    return list(assessment.transitions.select_related("actor"))


def copies_for(assessment: Assessment) -> list[AssessmentCopy]:
    """The copies made for the person, newest first, without their PDFs."""
    return list(assessment.copies.defer("pdf").select_related("requested_by"))


def ready_copy(assessment: Assessment, copy_pk: int) -> AssessmentCopy:
    """One ready copy of this assessment, or 404."""
    return get_object_or_404(
        AssessmentCopy, pk=copy_pk, assessment=assessment, status=AssessmentCopy.Status.READY
    )


def next_version(assessment: Assessment) -> Assessment | None:
    return Assessment.objects.filter(previous=assessment).only("pk", "version_number", "status").first()


def last_return(transitions) -> object | None:
    """The manager's latest 'returned' step, if the draft came back (no query)."""
    returned = [t for t in transitions if t.event == "returned"]
    return returned[-1] if returned else None


def stuck_copy_ids() -> list[int]:
    cutoff = timezone.now() - STUCK_AFTER
    return list(
        AssessmentCopy.objects.filter(status=AssessmentCopy.Status.QUEUED, requested_at__lt=cutoff)
        .order_by("requested_at")
        .values_list("pk", flat=True)[:500]
    )


# --- A person's assessments (person page panel) -----------------------------------------


def assessments_for_person(person, limit: int = PERSON_PANEL_LIMIT) -> list[Assessment]:
    """The person's own needs and carer's assessments, newest first (one query)."""
    return list(
        Assessment.objects.filter(person=person)
        .select_related("team", "assessor")
        .order_by("-started_on", "-pk")[:limit]
    )


def startable_cases(person, user) -> list[Case]:
    """Open, allocated cases of the person in the user's own teams: where a needs assessment
    can be started by this user."""
    team_ids = [team.pk for team in current_teams(user)]
    if not team_ids:
        return []
    return list(
        Case.objects.filter(person=person, status=CaseStatus.OPEN, worker__isnull=False, team_id__in=team_ids)
        .select_related("team")
        .order_by("team__name")
    )


# --- Manager's home panel ---------------------------------------------------------------


@dataclass
class AwaitingAuthorisation:
    count: int
    oldest: list[Assessment] = field(default_factory=list)


def awaiting_authorisation(user, limit: int = AWAITING_SHOWN) -> AwaitingAuthorisation:
    """Assessments in the teams the user leads that wait for a manager, oldest first; the
    user's own are left out (another manager must authorise them). Two queries."""
    waiting = Assessment.objects.filter(
        team_id__in=led_team_ids(user), status=AssessmentStatus.AWAITING_AUTHORISATION
    ).exclude(assessor=user)
    oldest = list(waiting.select_related("person", "team").order_by("submitted_at", "pk")[:limit])
    return AwaitingAuthorisation(count=waiting.count(), oldest=oldest)


# --- Answers in words -------------------------------------------------------------------


def yes_no(value: bool | None, yes: str = "Yes", no: str = "No") -> str:
    return NOT_ANSWERED if value is None else (yes if value else no)


@dataclass(frozen=True)
class WellbeingRow:
    key: str
    label: str
    impact: str
    impact_label: str
    notes: str


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    label: str
    unable: bool | None
    answer: str
    senses: list[str]
    notes: str


def wellbeing_rows(assessment: Assessment) -> list[WellbeingRow]:
    answers = assessment.wellbeing or {}
    rows = []
    for area in WellbeingArea:
        answer = answers.get(area.value) or {}
        impact = answer.get("impact") or ""
        rows.append(
            WellbeingRow(
                area.value, area.label, impact, _IMPACTS.get(impact, NOT_ANSWERED), answer.get("notes", "")
            )
        )
    return rows


def outcome_rows(assessment: Assessment) -> list[OutcomeRow]:
    answers = assessment.outcomes or {}
    rows = []
    for outcome in outcome_choices(assessment.kind):
        answer = answers.get(outcome.value) or {}
        unable = answer.get("unable")
        words = yes_no(None if unable is None else not unable, "Able to achieve", "Unable to achieve")
        senses = [_SENSES[s] for s in answer.get("senses") or [] if s in _SENSES]
        rows.append(OutcomeRow(outcome.value, outcome.label, unable, words, senses, answer.get("notes", "")))
    return rows


def sense_choices(kind: str) -> list[tuple[str, str]]:
    return [(s, _SENSES[s]) for s in allowed_senses(kind)]


def who_words(assessment) -> str:
    return "the carer" if assessment.kind == AssessmentKind.CARER else "the person"


def impairment_question(kind: str) -> str:
    if kind == AssessmentKind.CARER:
        return "Do the carer's needs arise from providing necessary care?"
    return "Do the needs arise from a physical or mental impairment or illness?"


class AnswerLine(NamedTuple):
    section: str
    question: str
    answer: str


def answer_lines(assessment: Assessment) -> list[AnswerLine]:
    """Every answer as (section, question, answer in words), in page order: for comparing
    two versions line by line."""
    carer = assessment.kind == AssessmentKind.CARER
    who = who_words(assessment)
    lines = [
        ("About the person", f"What {who} wants to achieve", assessment.persons_outcomes),
        ("About the person", "Strengths and support already available", assessment.strengths),
        ("Needs", impairment_question(assessment.kind), yes_no(assessment.needs_from_impairment)),
    ]
    if not carer:
        lines.append(("Needs", "The impairment or illness", assessment.impairment))
    else:
        lines.append(("Needs", "The care the carer provides", assessment.impairment))
        lines.append(
            (
                "Needs",
                "Is the carer's physical or mental health deteriorating or at risk?",
                yes_no(assessment.carer_health_at_risk),
            )
        )
    for row in wellbeing_rows(assessment):
        lines.append(("Wellbeing", row.label, _with_notes(row.impact_label, row.notes)))
    for row in outcome_rows(assessment):
        answer = row.answer + (f" ({'; '.join(row.senses)})" if row.senses else "")
        lines.append(("Outcomes", row.label, _with_notes(answer, row.notes)))
    lines += [
        ("Impact on wellbeing", "Significant impact on wellbeing", yes_no(assessment.significant_impact)),
        ("Determination", "Eligibility", yes_no(assessment.eligible, "Eligible", "Not eligible")),
        ("Determination", "Reasons", assessment.determination_reasons),
        ("Advocacy", "Advocacy need (Care Act s67)", _ADVOCACY.get(assessment.advocacy_need, NOT_ANSWERED)),
        ("Advocacy", "Who supports them, or the advocate arranged", assessment.advocacy_details),
    ]
    return [AnswerLine(section, question, answer or NOT_ANSWERED) for section, question, answer in lines]


def _with_notes(answer: str, notes: str) -> str:
    return f"{answer}. {notes}" if notes else answer


@dataclass(frozen=True)
class ComparedLine:
    section: str
    question: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def compare(assessment: Assessment, previous: Assessment) -> list[ComparedLine]:
    """This version beside the one it reassessed, line by line (no queries)."""
    before = {(s, q): a for s, q, a in answer_lines(previous)}
    return [
        ComparedLine(section, question, before.get((section, question), NOT_ANSWERED), after)
        for section, question, after in answer_lines(assessment)
    ]
