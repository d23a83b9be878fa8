"""Tables pages: the budget tables from snapshots (seed 003 s3.2), the staffing table (s3.3),
the risk share, and the snapshot list with an on-demand snapshot (issue 7).

Finance of a partner (and the pool manager) and commissioners of a partner read these pages
(`get_budget_for_user(..., manage=False)`); only finance takes a snapshot. No person is named
on any of them, so there is nothing to log as a read of person data. Every table downloads as
CSV (one table, chosen by `table=`) or XLSX (all the page's tables, one sheet each).
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.exports import Table, slug, table_csv_response, tables_xlsx_response
from accounts.pagination import paginate
from cases.services import DomainError

from .. import risk_share as shares
from .. import tables
from .. import tables_staffing as staffing
from ..models import SnapshotKind
from ..permissions import get_budget_for_user
from ..tables_forms import PeriodsForm, SnapshotChoiceForm, SnapshotFilter, StaffingForm

FORMATS = ("csv", "xlsx")
SNAPSHOT_PAGE_SIZE = 25
UNITS_CAPTION = {"k": "in £ thousands", "pounds": "in pounds", "pence": "in pounds and pence"}


def _can_manage(user, budget) -> bool:
    try:
        get_budget_for_user(user, budget.pk, manage=True)
    except Http404:
        return False
    return True


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _shown(table_slug: str, table: Table) -> dict:
    """A table ready for finance/tables/_figures.html: header cells marked numeric where
    their column holds figures (right-aligned, as GOV.UK tables of numbers are)."""
    numeric = [
        any(i < len(row.cells) and _is_number(row.cells[i]) for row in table.rows)
        for i in range(len(table.columns))
    ]
    top, bottom = tables.header_rows(table)
    for cell in top + bottom:
        cell["numeric"] = numeric[cell["index"]]
    return {"slug": table_slug, "table": table, "top": top, "bottom": bottom, "width": len(table.columns)}


def _export(tables_by_slug: list[tuple[str, Table]], fmt: str, request, filename: str):
    """CSV of the table named by `table=` (or the only one); XLSX of them all."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    if fmt == "xlsx":
        return tables_xlsx_response([t for _, t in tables_by_slug], f"{filename}.xlsx")
    wanted = request.GET.get("table") or (tables_by_slug[0][0] if len(tables_by_slug) == 1 else "")
    for table_slug, table in tables_by_slug:
        if table_slug == wanted:
            return table_csv_response(table, f"{filename}-{table_slug}.csv")
    raise Http404("No such table")


def _filename(budget, what: str) -> str:
    return f"{slug(budget.agreement.name)}-{budget.year}-{what}"


def _context(request, budget, **extra) -> dict:
    return {"budget": budget, "can_manage": _can_manage(request.user, budget), **extra}


# --- Budget tables ----------------------------------------------------------------------------


def _choose_periods(request, snapshots):
    """The form, the chosen snapshots (oldest first) and the units. An invalid choice is
    shown as an error and the default periods are used meanwhile."""
    default = tables.default_periods(snapshots)
    asked = any(key in request.GET for key in ("periods", "units", "shown"))
    form = PeriodsForm(
        request.GET if asked else None,
        snapshots=snapshots,
        initial={"periods": [s.pk for s in default], "units": "k", "shown": "1"},
    )
    if asked and form.is_valid():
        ids = set(form.cleaned_data["periods"])
        chosen = [s for s in snapshots if s.pk in ids] if ids else default
        return form, chosen, form.cleaned_data["units"]
    units = request.GET.get("units") if request.GET.get("units") in ("k", "pounds") else "k"
    return form, default, units


def _budget_tables(request, pk):
    budget = get_budget_for_user(request.user, pk, manage=False)
    snapshots = tables.budget_snapshots(budget)
    form, chosen, units = _choose_periods(request, snapshots)
    figures = tables.load_figures(budget, chosen)
    return budget, snapshots, form, chosen, units, tables.budget_tables(figures)


@require_GET
def budget_tables(request, pk):
    budget, snapshots, form, chosen, units, built = _budget_tables(request, pk)
    query = urlencode([("periods", s.pk) for s in chosen])
    return render(
        request,
        "finance/tables/budget_tables.html",
        _context(
            request,
            budget,
            form=form,
            snapshots=snapshots,
            chosen=chosen,
            units=units,
            units_caption=UNITS_CAPTION[units],
            tables=[_shown(s, t) for s, t in built],
            export_query=query,
            current="budget_tables",
        ),
    )


@require_GET
def budget_tables_export(request, pk, format):
    budget, _, _, _, _, built = _budget_tables(request, pk)
    return _export(built, format, request, _filename(budget, "care-packages"))


# --- Staffing ---------------------------------------------------------------------------------


def _staffing(request, pk):
    budget = get_budget_for_user(request.user, pk, manage=False)
    latest = shares.latest_snapshot(budget)
    reference = latest.as_of if latest else timezone.localdate()
    default = staffing.default_as_of(budget, reference)
    ends = staffing.month_ends(budget)
    form = StaffingForm(
        request.GET if "as_of" in request.GET else None,
        month_ends=ends,
        initial={"as_of": default.isoformat()},
    )
    as_of = form.cleaned_data["as_of"] if form.is_bound and form.is_valid() else default
    return budget, form, as_of, staffing.staffing_table(budget, as_of)


@require_GET
def staffing_table(request, pk):
    budget, form, as_of, table = _staffing(request, pk)
    return render(
        request,
        "finance/tables/staffing.html",
        _context(
            request,
            budget,
            form=form,
            as_of=as_of,
            shown=_shown("staffing", table),
            units="pounds",
            units_caption=UNITS_CAPTION["pounds"],
            export_query=urlencode({"as_of": as_of.isoformat()}),
            current="staffing_table",
        ),
    )


@require_GET
def staffing_table_export(request, pk, format):
    budget, _, as_of, table = _staffing(request, pk)
    return _export([("staffing", table)], format, request, _filename(budget, f"staffing-{as_of:%Y-%m}"))


# --- Risk share -------------------------------------------------------------------------------


def _risk_share(request, pk):
    budget = get_budget_for_user(request.user, pk, manage=False)
    snapshots = tables.budget_snapshots(budget)
    latest = snapshots[-1] if snapshots else None
    form = SnapshotChoiceForm(
        request.GET if "snapshot" in request.GET else None,
        snapshots=snapshots,
        initial={"snapshot": latest.pk if latest else None},
    )
    snapshot = latest
    if form.is_bound and form.is_valid():
        snapshot = next(s for s in snapshots if s.pk == form.cleaned_data["snapshot"])
    result = shares.risk_share(budget, snapshot)
    built = [("variance", shares.variance_table(result))]
    if not result.problem:
        built.append(("shares", shares.shares_table(result)))
    return budget, form, snapshots, result, built


@require_GET
def risk_share(request, pk):
    budget, form, snapshots, result, built = _risk_share(request, pk)
    return render(
        request,
        "finance/tables/risk_share.html",
        _context(
            request,
            budget,
            form=form,
            snapshots=snapshots,
            result=result,
            tables=[_shown(s, t) for s, t in built],
            units="pence",
            units_caption=UNITS_CAPTION["pence"],
            export_query=urlencode({"snapshot": result.snapshot.pk}) if result.snapshot else "",
            current="risk_share",
        ),
    )


@require_GET
def risk_share_export(request, pk, format):
    budget, _, _, result, built = _risk_share(request, pk)
    if result.snapshot is None:
        raise Http404("No snapshot yet")
    return _export(built, format, request, _filename(budget, f"risk-share-{result.snapshot.as_of}"))


# --- Snapshots --------------------------------------------------------------------------------


def _snapshot_list(request, budget, *, take_error: str = "", status: int = 200):
    filters = SnapshotFilter(request.GET or None, queryset=tables.snapshot_rows(budget))
    page_obj, querystring = paginate(request, filters.qs, per_page=SNAPSHOT_PAGE_SIZE)
    start, end = budget.bounds
    today = timezone.localdate()
    return render(
        request,
        "finance/tables/snapshot_list.html",
        _context(
            request,
            budget,
            filters=filters,
            filtered=any(filters.form.data.get(k) for k in ("kind", "taken_from_day", "taken_to_day")),
            page_obj=page_obj,
            querystring=querystring,
            today=today,
            in_year=start <= today <= end,
            take_error=take_error,
            current="snapshot_list",
        ),
        status=status,
    )


@require_GET
def snapshot_list(request, pk):
    budget = get_budget_for_user(request.user, pk, manage=False)
    return _snapshot_list(request, budget)


@require_POST
def snapshot_take(request, pk):
    """Finance takes a snapshot of today's position, on demand (labelled with the day)."""
    budget = get_budget_for_user(request.user, pk, manage=True)
    from ..services.snapshots import take_snapshot  # written alongside; imported when used

    try:
        snapshot = take_snapshot(
            budget=budget, as_of=timezone.localdate(), kind=SnapshotKind.ON_DEMAND, by=request.user
        )
    except DomainError as exc:
        return _snapshot_list(request, budget, take_error=str(exc), status=400)
    messages.success(request, f"Snapshot {snapshot.label} taken: today's commitment and forecast are kept.")
    return redirect(reverse("finance:snapshot_list", args=[budget.pk]))
