"""
How django-allauth fits smartplace: usernames are email addresses, every new account gets a
Person, and only multi-factor authentication can be asked for again to confirm it is you.
The emails allauth sends and the messages it shows are smartplace's own words, marked for
translation (so they are in the Welsh catalogue and follow the page's language); any allauth
does not use here keep allauth's wording.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from smartplace.people.services import person_get_or_create_for_user

#: allauth's messages (by template) in smartplace's words; None: not shown, because the page
#: that follows says it already (the code page says where the code went).
MESSAGES = {
    "account/messages/login_code_sent.txt": None,
    "account/messages/email_confirmation_sent.txt": None,
    "account/messages/email_confirmed.txt": None,
    "account/messages/logged_in.txt": _("You are signed in"),
    "account/messages/logged_out.txt": _("You have signed out"),
    "mfa/messages/totp_activated.txt": _("Your authenticator app is set up"),
    "mfa/messages/totp_deactivated.txt": _("Your authenticator app has been removed"),
    "mfa/messages/recovery_codes_generated.txt": _(
        "Keep these recovery codes somewhere safe. Each one works once, to sign in if you "
        "cannot use your authenticator app. Any codes you had before no longer work."),
    "socialaccount/messages/account_connected.txt": _(
        "Your organisation's sign-in is now connected to your account"),
    "socialaccount/messages/account_disconnected.txt": _(
        "Your organisation's sign-in is no longer connected to your account"),
}


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account adapter with smartplace's usernames, wording and Person records."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "rate_limited": _("Too many attempts. Wait a few minutes, then try again."),
        "too_many_login_attempts": _(
            "Too many attempts. Wait a few minutes, then ask for a new sign-in code."),
        "incorrect_code": _("That code is not right. Check the code in the latest email: "
                            "after 3 wrong codes you need a new one."),
    }

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None) -> None:
        """allauth's messages in smartplace's words (MESSAGES), or none where the page says it."""
        if message is None and message_template in MESSAGES:
            text = MESSAGES[message_template]
            if text is not None:
                messages.add_message(request, level, str(text), extra_tags=extra_tags)
            return
        super().add_message(request, level, message_template, message_context, extra_tags,
                            message)

    def render_mail(self, template_prefix, email, context, headers=None):
        """The sign-in emails in smartplace's words, in the language of the page that sent them."""
        text = email_text(template_prefix, context, self.request)
        if text is None:
            return super().render_mail(template_prefix, email, context, headers=headers)
        subject, body = text
        return EmailMessage(self.format_email_subject(subject), body, self.get_from_email(),
                            [email] if isinstance(email, str) else list(email),
                            headers=headers)

    def populate_username(self, request, user) -> None:
        """The username is the email address, as for accounts made before allauth."""
        email = (user.email or "").strip().lower()
        User = get_user_model()
        if email and len(email) <= 150 and not User.objects.filter(
                username__iexact=email).exists():
            user.username = email
            return
        super().populate_username(request, user)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """
        Changing how you sign in needs you to prove it is you again only when you have
        multi-factor authentication to prove it with. Passwords are not a way to sign in here,
        so a password left on an older account does not count.
        """
        from allauth.core import context
        from allauth.mfa.utils import is_mfa_enabled

        user = getattr(context.request, "user", None)
        if user is None or not user.is_authenticated or not is_mfa_enabled(user):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            name = form.cleaned_data.get("name", "") if hasattr(form, "cleaned_data") else ""
            if name:
                user.first_name = name[:150]
                user.save(update_fields=["first_name"])
            person_get_or_create_for_user(user=user, name=name)
        return user


class MFAAdapter(DefaultMFAAdapter):
    """allauth's multi-factor adapter with smartplace's wording (MFA_ADAPTER)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("That code is not right. Enter the code your authenticator app "
                            "shows now, or one of your recovery codes."),
    }


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """New accounts from an OpenID Connect provider get a Person named from the provider."""

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        person_get_or_create_for_user(user=user, name=user.get_full_name())
        return user


def email_text(template_prefix: str, context: dict, request) -> tuple[str, str] | None:
    """
    (subject, body) of allauth's email `template_prefix` ("account/email/login_code" and the
    like) in smartplace's words, or None for emails smartplace does not word itself.
    """
    site = settings.SMARTPLACE_SITE_NAME
    name = template_prefix.rsplit("/", 1)[-1]
    ignore = gettext("If you did not ask for this, you can ignore this email.")

    def link(url_name: str) -> str:
        path = reverse(url_name)
        return request.build_absolute_uri(path) if request is not None else path

    if name == "login_code":
        minutes = settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60
        return (gettext("Your sign-in code for %(site)s") % {"site": site},
                gettext("Your sign-in code for %(site)s is:") % {"site": site}
                + f"\n\n{context['code']}\n\n"
                + ngettext("Enter it on the sign-in page. It works once, for %(minutes)s "
                           "minute.", "Enter it on the sign-in page. It works once, for "
                           "%(minutes)s minutes.", minutes) % {"minutes": minutes}
                + "\n\n" + gettext("If you did not ask to sign in, you can ignore this email: "
                                    "nobody can sign in with your address without the code."))
    if name in ("email_confirmation_signup", "email_confirmation") and context.get("code"):
        return (gettext("Your code to create an account on %(site)s") % {"site": site},
                gettext("Your code to confirm your email address for %(site)s is:")
                % {"site": site} + f"\n\n{context['code']}\n\n"
                + gettext("Enter it on the page that asked for it.") + "\n\n" + ignore)
    if name == "unknown_account":
        return (gettext("Signing in to %(site)s") % {"site": site},
                gettext("Someone, probably you, asked to sign in to %(site)s with this email "
                        "address, but there is no account with it.")
                % {"site": site} + "\n\n"
                + gettext("To create an account, go to:") + f"\n{link('account_signup')}\n\n"
                + ignore)
    if name == "account_already_exists":
        return (gettext("You already have an account on %(site)s") % {"site": site},
                gettext("Someone, probably you, tried to create an account on %(site)s with "
                        "this email address, but there is already an account with it.")
                % {"site": site} + "\n\n"
                + gettext("To sign in, go to this page and we will email you a code:")
                + f"\n{link('account_login')}\n\n" + ignore)
    return None
