"""Section 75 money home, and the pooled budget pages: setting up a year, its lines and
contributions, and forecast adjustments (issue 7; seed 003 s3.2).

Thin views: access through finance.permissions (404 for missing and forbidden alike; only
finance officers of a partner and the pool manager manage money), reads through
finance.selectors_budgets, writes through finance.services.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate
from cases.services import DomainError

from .. import selectors_budgets as selectors
from ..forms_budgets import AdjustmentForm, BudgetCreateForm, BudgetLinesForm, WithdrawAdjustmentForm
from ..models import financial_year_of
from ..permissions import get_agreement_for_user, get_budget_for_user, is_finance_officer
from ..services import budgets as services


def add_problems(form, exc: DomainError) -> None:
    """Show a refusal on the form: each listed problem, else the message."""
    for problem in getattr(exc, "problems", None) or [str(exc)]:
        form.add_error(None, problem)


def home(request):
    """The agreements the user manages, each with its budgets by year; commissioners see the
    agreements whose aggregate tables they may read."""
    if not selectors.may_use_finance_pages(request.user):
        raise Http404("No finance pages for this user")
    page_obj, querystring = paginate(
        request, selectors.managed_agreements(request.user), per_page=selectors.HOME_PAGE_SIZE
    )
    return render(
        request,
        "finance/home.html",
        {
            "page_obj": page_obj,
            "querystring": querystring,
            "agreements": page_obj.object_list,
            "readable": selectors.readable_agreements(request.user),
            "can_set_up": is_finance_officer(request.user),
        },
    )


def _year_choices(agreement) -> list[int]:
    """Years from the agreement's start to its end (or next year if it runs on), the most
    recent fifteen at most."""
    first = financial_year_of(agreement.starts_on)
    last = (
        financial_year_of(agreement.ends_on)
        if agreement.ends_on
        else financial_year_of(timezone.localdate()) + 1
    )
    return list(range(max(first, last - 14), last + 1))


@require_http_methods(["GET", "POST"])
def budget_create(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    partners = selectors.partners_of(agreement)
    taken = {budget.year for budget in selectors.budgets_of(agreement)}
    form = BudgetCreateForm(
        request.POST if request.method == "POST" else None,
        years=_year_choices(agreement),
        taken=taken,
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.create_budget(
                agreement=agreement,
                year=form.cleaned_data["year"],
                contributions=form.contributions(),
                by=request.user,
            )
        except services.YearRefused as exc:
            form.add_error("year", str(exc))
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(
                request, f"The {budget.label} budget was set up. Enter the budget for each line."
            )
            return redirect("finance:budget_lines_edit", budget.pk)
    return render(request, "finance/budgets/create.html", {"agreement": agreement, "form": form})


def budget_detail(request, pk):
    budget = get_budget_for_user(request.user, pk)
    overview = selectors.budget_overview(budget)
    page_obj, querystring = paginate(
        request, selectors.adjustments_of(budget), per_page=selectors.ADJUSTMENTS_PAGE_SIZE
    )
    staffing = selectors.staffing_lines(budget)
    return render(
        request,
        "finance/budgets/detail.html",
        {
            "budget": budget,
            "agreement": budget.agreement,
            "overview": overview,
            "page_obj": page_obj,
            "querystring": querystring,
            "adjustments": page_obj.object_list,
            "staffing": staffing,
            "staffing_totals": selectors.staffing_totals(staffing),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def budget_lines_edit(request, pk):
    """Every line's amount and bearing partner, and the contributions, in one plain form."""
    budget = get_budget_for_user(request.user, pk)
    form = BudgetLinesForm(
        request.POST if request.method == "POST" else None,
        budget=budget,
        lines=selectors.budget_lines(budget),
        partners=selectors.partners_of(budget.agreement),
        contributions=selectors.contributions_of(budget),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_budget_lines(
                budget=budget,
                amounts=form.amounts(),
                partners=form.bearing_partners(),
                contributions=form.contributions(),
                by=request.user,
            )
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"The {budget.label} budget lines were saved.")
            return redirect(budget)
    return render(request, "finance/budgets/lines_edit.html", {"budget": budget, "form": form})


@require_http_methods(["GET", "POST"])
def adjustment_add(request, pk):
    budget = get_budget_for_user(request.user, pk)
    lines = selectors.adjustment_lines(budget)
    first_day = budget.bounds[0]
    form = AdjustmentForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        initial={"effective_from": max(first_day, min(timezone.localdate(), budget.bounds[1]))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_adjustment(
                line=form.chosen_line(),
                amount=data["amount"],
                in_commitment=data["in_commitment"],
                effective_from=data["effective_from"],
                note=data["note"],
                by=request.user,
            )
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The adjustment was added.")
            return redirect(budget)
    return render(request, "finance/budgets/adjustment_form.html", {"budget": budget, "form": form})


@require_http_methods(["GET", "POST"])
def adjustment_withdraw(request, pk):
    adjustment = selectors.get_adjustment_for_user(request.user, pk)
    budget = adjustment.line.budget
    form = WithdrawAdjustmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_adjustment(
                adjustment=adjustment, withdrawn_on=form.cleaned_data["withdrawn_on"], by=request.user
            )
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The adjustment was withdrawn.")
            return redirect(budget)
    return render(
        request,
        "finance/budgets/adjustment_withdraw.html",
        {"budget": budget, "adjustment": adjustment, "form": form},
    )


__all__ = [
    "add_problems",
    "adjustment_add",
    "adjustment_withdraw",
    "budget_create",
    "budget_detail",
    "budget_lines_edit",
    "home",
]
