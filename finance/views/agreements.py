"""Section 75 agreement pages: set one up, see it, change it (optimistic lock), and record a
variation. Finance officers of a partner and the pool manager only; 404 for anyone else."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.pagination import paginate
from cases.services import DomainError

from .. import selectors_budgets as selectors
from ..forms_agreements import AgreementForm, VariationForm
from ..models import RiskShareRule
from ..permissions import get_agreement_for_user, is_finance_officer
from ..services import agreements as services
from .budgets import add_problems


def _form(request, **kwargs) -> AgreementForm:
    return AgreementForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.partner_organisations(),
        managers=selectors.pool_manager_choices(),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request):
    if not is_finance_officer(request.user):
        raise Http404("Only finance officers set up agreements")
    form = _form(
        request, initial={"risk_share_rule": RiskShareRule.PROPORTIONAL, "pool_manager": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.create_agreement(**form.values(), by=request.user)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, f"{agreement.name} was set up. Set up its budget for a year next.")
            return redirect(agreement)
    return render(request, "finance/agreements/form.html", {"form": form, "agreement": None})


def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    page_obj, querystring = paginate(
        request, selectors.variations_of(agreement), per_page=selectors.VARIATIONS_PAGE_SIZE
    )
    return render(
        request,
        "finance/agreements/detail.html",
        {
            "agreement": agreement,
            "partners": selectors.partners_of(agreement),
            "budgets": selectors.budgets_of(agreement),
            "page_obj": page_obj,
            "querystring": querystring,
            "variations": page_obj.object_list,
            "fixed": agreement.risk_share_rule == RiskShareRule.FIXED,
        },
    )


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    """A stale save shows what the other person changed, keeps this user's typing, and
    overwrites nothing (govuk/stale_edit.html)."""
    agreement = get_agreement_for_user(request.user, pk)
    partners = selectors.partners_of(agreement)
    form = _form(request, with_reason=True, initial=AgreementForm.initial_for(agreement, partners))
    version, stale = agreement.version, None
    if request.method == "POST":
        version = request.POST.get("version", agreement.version)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.update_agreement(
                agreement_id=agreement.pk,
                data={**values, "reason": form.cleaned_data.get("reason", "")},
                expected_version=_int_or(request.POST.get("version"), -1),
                by=request.user,
            )
        except services.StaleEdit as exc:
            stale, version = exc, exc.current.version
            form = AgreementForm(
                organisations=selectors.partner_organisations(),
                managers=selectors.pool_manager_choices(),
                with_reason=True,
                initial={
                    **AgreementForm.initial_from_merged(exc.merged),
                    "reason": form.cleaned_data.get("reason"),
                },
            )
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The agreement was changed.")
            return redirect(agreement)
    return render(
        request,
        "finance/agreements/form.html",
        {"form": form, "agreement": agreement, "version": version, "stale": stale},
    )


@require_http_methods(["GET", "POST"])
def variation_add(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    form = VariationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_variation(agreement=agreement, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, "The variation was recorded.")
            return redirect(agreement)
    return render(request, "finance/agreements/variation_form.html", {"agreement": agreement, "form": form})
