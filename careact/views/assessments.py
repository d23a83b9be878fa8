"""Assessment pages: start, edit, submit, authorise or return, reassess, compare versions,
and the PDF copy for the person.

Thin views: every read goes through careact.permissions / cases.permissions (404 for missing
and forbidden, one access-log row per person read), lists through selectors_assessments,
writes through careact.services. Break-glass is read only: writes ask for CHANGE_PERSON,
which break-glass never grants. Only the assessment's team works on it; only its managers
decide (403 for anyone else who can see it).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import leads_team
from cases.models import AccessAction
from cases.permissions import get_case_for_user, get_person_for_user

from .. import selectors_assessments as selectors
from .. import services
from ..eligibility import suggest_eligibility
from ..forms_assessments import AssessmentForm, ConfirmForm, DecisionForm
from ..models import Assessment, AssessmentCopy, AssessmentKind, AssessmentStatus
from ..permissions import CHANGE_PERSON, VIEW_PERSON, get_record_for_user
from ..selectors_plans import latest_plan_from
from .common import add_problems

S = AssessmentStatus


def _posted(request):
    return request.POST if request.method == "POST" else None


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _assessment(request, pk, *, what: str, write: bool = False):
    """The assessment if the user may see (or, with `write`, change) its person; writing
    also needs membership of the assessment's team."""
    assessment, access = get_record_for_user(
        request.user,
        Assessment,
        pk,
        perm=CHANGE_PERSON if write else VIEW_PERSON,
        what=what,
        select_related=selectors.RELATED,
    )
    if write and not selectors.is_team_member(request.user, assessment.team_id):
        raise PermissionDenied("Only members of the assessment's team can work on it")
    return assessment, access


def _for_manager(request, pk, *, what: str):
    assessment, access = _assessment(request, pk, what=what, write=True)
    if not leads_team(request.user, assessment.team_id):
        raise PermissionDenied("Only the team's managers can authorise assessments")
    return assessment, access


# --- Starting ---------------------------------------------------------------------------


def _start(request, *, case, carer=None):
    kind = AssessmentKind.CARER if carer is not None else AssessmentKind.NEEDS
    if not selectors.is_team_member(request.user, case.team_id):
        raise PermissionDenied("Only members of the team holding the case can start an assessment on it")
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(case=case, by=request.user, kind=kind, carer=carer)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(
                request,
                "The assessment was started. Save the draft as you go: answers are kept only when you save.",
            )
            return redirect("careact:assessment_edit", assessment.pk)
    subject = carer if carer is not None else case.person
    return render(
        request,
        "careact/assessment_start.html",
        {
            "case": case,
            "person": subject,
            "cared_for": case.person if carer is not None else None,
            "is_carer": carer is not None,
            "form": form,
            "in_progress": selectors.open_assessment(subject, kind),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_start(request, case_pk):
    """Care Act s9: start a needs assessment on an open, allocated case."""
    case, _ = get_case_for_user(request.user, case_pk, perm=CHANGE_PERSON, what="needs assessment (start)")
    return _start(request, case=case)


@require_http_methods(["GET", "POST"])
def carer_assessment_start(request, case_pk, carer_pk):
    """Care Act s10: start a carer's assessment of a carer of the person on the case. Two
    people's records are read, so each read is logged."""
    case, _ = get_case_for_user(
        request.user, case_pk, perm=CHANGE_PERSON, what="carer's assessment (start, person cared for)"
    )
    carer = get_person_for_user(request.user, carer_pk, perm=CHANGE_PERSON, what="carer's assessment (start)")
    return _start(request, case=case, carer=carer.person)


# --- Reading ----------------------------------------------------------------------------


def _detail_context(request, assessment, access, *, copy_form=None) -> dict:
    user = request.user
    transitions = selectors.transitions_for(assessment)
    copies = selectors.copies_for(assessment)
    writable = not access.is_break_glass
    is_member = writable and selectors.is_team_member(user, assessment.team_id)
    status = assessment.status
    next_version = selectors.next_version(assessment) if status in (S.AUTHORISED, S.SUPERSEDED) else None
    return {
        "assessment": assessment,
        "person": assessment.person,
        "access": access,
        "suggestion": suggest_eligibility(assessment),
        "lines": selectors.answer_lines(assessment),
        "wellbeing": selectors.wellbeing_rows(assessment),
        "outcomes": selectors.outcome_rows(assessment),
        "transitions": transitions,
        "returned": selectors.last_return(transitions) if status == S.DRAFT else None,
        "copies": copies,
        "preparing": any(c.status == AssessmentCopy.Status.QUEUED for c in copies),
        "next_version": next_version,
        "can_edit": is_member and status == S.DRAFT,
        "can_reassess": is_member and status == S.AUTHORISED and next_version is None,
        "plan": latest_plan_from(assessment) if status == S.AUTHORISED else None,
        "can_start_plan": is_member and status == S.AUTHORISED and assessment.case.status == "open",
        "can_decide": writable
        and status == S.AWAITING_AUTHORISATION
        and leads_team(user, assessment.team_id),
        "is_own": assessment.assessor_id == user.pk,
        "can_request_copy": writable and status == S.AUTHORISED,
        "copy_form": copy_form or ConfirmForm(),
    }


def assessment_detail(request, pk):
    assessment, access = _assessment(request, pk, what="Care Act assessment")
    return render(request, "careact/assessment_detail.html", _detail_context(request, assessment, access))


def assessment_compare(request, pk):
    """This version beside the one it reassessed; changed answers marked. `?changed=1`
    shows only what changed."""
    assessment, _ = _assessment(request, pk, what="Care Act assessment (compare versions)")
    previous = assessment.previous
    lines = selectors.compare(assessment, previous) if previous else []
    only_changed = request.GET.get("changed") == "1"
    return render(
        request,
        "careact/assessment_compare.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "previous": previous,
            "lines": [line for line in lines if line.changed] if only_changed else lines,
            "changed_count": sum(1 for line in lines if line.changed),
            "only_changed": only_changed,
        },
    )


# --- Drafting and submitting ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk):
    """The whole assessment on one page; every answer optional until submit. A stale save
    overwrites nothing: the form comes back with both people's changes and what differed."""
    assessment, _ = _assessment(request, pk, what="Care Act assessment (edit)", write=True)
    kind = assessment.kind
    if request.method == "GET" and assessment.status != S.DRAFT:
        messages.info(
            request,
            f"This assessment is {assessment.get_status_display().lower()}: only a draft can be changed.",
        )
        return redirect(assessment)
    stale, version = None, assessment.version
    if request.method == "POST":
        form = AssessmentForm(request.POST, kind=kind)
        version = _int_or(request.POST.get("version"), -1)
        if form.is_valid():
            try:
                services.update_assessment(
                    assessment_id=assessment.pk,
                    data=form.to_data(),
                    expected_version=version,
                    by=request.user,
                )
            except services.StaleEdit as exc:
                stale, version = exc, exc.current.version
                form = AssessmentForm(kind=kind, initial=AssessmentForm.initial_for(exc.merged, kind))
            except services.DomainError as exc:
                add_problems(form, exc)
            else:
                if request.POST.get("action") == "check":
                    return redirect("careact:assessment_submit", assessment.pk)
                messages.success(request, "Your answers were saved as a draft.")
                return redirect("careact:assessment_edit", assessment.pk)
    else:
        form = AssessmentForm(kind=kind, initial=AssessmentForm.initial_for(assessment, kind))
    return render(
        request,
        "careact/assessment_edit.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "form": form,
            "version": version,
            "stale": stale,
            "suggestion": suggest_eligibility(assessment),
            "returned": selectors.last_return(selectors.transitions_for(assessment)),
            "is_carer": kind == AssessmentKind.CARER,
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_submit(request, pk):
    """Check the answers and send them to a manager; each missing answer is listed."""
    assessment, _ = _assessment(request, pk, what="Care Act assessment (submit)", write=True)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_assessment(assessment_id=assessment.pk, by=request.user)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The assessment was sent to a manager to authorise.")
            return redirect(assessment)
    return render(
        request,
        "careact/assessment_submit.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "form": form,
            "missing": services.submission_problems(assessment) if assessment.status == S.DRAFT else [],
            "suggestion": suggest_eligibility(assessment),
            "lines": selectors.answer_lines(assessment),
        },
    )


# --- The manager's decision -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment_authorise(request, pk):
    """A manager of the team authorises, or returns the draft with what must change."""
    assessment, _ = _for_manager(request, pk, what="Care Act assessment (authorise)")
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "authorise":
                services.authorise_assessment(assessment_id=assessment.pk, by=request.user)
                done = "The assessment was authorised."
            else:
                services.return_assessment(
                    assessment_id=assessment.pk, by=request.user, reason=data["reason"]
                )
                done = "The assessment was returned to the worker."
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, done)
            return redirect(assessment)
    return render(
        request,
        "careact/assessment_authorise.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "form": form,
            "suggestion": suggest_eligibility(assessment),
            "lines": selectors.answer_lines(assessment),
            "is_own": assessment.assessor_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_reassess(request, pk):
    """Start a new version of an authorised assessment, answers copied in."""
    assessment, _ = _assessment(request, pk, what="Care Act assessment (reassess)", write=True)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reassess(assessment_id=assessment.pk, by=request.user)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"Version {new.version_number} was started with the earlier answers.")
            return redirect("careact:assessment_edit", new.pk)
    return render(
        request,
        "careact/assessment_reassess.html",
        {"assessment": assessment, "person": assessment.person, "form": form},
    )


# --- The person's copy ------------------------------------------------------------------


@require_POST
def assessment_copy_request(request, pk):
    """Queue a PDF for the person; the detail page shows it being prepared, then ready."""
    assessment, access = get_record_for_user(
        request.user,
        Assessment,
        pk,
        perm=CHANGE_PERSON,  # a request is a write: never on emergency (break-glass) access
        what="Care Act assessment (copy requested)",
        select_related=selectors.RELATED,
    )
    form = ConfirmForm(request.POST)
    try:
        services.request_copy(assessment_id=assessment.pk, by=request.user)
    except services.DomainError as exc:
        form.is_valid()
        add_problems(form, exc)
        context = _detail_context(request, assessment, access, copy_form=form)
        return render(request, "careact/assessment_detail.html", context)
    messages.success(request, "A copy for the person is being prepared.")
    return redirect(f"{reverse('careact:assessment_detail', args=[assessment.pk])}#copies")


def assessment_copy_download(request, pk, copy_pk):
    """The PDF as it was given; downloading it is logged as a download of the person's data."""
    assessment = selectors.assessment_for_copy(pk)
    get_person_for_user(
        request.user,
        assessment.person_id,
        action=AccessAction.DOWNLOAD,
        what="Care Act assessment copy (PDF)",
    )
    copy = selectors.ready_copy(assessment, copy_pk)
    response = HttpResponse(bytes(copy.pdf), content_type="application/pdf")
    filename = f"care-act-assessment-{assessment.pk}-v{assessment.version_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
