"""The Safeguarding Adults Collection page: choose a financial year and organisation, see every
table, download one as CSV or all of them as a ZIP. For SAMs, as the quality view.

Aggregates only, so no AccessLog row (its rows are reads of one person's record); each
download writes one line to the `safeguarding.sac` log with who took which return.
Small numbers are not suppressed: this is the statutory return to NHS England, not a
publication (DESIGN.md section 2 suppresses in what is marked public).
"""

import logging

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from accounts.selectors import current_organisation
from cases.decorators import person_data_required

from .. import sac, selectors
from ..permissions import is_sam

YEARS_SHOWN = 6
logger = logging.getLogger("safeguarding.sac")


class SacYearForm(forms.Form):
    use_required_attribute = False
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        error_messages={"required": "Select the financial year", "invalid_choice": "Select a financial year"},
    )
    organisation = forms.TypedChoiceField(
        label="Organisation",
        coerce=int,
        error_messages={"required": "Select the organisation", "invalid_choice": "Select an organisation"},
    )

    def __init__(self, *args, years, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        current = years[0]
        self.fields["year"].choices = [
            (y.start_year, f"{y.label} (so far)" if y == current else y.label) for y in years
        ]
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


def _choice(request):
    """(form, year, organisation); year and organisation are None when the form has errors.
    Defaults: the year being returned, and the user's own organisation."""
    today = timezone.localdate()
    current = sac.FinancialYear.containing(today)
    years = [sac.FinancialYear(current.start_year - i) for i in range(YEARS_SHOWN)]
    organisations = list(selectors.safeguarding_organisations())
    own = current_organisation(request.user)
    organisation = next((o for o in organisations if own and o.pk == own.pk), None)
    organisation = organisation or (organisations[0] if organisations else None)
    year = sac.default_year(today)
    if "year" not in request.GET:
        initial = {"year": year.start_year, "organisation": organisation.pk if organisation else None}
        return SacYearForm(initial=initial, years=years, organisations=organisations), year, organisation
    form = SacYearForm(request.GET, years=years, organisations=organisations)
    if not form.is_valid():
        return form, None, None
    chosen = form.cleaned_data["organisation"]
    return (
        form,
        sac.FinancialYear(form.cleaned_data["year"]),
        next(o for o in organisations if o.pk == chosen),
    )


def _allowed_choice(request):
    if not is_sam(request.user):
        raise Http404("Not found")
    return _choice(request)


def _download(request, content, filename: str, content_type: str, what: str, year, organisation):
    logger.info(
        "Safeguarding Adults Collection %s %s for organisation %s downloaded by user %s",
        what,
        year.label,
        organisation.pk,
        request.user.pk,
        extra={"user_id": request.user.pk, "organisation_id": organisation.pk, "year": year.label},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@person_data_required
def sac_return(request):
    form, year, organisation = _allowed_choice(request)
    tables = sac.sac_tables(year, organisation.pk) if year and organisation else []
    awaiting = sac.concerns_awaiting_decision(year, organisation.pk) if tables else 0
    return render(
        request,
        "safeguarding/sac.html",
        {
            "form": form,
            "year": year,
            "organisation": organisation,
            "tables": tables,
            "awaiting": awaiting,
            "query": f"year={year.start_year}&organisation={organisation.pk}" if tables else "",
        },
    )


@person_data_required
def sac_table_csv(request, table):
    if table not in sac.TABLE_SLUGS:
        raise Http404("No such table")
    form, year, organisation = _allowed_choice(request)
    if year is None or organisation is None:
        raise Http404("Choose a year and organisation")
    found = next(t for t in sac.sac_tables(year, organisation.pk) if t.slug == table)
    name = sac.csv_name(found, year, slugify(organisation.name))
    return _download(
        request, sac.table_csv(found), name, "text/csv; charset=utf-8", found.slug, year, organisation
    )


@person_data_required
def sac_zip(request):
    form, year, organisation = _allowed_choice(request)
    if year is None or organisation is None:
        raise Http404("Choose a year and organisation")
    slug = slugify(organisation.name)
    content = sac.tables_zip(sac.sac_tables(year, organisation.pk), year, slug)
    return _download(
        request, content, f"sac-{year.label}-{slug}.zip", "application/zip", "all tables", year, organisation
    )
