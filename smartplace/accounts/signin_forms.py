"""
allauth's sign-in forms with GOV.UK error messages ("Enter your email address"), named in
ACCOUNT_FORMS and MFA_FORMS. (Apart from `forms.py`: allauth imports that module's
SignupDetailsForm while building its own forms.)
"""

from __future__ import annotations

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.utils.translation import gettext_lazy as _

EMAIL_MESSAGES = {
    "required": _("Enter your email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.com"),
}


def _words(form: forms.Form, field: str, **error_messages) -> None:
    """Give allauth's `field` smartplace's (GOV.UK) error messages."""
    if field in form.fields:
        form.fields[field].error_messages.update(error_messages)


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """/sign-in/: allauth's form, with GOV.UK error messages (ACCOUNT_FORMS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _words(self, "email", **EMAIL_MESSAGES)


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):
    """/sign-in/code/: the emailed code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _words(self, "code", required=_("Enter the sign-in code from the email"))


class ConfirmEmailVerificationCodeForm(allauth_forms.ConfirmEmailVerificationCodeForm):
    """The code that checks a new account's email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _words(self, "code", required=_("Enter the code from the email"))


class SignupForm(allauth_forms.SignupForm):
    """/create-account/: name (SignupDetailsForm) and email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _words(self, "email", **EMAIL_MESSAGES)


APP_CODE_REQUIRED = _("Enter the 6-digit code from your authenticator app")
#: Setting up an app: there are no recovery codes yet (MFAAdapter's words mention them).
APP_CODE_WRONG_FIRST = _("That code is not right. Enter the 6-digit code your authenticator "
                         "app shows now.")
#: allauth's "too_many_login_attempts" says to ask for a new sign-in code: not here.
APP_CODE_TOO_MANY = _("Too many attempts. Wait a few minutes, then try again.")


class _AppCode:
    """The app's code field in GOV.UK words: blank, wrong (`wrong`, if set), too many tries."""

    wrong = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _words(self, "code", required=APP_CODE_REQUIRED)

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            words = {"incorrect_code": self.wrong, "too_many_login_attempts": APP_CODE_TOO_MANY
                     }.get(getattr(error, "code", None))
            if words is None:
                raise
            raise forms.ValidationError(words, code=error.code) from None


class MFAAuthenticateForm(_AppCode, mfa_forms.AuthenticateForm):
    """The authenticator app's code when signing in (MFA_FORMS)."""


class MFAReauthenticateForm(_AppCode, mfa_forms.ReauthenticateForm):
    """The app's code to confirm it is you."""


class ActivateTOTPForm(_AppCode, totp_forms.ActivateTOTPForm):
    """The app's first code, to turn it on."""

    wrong = APP_CODE_WRONG_FIRST
