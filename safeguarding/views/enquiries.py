"""Enquiry pages: the enquiry with its steps, one page per step, and closure.

Each step page saves with optimistic locking (the `version` posted back): a stale save
overwrites nothing, shows what changed and keeps what was typed. Write pages ask for
CHANGE_PERSON, so break-glass and the team's closed record are read only.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms_enquiry import (
    CloseForm,
    FindingsForm,
    MspForm,
    OutcomeForm,
    PlanForm,
    ReviewForm,
    StaffForm,
    StepForm,
    StrategyForm,
)
from ..models import EnquiryStage
from ..permissions import (
    CHANGE_PERSON,
    can_close_enquiry,
    can_work_on_enquiry,
    can_write,
    get_enquiry_for_user,
    is_sam_of,
)


@dataclass(frozen=True)
class Step:
    form: type[StepForm]
    title: str
    intro: str
    done: str


STEPS = {
    "staff": Step(
        StaffForm,
        "Safeguarding adults manager and enquiry officer",
        "Each person named can see the adult's record while the enquiry is open. Someone replaced "
        "loses that access straight away.",
        "The people named on the enquiry were saved.",
    ),
    "strategy": Step(
        StrategyForm,
        "Strategy discussion or meeting",
        "Record who took part and what they decided about the enquiry.",
        "The strategy discussion or meeting was recorded.",
    ),
    "msp": Step(
        MspForm,
        "The adult's outcomes, capacity and advocacy",
        "Making Safeguarding Personal: ask the adult what they want to happen. If they would have "
        "substantial difficulty being involved and no appropriate person can support them, arrange an "
        "independent advocate (Care Act section 68).",
        "The adult's outcomes, capacity and advocacy were recorded.",
    ),
    "findings": Step(
        FindingsForm,
        "Findings and risk assessment",
        "What the enquiry found, and the risks to the adult and to others.",
        "The findings and risk assessment were recorded.",
    ),
    "plan": Step(
        PlanForm,
        "Case conference and safeguarding plan",
        "The plan should be built around the outcomes the adult wants.",
        "The case conference and safeguarding plan were recorded.",
    ),
    "review": Step(
        ReviewForm,
        "Review",
        "Review the safeguarding plan with the adult: is it working, and are they safer?",
        "The review was recorded.",
    ),
    "outcome": Step(
        OutcomeForm,
        "Outcome",
        "What the risk assessment found, whether action was taken, what happened to any risk "
        "identified and, if the adult said what they wanted, whether it was achieved.",
        "The outcome was recorded.",
    ),
}
SERVICES = {
    "strategy": services.record_strategy,
    "msp": services.record_msp,
    "findings": services.record_findings,
    "plan": services.record_plan,
    "review": services.record_review,
    "outcome": services.record_outcome,
}


@dataclass(frozen=True)
class ChecklistRow:
    """A checklist element with where it is recorded, if this user can go there ("" if not)."""

    element: object
    done: bool
    href: str


def _step_href(enquiry, step: str, *, can_edit: bool, can_change_staff: bool, on_close_page: bool) -> str:
    """The staff step refuses all but the team's SAMs, so it is linked only for them; what is
    recorded on the close page links to its field there."""
    if step == "close":
        return "#id_ongoing_risk_management" if on_close_page else ""
    if not can_edit or (step == "staff" and not can_change_staff):
        return ""
    return reverse(f"safeguarding:enquiry_{step}", args=[enquiry.pk])


def _checklist(enquiry, *, can_edit: bool, can_change_staff: bool, on_close_page: bool = False):
    links = {"can_edit": can_edit, "can_change_staff": can_change_staff, "on_close_page": on_close_page}
    return [
        ChecklistRow(item.element, item.done, _step_href(enquiry, item.element.step, **links))
        for item in selectors.enquiry_checklist(enquiry)
    ]


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def enquiry_detail(request, pk):
    enquiry, access = get_enquiry_for_user(request.user, pk, what="safeguarding enquiry")
    can_edit = (
        can_write(access)
        and enquiry.stage != EnquiryStage.CLOSED
        and can_work_on_enquiry(request.user, enquiry)
    )
    can_change_staff = can_edit and is_sam_of(request.user, enquiry.team_id)
    return render(
        request,
        "safeguarding/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "concern": enquiry.concern,
            "person": enquiry.person,
            "access": access,
            "alleged": selectors.alleged_person_for(request.user, enquiry.concern, enquiry, access),
            "checklist": _checklist(enquiry, can_edit=can_edit, can_change_staff=can_change_staff),
            "history": selectors.enquiry_history(enquiry),
            "can_edit": can_edit,
            "can_change_staff": can_change_staff,
            "closed": enquiry.stage == EnquiryStage.CLOSED,
        },
    )


def _enquiry_for_writing(request, pk, what: str):
    enquiry, _ = get_enquiry_for_user(
        request.user, pk, perm=CHANGE_PERSON, what=f"safeguarding enquiry ({what})"
    )
    if not can_work_on_enquiry(request.user, enquiry):
        raise PermissionDenied("Only the enquiry's safeguarding adults manager or enquiry officer records it")
    return enquiry


def _form_for(step: str, enquiry, data=None, initial=None):
    form_class = STEPS[step].form
    kwargs = {}
    if step == "staff":
        kwargs = {
            "sams": selectors.sam_choices(enquiry.team),
            "officers": selectors.officer_choices(enquiry.team),
        }
    return form_class(
        data, initial=initial if initial is not None else form_class.initial_for(enquiry), **kwargs
    )


def _save(request, step: str, enquiry, data: dict, version: int):
    if step == "staff":
        return services.change_enquiry_staff(
            enquiry_id=enquiry.pk,
            sam=data["sam"],
            enquiry_officer=data["enquiry_officer"],
            reason=data["reason"],
            expected_version=version,
            by=request.user,
        )
    return SERVICES[step](enquiry_id=enquiry.pk, data=data, expected_version=version, by=request.user)


@require_http_methods(["GET", "POST"])
def enquiry_step(request, pk, step):
    """One step of the enquiry; revisit it as often as needed until the enquiry closes."""
    page = STEPS[step]
    enquiry = _enquiry_for_writing(request, pk, step)
    if step == "staff" and not is_sam_of(request.user, enquiry.team_id):
        raise PermissionDenied("Only a safeguarding adults manager of the team changes who is named")
    form = _form_for(step, enquiry, request.POST or None)
    version, stale = enquiry.version, None
    if request.method == "POST":
        version = _int_or(request.POST.get("version"), -1)
        if form.is_valid():
            try:
                _save(request, step, enquiry, form.cleaned_data, version)
            except services.StaleEdit as exc:
                stale, version = exc, exc.current.version
                initial = {**page.form.initial_for(exc.current), **page.form.values_to_initial(exc.merged)}
                form = _form_for(step, exc.current, initial=initial)
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, page.done)
                return redirect("safeguarding:enquiry_detail", pk=enquiry.pk)
    return render(
        request,
        "safeguarding/enquiry_step.html",
        {
            "enquiry": enquiry,
            "person": enquiry.person,
            "page": page,
            "form": form,
            "version": version,
            "stale": stale,
        },
    )


@require_http_methods(["GET", "POST"])
def enquiry_close(request, pk):
    """The checklist of everything seed 000's audit looked for, and closure once all is there.
    The SAM closes (a sign-off of the officer's work); the officer sees what is missing.

    A refusal lists each missing element once, in the error summary, linked to the step page
    that records it; how ongoing risk is managed is this page's own field, so its error sits
    on the field (GOV.UK error summary and error message patterns)."""
    enquiry = _enquiry_for_writing(request, pk, "close")
    form = CloseForm(request.POST or None, initial=CloseForm.initial_for(enquiry))
    version, stale = enquiry.version, None
    may_close = can_close_enquiry(request.user, enquiry)
    can_change_staff = is_sam_of(request.user, enquiry.team_id)
    missing = []
    if request.method == "POST":
        if not may_close:
            raise PermissionDenied("Only the safeguarding adults manager can close the enquiry")
        version = _int_or(request.POST.get("version"), -1)
        if form.is_valid():
            try:
                services.close_enquiry(
                    enquiry_id=enquiry.pk,
                    ongoing_risk_management=form.cleaned_data["ongoing_risk_management"],
                    expected_version=version,
                    by=request.user,
                )
            except services.StaleEdit as exc:
                stale, version = exc, exc.current.version
                form = CloseForm(initial=CloseForm.values_to_initial(exc.merged))
            except services.ClosureRefused as exc:
                for element in exc.missing:
                    if element.step == "close":
                        form.add_error("ongoing_risk_management", element.missing)
                    else:
                        href = _step_href(
                            enquiry,
                            element.step,
                            can_edit=True,
                            can_change_staff=can_change_staff,
                            on_close_page=True,
                        )
                        missing.append({"message": element.missing, "href": href})
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The enquiry was closed.")
                return redirect("safeguarding:enquiry_detail", pk=enquiry.pk)
    return render(
        request,
        "safeguarding/enquiry_close.html",
        {
            "enquiry": enquiry,
            "person": enquiry.person,
            "form": form,
            "version": version,
            "stale": stale,
            "checklist": _checklist(
                enquiry, can_edit=True, can_change_staff=can_change_staff, on_close_page=may_close
            ),
            "missing": missing,
            "has_errors": bool(form.errors or missing),
            "may_close": may_close,
        },
    )
