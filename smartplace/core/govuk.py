"""
Render Django form fields with GOV.UK Frontend's own macros (from govuk-frontend-jinja).

`{{ govuk_field(form.title) }}` picks the component from the widget (input, textarea, select,
radios, checkboxes, date input, file upload) and passes the label, hint, value and error
message the way the GOV.UK Design System expects. `{{ govuk_error_summary(form) }}` renders the
error summary whose links move focus to each field in error.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from markupsafe import Markup

_ENV = None
_MACROS = {
    "input": ("input", "govukInput"),
    "textarea": ("textarea", "govukTextarea"),
    "select": ("select", "govukSelect"),
    "radios": ("radios", "govukRadios"),
    "checkboxes": ("checkboxes", "govukCheckboxes"),
    "date": ("date-input", "govukDateInput"),
    "file": ("file-upload", "govukFileUpload"),
    "error_summary": ("error-summary", "govukErrorSummary"),
}


def bind(env) -> None:
    """Remember the Jinja2 environment whose loader finds govuk_frontend_jinja's macros."""
    global _ENV
    _ENV = env


def macro(kind: str):
    folder, name = _MACROS[kind]
    template = _ENV.get_template(f"govuk_frontend_jinja/components/{folder}/macro.html")
    return getattr(template.module, name)


def _choices(bound_field, selected: set[str]) -> list[dict]:
    items = []
    for value, label in bound_field.field.choices:
        value = "" if value is None else str(value)
        items.append({"value": value, "text": str(label), "checked": value in selected,
                      "selected": value in selected})
    return items


def _selected(bound_field) -> set[str]:
    value = bound_field.value()
    if value is None:
        return set()
    if isinstance(value, (list, tuple, set)):
        return {str(v) for v in value}
    return {str(value)}


def _error_message(bound_field) -> dict | None:
    """The field's errors for GOV.UK's error message, its hidden "Error:" prefix translated."""
    if not bound_field.errors:
        return None
    return {"text": " ".join(str(e) for e in bound_field.errors),
            "visuallyHiddenText": _("Error")}


def field(bound_field, **overrides) -> Markup:
    """
    The GOV.UK component for one bound field of a Django form. A yes/no field
    (`forms.BooleanField`) is one checkbox with the label beside it.
    """
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        if hasattr(bound_field, "as_govuk"):
            return bound_field.as_govuk(**overrides)
        return _single_checkbox(bound_field, **overrides)
    label_classes = overrides.pop("label_classes", "")
    params = {
        "id": bound_field.id_for_label or bound_field.auto_id,
        "name": bound_field.html_name,
        "hint": {"text": str(bound_field.help_text)} if bound_field.help_text else None,
        "errorMessage": _error_message(bound_field),
    }
    label = {"text": str(bound_field.label), "classes": label_classes}
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        kind = "checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "radios"
        params.pop("id")
        params["idPrefix"] = bound_field.auto_id
        params["fieldset"] = {"legend": {"text": str(bound_field.label),
                                         "classes": label_classes or "govuk-fieldset__legend--s"}}
        params["items"] = _choices(bound_field, _selected(bound_field))
        if kind == "checkboxes":
            params["classes"] = "govuk-checkboxes--small"
    elif isinstance(widget, forms.Select):
        kind = "select"
        params["label"] = label
        params["items"] = _choices(bound_field, _selected(bound_field))
    elif isinstance(widget, forms.FileInput):
        kind = "file"
        params["label"] = label
        if widget.attrs.get("accept"):
            params["attributes"] = {"accept": widget.attrs["accept"]}
    elif isinstance(widget, forms.Textarea):
        kind = "textarea"
        params["label"] = label
        params["value"] = bound_field.value() or ""
        params["rows"] = widget.attrs.get("rows", 5)
    elif isinstance(widget, forms.DateInput):
        kind = "input"
        params["label"] = label
        params["value"] = bound_field.value() or ""
        params["type"] = "date"
        params["classes"] = "govuk-input--width-10"
    else:
        kind = "input"
        params["label"] = label
        value = bound_field.value()
        params["value"] = "" if value is None else value
        if isinstance(widget, forms.EmailInput):
            params.update({"type": "email", "autocomplete": "email", "spellcheck": False})
        elif isinstance(widget, forms.PasswordInput):
            params.update({"type": "password", "value": ""})
        elif isinstance(widget, forms.URLInput):
            params["type"] = "url"
        elif isinstance(widget, forms.NumberInput):
            params.update({"inputmode": "decimal", "classes": "govuk-input--width-10"})
        if widget.attrs.get("autocomplete"):
            params["autocomplete"] = widget.attrs["autocomplete"]
    params.update(overrides)
    return Markup(macro(kind)(params))


def _single_checkbox(bound_field, **overrides) -> Markup:
    """One GOV.UK checkbox: the field's label beside it, its help text as the hint."""
    item = {"value": "yes", "text": str(bound_field.label), "id": bound_field.auto_id,
            "checked": bool(bound_field.field.widget.check_test(bound_field.value()))}
    if bound_field.help_text:
        item["hint"] = {"text": str(bound_field.help_text)}
    params = {"idPrefix": bound_field.auto_id, "name": bound_field.html_name,
              "errorMessage": _error_message(bound_field), "items": [item]}
    params.update(overrides)
    return Markup(macro("checkboxes")(params))


def error_summary(*forms_) -> Markup:
    """GOV.UK error summary for one or more forms; empty when none has errors."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound or not form.errors:
            continue
        for message in form.non_field_errors():
            items.append({"text": str(message)})
        for name in form.errors:
            if name == "__all__":
                continue
            bound_field = form[name]
            # For radios and checkboxes GOV.UK's macros give the first option the id itself.
            href = f"#{bound_field.auto_id}"
            for message in bound_field.errors:
                items.append({"text": str(message), "href": href})
    if not items:
        return Markup("")
    return Markup(macro("error_summary")({"titleText": _("There is a problem"),
                                           "errorList": items}))
