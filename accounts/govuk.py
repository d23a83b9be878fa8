"""GOV.UK Design System markup for Django forms, through Django's own form renderer.

Views keep writing plain Django forms; `{{ form }}` and `{{ field.as_field_group }}`
come out as GOV.UK form groups, and dates are asked for as day, month and year
as the Design System recommends.
"""

import datetime
import re

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input
from django.utils.functional import cached_property

_RAW_SEPARATOR = " / "  # Never matches a DATE_INPUT_FORMAT, so raw input fails to parse.
_DATE_PARTS = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


class GovukDateInput(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes.

    The value is an ISO date when the three parts make a real date, otherwise the
    parts as typed joined by " / ", so the field reports an error and the page
    shows back exactly what the person typed.
    """

    template_name = "govuk/widgets/date_input.html"

    def __init__(self, attrs=None):
        widgets = {name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, _, _ in _PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and _RAW_SEPARATOR in value:
            parts = value.split(_RAW_SEPARATOR, 2)
            return parts + [""] * (3 - len(parts))
        if isinstance(value, str) and value:
            try:
                return self.decompress(datetime.date.fromisoformat(value))
            except ValueError:
                pass
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (str(data.get(f"{name}_{part}", "") or "").strip() for part, _, _ in _PARTS)
        if not (day or month or year):
            return ""
        if _DATE_PARTS.fullmatch(f"{day}/{month}/{year}"):
            try:
                return datetime.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                pass
        return _RAW_SEPARATOR.join((day, month, year))

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        has_error = widget["attrs"].get("aria-invalid") == "true"
        autocomplete = widget["attrs"].get("autocomplete")
        container_id = widget["attrs"].get("id")
        widget["container_class"] = widget["attrs"].get("class", "")
        for subwidget, (part, label, width) in zip(widget["subwidgets"], _PARTS, strict=True):
            sub_attrs = subwidget["attrs"]
            sub_attrs["class"] = _join_classes(
                "govuk-input govuk-date-input__input",
                f"govuk-input--width-{width}",
                "govuk-input--error" if has_error else "",
            )
            if container_id:
                sub_attrs["id"] = f"{container_id}_{part}"
            if autocomplete == "bday":
                sub_attrs["autocomplete"] = f"bday-{part}"
            subwidget["label"] = label
        return context


class GovukDateField(forms.DateField):
    """A DateField asked as day, month and year, with GOV.UK-style error messages.

    Override the messages per form, e.g. error_messages={"required": "Enter a date
    of birth"}.
    """

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter a date",
        "invalid": "Enter a real date",
        "incomplete": "Date must include a %(parts)s",
        "year": "Year must include 4 numbers",
    }

    def to_python(self, value):
        if isinstance(value, str) and _RAW_SEPARATOR in value:
            self._raise_for_raw(value)
        if isinstance(value, str) and value:
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def _raise_for_raw(self, value: str):
        parts = dict(zip((p for p, _, _ in _PARTS), value.split(_RAW_SEPARATOR, 2), strict=False))
        missing = [part for part, _, _ in _PARTS if not parts.get(part)]
        if missing:
            raise forms.ValidationError(
                self.error_messages["incomplete"],
                code="incomplete",
                params={"parts": " and ".join(missing)},
            )
        if not re.fullmatch(r"\d{4}", parts["year"]) and parts["year"].isdigit():
            raise forms.ValidationError(self.error_messages["year"], code="year")
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


# Widget classes in the order they are tested: subclasses before their bases.
_WIDGET_KINDS = (
    ("date", GovukDateInput),
    ("checkboxes", forms.CheckboxSelectMultiple),
    ("radios", forms.RadioSelect),
    ("checkbox", forms.CheckboxInput),
    ("file", forms.FileInput),
    ("select", forms.Select),
    ("textarea", forms.Textarea),
    ("input", Input),
)
_CONTROL_CLASSES = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


def widget_kind(widget: forms.Widget) -> str:
    """Which GOV.UK component a Django widget is shown as ("other" if none fits)."""
    for kind, widget_class in _WIDGET_KINDS:
        if isinstance(widget, widget_class):
            return kind
    return "other"


def _join_classes(*classes: str) -> str:
    return " ".join(c for c in classes if c)


class GovukBoundField(BoundField):
    """A BoundField that knows its GOV.UK markup, for templates/govuk/field.html."""

    def build_widget_attrs(self, attrs, widget=None):
        # No browser validation: it would stop the submit before the GOV.UK
        # error summary can show (DESIGN.md section 0).
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("required", None)
        return attrs

    @cached_property
    def govuk_kind(self) -> str:
        return widget_kind(self.field.widget)

    @property
    def hint_id(self) -> str:
        """The id Django's own aria-describedby points at for help text."""
        return f"{self.auto_id}_helptext" if self.auto_id else ""

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error" if self.auto_id else ""

    @property
    def govuk_control(self) -> str:
        """The widget's HTML with GOV.UK classes added to the widget's own attrs."""
        base = _CONTROL_CLASSES.get(self.govuk_kind)
        if not base:
            return self.as_widget()
        error = f"{base}--error" if self.errors and self.govuk_kind != "checkbox" else ""
        own = self.field.widget.attrs.get("class", "")
        return self.as_widget(attrs={"class": _join_classes(base, error, own)})

    @property
    def govuk_container_classes(self) -> str:
        """For radios and checkboxes the widget's class goes on the container
        (e.g. RadioSelect(attrs={"class": "govuk-radios--inline"}))."""
        return self.field.widget.attrs.get("class", "")

    @property
    def govuk_options(self) -> list[dict]:
        """Each radio or checkbox as its rendered <input> and its label."""
        input_class = f"govuk-{self.govuk_kind}__input"
        options = []
        for option in self.subwidgets:
            if option.data["value"] in ("", None) and option.choice_label == "---------":
                continue  # Django's blank choice makes no sense as a radio.
            option.data["attrs"] = {**option.data["attrs"], "class": input_class}
            options.append({"tag": option.tag(), "label": option.choice_label, "id": option.id_for_label})
        return options

    @property
    def govuk_error_target(self) -> str:
        """The id the error summary links to: the first input of the field."""
        if self.govuk_kind in ("radios", "checkboxes"):
            options = self.subwidgets
            return options[0].id_for_label if options else self.auto_id
        if self.govuk_kind == "date":
            return self.field.widget.id_for_label(self.auto_id)
        return self.id_for_label or self.auto_id


class GovukFormRenderer(TemplatesSetting):
    """Renders every form and field with the GOV.UK templates in templates/govuk/."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField
