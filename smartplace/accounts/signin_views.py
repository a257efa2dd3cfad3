"""
Sign-in pages: django-allauth's views under smartplace's addresses, plus clear answers for a
sign-in code that has expired or has already been used, and 400 (429 when rate limited) for a
wrong code on the sign-in and multi-factor pages.
"""

from __future__ import annotations

from allauth.account import views as allauth_views
from allauth.account.forms import RequestLoginCodeForm
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.account.stages import LoginByCodeStage, LoginStageController
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_request_login_code = allauth_views.request_login_code
sign_out = allauth_views.logout
_signup = allauth_views.signup
_confirm = allauth_views.confirm_login_code
_mfa_authenticate = mfa_views.authenticate
_mfa_reauthenticate = mfa_views.reauthenticate
_mfa_activate_totp = totp_views.activate_totp
_mfa_generate_recovery_codes = recovery_views.generate_recovery_codes
#: Error codes of allauth's rate limits on codes (AccountAdapter.error_messages).
TOO_MANY = ("too_many_login_attempts", "rate_limited")


def _refused_if_wrong(response: HttpResponse) -> HttpResponse:
    """A page showing a form with errors (a blank field, a wrong code) is 400, not 200."""
    context = getattr(response, "context_data", None) or {}
    if response.status_code == 200 and any(
            isinstance(value, Form) and value.is_bound and value.errors
            for value in context.values()):
        response.status_code = 400
    return response


def _code_refused_if_wrong(response: HttpResponse) -> HttpResponse:
    """
    A multi-factor page showing its code form with errors: 429 when too many codes were tried
    (allauth's rate limit, MFA_RATE_LIMITS), otherwise 400 (a blank or wrong code).
    """
    response = _refused_if_wrong(response)
    if response.status_code == 400:
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and any(form.has_error(field, code=code)
                                    for field in form.errors for code in TOO_MANY):
            response.status_code = 429
    return response


def mfa_authenticate(request: HttpRequest) -> HttpResponse:
    """
    /accounts/2fa/authenticate/: the authenticator app's code (or a recovery code) after the
    emailed code, when signing in (allauth's view). A wrong or blank code is 400 on the same
    page with the error summary; too many tries 429.

    Template: mfa/authenticate.html (allauth's context: form)
    """
    return _code_refused_if_wrong(_mfa_authenticate(request))


def mfa_reauthenticate(request: HttpRequest) -> HttpResponse:
    """
    /accounts/2fa/reauthenticate/: "confirm it is you" with a code from the app (allauth's
    view), before removing the app or seeing recovery codes. A wrong or blank code is 400;
    too many tries 429.

    Template: mfa/reauthenticate.html (allauth's context: form, redirect_field_value)
    """
    return _code_refused_if_wrong(_mfa_reauthenticate(request))


def mfa_activate_totp(request: HttpRequest) -> HttpResponse:
    """
    /accounts/2fa/totp/activate/: set up an authenticator app by entering its first code
    (allauth's view). A wrong or blank code is 400 and nothing is stored; too many tries 429.

    Template: mfa/totp/activate_form.html (allauth's context: form, totp_svg_data_uri,
    totp_url)
    """
    return _code_refused_if_wrong(_mfa_activate_totp(request))


def mfa_generate_recovery_codes(request: HttpRequest) -> HttpResponse:
    """
    /accounts/2fa/recovery-codes/generate/: make a new set of recovery codes (allauth's view,
    after "confirm it is you"). Refused with 400 and the reason on the page when none can be
    made (no authenticator app); nothing changes.

    Template: mfa/recovery_codes/generate.html (allauth's context: form)
    """
    return _refused_if_wrong(_mfa_generate_recovery_codes(request))


def create_account(request: HttpRequest) -> HttpResponse:
    """
    /create-account/: full name and email address; a code is emailed to check the address
    (allauth's view). Errors are refused with 400.

    Template: account/signup.html
    """
    return _refused_if_wrong(_signup(request))

def sign_in(request: HttpRequest) -> HttpResponse:
    """
    /sign-in/: enter your email address and we email a one-time code (allauth's view).

    Accounts made before allauth have no allauth address record, and allauth marks an address
    verified on a correct code only if it has one: so, for a known address, an unverified
    record is made first. The response is the same for known and unknown addresses. Opening
    /sign-in/ again abandons a code asked for earlier.

    Template: account/request_login_code.html (context: form, redirect_field_name,
    redirect_field_value; oidc_providers() from the context processor)
    """
    if not request.user.is_authenticated:
        # Coming back to /sign-in/ starts again (a mistyped address, a lost email): allauth
        # would otherwise send the person back to the code page of the earlier attempt.
        clear_login(request)
    if request.method == "POST" and not request.user.is_authenticated:
        email = (request.POST.get("email") or "").strip()
        if email:
            user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if user is not None and not EmailAddress.objects.filter(
                    user=user, email__iexact=email).exists():
                EmailAddress.objects.create(user=user, email=user.email.lower(),
                                            primary=not EmailAddress.objects.filter(
                                                user=user, primary=True).exists(),
                                            verified=False)
    response = _request_login_code(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.is_bound and form.errors:
        # Too many codes asked for is 429; other mistakes (a blank or malformed address) 400.
        response.status_code = 429 if form.has_error(
            "email", code="too_many_login_attempts") else 400
    return response


CODE_GONE = _("That sign-in code has expired or has already been used. Enter your email "
              "address to get a new code.")


def confirm_login_code(request: HttpRequest) -> HttpResponse:
    """
    Enter the code emailed to you (allauth's view). When no code is waiting, because it
    expired, was used, or too many wrong codes were tried: a POST is refused with 400 and the
    sign-in page saying so; a GET goes back to sign-in with that message.

    Template: account/confirm_login_code.html (allauth's context: verify_form, email,
    can_resend, redirect_field); a wrong code is 400 on the same page;
    account/request_login_code.html on 400 when no code is waiting.
    """
    if not request.user.is_authenticated:
        stage = LoginStageController.enter(request, LoginByCodeStage.key)
        process = LoginCodeVerificationProcess.resume(stage) if stage else None
        if process is None:
            if request.method == "POST":
                form = RequestLoginCodeForm()
                return render(request, "account/request_login_code.html",
                              {"form": form, "code_error": CODE_GONE,
                               "redirect_field_name": "next",
                               "redirect_field_value": request.GET.get("next", "")},
                              status=400)
            messages.error(request, CODE_GONE)
            return redirect("core:sign_in")
    return _refused_if_wrong(_confirm(request))


def password_sign_in_gone(request: HttpRequest) -> HttpResponse:
    """
    allauth's password pages (sign in, reset, set, change): smartplace has no passwords, so
    go to /sign-in/. (A password set through them would be a second way to "confirm it is
    you", around the authenticator app.)
    """
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("core:sign_in") + (f"?{query}" if query else ""))


def reauthenticate_with_app(request: HttpRequest) -> HttpResponse:
    """
    allauth's "confirm it is you" by password: smartplace asks for it only of people with an
    authenticator app (AccountAdapter.is_reauthentication_required), so they confirm with the
    app. An account with a password left from before sign-in by code is sent here first by
    allauth; it goes on to the app's page, keeping `next`.
    """
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("mfa_reauthenticate") + (f"?{query}" if query else ""))
