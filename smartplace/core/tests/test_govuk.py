"""GOV.UK form rendering: every kind of field gets the component a person expects."""

from django import forms
from django.template import engines
from django.utils import translation

from smartplace.core import govuk


class Confirm(forms.Form):
    agree = forms.BooleanField(label="I agree", help_text="You can change your mind later")
    name = forms.CharField(label="Name")


def render(bound_field) -> str:
    engines.all()  # the Jinja2 environment binds the GOV.UK macros
    return str(govuk.field(bound_field))


def test_a_yes_no_field_is_one_checkbox_with_its_label_and_hint():
    """A plain BooleanField is a GOV.UK checkbox, ticked when it was ticked, never a text box."""
    html = render(Confirm()["agree"])
    assert 'type="checkbox"' in html and 'name="agree"' in html and 'id="id_agree"' in html
    assert "I agree" in html and "You can change your mind later" in html
    assert 'type="text"' not in html and "checked" not in html
    assert "checked" in render(Confirm({"agree": "yes", "name": "x"})["agree"])


def test_error_texts_follow_the_language():
    """The error summary's title and the hidden "Error:" before a message are translated."""
    form = Confirm({})
    assert form.errors
    engines.all()
    with translation.override("cy"):
        summary = str(govuk.error_summary(form))
        field = render(form["name"])
    assert "There is a problem" not in summary and "Mae problem" in summary
    assert ">Error:<" not in field.replace(" ", "") and "Gwall" in field
