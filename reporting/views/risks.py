"""The joint risk register pages: the register (filtered, sorted by current score,
paginated), the 5x5 heat map, a risk with its scoring history, and the steps that change it.

Thin views: access by reporting.permissions (404 for anyone else), reads through
reporting.selectors_risks, writes through reporting.services.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate

from .. import selectors_risks as risks
from .. import services
from ..forms_risks import RescoreForm, RiskEditForm, RiskFilterForm, RiskForm
from ..permissions import can_edit_governance, get_or_404, governance_editor_required, governance_required
from ..services.risks import RISK_EDITABLE_FIELDS
from .common import add_problems, int_or


@governance_required
def risk_list(request):
    filters = RiskFilterForm(request.GET, owners=risks.owner_names())
    chosen = filters.filters()
    today = timezone.localdate()
    page_obj, querystring = paginate(request, risks.register(today=today, **chosen), per_page=risks.PAGE_SIZE)
    for risk in page_obj.object_list:
        risk.overdue = risk.review_overdue_on(today)
    return render(
        request,
        "reporting/risk_list.html",
        {
            "filters": filters,
            "filtered": any(chosen.values()),
            "page_obj": page_obj,
            "querystring": querystring,
            "can_edit": can_edit_governance(request.user),
        },
    )


@governance_required
def risk_heat_map(request):
    rows, columns, total = risks.heat_map()
    return render(request, "reporting/risk_heat_map.html", {"rows": rows, "columns": columns, "total": total})


@governance_editor_required
@require_http_methods(["GET", "POST"])
def risk_create(request):
    form = RiskForm(
        request.POST if request.method == "POST" else None, initial={"assessed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.add_risk(by=request.user, **form.values())
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"Risk {risk.reference} was added to the register.")
            return redirect(risk)
    return render(request, "reporting/risk_form.html", {"form": form, "risk": None})


@governance_required
def risk_detail(request, pk):
    risk = get_or_404(risks.risk_queryset(), pk)
    risk.overdue = risk.review_overdue
    return render(
        request,
        "reporting/risk_detail.html",
        {
            "risk": risk,
            "assessments": risks.assessments_for(risk),
            "can_edit": can_edit_governance(request.user),
        },
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def risk_edit(request, pk):
    """Change the wording, owner, mitigations or next review, with optimistic locking."""
    risk = get_or_404(risks.risk_queryset(), pk)
    current = {field: getattr(risk, field) for field in RISK_EDITABLE_FIELDS}
    form = RiskEditForm(
        request.POST if request.method == "POST" else None, initial=RiskEditForm.initial_for(current)
    )
    version, stale = risk.version, None
    if request.method == "POST":
        version = int_or(request.POST.get("version"), risk.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_risk(
                risk_id=risk.pk,
                data=form.values(),
                expected_version=int_or(request.POST.get("version"), -1),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.StaleEdit as exc:
            stale, version = exc, exc.current.version
            form = RiskEditForm(
                initial={**RiskEditForm.initial_for(exc.merged), "reason": form.cleaned_data["reason"]}
            )
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The risk was changed.")
            return redirect(risk)
    return render(
        request, "reporting/risk_form.html", {"form": form, "risk": risk, "version": version, "stale": stale}
    )


@governance_editor_required
@require_http_methods(["GET", "POST"])
def risk_rescore(request, pk):
    """A review: the current consequence and likelihood, kept as a new row of the history."""
    risk = get_or_404(risks.risk_queryset(), pk)
    form = RescoreForm(
        request.POST if request.method == "POST" else None,
        initial={
            "consequence": risk.consequence,
            "likelihood": risk.likelihood,
            "assessed_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.rescore_risk(risk_id=risk.pk, by=request.user, **form.cleaned_data)
        except services.DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(
                request, f"The risk was re-scored: {assessment.score} ({assessment.level.label.lower()})."
            )
            return redirect(risk)
    return render(request, "reporting/risk_rescore.html", {"risk": risk, "form": form})
