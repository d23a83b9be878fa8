"""The privacy officer's review of break-glass access (DESIGN.md section 2)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import BreakGlassReviewForm
from accounts.models import Role
from accounts.pagination import paginate

from .. import selectors, services
from ..decorators import role_required
from ..filters import BreakGlassFilter


@role_required(Role.PRIVACY_OFFICER)
def break_glass_review_list(request):
    """Every emergency access, newest first; waiting for review unless filtered otherwise."""
    access_filter = BreakGlassFilter(request.GET, queryset=selectors.break_glass_accesses())
    page_obj, querystring = paginate(request, access_filter.qs)
    return render(
        request,
        "cases/break_glass_review_list.html",
        {"filter": access_filter, "page_obj": page_obj, "querystring": querystring},
    )


@role_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET", "POST"])
def break_glass_review(request, access_id):
    access = get_object_or_404(selectors.break_glass_accesses(), pk=access_id)
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_break_glass(
                access_id=access.pk, by=request.user, comment=form.cleaned_data["comment"]
            )
        except services.DomainError as exc:
            form.add_error("comment", str(exc))
        else:
            messages.success(request, "The access was marked as reviewed.")
            return redirect("cases:break_glass_reviews")
    return render(request, "cases/break_glass_review.html", {"access": access, "form": form})
