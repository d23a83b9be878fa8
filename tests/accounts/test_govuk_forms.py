"""GOV.UK form rendering through Django's form renderer (no database needed)."""

import datetime
import re

from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from accounts.govuk import GovukDateField, GovukDateInput


class ReferralForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        help_text="As on their records",
        error_messages={"required": "Enter a full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=[("high", "High"), ("low", "Low")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority"},
    )
    received = GovukDateField(label="Date received", error_messages={"required": "Enter the date received"})
    notes = forms.CharField(widget=forms.Textarea, required=False)
    urgent = forms.BooleanField(label="Urgent", required=False)


def _post(**data):
    return ReferralForm(data={"priority": "high", "name": "Ann Example", **data})


def _date(day, month, year):
    return {"received_day": day, "received_month": month, "received_year": year}


def test_valid_form_cleans_day_month_year_to_a_date():
    form = _post(**_date("5", "3", "2024"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["received"] == datetime.date(2024, 3, 5)


def test_fields_render_with_govuk_classes():
    html = str(ReferralForm())
    assert '<label class="govuk-label" for="id_name">Full name</label>' in html
    assert 'class="govuk-hint" id="id_name_helptext"' in html
    assert 'class="govuk-input"' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'class="govuk-radios" data-module="govuk-radios"' in html
    assert '<legend class="govuk-fieldset__legend">Priority</legend>' in html
    assert 'class="govuk-radios__input"' in html
    assert 'class="govuk-date-input" id="id_received"' in html
    assert 'id="id_received_day"' in html and 'name="received_year"' in html
    assert 'class="govuk-textarea"' in html
    assert "govuk-checkboxes--small" in html
    assert " required" not in html  # no browser validation before the error summary


def test_widget_attrs_are_kept():
    html = str(ReferralForm())
    name_input = re.search(r'<input type="text" name="name"[^>]*>', html).group(0)
    assert 'autocomplete="name"' in name_input
    assert 'spellcheck="false"' in name_input
    assert 'inputmode="numeric"' in html


def test_errors_show_govuk_messages_and_keep_what_was_typed():
    form = ReferralForm(data={"name": "", "notes": "Rang twice", **_date("31", "2", "2024")})
    assert not form.is_valid()
    html = str(form)
    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert (
        '<p class="govuk-error-message" id="id_name_error">'
        '<span class="govuk-visually-hidden">Error:</span> Enter a full name</p>'
    ) in html
    assert "Select a priority" in html
    assert "Enter a real date" in html
    assert 'name="received_day" value="31"' in html
    assert 'name="received_month" value="2"' in html
    assert 'name="received_year" value="2024"' in html
    assert "Rang twice</textarea>" in html


def test_invalid_date_31_february_is_an_error():
    form = _post(**_date("31", "02", "2024"))
    assert not form.is_valid()
    assert form.errors["received"] == ["Enter a real date"]
    assert 'value="02"' in str(form["received"])


def test_missing_date_parts_and_short_year_are_named():
    assert _post(**_date("", "", "")).errors["received"] == ["Enter the date received"]
    assert _post(**_date("", "3", "2024")).errors["received"] == ["Date must include a day"]
    assert _post(**_date("", "", "2024")).errors["received"] == ["Date must include a day and month"]
    assert _post(**_date("5", "3", "24")).errors["received"] == ["Year must include 4 numbers"]
    assert _post(**_date("x", "3", "2024")).errors["received"] == ["Enter a real date"]


def test_date_input_shows_an_initial_date_as_day_month_year():
    html = GovukDateInput().render("d", datetime.date(1950, 3, 7), attrs={"id": "id_d"})
    assert 'name="d_day" value="7"' in html
    assert 'name="d_month" value="3"' in html
    assert 'name="d_year" value="1950"' in html
    assert 'for="id_d_month"' in html


def test_error_summary_links_to_the_first_input_of_each_field():
    form = ReferralForm(data={"name": "", **_date("31", "2", "2024")})
    form.is_valid()
    html = render_to_string("govuk/error_summary.html", {"form": form})
    assert 'data-module="govuk-error-summary"' in html
    assert '<a href="#id_name">Enter a full name</a>' in html
    assert '<a href="#id_priority_0">Select a priority</a>' in html
    assert '<a href="#id_received_day">Enter a real date</a>' in html


def test_error_summary_is_empty_without_errors():
    assert render_to_string("govuk/error_summary.html", {"form": ReferralForm()}).strip() == ""
    form = _post(**_date("5", "3", "2024"))
    assert form.is_valid()
    assert render_to_string("govuk/error_summary.html", {"form": form}).strip() == ""


def test_non_field_errors_render_as_a_govuk_error_message():
    form = _post(**_date("5", "3", "2024"))
    form.is_valid()
    form.add_error(None, "This referral is already open")
    html = str(form)
    assert "govuk-error-message" in html and "This referral is already open" in html


def test_pagination_shows_neighbours_ends_and_ellipses():
    page_obj = Paginator(range(200), 10).page(10)
    html = render_to_string("govuk/pagination.html", {"page_obj": page_obj, "querystring": "q=smith&team=3"})
    numbers = re.findall(r'aria-label="Page (\d+)"', html)
    assert numbers == ["1", "9", "10", "11", "20"]
    assert html.count("govuk-pagination__item--ellipsis") == 2
    assert 'href="?q=smith&amp;team=3&amp;page=9" rel="prev"' in html
    assert 'href="?q=smith&amp;team=3&amp;page=11" rel="next"' in html
    assert 'aria-current="page">10</a>' in html


def test_pagination_fills_a_one_page_gap_and_hides_for_one_page():
    html = render_to_string(
        "govuk/pagination.html", {"page_obj": Paginator(range(70), 10).page(4), "querystring": ""}
    )
    assert re.findall(r'aria-label="Page (\d+)"', html) == ["1", "2", "3", "4", "5", "6", "7"]
    assert "ellipsis" not in html
    assert 'href="?page=3"' in html
    one_page = Paginator(range(5), 10).page(1)
    assert render_to_string("govuk/pagination.html", {"page_obj": one_page}).strip() == ""


def test_base_template_renders_the_govuk_page_shell():
    html = render_to_string(
        "base.html",
        {"product_name": "Case record", "council_name": "Northshire", "csp_nonce": "abc123"},
    )
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert "<title> – Case record</title>" in html
    assert '<script nonce="abc123">document.body.className' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "Northshire" in html
    assert "style=" not in html
    assert "Sign out" not in html  # only for signed-in users
