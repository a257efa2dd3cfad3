"""
Two guards in front of every view:

- `RequestSizeLimitMiddleware` refuses a request whose body is larger than
  `SMARTPLACE_MAX_REQUEST_BYTES` with 413 and a page saying the limit, before anything reads it
  (under /api/, the API's JSON error instead of the page).
- `CoordinatorMFAMiddleware` sends a signed-in coordinator (an active coordinator of any
  coalition, or a staff user, who may use the admin) who has not set up multi-factor
  authentication to set it up, from any page but those needed to do so or to leave.
  (`mfa_missing` is the same rule for API tokens: `smartplace.api.auth` refuses them.)
"""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartplace.people.models import Membership


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class RequestSizeLimitMiddleware:
    """413 for a request body over SMARTPLACE_MAX_REQUEST_BYTES (by its Content-Length)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.SMARTPLACE_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            if request.path.startswith("/api/"):  # the API's errors are JSON (docs/api.md)
                message = _("The request body is larger than %(limit)s") % {
                    "limit": _megabytes(limit)}
                return JsonResponse({"status": 413, "detail": message, "errors": [
                    {"location": "body", "field": None, "message": message,
                     "code": "too_large"}]}, status=413)
            return render(request, "accounts/too_large.html",
                          {"limit": _megabytes(settings.SMARTPLACE_MAX_UPLOAD_BYTES)},
                          status=413)
        return self.get_response(request)


def needs_mfa(user) -> bool:
    """The user is staff, or an active coordinator of a coalition."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(person__user=user, status=Membership.Status.ACTIVE,
                                     role=Membership.Role.COORDINATOR).exists()


def mfa_missing(user) -> bool:
    """
    The user must use multi-factor authentication (SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS is
    on and `needs_mfa`) and has no authenticator app yet: the web sends them to set one up,
    and the API refuses their tokens.
    """
    return (settings.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS and needs_mfa(user)
            and not is_mfa_enabled(user))


class CoordinatorMFAMiddleware:
    """Coordinators set up multi-factor authentication before using any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        for code, _name in settings.LANGUAGES:
            # Pages in Welsh are the same pages under /cy/.
            if path.startswith(f"/{code}/"):
                path = path[len(code) + 1:]
        allowed = [
            "/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/sign-out/",
            "/healthcheck/", "/account/data.json", settings.STATIC_URL,
        ]
        return any(path.startswith(prefix) for prefix in allowed)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (settings.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS and user is not None
                and user.is_authenticated and not self._exempt(request.path)
                and mfa_missing(user)):
            messages.warning(request, _(
                "Coordinators must use an authenticator app as well as email to sign in. "
                "Set one up to carry on."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
