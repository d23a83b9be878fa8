"""Care package pages: the list for finance and team leads, a request from a case, and one
package's page (issue 7).

Thin views: a package is read through `finance.permissions.get_package_for_user` (404 for
missing and forbidden alike, one access-log row: the relationship basis for the team, the
finance basis for finance); a case through `cases.permissions.get_case_for_user`; lists
through `finance.selectors_packages`; writes through `finance.services.packages`. The
steps after the request are in `packages_steps`.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate
from accounts.selectors import can_see_person_data
from cases.models import AccessBasis
from cases.permissions import CHANGE_PERSON, get_case_for_user

from .. import selectors_packages as selectors
from ..forms_packages import SHARES, PackageFilter, PackageRequestForm
from ..permissions import can_manage_finance, get_package_for_user
from ..services import packages as services


def can_list_packages(user) -> bool:
    """People who work with people, and finance; never commissioners (aggregates only)."""
    return can_see_person_data(user) or can_manage_finance(user)


def package_list(request):
    """Packages the user may open, filtered and paginated; only filter values go in the query
    string. Finance sees the person's name and NHS number, nothing from the case."""
    if not can_list_packages(request.user):
        raise Http404("Not found")
    filters = PackageFilter(
        request.GET or None,
        queryset=selectors.package_list(request.user),
        teams=selectors.list_teams(request.user),
        levels=selectors.levels(),
    )
    page_obj, querystring = paginate(request, filters.qs, per_page=selectors.LIST_PAGE_SIZE)
    return render(
        request,
        "finance/packages/list.html",
        {"filters": filters, "page_obj": page_obj, "querystring": querystring, "filtered": filters.filtered},
    )


@require_http_methods(["GET", "POST"])
def package_request(request, case_pk):
    """Ask the funding panel for a package, from the person's open case. The budget line is
    the chosen pool's service line and the type of care (selectors.budget_line_for)."""
    case, access = get_case_for_user(request.user, case_pk, perm=CHANGE_PERSON, what="care package (request)")
    person = access.person
    may = not access.is_break_glass and selectors.may_request(request.user, case)
    service_lines = selectors.service_line_choices(case.team) if may else []
    form = PackageRequestForm(request.POST if request.method == "POST" else None, service_lines=service_lines)
    if request.method == "POST" and may and form.is_valid():
        data = form.cleaned_data
        line, problem = selectors.budget_line_for(
            choice=data["service_line"], care_type=data["care_type"], planned_start=data["planned_start"]
        )
        if problem:
            form.add_error("care_type", problem)
        else:
            try:
                package = services.request_package(
                    case=case,
                    care_type=data["care_type"],
                    provider=data["provider"],
                    budget_line=line,
                    needs_summary=data["needs_summary"],
                    planned_start=data["planned_start"],
                    planned_end=data["planned_end"],
                    by=request.user,
                    **form.cost_kwargs(),
                )
            except services.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Care package {package.reference} was requested. It is waiting for the funding panel.",
                )
                return redirect(package)
    return render(
        request,
        "finance/packages/request.html",
        {
            "case": case,
            "person": person,
            "form": form,
            "may_request": may,
            "has_budget": bool(service_lines),
            "share_labels": SHARES,
        },
    )


def package_detail(request, pk):
    package, basis = get_package_for_user(request.user, pk, what="care package")
    costs = selectors.costs_of(package)
    current = selectors.cost_in_force(costs)
    return render(
        request,
        "finance/packages/detail.html",
        {
            "package": package,
            "person": package.person,
            "team_view": basis == AccessBasis.RELATIONSHIP,
            "costs": costs,
            "current_cost": current,
            "decision": selectors.decision_of(package),
            "transitions": selectors.transitions_of(package),
            "actions": selectors.allowed_actions(request.user, package),
            "requested_by_me": package.requested_by_id == request.user.pk,
        },
    )
