"""The partnership action plan pages (seed 002): plans, a plan's actions (filtered,
paginated), an action with its updates and status history, and the steps that change it.

Thin views: access by reporting.permissions (404 for anyone else), reads through
reporting.selectors_actions, writes through reporting.services.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate

from .. import selectors_actions as actions
from .. import services
from ..forms_actions import ActionFilterForm, ActionForm, CompleteForm, PlanForm, UpdateForm
from ..models import ActionStatus
from ..permissions import can_edit_governance, get_or_404, governance_editor_required, governance_required
from ..services.actions import ACTION_EDITABLE_FIELDS
from .common import add_problems, int_or


@governance_required
def plan_list(request):
    return render(
        request,
        "reporting/plan_list.html",
        {"plans": list(actions.plans()), "can_edit": can_edit_governance(request.user)},
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The action plan was added.")
            return redirect("governance:plan_detail", plan.pk)
    return render(request, "reporting/plan_form.html", {"form": form})


@governance_required
def plan_detail(request, pk):
    """The plan's actions in seed 002's columns, soonest end first; filters in the query string."""
    plan = get_or_404(actions.plan_queryset(), pk)
    today = timezone.localdate()
    filters = ActionFilterForm(request.GET, leads=actions.lead_names(plan))
    chosen = filters.filters()
    page_obj, querystring = paginate(
        request, actions.plan_items(plan, today=today, **chosen), per_page=actions.PAGE_SIZE
    )
    for item in page_obj.object_list:
        item.overdue = item.is_overdue_on(today)
    return render(
        request,
        "reporting/plan_detail.html",
        {
            "plan": plan,
            "filters": filters,
            "filtered": any(chosen.values()),
            "page_obj": page_obj,
            "querystring": querystring,
            "can_edit": can_edit_governance(request.user),
        },
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def action_create(request, plan_pk):
    plan = get_or_404(actions.plan_queryset(), plan_pk)
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_action(
                plan=plan, status=form.cleaned_data["status"], by=request.user, **form.values()
            )
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The action was added.")
            return redirect(item)
    return render(request, "reporting/action_form.html", {"plan": plan, "form": form, "item": None})


@governance_required
def action_detail(request, pk):
    item = get_or_404(actions.item_queryset(), pk)
    item.overdue = item.is_overdue
    return render(
        request,
        "reporting/action_detail.html",
        {
            "item": item,
            "plan": item.plan,
            "updates": actions.updates_for(item),
            "transitions": actions.transitions_for(item),
            "can_edit": can_edit_governance(request.user),
        },
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    """Change the action, its lead or dates, with optimistic locking: a stale save shows what
    changed, keeps this editor's typing and overwrites nothing."""
    item = get_or_404(actions.item_queryset(), pk)
    current = {field: getattr(item, field) for field in ACTION_EDITABLE_FIELDS}
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=ActionForm.initial_for(current),
        editing=True,
    )
    version, stale = item.version, None
    if request.method == "POST":
        version = int_or(request.POST.get("version"), item.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(
                item_id=item.pk,
                data=form.values(),
                expected_version=int_or(request.POST.get("version"), -1),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.StaleEdit as exc:
            stale, version = exc, exc.current.version
            initial = {**ActionForm.initial_for(exc.merged), "reason": form.cleaned_data["reason"]}
            form = ActionForm(initial=initial, editing=True)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The action was changed.")
            return redirect(item)
    return render(
        request,
        "reporting/action_form.html",
        {"plan": item.plan, "item": item, "form": form, "version": version, "stale": stale},
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def action_update_create(request, pk):
    """Add a dated update (kept for good), and move the status with it if it changed."""
    item = get_or_404(actions.item_queryset(), pk)
    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        current=item.status,
        initial={"written_on": timezone.localdate(), "status": ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action_update(item_id=item.pk, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The update was added.")
            return redirect(item)
    return render(
        request, "reporting/action_update_form.html", {"item": item, "plan": item.plan, "form": form}
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def action_complete(request, pk):
    item = get_or_404(actions.item_queryset(), pk)
    form = CompleteForm(
        request.POST if request.method == "POST" else None, initial={"completed_on": timezone.localdate()}
    )
    already = item.status == ActionStatus.COMPLETED
    if request.method == "POST" and already:
        form.is_valid()
        form.add_error(None, "This action is already completed")
    elif request.method == "POST" and form.is_valid():
        try:
            services.complete_action(item_id=item.pk, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The action was marked completed.")
            return redirect(item)
    return render(
        request,
        "reporting/action_complete.html",
        {"item": item, "plan": item.plan, "form": form, "already": already},
    )
