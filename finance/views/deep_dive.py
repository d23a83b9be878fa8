"""The deep-dive pages of a pooled budget (seed 003 s3.4): the top 10 most expensive live
packages, high-cost packages overdue a review, live-in packages, and the trend of package
numbers against average weekly cost, each with CSV and XLSX downloads.

Thin views: access through `get_budget_for_user(manage=True)` (finance officers of a
partner and the pool manager; everyone else 404), reads through finance/deep_dive.py. The
lists name people, so each page and download logs one AccessLog row per person shown in
one INSERT; the trend shows no one and logs nothing. Every page runs a fixed number of
queries whatever the number of packages.
"""

from decimal import Decimal

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.charts import Axis, LineChart, Series, pounds
from accounts.exports import Table, table_csv_response, tables_xlsx_response
from accounts.pagination import paginate
from accounts.templatetags.tables import format_money
from cases.models import AccessAction

from .. import deep_dive as dd
from ..models import CareType, PooledBudget
from ..permissions import get_budget_for_user
from ..selectors_budgets import active_service_lines

PAGES = {
    "top": "Top 10 most expensive",
    "high-cost": "High-cost reviews",
    "live-in": "Live-in care",
    "trend": "Trends",
}
URL_NAMES = {
    "top": "finance:deep_dive",
    "high-cost": "finance:deep_dive_high_cost",
    "live-in": "finance:deep_dive_live_in",
    "trend": "finance:deep_dive_trend",
}
FORMATS = ("csv", "xlsx")
COST_MESSAGE = "Enter a weekly cost in pounds, like 1000"
MONTHS_MESSAGE = "Enter the number of months since the last review, from 1 to 60"


# --- Filters ------------------------------------------------------------------------------
# GET forms: a filter left out of the query string takes its default; one sent empty is an
# error shown beside it, with what was typed kept.


def _given(data) -> dict:
    return data.dict() if hasattr(data, "dict") else dict(data or {})


def _service_line_field():
    return forms.ModelChoiceField(
        label="Service line",
        queryset=active_service_lines(),
        required=False,
        empty_label="All service lines",
        error_messages={"invalid_choice": "Select a service line from the list"},
    )


class HighCostFilterForm(forms.Form):
    use_required_attribute = False
    min_weekly_cost = forms.DecimalField(
        label="Weekly cost at least (£)",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "required": COST_MESSAGE,
            "invalid": COST_MESSAGE,
            "min_value": "The weekly cost cannot be negative",
            "max_digits": COST_MESSAGE,
            "max_decimal_places": "Enter the weekly cost in pounds and pence, like 1000 or 1000.50",
            "max_whole_digits": COST_MESSAGE,
        },
    )
    months = forms.IntegerField(
        label="Not reviewed for at least (months)",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": MONTHS_MESSAGE,
            "invalid": MONTHS_MESSAGE,
            "min_value": MONTHS_MESSAGE,
            "max_value": MONTHS_MESSAGE,
        },
    )

    def __init__(self, data=None):
        defaults = {"min_weekly_cost": dd.DEFAULT_MIN_WEEKLY_COST, "months": dd.DEFAULT_MONTHS}
        super().__init__({**defaults, **_given(data)})
        self.fields["service_line"] = _service_line_field()

    def filters(self) -> dict:
        return {
            "min_weekly_cost": self.cleaned_data["min_weekly_cost"],
            "months": self.cleaned_data["months"],
            "service_line": self.cleaned_data["service_line"],
        }


class LiveInFilterForm(forms.Form):
    use_required_attribute = False

    def __init__(self, data=None):
        super().__init__(data or None)
        self.fields["service_line"] = _service_line_field()

    def service_line(self):
        return self.cleaned_data["service_line"] if self.is_valid() else None


class TrendFilterForm(forms.Form):
    use_required_attribute = False
    care_type = forms.ChoiceField(
        label="Care type",
        choices=[("", "All care types"), *CareType.choices],
        required=False,
        error_messages={"invalid_choice": "Select a care type from the list"},
    )

    def __init__(self, data=None):
        super().__init__({"care_type": CareType.RESIDENTIAL, **_given(data)})
        self.fields["service_line"] = _service_line_field()


# --- Shared -------------------------------------------------------------------------------


def _budget(request, pk) -> PooledBudget:
    return get_budget_for_user(request.user, pk, manage=True)


def _page_context(request, budget: PooledBudget, page: str, **extra) -> dict:
    day = dd.as_on(budget)
    querystring = request.GET.urlencode()
    suffix = f"?{querystring}" if querystring else ""
    downloads = [
        (fmt.upper(), reverse("finance:deep_dive_export", args=[budget.pk, page, fmt]) + suffix)
        for fmt in FORMATS
    ]
    return {
        "budget": budget,
        "page": page,
        "page_title": PAGES[page],
        "pages": [(key, label, reverse(URL_NAMES[key], args=[budget.pk])) for key, label in PAGES.items()],
        "day": day,
        "downloads": downloads,
        **extra,
    }


def _linked(table: Table, rows: list[dd.PackageRow]) -> list[tuple]:
    """Each table row with its package (the template links the reference to the package)."""
    return list(zip(table.rows, rows, strict=True))


def _what(page: str) -> str:
    return f"finance deep dive: {PAGES[page].lower()}"


# --- The lists ----------------------------------------------------------------------------


def _top(budget, day):
    rows = dd.package_rows(dd.top_packages(budget, day), day)
    title = f"The {dd.TOP_COUNT} most expensive live packages on {dd.format_day(day)}"
    note = "Annual equivalent: the weekly cost ÷ 7 × 365."
    return rows, dd.package_table(title, rows, dd.TOP_COLUMNS, note=note)


def _high_cost_title(filters: dict, day) -> str:
    where = f" in {filters['service_line'].short_name}" if filters["service_line"] else ""
    months = f"{filters['months']} month{'s' if filters['months'] != 1 else ''}"
    return (
        f"Packages{where} of £{format_money(filters['min_weekly_cost'])} a week or more not reviewed "
        f"for {months} or more, on {dd.format_day(day)}"
    )


def _live_in_title(service_line, day) -> str:
    where = f" in {service_line.short_name}" if service_line else ""
    return f"Live-in care packages{where} on {dd.format_day(day)}"


@require_safe
def deep_dive(request, pk):
    """The top 10 most expensive live packages (seed 003 s3.4.5, first action)."""
    budget = _budget(request, pk)
    day = dd.as_on(budget)
    rows, table = _top(budget, day)
    dd.log_people_shown(user=request.user, rows=rows, what=_what("top"))
    context = _page_context(
        request,
        budget,
        "top",
        table=table,
        linked_rows=_linked(table, rows),
        headers=dd.headers(dd.TOP_COLUMNS),
    )
    return render(request, "finance/deep_dive/top.html", context)


@require_safe
def deep_dive_high_cost(request, pk):
    """High-cost packages not reviewed in N months, longest wait first, paginated."""
    budget = _budget(request, pk)
    day = dd.as_on(budget)
    form = HighCostFilterForm(request.GET)
    context = _page_context(request, budget, "high-cost", form=form, headers=dd.headers(dd.REVIEW_COLUMNS))
    if form.is_valid():
        filters = form.filters()
        page_obj, querystring = paginate(
            request, dd.high_cost_unreviewed(budget, day, **filters), per_page=dd.PAGE_SIZE
        )
        rows = dd.package_rows(page_obj.object_list, day)
        dd.log_people_shown(user=request.user, rows=rows, what=_what("high-cost"))
        table = dd.package_table(_high_cost_title(filters, day), rows, dd.REVIEW_COLUMNS)
        context |= {
            "table": table,
            "linked_rows": _linked(table, rows),
            "page_obj": page_obj,
            "querystring": querystring,
        }
    else:
        context["downloads"] = []
    return render(request, "finance/deep_dive/high_cost.html", context)


@require_safe
def deep_dive_live_in(request, pk):
    """Live-in care packages (seed 003 s3.4.5: review of the live-in packages)."""
    budget = _budget(request, pk)
    day = dd.as_on(budget)
    form = LiveInFilterForm(request.GET)
    service_line = form.service_line()
    page_obj, querystring = paginate(
        request, dd.live_in_packages(budget, day, service_line=service_line), per_page=dd.PAGE_SIZE
    )
    rows = dd.package_rows(page_obj.object_list, day)
    dd.log_people_shown(user=request.user, rows=rows, what=_what("live-in"))
    table = dd.package_table(_live_in_title(service_line, day), rows, dd.LIVE_IN_COLUMNS)
    context = _page_context(
        request,
        budget,
        "live-in",
        form=form,
        headers=dd.headers(dd.LIVE_IN_COLUMNS),
        table=table,
        linked_rows=_linked(table, rows),
        page_obj=page_obj,
        querystring=querystring,
    )
    return render(request, "finance/deep_dive/live_in.html", context)


# --- The trend ----------------------------------------------------------------------------


def trend_filters(form: TrendFilterForm) -> dict:
    if form.is_valid():
        return {
            "care_type": form.cleaned_data["care_type"],
            "service_line": form.cleaned_data["service_line"],
        }
    return {"care_type": CareType.RESIDENTIAL, "service_line": None}


def trend_subject(budget, *, care_type, service_line) -> str:
    kind = CareType(care_type).label if care_type else "All care"
    where = service_line.short_name if service_line else "all service lines"
    return f"{kind} packages, {where}, {budget.label}"


def trend_chart(points: list[dd.TrendPoint], subject: str) -> LineChart:
    """Package numbers (left scale) against average weekly cost (right scale) by month end."""
    return LineChart(
        title=f"{subject}: packages and average weekly cost at each month end",
        categories=[dd.format_day(p.month_end) for p in points],
        tick_labels=[dd.tick_label(p.month_end, i == 0) for i, p in enumerate(points)],
        series=[
            Series("Packages", [p.packages for p in points]),
            Series("Average weekly cost", [p.average_weekly_cost for p in points], axis="right"),
        ],
        left=Axis("Packages", whole_numbers=True),
        right=Axis("Average weekly cost (£)", format=pounds),
        x_title="Month end",
        id="deep-dive-trend",
    )


def _trend(budget, form):
    filters = trend_filters(form)
    points = dd.care_type_trend(budget, **filters)
    subject = trend_subject(budget, **filters)
    return points, subject, dd.trend_table(points, f"{subject}: figures at each month end")


@require_safe
def deep_dive_trend(request, pk):
    """Package numbers against unit cost per care type (seed 003 s3.4.3), chart and table."""
    budget = _budget(request, pk)
    form = TrendFilterForm(request.GET)
    points, subject, table = _trend(budget, form)
    context = _page_context(
        request,
        budget,
        "trend",
        form=form,
        points=points,
        chart=trend_chart(points, subject) if points else None,
        sentence=dd.trend_sentence(points),
        table=table,
    )
    return render(request, "finance/deep_dive/trend.html", context)


# --- Downloads ----------------------------------------------------------------------------


@require_safe
def deep_dive_export(request, pk, page, fmt):
    """The page's table as CSV or XLSX, with the page's filters; every row, not one page.
    A download of a list naming people logs one export row per person."""
    if page not in PAGES or fmt not in FORMATS:
        raise Http404("No such download")
    budget = _budget(request, pk)
    day = dd.as_on(budget)
    if page == "top":
        rows, table = _top(budget, day)
    elif page == "high-cost":
        form = HighCostFilterForm(request.GET)
        if not form.is_valid():
            form = HighCostFilterForm()  # the defaults
            form.is_valid()
        filters = form.filters()
        rows = dd.package_rows(dd.high_cost_unreviewed(budget, day, **filters), day)
        table = dd.package_table(_high_cost_title(filters, day), rows, dd.REVIEW_COLUMNS)
    elif page == "live-in":
        service_line = LiveInFilterForm(request.GET).service_line()
        rows = dd.package_rows(dd.live_in_packages(budget, day, service_line=service_line), day)
        table = dd.package_table(_live_in_title(service_line, day), rows, dd.LIVE_IN_COLUMNS)
    else:
        rows = []
        _, _, table = _trend(budget, TrendFilterForm(request.GET))
    dd.log_people_shown(user=request.user, rows=rows, what=_what(page), action=AccessAction.EXPORT)
    filename = f"deep-dive-{page}-{budget.year}.{fmt}"
    if fmt == "csv":
        return table_csv_response(table, filename)
    return tables_xlsx_response([table], filename)
