"""The steps of a care package after its request: the funding panel's decision, start, a
change of cost, review, end and withdrawal (issue 7).

Each page reads the package through `get_package_for_user` (404 for missing and forbidden)
and sends the form to the step's service, which checks who is acting and the move again and
refuses with a message shown as a form error. The page carries the package's `version`: a
step taken on a stale page shows what changed and saves nothing (DESIGN.md section 12).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import AccessBasis
from cases.permissions import CHANGE_PERSON

from .. import selectors_packages as selectors
from ..forms_packages import (
    SHARES,
    CostChangeForm,
    DecisionForm,
    EndForm,
    ReviewForm,
    StartForm,
    WithdrawForm,
)
from ..models import PackageStatus
from ..permissions import get_package_for_user
from ..services import packages as services

S = PackageStatus


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    button: str
    done: str
    form: type
    service: object
    statuses: tuple
    intro: str = ""
    warning: bool = False


STEPS = {
    "start": Step(
        "start",
        "Record that the package started",
        "Record the start",
        "The package has started.",
        StartForm,
        services.start_package,
        (S.APPROVED,),
        "The start may be backdated to the planned start. The commitment counts from this date.",
    ),
    "end": Step(
        "end",
        "End the package",
        "End the package",
        "The package has ended.",
        EndForm,
        services.end_package,
        (S.ACTIVE,),
        "The commitment stops after the end date. To change the cost instead, change the cost.",
        warning=True,
    ),
    "withdraw": Step(
        "withdraw",
        "Withdraw the package",
        "Withdraw the package",
        "The package was withdrawn.",
        WithdrawForm,
        services.withdraw_package,
        (S.REQUESTED, S.APPROVED),
        "A package that has not started can be withdrawn: it will not be paid for or forecast.",
        warning=True,
    ),
    "review": Step(
        "review",
        "Record a review",
        "Record the review",
        "The review was recorded.",
        ReviewForm,
        services.record_review,
        (S.ACTIVE,),
        "Record whether the package still meets the person's needs. A change of cost is its own step.",
    ),
}


def _initial(step_key: str, package) -> dict:
    """A start defaults to the planned start (or today, if that is still ahead); a review to
    today. An end date is always typed: it stops the commitment."""
    today = timezone.localdate()
    if step_key == "start":
        return {"started_on": min(package.planned_start, today)}
    if step_key == "review":
        return {"reviewed_on": today}
    return {}


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version"))
    except (TypeError, ValueError):
        return None


def _page(request, package, basis, stale) -> dict:
    """What every step page shows: the package, where "back" goes, and the version the
    person is working from (the one they opened the page at, or the current one after a
    stale save)."""
    version = package.version
    if request.method == "POST" and not stale:
        version = _version(request) or package.version
    return {
        "package": package,
        "person": package.person,
        "team_view": basis == AccessBasis.RELATIONSHIP,
        "stale": stale,
        "version": version,
    }


def _why_not(step_key: str, package, statuses) -> str:
    if package.status not in statuses:
        return f"This package is {package.get_status_display().lower()}: it cannot be {_VERBS[step_key]} now."
    if step_key == "decide":
        return (
            "The funding panel's decision is recorded by a finance officer of the pool or a team lead "
            "of the package's team, and never by the person who requested the package."
        )
    return (
        "Only the team that holds this package or a finance officer of the pool that pays for it can do this."
    )


_VERBS = {
    "decide": "decided",
    "start": "started",
    "end": "ended",
    "withdraw": "withdrawn",
    "review": "reviewed",
    "cost_change": "given a new cost",
}


def _run(request, package, *, form, call, done):
    """Send a valid form to the service; returns (response, stale)."""
    try:
        call()
    except services.StaleEdit as exc:
        return None, exc
    except services.DomainError as exc:
        form.add_error(None, str(exc))
        return None, None
    messages.success(request, done)
    return redirect(package), None


@require_http_methods(["GET", "POST"])
def package_step(request, pk, step_key):
    """Start, end, withdraw or review: a date and a reason, then the service."""
    step = STEPS[step_key]
    package, basis = get_package_for_user(
        request.user, pk, perm=CHANGE_PERSON, what=f"care package ({step_key})"
    )
    form = step.form(request.POST if request.method == "POST" else None, initial=_initial(step_key, package))
    stale = None
    if request.method == "POST" and form.is_valid():
        response, stale = _run(
            request,
            package,
            form=form,
            call=lambda: step.service(
                package=package, by=request.user, expected_version=_version(request), **form.cleaned_data
            ),
            done=step.done,
        )
        if response:
            return response
        if stale:
            package = stale.current
    allowed = step_key in selectors.allowed_actions(request.user, package)
    return render(
        request,
        "finance/packages/step.html",
        {
            **_page(request, package, basis, stale),
            "step": step,
            "form": form,
            "allowed": allowed or bool(form.errors),
            "why_not": "" if allowed else _why_not(step_key, package, step.statuses),
        },
    )


def package_start(request, pk):
    return package_step(request, pk, "start")


def package_end(request, pk):
    return package_step(request, pk, "end")


def package_withdraw(request, pk):
    return package_step(request, pk, "withdraw")


def package_review(request, pk):
    return package_step(request, pk, "review")


@require_http_methods(["GET", "POST"])
def package_decide(request, pk):
    """Record the funding panel's decision at an authorisation level at or above the one
    the weekly cost needs."""
    package, basis = get_package_for_user(request.user, pk, perm=CHANGE_PERSON, what="care package (decide)")
    costs = selectors.costs_of(package)
    requested = max((c.weekly_cost for c in costs), default=Decimal("0"))
    all_levels = selectors.levels()
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        levels=all_levels,
        requested_cost=requested,
        initial={"decided_on": timezone.localdate()},
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        response, stale = _run(
            request,
            package,
            form=form,
            call=lambda: services.decide_package(
                package=package, by=request.user, expected_version=_version(request), **form.cleaned_data
            ),
            done="The funding panel's decision was recorded.",
        )
        if response:
            return response
        if stale:
            package = stale.current
    allowed = "decide" in selectors.allowed_actions(request.user, package)
    return render(
        request,
        "finance/packages/decide.html",
        {
            **_page(request, package, basis, stale),
            "form": form,
            "costs": costs,
            "requested_cost": requested,
            "level_needed": selectors.level_needed(requested, all_levels)
            if all_levels and requested
            else None,
            "allowed": allowed or bool(form.errors),
            "why_not": "" if allowed else _why_not("decide", package, (S.REQUESTED,)),
            "requested_by_me": package.requested_by_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def package_cost_change(request, pk):
    """A new cost version from a date; the versions before it are kept as they were."""
    package, basis = get_package_for_user(
        request.user, pk, perm=CHANGE_PERSON, what="care package (change cost)"
    )
    costs = selectors.costs_of(package)
    latest = costs[-1] if costs else None
    initial = CostChangeForm.initial_for(latest)
    form = CostChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response, stale = _run(
            request,
            package,
            form=form,
            call=lambda: services.change_cost(
                package=package,
                effective_from=data["effective_from"],
                reason=data["reason"],
                by=request.user,
                expected_version=_version(request),
                **form.cost_kwargs(),
            ),
            done="The new cost was recorded.",
        )
        if response:
            return response
        if stale:
            package = stale.current
    allowed = "cost_change" in selectors.allowed_actions(request.user, package)
    return render(
        request,
        "finance/packages/cost_change.html",
        {
            **_page(request, package, basis, stale),
            "form": form,
            "costs": costs,
            "latest": latest,
            "share_labels": SHARES,
            "allowed": allowed or bool(form.errors),
            "why_not": ""
            if allowed
            else _why_not("cost_change", package, (S.REQUESTED, S.APPROVED, S.ACTIVE)),
        },
    )
