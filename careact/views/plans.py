"""Care and support plans (Care Act s25) and reviews (s27): start, edit, send, authorise,
review, compare versions.

Thin views: every read of a plan goes through `careact.permissions.get_record_for_user`
(404 for missing and forbidden, one access-log row); write pages ask for CHANGE_PERSON, so
break-glass access is read only; manager-only pages answer 403 to others who may see the
person. Reads through careact.selectors_plans, writes through careact.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate
from accounts.selectors import leads_team
from cases.decorators import person_data_required

from .. import selectors_plans as plans
from .. import services
from ..forms_plans import (
    DecisionForm,
    NeedFormSet,
    PlanForm,
    ReviewForm,
    need_rows,
    typed_rows,
    typed_values,
)
from ..models import Assessment, CarePlan, PlanKind, PlanStatus, ReviewKind, ReviewOutcome
from ..permissions import CHANGE_PERSON, VIEW_PERSON, get_record_for_user
from .common import add_problems

PLAN_RELATED = ("team", "case", "assessment", "written_by", "authorised_by")
NEEDS_PREFIX = "needs"


def _plan(request, pk, *, what: str, perm: str = VIEW_PERSON):
    return get_record_for_user(request.user, CarePlan, pk, perm=perm, what=what, select_related=PLAN_RELATED)


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _Problems:
    """A form-like holder of errors for pages whose only errors come from the service."""

    def __init__(self):
        self.errors, self._non_field = {}, []

    def add_error(self, _field, message):
        self._non_field.append(message)
        self.errors = {"__all__": self._non_field}

    def non_field_errors(self):
        return self._non_field

    def __iter__(self):
        return iter(())


# --- Managers' list -------------------------------------------------------------------


@person_data_required
def plans_awaiting(request):
    """Every plan waiting for this manager, oldest first, by team; paginated."""
    teams = plans.led_teams(request.user)
    if not teams:
        raise Http404("Not found")
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    page_obj, querystring = paginate(
        request, plans.awaiting_queryset(request.user, team.pk if team else None)
    )
    return render(
        request,
        "careact/plan_awaiting_list.html",
        {"teams": teams, "team": team, "page_obj": page_obj, "querystring": querystring},
    )


# --- Start ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_create(request, assessment_pk):
    """Confirm, then start a draft plan from an authorised assessment."""
    assessment, access = get_record_for_user(
        request.user,
        Assessment,
        assessment_pk,
        perm=CHANGE_PERSON,
        what="care plan (start)",
        select_related=("team", "case"),
    )
    kind = PlanKind.CARER_SUPPORT if assessment.is_carer else PlanKind.CARE_AND_SUPPORT
    form = _Problems()
    if request.method == "POST":
        try:
            plan = services.start_plan(assessment=assessment, by=request.user)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Version {plan.version_number} of the plan was started as a draft.")
            return redirect("careact:plan_edit", plan.pk)
    return render(
        request,
        "careact/plan_create.html",
        {
            "assessment": assessment,
            "person": access.person,
            "kind": PlanKind(kind),
            "in_progress": plans.plan_in_progress(assessment.person_id, kind),
            "in_place": plans.plan_in_place(assessment.person_id, kind),
            "form": form,
        },
    )


# --- Read -------------------------------------------------------------------------------


def plan_detail(request, pk):
    plan, access = _plan(request, pk, what="care plan")
    plan = plans.plan_with_schedule(plan)
    versions = plans.plan_versions(plan)
    can_write = not access.is_break_glass
    is_manager = can_write and leads_team(request.user, plan.team_id)
    later = [v for v in versions if v.version_number > plan.version_number]
    return render(
        request,
        "careact/plan_detail.html",
        {
            "plan": plan,
            "person": access.person,
            "access": access,
            "can_write": can_write,
            "is_manager": is_manager,
            "can_authorise": is_manager and plans.can_authorise(request.user, plan),
            "transitions": plans.transitions_for(plan),
            "reviews": plans.reviews_for(plan),
            "versions": versions,
            "revision": next((v for v in later if v.status in plans.IN_PROGRESS), None),
            "problems": plans.problems_for(plan) if can_write else [],
        },
    )


def plan_compare(request, pk):
    """This version beside another of the same plan (the previous one unless chosen)."""
    plan, access = _plan(request, pk, what="care plan (compare versions)")
    versions = plans.plan_versions(plan)
    others = [v for v in versions if v.pk != plan.pk]
    chosen = _int_or(request.GET.get("with"), plan.previous_id or 0)
    other = next((v for v in others if v.pk == chosen), None)
    comparison = None
    if other is not None:
        old, new = sorted((plan, other), key=lambda p: p.version_number)
        comparison = plans.compare_plans(old, new)
    return render(
        request,
        "careact/plan_compare.html",
        {"plan": plan, "person": access.person, "others": others, "comparison": comparison},
    )


# --- Edit -------------------------------------------------------------------------------


def _edit_forms(request, suggestions):
    """Bind the posted forms; for "add another need" and "use the assessment's needs",
    show them again unvalidated with the extra rows and everything typed kept."""
    form = PlanForm(request.POST)
    formset = NeedFormSet(request.POST, prefix=NEEDS_PREFIX)
    action = request.POST.get("action")
    if action not in ("add_need", "copy_needs"):
        return form, formset, False
    rows = typed_rows(formset)
    if action == "copy_needs":
        have = {" ".join(row["need"].split()).casefold() for row in rows}
        rows += [s for s in suggestions if " ".join(s["need"].split()).casefold() not in have]
    form = PlanForm(initial=typed_values(form))
    formset = NeedFormSet(initial=need_rows(rows, blank=1), prefix=NEEDS_PREFIX)
    return form, formset, True


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    """The draft: needs as rows, services, personal budget and direct payment, contingency,
    agreed date. "Save draft" keeps partial work; "Save and continue" goes on to check it."""
    plan, access = _plan(request, pk, perm=CHANGE_PERSON, what="care plan (change)")
    suggestions = plans.needs_from_assessment(plan.assessment)
    stale, version = None, plan.version
    if request.method == "POST":
        version = _int_or(request.POST.get("version"), -1)
        form, formset, redisplay = _edit_forms(request, suggestions)
        valid = not redisplay and all([form.is_valid(), formset.is_valid()])
        if valid:
            data = {**form.cleaned_data, "needs": formset.needs()}
            try:
                services.update_plan(plan_id=plan.pk, data=data, expected_version=version, by=request.user)
            except services.StaleEdit as exc:
                stale = [
                    {
                        "label": change.label,
                        "then": plans.describe_value(change.field, change.then),
                        "now": plans.describe_value(change.field, change.now),
                        "conflict": change.conflict,
                    }
                    for change in exc.changes
                ]
                version = exc.current.version
                merged = exc.merged
                form = PlanForm(initial=PlanForm.initial_from(merged))
                formset = NeedFormSet(initial=need_rows(merged.get("needs") or []), prefix=NEEDS_PREFIX)
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if request.POST.get("action") == "continue":
                    return redirect("careact:plan_submit", plan.pk)
                messages.success(request, "The draft plan was saved.")
                return redirect(plan)
    else:
        form = PlanForm(initial=PlanForm.initial_for(plan))
        formset = NeedFormSet(initial=need_rows(plan.needs or []), prefix=NEEDS_PREFIX)
    has_errors = bool(form.errors) or any(f.errors for f in formset.forms) or bool(formset.non_form_errors())
    return render(
        request,
        "careact/plan_edit.html",
        {
            "plan": plan,
            "person": access.person,
            "form": form,
            "formset": formset,
            "version": version,
            "stale": stale,
            "has_errors": has_errors,
            "suggestions": suggestions,
            "editable": plan.status == PlanStatus.DRAFT,
        },
    )


# --- Send, authorise, return ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_submit(request, pk):
    """Check the plan, then send it to a manager. Everything missing is listed at once."""
    plan, access = _plan(request, pk, perm=CHANGE_PERSON, what="care plan (send for authorisation)")
    form = _Problems()
    if request.method == "POST":
        try:
            services.submit_plan(plan_id=plan.pk, by=request.user)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The plan was sent to a manager to authorise.")
            return redirect(plan)
    return render(
        request,
        "careact/plan_submit.html",
        {
            "plan": plan,
            "person": access.person,
            "form": form,
            "problems": [] if form.errors else plans.problems_for(plan),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_authorise(request, pk):
    """A manager of the plan's team authorises it, or returns it with a reason."""
    plan, access = _plan(request, pk, perm=CHANGE_PERSON, what="care plan (authorise)")
    if not leads_team(request.user, plan.team_id):
        raise PermissionDenied("Only a manager of the plan's team can authorise it")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "authorise":
                services.authorise_plan(plan_id=plan.pk, by=request.user)
                message = "The plan was authorised. It is now in place."
            else:
                services.return_plan(plan_id=plan.pk, by=request.user, reason=data["reason"])
                message = "The plan was returned to the worker."
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, message)
            return redirect(plan)
    return render(
        request,
        "careact/plan_authorise.html",
        {
            "plan": plan,
            "person": access.person,
            "form": form,
            "wrote_it": plan.written_by_id == request.user.pk,
            "waiting": plan.status == PlanStatus.AWAITING_AUTHORISATION,
        },
    )


# --- Review -----------------------------------------------------------------------------


def _suggested_kind(plan) -> str:
    schedule = plan.schedule
    if schedule and schedule.light_touch_state in ("due", "overdue"):
        return ReviewKind.LIGHT_TOUCH
    return ReviewKind.PLANNED


@require_http_methods(["GET", "POST"])
def review_create(request, pk):
    """Record a review of a plan in place: continue, revise (a new draft version) or end."""
    plan, access = _plan(request, pk, perm=CHANGE_PERSON, what="care plan (review)")
    plan = plans.plan_with_schedule(plan)
    initial = {"held_on": timezone.localdate(), "kind": _suggested_kind(plan)}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_review(plan_id=plan.pk, data=form.cleaned_data, by=request.user)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            if form.cleaned_data["outcome"] == ReviewOutcome.REVISE:
                messages.success(
                    request,
                    f"The review was recorded. Version {result.version_number} is a draft copy of the plan: "
                    "change what the review found, then send it for authorisation.",
                )
                return redirect("careact:plan_edit", result.pk)
            ended = form.cleaned_data["outcome"] == ReviewOutcome.END
            messages.success(request, "The review was recorded." + (" The plan has ended." if ended else ""))
            return redirect(reverse("careact:plan_detail", args=[plan.pk]) + "#reviews")
    return render(
        request,
        "careact/review_create.html",
        {
            "plan": plan,
            "person": access.person,
            "form": form,
            "reviewable": plan.status == PlanStatus.ACTIVE,
        },
    )
