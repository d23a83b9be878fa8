"""AMHP register pages: the register, an AMHP's approvals and training, and the forecast.

The AMHP lead manages the register of the teams they lead; an AMHP sees their own entry;
everyone else gets 404 for an entry and 403 for the lead's pages. Commissioners never reach
these pages (person_data_required). Reads through amhp.selectors_register, writes through
amhp.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import EmploymentType
from accounts.pagination import paginate
from cases.decorators import person_data_required

from .. import selectors_register as register
from .. import selectors_rota as rota
from .. import services
from ..forms_register import (
    AddAmhpForm,
    ApprovalForm,
    ChangeAmhpForm,
    EndApprovalForm,
    RegisterFilterForm,
    TrainingForm,
)
from ..services.register import latest_expiry

TRAINING_PAGE_SIZE = 25


def _require_lead(request):
    if not register.is_amhp_lead(request.user):
        raise PermissionDenied("Only the AMHP lead can use this page")


def _entry_for_lead(request, pk):
    """An entry the user leads: 404 if they may not see it, 403 if they may only read it."""
    profile, leads = register.profile_for_user(request.user, pk)
    if not leads:
        raise PermissionDenied("Only the AMHP lead can change the register")
    return profile


def _form_page(request, *, form, template, context, do, success, then):
    """POST: run the service; a refusal shows on the form with everything typed kept."""
    if request.method == "POST" and form.is_valid():
        try:
            result = do(form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then)
    return render(request, template, {**context, "form": form})


# --- The register ------------------------------------------------------------------------


@person_data_required
def register_list(request):
    """Every AMHP with their approval, expiry and training this approval year."""
    if not register.is_amhp_lead(request.user):
        own = register.own_profile(request.user)
        if own is not None:
            return redirect("amhp:register_amhp", own.pk)
        raise PermissionDenied("Only the AMHP lead can see the register")
    today = timezone.localdate()
    filters = RegisterFilterForm(request.GET or None)
    rows = register.register_rows(request.user, today)
    shown = register.filter_rows(rows, filters.cleaned_data if filters.is_valid() else {})
    page_obj, querystring = paginate(request, shown)
    return render(
        request,
        "amhp/register_list.html",
        {
            "filters": filters,
            "filtered": filters.filtered,
            "page_obj": page_obj,
            "querystring": querystring,
            "today": today,
            "counts": {
                "approved": sum(1 for r in rows if r.current and r.in_team),
                "expiring": sum(1 for r in rows if r.expiring_soon and r.in_team),
                "behind": sum(1 for r in rows if r.training_behind and r.in_team),
            },
            "expiring_days": register.EXPIRING_SOON_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@person_data_required
def register_add(request):
    _require_lead(request)
    teams = register.led_teams(request.user)
    # Most AMHPs are employed by the council that runs the service.
    initial = {"employer": teams[0].organisation_id, "employment_type": EmploymentType.PERMANENT}
    form = AddAmhpForm(
        request.POST or None,
        users=register.addable_users(request.user),
        employers=register.employer_choices(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.add_amhp(
                user=data["user"],
                profession=data["profession"],
                employer=data["employer"],
                employment_type=data["employment_type"],
                notes=data["notes"],
                by=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{profile.user.display_name} was added to the register. Record their approval."
            )
            return redirect("amhp:approval_create", profile.pk)
    return render(request, "amhp/register_add.html", {"form": form})


@person_data_required
def register_amhp(request, pk):
    """One AMHP: details, approvals with training per approval year, the training log."""
    profile, leads = register.profile_for_user(request.user, pk)
    today = timezone.localdate()
    page_obj, querystring = paginate(request, register.training_log(profile), per_page=TRAINING_PAGE_SIZE)
    entries = register.approval_entries(profile, today)
    return render(
        request,
        "amhp/register_detail.html",
        {
            "profile": profile,
            "name": profile.user.display_name,
            "row": register.register_row(profile, today),
            "entries": entries,
            "page_obj": page_obj,
            "querystring": querystring,
            "can_manage": leads,
            "can_approve": leads and profile.user_id != request.user.pk,
            "upcoming": rota.my_assignments(profile, since=timezone.now())[:5],
            "is_self": profile.user_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
@person_data_required
def register_change(request, pk):
    profile = _entry_for_lead(request, pk)
    initial = {
        "profession": profile.profession,
        "employer": profile.employer_id,
        "employment_type": profile.employment_type,
        "notes": profile.notes,
        "version": services.register_version(profile),
    }
    form = ChangeAmhpForm(request.POST or None, employers=register.employer_choices(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_amhp(
                amhp_id=profile.pk,
                profession=data["profession"],
                employer=data["employer"],
                employment_type=data["employment_type"],
                notes=data["notes"],
                expected_version=data["version"],
                by=request.user,
            )
        except services.StaleRegisterEdit as exc:
            # Keep what this user typed; take the new version so a second save can succeed.
            post = request.POST.copy()
            post["version"] = services.register_version(exc.current)
            form = ChangeAmhpForm(post, employers=register.employer_choices())
            form.is_valid()
            form.add_error(None, str(exc))
            current = exc.current
            return render(
                request,
                "amhp/register_change.html",
                {"form": form, "profile": profile, "name": profile.user.display_name, "current": current},
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The register was updated.")
            return redirect("amhp:register_amhp", profile.pk)
    return render(
        request,
        "amhp/register_change.html",
        {"form": form, "profile": profile, "name": profile.user.display_name},
    )


# --- Approvals and training --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@person_data_required
def approval_create(request, pk):
    profile = _entry_for_lead(request, pk)
    if profile.user_id == request.user.pk:
        raise PermissionDenied("You cannot record your own approval")
    today = timezone.localdate()
    return _form_page(
        request,
        form=ApprovalForm(request.POST or None),
        template="amhp/approval_create.html",
        context={
            "profile": profile,
            "name": profile.user.display_name,
            "example_limit": latest_expiry(today),
        },
        do=lambda data: services.record_approval(
            amhp_id=profile.pk,
            approved_on=data["approved_on"],
            expires_on=data["expires_on"],
            by=request.user,
        ),
        success=lambda approval: (
            f"The approval was recorded: from {approval.approved_on:%-d %B %Y} "
            f"until {approval.expires_on:%-d %B %Y}."
        ),
        then=reverse("amhp:register_amhp", args=[profile.pk]),
    )


@require_http_methods(["GET", "POST"])
@person_data_required
def approval_end(request, pk, approval_pk):
    profile = _entry_for_lead(request, pk)
    approval = register.approval_of(profile, approval_pk)
    if profile.user_id == request.user.pk:
        raise PermissionDenied("You cannot end your own approval")
    form = EndApprovalForm(request.POST or None, initial={"ended_on": timezone.localdate()})

    def end(data):
        services.end_approval(
            approval_id=approval.pk,
            ended_on=data["ended_on"],
            how=data["how"],
            reason=data["reason"],
            by=request.user,
        )
        return rota.affected_assignments(profile, data["ended_on"])

    def success(affected):
        message = "The approval was ended."
        if affected:
            message += (
                f" {profile.user.display_name} is still on {affected} shift{'s' if affected != 1 else ''} "
                "from that date: they now show on the rota as not covered."
            )
        return message

    return _form_page(
        request,
        form=form,
        template="amhp/approval_end.html",
        context={"profile": profile, "name": profile.user.display_name, "approval": approval},
        do=end,
        success=success,
        then=reverse("amhp:register_amhp", args=[profile.pk]),
    )


@require_http_methods(["GET", "POST"])
@person_data_required
def training_create(request, pk):
    profile = _entry_for_lead(request, pk)
    return _form_page(
        request,
        form=TrainingForm(request.POST or None),
        template="amhp/training_create.html",
        context={"profile": profile, "name": profile.user.display_name},
        do=lambda data: services.record_training(amhp_id=profile.pk, by=request.user, **data),
        success=lambda record: f"{record.hours} hours of training were recorded.",
        then=reverse("amhp:register_amhp", args=[profile.pk]),
    )


# --- Forecast ----------------------------------------------------------------------------


@person_data_required
def forecast(request):
    """For each of the next 12 months: AMHPs approved on the first and last day, and who
    drops out, so renewals are arranged before cover falls."""
    _require_lead(request)
    months = register.forecast(request.user, timezone.localdate())
    top = max([m.valid_first for m in months] + [m.valid_last for m in months] + [1])
    width = 240
    rows = [(m, round(m.valid_first * width / top), round(m.valid_last * width / top)) for m in months]
    return render(request, "amhp/register_forecast.html", {"rows": rows, "bar_width": width, "top": top})
