"""Staffing budget pages (seed 003 s3.3): the lines by partner and group, a month's actuals,
and the ledger CSV import. Finance officers of a partner and the pool manager only."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.services import DomainError

from .. import selectors_budgets as selectors
from ..forms_staffing import ActualsForm, LedgerImportForm, MonthChoiceForm, StaffingLinesForm
from ..permissions import get_budget_for_user
from ..services import staffing as services
from .budgets import add_problems

MAX_SHOWN = 50  # problems listed from one ledger file; the rest are counted


@require_http_methods(["GET", "POST"])
def staffing_edit(request, pk):
    """Every staffing line's budget, adjusted budget and forecast, and a row to add a line."""
    budget = get_budget_for_user(request.user, pk)
    lines = selectors.staffing_lines(budget)
    form = StaffingLinesForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        partners=selectors.partners_of(budget.agreement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = services.save_staffing_lines(
                budget=budget, changes=form.changes(), new=form.new_line(), by=request.user
            )
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(
                request,
                f"The staffing line {added} was added." if added else "The staffing lines were saved.",
            )
            return redirect("finance:staffing_edit", budget.pk)
    return render(
        request,
        "finance/staffing/edit.html",
        {
            "budget": budget,
            "form": form,
            "lines": lines,
            "totals": selectors.staffing_totals(lines),
            "months": selectors.months_recorded(budget),
        },
    )


def _chosen_month(request, months, source):
    chooser = MonthChoiceForm(source, months=months)
    if chooser.is_valid():
        return chooser, chooser.months[chooser.cleaned_data["month"]]
    today = timezone.localdate().replace(day=1)
    default = today if today in months else months[0]
    return MonthChoiceForm({"month": f"{default:%Y-%m}"}, months=months), default


@require_http_methods(["GET", "POST"])
def staffing_actuals(request, pk):
    """A month's actual spend, one amount per line. The month is chosen first (GET), so the
    amounts saved are always for the month shown."""
    budget = get_budget_for_user(request.user, pk)
    months = services.months_of(budget)
    chooser, month = _chosen_month(request, months, request.POST if request.method == "POST" else request.GET)
    lines = selectors.staffing_lines(budget)
    form = ActualsForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        existing=selectors.actuals_for_month(budget, month),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_actuals(
                budget=budget, month=month, amounts=form.amounts(), by=request.user
            )
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(
                request, f"Actuals for {month:%B %Y} saved for {saved} line{'s' if saved != 1 else ''}."
            )
            return redirect(f"{reverse('finance:staffing_actuals', args=[budget.pk])}?month={month:%Y-%m}")
    return render(
        request,
        "finance/staffing/actuals.html",
        {"budget": budget, "form": form, "chooser": chooser, "month": month},
    )


@require_http_methods(["GET", "POST"])
def staffing_import(request, pk):
    """Import a ledger CSV: every row checked first, nothing imported if one is bad."""
    budget = get_budget_for_user(request.user, pk)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_ledger_csv(
                budget=budget, content=form.cleaned_data["file"].read(), by=request.user
            )
        except DomainError as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            for problem in problems[:MAX_SHOWN]:
                form.add_error(None, problem)
            if len(problems) > MAX_SHOWN:
                form.add_error(
                    None,
                    f"And {len(problems) - MAX_SHOWN} more lines are wrong: correct the file and try again",
                )
        else:
            form = LedgerImportForm()
    return render(
        request,
        "finance/staffing/import.html",
        {"budget": budget, "form": form, "result": result, "columns": services.LEDGER_COLUMNS},
    )
