"""
Three guards in front of every view:

- `RequestSizeLimitMiddleware` refuses a request whose body is larger than
  `SMARTPLACE_MAX_REQUEST_BYTES` with 413 and a page saying the limit, before anything reads it
  (under /api/, the API's JSON error instead of the page).
- `OIDCUnreachableMiddleware` answers 502 with a page saying the organisation's sign-in service
  could not be reached when an OpenID Connect page (/accounts/oidc/…) cannot reach its provider.
- `CoordinatorMFAMiddleware` sends a signed-in coordinator (an active coordinator of any
  coalition, or a staff user, who may use the admin) who has not set up multi-factor
  authentication to set it up, from any page but those needed to do so or to leave.
  (`mfa_missing` is the same rule for API tokens: `smartplace.api.auth` refuses them.)
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from smartplace.accounts.uploads import megabytes
from smartplace.people.models import Membership

logger = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """
    413 for a request body over SMARTPLACE_MAX_REQUEST_BYTES (by its Content-Length): "The
    information you sent is too big" and that limit, and, for a file upload (a multipart form),
    the limit of each file (SMARTPLACE_MAX_UPLOAD_BYTES).
    """

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
                    "limit": megabytes(limit)}
                return JsonResponse({"status": 413, "detail": message, "errors": [
                    {"location": "body", "field": None, "message": message,
                     "code": "too_large"}]}, status=413)
            upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
            return render(request, "accounts/too_large.html",
                          {"limit": megabytes(limit), "upload": upload,
                           "file_limit": megabytes(settings.SMARTPLACE_MAX_UPLOAD_BYTES)},
                          status=413)
        return self.get_response(request)


class OIDCUnreachableMiddleware:
    """
    502 and a page saying the organisation's sign-in service could not be reached (try again
    later, or sign in with a code by email) when a page under /accounts/oidc/ fails with a
    `requests` error. allauth's OpenID Connect login reads the provider's configuration before
    sending the person there and lets a provider that is down or unreachable raise (a 500).
    The error is logged as a warning.

    These addresses have no language prefix, so the page takes the language of the page the
    button was on: a same-site Referer under /cy/ (the sign-in page in Welsh) gives Welsh.
    """

    prefix = "/accounts/oidc/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not (request.path.startswith(self.prefix)
                and isinstance(exception, requests.RequestException)):
            return None
        logger.warning("OpenID Connect provider could not be reached from %s: %r",
                       request.path, exception)
        provider_id = (request.resolver_match.kwargs.get("provider_id")
                       if request.resolver_match else None)
        apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
        name = next((app.get("name") for app in apps if app.get("provider_id") == provider_id),
                    None)
        with translation.override(_referer_language(request) or translation.get_language()):
            request.LANGUAGE_CODE = translation.get_language()
            return render(request, "accounts/oidc_unreachable.html", {"provider_name": name},
                          status=502)


def _referer_language(request: HttpRequest) -> str | None:
    """The language prefix of a same-site Referer ("cy" for /cy/sign-in/), or None."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return translation.get_language_from_path(urlsplit(referer).path)


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
