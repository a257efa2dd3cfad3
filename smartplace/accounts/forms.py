"""
Forms for signing up (the name; allauth's own forms with smartplace's error messages are in
`signin_forms.py`), inviting people, erasing your personal data, and filtering the audit
history.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartplace.core.govuk_fields import GovUKBooleanField
from smartplace.organisations.models import Organisation
from smartplace.people.models import Membership


class SignupDetailsForm(forms.Form):
    """
    What allauth's sign-up form asks besides the email address: the person's name.
    (ACCOUNT_SIGNUP_FORM_CLASS; the adapter stores it on the user and the Person.)
    """

    name = forms.CharField(
        label=_("Full name"), max_length=200,
        error_messages={"required": _("Enter your full name")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user) -> None:
        """Nothing more: AccountAdapter.save_user has stored the name."""


class InvitationForm(forms.Form):
    """A coordinator invites someone by email address."""

    email = forms.EmailField(
        label=_("Email address"),
        # The number of days is filled in by __init__, which picks the plural form.
        help_text="",
        error_messages={
            "required": _("Enter the email address of the person to invite"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a role")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (optional)"), queryset=Organisation.objects.all(),
        required=False, empty_label=_("Not stated"),
        error_messages={"invalid_choice": _("Choose an organisation from the list")},
    )
    message = forms.CharField(
        label=_("Message (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added to the email. Plain text."),
    )

    def __init__(self, *args, days: int = 14, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = ngettext(
            "We will email them a link to join. It works for %(days)s day.",
            "We will email them a link to join. It works for %(days)s days.", days) % {"days": days}

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class EraseForm(forms.Form):
    """Confirm erasing your personal data (a tick box)."""

    confirm = GovUKBooleanField(
        label=_("I understand that my account will be closed and cannot be recovered"),
        required=True,
        error_messages={"required": _("Confirm that you want your personal data erased")},
    )


class AuditFilterForm(forms.Form):
    """The audit history's filter (GET): one kind of record (audit.KINDS), or all."""

    kind = forms.ChoiceField(
        label=_("Kind of record"), required=False,
        choices=[("", _("All changes")),
                 ("initiatives", _("Initiatives and their evidence")),
                 ("questions", _("Smart questions, support for them and initiatives answering "
                                 "them")),
                 ("framework", _("Framework, domains and sub-domains")),
                 ("ratings", _("Fitness ratings"))],
        error_messages={"invalid_choice": _("Select a kind of record from the list")},
    )
