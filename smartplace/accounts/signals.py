"""
Signal handlers for django-allauth's multi-factor authentication (connected in `apps.py`).
"""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def totp_added(sender, request, user, authenticator, **kwargs) -> None:
    """
    Turning on an authenticator app takes a correct code from it: that counts as confirming it
    is you, so the recovery codes shown next (and other changes in the next few minutes) do not
    ask for another code straight away. Without this, the person is asked at once for a second
    code, and typing the one still on their screen is refused as already used.
    """
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", type=authenticator.type,
                          id=authenticator.pk, reauthenticated=True)
