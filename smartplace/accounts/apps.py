from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in glue (django-allauth), invitations, personal data and the audit history."""

    name = "smartplace.accounts"
    label = "accounts"
    verbose_name = _("Accounts and audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals

        from smartplace.accounts import signals

        mfa_signals.authenticator_added.connect(
            signals.totp_added, dispatch_uid="smartplace.accounts.totp_added")
