"""
Who is calling: `Authorization: Bearer <token>` with a token from /account/api-tokens/.

Writes require a token (`TokenAuth`, 401 without one). Reads work without one and then see
what anyone may see; with a valid token they see what the token's user may see on the web
(private initiatives of their coalitions). A token that is sent but unknown or revoked is a
401 on every endpoint, so a mistake never silently turns into an anonymous read; so is the
token of someone who must use multi-factor authentication and has not set it up (a
coordinator or staff user, while SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS is on), whom the web
would stop on every page too.
The API does not use the session cookie, so it needs no CSRF token.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from smartplace.accounts.middleware import mfa_missing
from smartplace.api.errors import MFARequired
from smartplace.api.services import api_token_authenticate


def _token_user(secret: str):
    """
    The user of the live token `secret`. Raises AuthenticationError (401) for an unknown or
    revoked one, MFARequired (401) when its user must set up multi-factor authentication.
    """
    user = api_token_authenticate(secret=secret)
    if user is None:
        raise AuthenticationError()
    if mfa_missing(user):
        raise MFARequired()
    return user


class TokenAuth(HttpBearer):
    """Bearer token authentication; the operation's `request.auth` is the token's user."""

    def authenticate(self, request: HttpRequest, token: str):
        user = _token_user(token)
        request.api_user = user
        return user


def api_user(request: HttpRequest):
    """
    The user a read acts for: the token's user, or an anonymous user without a token.

    Raises AuthenticationError (401) for a malformed, unknown or revoked token, and
    MFARequired (401) for the token of someone who must set up multi-factor authentication.
    """
    user = getattr(request, "api_user", None)
    if user is not None:
        return user
    header = request.headers.get("Authorization")
    if header is None:
        request.api_user = AnonymousUser()
        return request.api_user
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        raise AuthenticationError()
    user = _token_user(secret.strip())
    request.api_user = user
    return user
