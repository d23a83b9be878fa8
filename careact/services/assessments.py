"""Needs assessments (Care Act s9), carer's assessments (s10), the eligibility determination
and the copy given to the person (s12(3)-(4): a written record of the assessment, and of the
determination with its reasons, s13(2)).

One service per transition (ADR 3): each locks its row, checks the transition against
`ASSESSMENT_TRANSITIONS`, treats a repeat as a no-op, writes the status and an
AssessmentTransition, and sets simple-history's user and change reason. The steps' required
answers are checked here, so no screen can skip them. Drafts are saved with optimistic
locking (DESIGN.md section 12).
"""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.selectors import is_current_member, leads_team
from cases.models import Case, CaseStatus, Person
from cases.services import DomainError, StaleEdit
from cases.services.people import FieldChange

from ..due_work import settle_reminders
from ..eligibility import allowed_senses, outcome_choices, suggest_eligibility
from ..models import (
    AdvocacyNeed,
    Assessment,
    AssessmentCopy,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    CarerLink,
    UnableSense,
    WellbeingArea,
    WellbeingImpact,
)

__all__ = [
    "ANSWER_FIELDS",
    "ASSESSMENT_TRANSITIONS",
    "AssessmentProblems",
    "authorise_assessment",
    "reassess",
    "render_copy",
    "request_copy",
    "return_assessment",
    "start_assessment",
    "submission_problems",
    "submit_assessment",
    "update_assessment",
]

logger = logging.getLogger(__name__)

S = AssessmentStatus
ASSESSMENT_TRANSITIONS = {
    S.DRAFT: {S.AWAITING_AUTHORISATION},
    S.AWAITING_AUTHORISATION: {S.AUTHORISED, S.DRAFT},
    S.AUTHORISED: {S.SUPERSEDED},
}
OPEN_STATUSES = (S.DRAFT, S.AWAITING_AUTHORISATION)

# What the worker records; copied into a reassessment except the determination.
ANSWER_FIELDS = (
    "persons_outcomes",
    "strengths",
    "needs_from_impairment",
    "impairment",
    "carer_health_at_risk",
    "wellbeing",
    "outcomes",
    "significant_impact",
    "eligible",
    "determination_reasons",
    "advocacy_need",
    "advocacy_details",
)
DETERMINATION_FIELDS = ("eligible", "determination_reasons")
TEXT_FIELDS = ("persons_outcomes", "strengths", "impairment", "determination_reasons", "advocacy_details")
BOOLEAN_FIELDS = ("needs_from_impairment", "carer_health_at_risk", "significant_impact", "eligible")
# A determination that departs from the suggestion must say why (statutory guidance 6.102).
MIN_DEPARTURE_REASONS = 20

FIELD_LABELS = {
    "persons_outcomes": "What the person wants to achieve",
    "strengths": "Strengths and support already available",
    "needs_from_impairment": "Whether the needs arise from an impairment or illness",
    "impairment": "The impairment or illness",
    "carer_health_at_risk": "Whether the carer's health is at risk",
    "wellbeing": "Wellbeing",
    "outcomes": "Outcomes",
    "significant_impact": "Significant impact on wellbeing",
    "eligible": "Eligibility determination",
    "determination_reasons": "Reasons for the determination",
    "advocacy_need": "Advocacy need",
    "advocacy_details": "Advocacy details",
}


class AssessmentProblems(DomainError):
    """Several things refused at once, so the error summary can list each one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(" ".join(p if p.endswith(".") else f"{p}." for p in self.problems))


def _log(assessment, *, event: str, from_status: str, by, reason: str = "", details=None):
    AssessmentTransition.objects.create(
        assessment=assessment,
        event=event,
        from_status=from_status,
        to_status=assessment.status,
        actor=by,
        reason=reason,
        details=details or {},
    )


def _save(assessment, *, by, reason: str, update_fields=None) -> None:
    assessment._history_user = by
    assessment._change_reason = reason
    if update_fields is not None:
        update_fields = [*update_fields, "updated_at"]
    assessment.save(update_fields=update_fields)


def _require_member(by, team) -> None:
    if not is_current_member(by, team):
        raise DomainError(f"Only members of {team} can work on this assessment")


def _who(assessment) -> str:
    return "the carer" if assessment.kind == AssessmentKind.CARER else "the person"


# --- Starting ---------------------------------------------------------------------------


def _refuse_second_open(subject: Person, kind: str) -> None:
    if Assessment.objects.filter(person=subject, kind=kind, status__in=OPEN_STATUSES).exists():
        what = "carer's assessment" if kind == AssessmentKind.CARER else "needs assessment"
        raise DomainError(f"There is already a {what} in progress for this person: continue that one instead")


@transaction.atomic
def start_assessment(*, case, by, kind: str = AssessmentKind.NEEDS, carer=None) -> Assessment:
    """Start a draft on an open, allocated case (s9: a needs assessment for an allocated
    person; s10: a carer's assessment of a current carer of the case's person)."""
    if kind not in AssessmentKind.values:
        raise DomainError("Select the kind of assessment")
    case = Case.objects.select_for_update().select_related("team", "person").get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise DomainError("This case is closed: reopen it before starting an assessment")
    if case.worker_id is None:
        raise DomainError("This case has no allocated worker: allocate it before starting an assessment")
    _require_member(by, case.team)
    if kind == AssessmentKind.CARER:
        if carer is None:
            raise DomainError("Select the carer to assess")
        is_carer = CarerLink.objects.filter(carer=carer, cared_for=case.person_id, ended_on__isnull=True)
        if not is_carer.exists():
            raise DomainError("This person is not recorded as a current carer of the person on this case")
        subject, cared_for = carer, case.person
    else:
        if carer is not None:
            raise DomainError("A needs assessment is of the person on the case, not a carer")
        subject, cared_for = case.person, None
    # Lock the person assessed, so two starts at once cannot both pass the check below.
    Person.objects.select_for_update().filter(pk=subject.pk).first()
    _refuse_second_open(subject, kind)
    assessment = Assessment(
        kind=kind,
        person=subject,
        cared_for=cared_for,
        case=case,
        team=case.team,
        assessor=by,
        started_on=timezone.localdate(),
    )
    _save(assessment, by=by, reason="Started")
    _log(assessment, event="started", from_status="", by=by)
    return assessment


# --- Drafting ---------------------------------------------------------------------------


def _clean_wellbeing(value, problems: list[str]) -> dict:
    if not isinstance(value, dict):
        problems.append("The wellbeing answers are not in the expected form")
        return {}
    labels = dict(WellbeingArea.choices)
    cleaned = {}
    for key, answer in value.items():
        if key not in labels:
            problems.append(f"'{key}' is not one of the nine areas of wellbeing")
            continue
        if not isinstance(answer, dict) or set(answer) - {"impact", "notes"}:
            problems.append(f"The answer for {_lower(labels[key])} is not in the expected form")
            continue
        impact, notes = answer.get("impact") or "", answer.get("notes") or ""
        if impact not in ("", *WellbeingImpact.values):
            problems.append(f"Select no, some or significant impact on {_lower(labels[key])}")
            continue
        if not isinstance(notes, str):
            problems.append(f"The notes on {_lower(labels[key])} must be text")
            continue
        if impact or notes.strip():
            cleaned[key] = {"impact": impact, "notes": notes.strip()}
    return cleaned


def _clean_outcomes(value, kind: str, problems: list[str]) -> dict:
    if not isinstance(value, dict):
        problems.append("The outcome answers are not in the expected form")
        return {}
    labels = dict(outcome_choices(kind).choices)
    allowed = allowed_senses(kind)
    cleaned = {}
    for key, answer in value.items():
        if key not in labels:
            who = "a carer" if kind == AssessmentKind.CARER else "an adult"
            problems.append(f"'{key}' is not one of the eligibility outcomes for {who}")
            continue
        label = labels[key]
        if not isinstance(answer, dict) or set(answer) - {"unable", "senses", "notes"}:
            problems.append(f"The answer for {_lower(label)} is not in the expected form")
            continue
        unable, senses, notes = answer.get("unable"), answer.get("senses") or [], answer.get("notes") or ""
        if unable not in (None, True, False) or not isinstance(senses, list) or not isinstance(notes, str):
            problems.append(f"The answer for {_lower(label)} is not in the expected form")
            continue
        if senses and unable is not True:
            problems.append(
                f"{label}: only select how it is not achieved when the outcome cannot be achieved"
            )
            continue
        if UnableSense.TAKES_LONGER in senses and UnableSense.TAKES_LONGER not in allowed:
            problems.append(
                f"{label}: taking significantly longer is not one of the ways a carer is unable "
                "to achieve an outcome (regulation 3(4))"
            )
            continue
        if set(senses) - set(UnableSense.values):
            problems.append(f"{label}: choose one of the listed ways it is not achieved")
            continue
        ordered = [s for s in allowed if s in senses]  # one order, no repeats
        if unable is not None or ordered or notes.strip():
            cleaned[key] = {"unable": unable, "senses": ordered, "notes": notes.strip()}
    return cleaned


def _clean_answers(assessment: Assessment, data: dict) -> dict:
    """The answers in `data` checked and normalised; raises AssessmentProblems."""
    problems: list[str] = []
    cleaned = {}
    for field in ANSWER_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in TEXT_FIELDS:
            cleaned[field] = (value or "").strip() if isinstance(value, str | type(None)) else value
            if not isinstance(cleaned[field], str):
                problems.append(f"{FIELD_LABELS[field]} must be text")
        elif field in BOOLEAN_FIELDS:
            if value not in (None, True, False):
                problems.append(f"{FIELD_LABELS[field]}: answer yes or no")
            cleaned[field] = value
        elif field == "advocacy_need":
            if (value or "") not in ("", *AdvocacyNeed.values):
                problems.append("Select whether the person needs an independent advocate")
            cleaned[field] = value or ""
        elif field == "wellbeing":
            cleaned[field] = _clean_wellbeing(value, problems)
        elif field == "outcomes":
            cleaned[field] = _clean_outcomes(value, assessment.kind, problems)
    if assessment.kind != AssessmentKind.CARER and cleaned.get("carer_health_at_risk") is not None:
        problems.append("Whether the carer's health is at risk is asked only in a carer's assessment")
    if problems:
        raise AssessmentProblems(problems)
    return cleaned


def _merge(before, now, mine):
    """Three-way merge of one answer: the editor's value where they changed it, otherwise
    what was saved since. Wellbeing and outcomes merge area by area, outcome by outcome."""
    if isinstance(now, dict) and isinstance(mine, dict):
        before = before if isinstance(before, dict) else {}
        merged = {key: _merge(before.get(key), now.get(key), mine.get(key)) for key in {*now, *mine}}
        return {key: value for key, value in merged.items() if value is not None}
    return now if mine == before else mine


def _stale(assessment: Assessment, expected_version: int, submitted: dict) -> StaleEdit:
    """What someone else saved since this editor opened the form; nothing is overwritten.

    `merged` lays the editor's own changes over the record as it is now, so the form can be
    shown again with both kept (as cases.services.update_person does for a person).
    """
    try:
        mine = _clean_answers(assessment, submitted)
    except AssessmentProblems:
        mine = submitted
    then = assessment.history.filter(version=expected_version).order_by("-history_id").first()
    changes, merged = [], {}
    for field in ANSWER_FIELDS:
        now = getattr(assessment, field)
        before = getattr(then, field) if then is not None else now
        mine_value = mine.get(field, before)
        merged[field] = _merge(before, now, mine_value)
        if before != now:
            changes.append(FieldChange(field, FIELD_LABELS[field], before, now, mine_value))
    return StaleEdit(current=assessment, changes=changes, merged=merged)


@transaction.atomic
def update_assessment(*, assessment_id: int, data: dict, expected_version: int, by) -> Assessment:
    """Save answers on a draft. Nothing is required yet (a visit can take several sittings);
    what is given must be well formed. A stale version raises StaleEdit."""
    assessment = Assessment.objects.select_for_update().select_related("team").get(pk=assessment_id)
    if assessment.status != S.DRAFT:
        raise DomainError(
            f"This assessment is {assessment.get_status_display().lower()}: only a draft can be changed"
        )
    _require_member(by, assessment.team)
    if assessment.version != expected_version:
        raise _stale(assessment, expected_version, data)
    cleaned = _clean_answers(assessment, data)
    changed = [field for field, value in cleaned.items() if getattr(assessment, field) != value]
    if not changed:
        return assessment
    for field in changed:
        setattr(assessment, field, cleaned[field])
    assessment.version = expected_version + 1  # the row is locked, so this cannot race
    _save(assessment, by=by, reason="Draft saved", update_fields=[*changed, "version"])
    return assessment


# --- Submitting -------------------------------------------------------------------------


def submission_problems(assessment: Assessment) -> list[str]:
    """Everything still missing before the assessment can go to a manager, in page order.

    Pure (no queries), so the submit page can list it before the worker presses submit.
    """
    carer = assessment.kind == AssessmentKind.CARER
    who = _who(assessment)
    problems = []
    if not assessment.persons_outcomes.strip():
        problems.append(f"Enter what {who} wants to achieve")
    if assessment.needs_from_impairment is None:
        problems.append(
            "Answer whether the carer's needs arise from providing necessary care"
            if carer
            else "Answer whether the needs arise from a physical or mental impairment or illness"
        )
    elif assessment.needs_from_impairment and not carer and not assessment.impairment.strip():
        problems.append("Enter the impairment or illness the needs arise from")
    if carer and assessment.carer_health_at_risk is None:
        problems.append("Answer whether the carer's physical or mental health is deteriorating or at risk")
    wellbeing = assessment.wellbeing or {}
    for area in WellbeingArea:
        if not (wellbeing.get(area.value) or {}).get("impact"):
            problems.append(f"Select the impact on wellbeing: {_lower(area.label)}")
    outcomes = assessment.outcomes or {}
    for outcome in outcome_choices(assessment.kind):
        answer = outcomes.get(outcome.value) or {}
        if answer.get("unable") is None:
            problems.append(f"Answer whether {who} can achieve: {_lower(outcome.label)}")
        elif answer["unable"] and not answer.get("senses"):
            problems.append(f"Select how {who} is unable to achieve: {_lower(outcome.label)}")
    if assessment.significant_impact is None:
        problems.append("Answer whether there is, or is likely to be, a significant impact on wellbeing")
    if assessment.eligible is None:
        problems.append("Record the eligibility determination")
    reasons = assessment.determination_reasons.strip()
    if not reasons:
        problems.append("Enter the reasons for the determination")
    suggestion = suggest_eligibility(assessment)
    departs = (
        None not in (assessment.eligible, suggestion.eligible) and assessment.eligible != suggestion.eligible
    )
    if departs and reasons and len(reasons) < MIN_DEPARTURE_REASONS:
        problems.append(
            "Your determination differs from the system's suggestion: explain why in the reasons "
            f"(at least {MIN_DEPARTURE_REASONS} characters)"
        )
    if not assessment.advocacy_need:
        problems.append("Select whether an independent advocate is needed (Care Act s67)")
    elif assessment.advocacy_need != AdvocacyNeed.NOT_NEEDED and not assessment.advocacy_details.strip():
        problems.append("Enter who supports them, or the advocate arranged")
    return problems


@transaction.atomic
def submit_assessment(*, assessment_id: int, by) -> Assessment:
    """Send a complete draft with its determination to a manager. A repeat is a no-op."""
    assessment = Assessment.objects.select_for_update().select_related("team").get(pk=assessment_id)
    if assessment.status == S.AWAITING_AUTHORISATION:
        return assessment
    if assessment.status != S.DRAFT:
        raise DomainError(
            f"This assessment is {assessment.get_status_display().lower()}: it cannot be submitted"
        )
    _require_member(by, assessment.team)
    problems = submission_problems(assessment)
    if problems:
        raise AssessmentProblems(problems)
    suggestion = suggest_eligibility(assessment)
    assessment.status = S.AWAITING_AUTHORISATION
    assessment.submitted_at, assessment.completed_on = timezone.now(), timezone.localdate()
    _save(
        assessment,
        by=by,
        reason="Submitted for authorisation",
        update_fields=["status", "submitted_at", "completed_on"],
    )
    _log(
        assessment,
        event="submitted",
        from_status=S.DRAFT,
        by=by,
        details={"suggested": suggestion.eligible, "determined": assessment.eligible},
    )
    return assessment


# --- The manager's decision -------------------------------------------------------------


def _lock_for_manager(assessment_id: int, by, *, target: str) -> tuple[Assessment, bool]:
    assessment = Assessment.objects.select_for_update().select_related("team").get(pk=assessment_id)
    if assessment.status == target:
        return assessment, True
    if assessment.status != S.AWAITING_AUTHORISATION:
        raise DomainError(
            f"This assessment is {assessment.get_status_display().lower()}: only one waiting for "
            "authorisation can be authorised or returned"
        )
    if not leads_team(by, assessment.team_id):
        raise DomainError(f"Only a manager of {assessment.team} can authorise or return this assessment")
    return assessment, False


@transaction.atomic
def authorise_assessment(*, assessment_id: int, by) -> Assessment:
    """A manager of the team authorises the determination; not the assessor themself. The
    version this one reassessed is then superseded (both are kept)."""
    assessment, repeat = _lock_for_manager(assessment_id, by, target=S.AUTHORISED)
    if repeat:
        return assessment
    if assessment.assessor_id == by.pk:
        raise DomainError("You carried out this assessment: another manager must authorise it")
    assessment.status = S.AUTHORISED
    assessment.authorised_by, assessment.authorised_at = by, timezone.now()
    _save(assessment, by=by, reason="Authorised", update_fields=["status", "authorised_by", "authorised_at"])
    _log(assessment, event="authorised", from_status=S.AWAITING_AUTHORISATION, by=by)
    settle_reminders(assessment, resolution="Authorised")
    if assessment.previous_id:
        previous = Assessment.objects.select_for_update().get(pk=assessment.previous_id)
        if previous.status == S.AUTHORISED:
            previous.status = S.SUPERSEDED
            _save(previous, by=by, reason="Replaced by a reassessment", update_fields=["status"])
            _log(
                previous,
                event="superseded",
                from_status=S.AUTHORISED,
                by=by,
                details={"replaced_by": assessment.pk},
            )
    return assessment


@transaction.atomic
def return_assessment(*, assessment_id: int, by, reason: str) -> Assessment:
    """The manager sends it back to the worker as a draft, saying what to put right."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the assessment is being returned")
    assessment, _ = _lock_for_manager(assessment_id, by, target=S.AWAITING_AUTHORISATION)
    assessment.status = S.DRAFT
    assessment.submitted_at, assessment.completed_on = None, None
    _save(
        assessment,
        by=by,
        reason=f"Returned: {reason}"[:100],
        update_fields=["status", "submitted_at", "completed_on"],
    )
    _log(assessment, event="returned", from_status=S.AWAITING_AUTHORISATION, by=by, reason=reason)
    settle_reminders(assessment, resolution="Returned to the worker")
    return assessment


# --- Reassessment -----------------------------------------------------------------------


@transaction.atomic
def reassess(*, assessment_id: int, by) -> Assessment:
    """A new draft version of an authorised assessment (s27(4): a revision follows a new
    assessment), with its answers copied in and the determination left to be made again.
    The authorised version stays in force until the new one is authorised."""
    old = Assessment.objects.select_for_update().select_related("case__team", "person").get(pk=assessment_id)
    if old.status != S.AUTHORISED:
        raise DomainError("Only the authorised version of an assessment can be reassessed")
    if Assessment.objects.filter(previous=old).exists():
        raise DomainError("A reassessment of this version has already been started")
    case = old.case
    if case.status != CaseStatus.OPEN:
        raise DomainError("The case this assessment belongs to is closed: reopen it before reassessing")
    _require_member(by, case.team)
    Person.objects.select_for_update().filter(pk=old.person_id).first()
    _refuse_second_open(old.person, old.kind)
    new = Assessment(
        kind=old.kind,
        person=old.person,
        cared_for_id=old.cared_for_id,
        case=case,
        team=case.team,
        previous=old,
        version_number=old.version_number + 1,
        assessor=by,
        started_on=timezone.localdate(),
    )
    for field in ANSWER_FIELDS:
        if field not in DETERMINATION_FIELDS:
            setattr(new, field, getattr(old, field))
    _save(new, by=by, reason=f"Reassessment of version {old.version_number}")
    _log(new, event="started", from_status="", by=by, details={"reassessment_of": old.pk})
    return new


# --- The person's copy ------------------------------------------------------------------


@transaction.atomic
def request_copy(*, assessment_id: int, by) -> AssessmentCopy:
    """Queue a PDF copy for the person (a row first, rendered by a task on commit). A copy
    already being prepared is returned, and its task enqueued again (rendering is idempotent)."""
    from ..tasks import render_assessment_copy

    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    if assessment.status != S.AUTHORISED:
        raise DomainError("A copy can be made once the assessment is authorised")
    copy = assessment.copies.filter(status=AssessmentCopy.Status.QUEUED).first()
    if copy is None:
        copy = AssessmentCopy.objects.create(assessment=assessment, requested_by=by)
    transaction.on_commit(lambda: render_assessment_copy.delay(copy.pk))
    return copy


def render_copy(*, copy_id: int) -> AssessmentCopy:
    """Render a queued copy into its PDF. A ready copy is left alone, so a rerun is harmless;
    a failure is recorded on the row (the worker can ask again) rather than lost."""
    from ..pdf import render_assessment_pdf

    with transaction.atomic():
        copy = (
            AssessmentCopy.objects.select_for_update(of=("self",))
            .select_related(
                "assessment__person",
                "assessment__cared_for",
                "assessment__team__organisation",
                "assessment__assessor",
                "assessment__authorised_by",
            )
            .get(pk=copy_id)
        )
        if copy.status == AssessmentCopy.Status.READY:
            return copy
        try:
            copy.pdf = render_assessment_pdf(copy.assessment)
        except Exception as exc:
            logger.exception("Rendering assessment copy %s failed", copy.pk)
            copy.status, copy.error = AssessmentCopy.Status.FAILED, type(exc).__name__
        else:
            copy.status, copy.error = AssessmentCopy.Status.READY, ""
            copy.rendered_at = timezone.now()
        copy.save(update_fields=["pdf", "status", "error", "rendered_at"])
    return copy


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
