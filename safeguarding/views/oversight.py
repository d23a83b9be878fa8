"""The safeguarding team's queue, the head of safeguarding's line of sight across
organisations (seed 002 recommendation c), and the quality view (seed 000 6.27-6.31)."""

import logging

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.pagination import paginate
from accounts.selectors import current_organisation
from cases.decorators import person_data_required

from .. import selectors
from ..forms import OversightFilterForm, QualityPeriodForm, QueueFilterForm
from ..permissions import is_sam, safeguarding_teams_of

PAGE_SIZE = 25
logger = logging.getLogger("safeguarding.oversight")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@person_data_required
def queue(request):
    """The safeguarding team's home: concerns waiting for a decision with the time left, and
    open enquiries by stage and age, with what is overdue first in mind."""
    teams = safeguarding_teams_of(request.user)
    if not teams:
        raise Http404("No queue")
    wanted = _int_or_none(request.GET.get("team"))
    team = next((t for t in teams if t.pk == wanted), teams[0])
    params = request.GET.copy()
    params.setdefault("show", "concerns")
    filters = QueueFilterForm(params, teams=teams)
    filters.is_valid()
    data = filters.cleaned_data
    show = data.get("show") or "concerns"
    now = timezone.now()
    if show == "enquiries":
        rows = selectors.open_enquiries(
            [team],
            stage=data.get("stage", ""),
            kind=data.get("kind", ""),
            overdue=data.get("overdue", False),
            mine=request.user if data.get("mine") else None,
            now=now,
        )
    else:
        rows = selectors.awaiting_concerns([team], due=data.get("due", ""), now=now)
    page_obj, querystring = paginate(request, rows, per_page=PAGE_SIZE)
    if show == "enquiries":
        selectors.annotate_enquiries(page_obj.object_list, now)
    else:
        selectors.annotate_concerns(page_obj.object_list, now)
    return render(
        request,
        "safeguarding/queue.html",
        {
            "team": team,
            "teams": teams,
            "filters": filters,
            "show": show,
            "page_obj": page_obj,
            "querystring": querystring,
            "concern_counts": selectors.concern_counts([team], now),
            "enquiry_counts": selectors.enquiry_counts([team], now),
            "is_sam": is_sam(request.user),
        },
    )


@person_data_required
def oversight(request):
    """Every organisation's open concerns and enquiries: reference, organisation, team,
    status, age. Names appear only where the viewer already has a relationship with the
    adult, so the page shows no one's data the viewer could not already open.

    Access is logged: each view writes one line to the `safeguarding.oversight` log with
    the viewer, their organisation, the filters and the references listed. Not AccessLog:
    its rows are reads of one person's record, and this page is not one (a row per adult
    listed would also make the audit cost grow with the list, DESIGN.md section 3).
    """
    if not is_sam(request.user):
        raise Http404("Not found")
    organisations = selectors.safeguarding_organisations()
    params = request.GET.copy()
    params.setdefault("show", "concerns")
    filters = OversightFilterForm(params, organisations=organisations)
    filters.is_valid()
    data = filters.cleaned_data
    show = data.get("show") or "concerns"
    now = timezone.now()
    organisation_id = data.get("organisation")
    if show == "enquiries":
        rows = selectors.oversight_enquiries(
            request.user,
            organisation_id=organisation_id,
            stage=data.get("stage", ""),
            overdue=data.get("overdue", False),
            now=now,
        )
    else:
        rows = selectors.oversight_concerns(
            request.user, organisation_id=organisation_id, overdue=data.get("overdue", False), now=now
        )
    page_obj, querystring = paginate(request, rows, per_page=PAGE_SIZE)
    if show == "enquiries":
        selectors.annotate_enquiries(page_obj.object_list, now)
    else:
        selectors.annotate_concerns(page_obj.object_list, now)
    organisation = current_organisation(request.user)
    audit = {
        "user_id": request.user.pk,
        "organisation_id": organisation.pk if organisation else None,
        "show": show,
        "filters": {k: v for k, v in data.items() if v and k != "show"},
        "listed": [row.pk for row in page_obj.object_list],
    }
    # In the message too, so a plain log handler keeps who looked at what.
    logger.info(
        "Safeguarding oversight viewed by user %(user_id)s (organisation %(organisation_id)s): "
        "%(show)s %(listed)s, filters %(filters)s",
        audit,
        extra=audit,
    )
    return render(
        request,
        "safeguarding/oversight.html",
        {
            "filters": filters,
            "show": show,
            "page_obj": page_obj,
            "querystring": querystring,
            "summary": selectors.oversight_summary(now),
        },
    )


@person_data_required
def quality(request):
    """Of the enquiries closed in a period (default: the last 12 months), the share with each
    element recorded: seed 000's audit, made continuous. Aggregates only."""
    if not is_sam(request.user):
        raise Http404("Not found")
    organisations = selectors.safeguarding_organisations()
    start, end = selectors.default_quality_period(timezone.localdate())
    params = request.GET if "start_day" in request.GET else None
    form = QualityPeriodForm(params, initial={"start": start, "end": end}, organisations=organisations)
    organisation_id = None
    if params is not None and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        organisation_id = form.cleaned_data["organisation"]
    figures = (
        None
        if form.errors
        else selectors.quality_figures(start=start, end=end, organisation_id=organisation_id)
    )
    # Back to the queue; a trust's head of safeguarding has no queue, only the line of sight.
    has_queue = bool(safeguarding_teams_of(request.user))
    return render(
        request,
        "safeguarding/quality.html",
        {
            "form": form,
            "figures": figures,
            "start": start,
            "end": end,
            "back_url": "safeguarding:queue" if has_queue else "safeguarding:oversight",
            "back_text": "Back to the safeguarding queue" if has_queue else "Back to safeguarding oversight",
        },
    )
