"""
Form fields that `govuk.field()` cannot draw from a plain Django widget: a GOV.UK date input
(day, month, year), a single checkbox (consent), and checkboxes grouped in fieldsets.

Each field's bound field has `as_govuk()`, rendered with GOV.UK Frontend's own macros through
`govuk.macro()`: `{{ form.start_date.as_govuk() }}`. Error messages follow the GOV.UK Design
System's wording ("Start date must include a month", "Start date must be a real date"), and the
input the error summary links to (`#<auto_id>`) is the first one in error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _
from markupsafe import Markup

from smartplace.core import govuk

PARTS = ("day", "month", "year")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}


def _macro(kind: str):
    """A GOV.UK macro, making sure the Jinja2 environment that provides it exists."""
    if govuk._ENV is None:
        from django.template import engines

        engines.all()  # builds the Jinja2 environment, which binds itself to govuk
    return govuk.macro(kind)


def _error_params(bound_field) -> dict | None:
    return govuk._error_message(bound_field)


def _hint(bound_field) -> dict | None:
    return {"text": str(bound_field.help_text)} if bound_field.help_text else None


# --- Date input -----------------------------------------------------------------------------


class GovUKDateWidget(forms.Widget):
    """Three text inputs named `<name>-day`, `<name>-month` and `<name>-year`."""

    def value_from_datadict(self, data, files, name):
        return [str(data.get(f"{name}-{part}", "")).strip() for part in PARTS]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}-{part}" not in data for part in PARTS)


def parse_date_parts(parts: list[str], noun: str) -> tuple[datetime.date | None, str, set[str]]:
    """
    Read day, month and year as typed: (the date, an error message, the parts in error).

    The month may be a number or an English month name ("3", "03", "Mar", "March"). All parts
    empty gives (None, "", set()): the caller decides whether that is allowed.
    """
    day, month, year = (p.strip() for p in parts)
    given = {"day": day, "month": month, "year": year}
    missing = [p for p in PARTS if not given[p]]
    if len(missing) == 3:
        return None, "", set()
    if missing:
        what = {
            ("day",): _("a day"), ("month",): _("a month"), ("year",): _("a year"),
            ("day", "month"): _("a day and month"), ("day", "year"): _("a day and year"),
            ("month", "year"): _("a month and year"),
        }[tuple(missing)]
        message = _("%(noun)s must include %(what)s") % {"noun": noun, "what": what}
        return None, message, set(missing)
    month_number = _MONTHS.get(month.lower()) if not month.isdigit() else int(month)
    wrong = set()
    if not day.isdigit():
        wrong.add("day")
    if month_number is None:
        wrong.add("month")
    if not year.isdigit():
        wrong.add("year")
    if wrong:
        return None, _("%(noun)s must be a real date") % {"noun": noun}, wrong
    if len(year) != 4:
        return None, _("Year of the %(noun_lower)s must include 4 numbers") % {
            "noun_lower": str(noun).lower()}, {"year"}
    try:
        value = datetime.date(int(year), month_number, int(day))
    except ValueError:
        wrong = set()
        if not 1 <= month_number <= 12:
            wrong.add("month")
        if not 1 <= int(day) <= 31:
            wrong.add("day")
        return None, _("%(noun)s must be a real date") % {"noun": noun}, wrong or set(PARTS)
    return value, "", set()


class GovUKDateBoundField(BoundField):
    def parts(self) -> list[str]:
        """The day, month and year to show: as typed when bound, else from the initial date."""
        value = self.value()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return ["", "", ""]

    def parts_in_error(self) -> set[str]:
        if not self.errors:
            return set()
        if self.form.is_bound:
            _value, _message, wrong = parse_date_parts(self.parts(), self.field.noun)
            return wrong or set(PARTS)
        return set(PARTS)

    def as_govuk(self, **overrides) -> Markup:
        """The GOV.UK date input, in a fieldset whose legend is the field's label."""
        wrong = self.parts_in_error()
        first_wrong = next((p for p in PARTS if p in wrong), "day")
        labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        items = []
        for part, value in zip(PARTS, self.parts(), strict=True):
            width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
            items.append({
                "name": part,
                "label": str(labels[part]),
                # The error summary links to #<auto_id>: that is the first input in error.
                "id": self.auto_id if part == first_wrong else f"{self.auto_id}-{part}",
                "classes": width + (" govuk-input--error" if part in wrong else ""),
                "value": value,
            })
        params = {
            "id": f"{self.auto_id}-date",
            "namePrefix": self.html_name,
            "fieldset": {"legend": {"text": str(self.label),
                                    "classes": "govuk-fieldset__legend--s"}},
            "hint": _hint(self),
            "errorMessage": _error_params(self),
            "items": items,
        }
        params.update(overrides)
        return Markup(_macro("date")(params))


class GovUKDateField(forms.Field):
    """
    A date typed as day, month and year (the GOV.UK date input pattern).

    `noun` names the date in error messages ("Start date must be a real date"); it defaults to
    the label.
    """

    widget = GovUKDateWidget
    bound_field_class = GovUKDateBoundField

    def __init__(self, *, noun: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.noun = noun or self.label or _("The date")
        self.error_messages.setdefault(
            "required", _("Enter the %(noun_lower)s") % {"noun_lower": str(self.noun).lower()})

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        if not value:
            return None
        parsed, message, _wrong = parse_date_parts(list(value), self.noun)
        if message:
            raise ValidationError(message, code="invalid")
        return parsed

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


# --- A single checkbox ----------------------------------------------------------------------


class GovUKCheckboxBoundField(BoundField):
    def as_govuk(self, **overrides) -> Markup:
        """One GOV.UK checkbox whose label is the field's label and hint its help text."""
        item = {"value": "yes", "text": str(self.label), "checked": bool(self.value()),
                "id": self.auto_id}
        if self.help_text:
            item["hint"] = {"text": str(self.help_text)}
        params = {
            "idPrefix": self.auto_id,
            "name": self.html_name,
            "errorMessage": _error_params(self),
            "items": [item],
        }
        params.update(overrides)
        return Markup(_macro("checkboxes")(params))


class GovUKBooleanField(forms.BooleanField):
    """A yes/no choice shown as one checkbox, unticked unless the person ticked it before."""

    bound_field_class = GovUKCheckboxBoundField

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


# --- Checkboxes in groups ---------------------------------------------------------------------


class GroupedCheckboxesBoundField(BoundField):
    def groups(self) -> list[tuple[str, list[dict]]]:
        """(group name, checkbox items) in the order of the field's queryset."""
        selected = self.value() or []
        selected = {str(v) for v in selected} if isinstance(selected, (list, tuple)) else set()
        groups: dict[str, list[dict]] = {}
        for obj in self.field.queryset:
            groups.setdefault(str(self.field.group_by(obj)), []).append({
                "value": str(obj.pk),
                "text": self.field.label_from_instance(obj),
                "checked": str(obj.pk) in selected,
            })
        return list(groups.items())

    def as_govuk(self, heading_classes: str = "govuk-heading-m") -> Markup:
        """
        A heading (the label), the hint and any error, then one fieldset of small checkboxes
        a group, the group name as its legend. All checkboxes share the field's name.
        """
        macro = _macro("checkboxes")
        parts = [f'<h2 class="{heading_classes}" id="{self.auto_id}-heading">'
                 f"{Markup.escape(self.label)}</h2>"]
        if self.help_text:
            parts.append(f'<div class="govuk-hint" id="{self.auto_id}-hint">'
                         f"{Markup.escape(self.help_text)}</div>")
        if self.errors:
            parts.append(
                f'<p class="govuk-error-message" id="{self.auto_id}-error">'
                f'<span class="govuk-visually-hidden">{Markup.escape(_("Error:"))}</span> '
                f'{Markup.escape(" ".join(str(e) for e in self.errors))}</p>')
        groups = self.groups()
        if not groups:
            parts.append(f'<p class="govuk-body">{Markup.escape(self.field.empty_text)}</p>')
        for index, (name, items) in enumerate(groups):
            # The first checkbox has the field's id, so the error summary's link lands on it.
            prefix = self.auto_id if index == 0 else f"{self.auto_id}-{index + 1}"
            parts.append(str(macro({
                "idPrefix": prefix,
                "name": self.html_name,
                "classes": "govuk-checkboxes--small",
                "fieldset": {"legend": {"text": name, "classes": "govuk-fieldset__legend--s"}},
                "items": items,
            })))
        error_class = " govuk-form-group--error" if self.errors else ""
        return Markup(f'<div class="govuk-form-group{error_class}">' + "".join(parts)
                      + "</div>")


class GroupedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Many choices from a queryset, shown as checkboxes grouped by `group_by(obj)`."""

    widget = forms.CheckboxSelectMultiple
    bound_field_class = GroupedCheckboxesBoundField

    def __init__(self, queryset, *, group_by: Callable[[object], str],
                 empty_text: str = "", **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)
        self.group_by = group_by
        self.empty_text = empty_text or _("There is nothing to choose from yet.")
