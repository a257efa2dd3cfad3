"""
allauth's URL names pointed at smartplace's addresses: /sign-in/ (email me a code),
/sign-in/code/ (enter it), /create-account/ and /sign-out/, and allauth's multi-factor pages
(/accounts/2fa/…), the "check your email" page of a new account and the "confirm it is you"
page. `urlpatterns` are included in the root URLconf's `i18n_patterns`, after `allauth.urls`,
so `reverse("account_login")` and the like give these addresses, under /cy/ on Welsh pages: a
Welsh sign-in stays in Welsh. allauth's other addresses (/accounts/oidc/… callbacks, which
providers must see unchanged) keep no prefix.

`before_allauth` comes before `allauth.urls`: smartplace has no passwords, so allauth's
password pages go to /sign-in/ and confirming it is you is always by authenticator app; and the
multi-factor pages that take a code (`mfa_code_pages`, in both lists) answer a wrong code with
400, as /sign-in/code/ does.
"""

from allauth.account import views as allauth_views
from django.urls import include, path, re_path

from smartplace.accounts import signin_views

#: allauth's multi-factor pages with a form, wrapped so that a wrong code is 400 (and recovery
#: codes that cannot be made, for want of an authenticator app, 400).
mfa_code_pages = [
    path("accounts/2fa/authenticate/", signin_views.mfa_authenticate, name="mfa_authenticate"),
    path("accounts/2fa/reauthenticate/", signin_views.mfa_reauthenticate,
         name="mfa_reauthenticate"),
    path("accounts/2fa/totp/activate/", signin_views.mfa_activate_totp,
         name="mfa_activate_totp"),
    path("accounts/2fa/recovery-codes/generate/", signin_views.mfa_generate_recovery_codes,
         name="mfa_generate_recovery_codes"),
]

urlpatterns = [
    path("sign-in/", signin_views.sign_in, name="account_login"),
    path("sign-in/", signin_views.sign_in, name="account_request_login_code"),
    path("sign-in/code/", signin_views.confirm_login_code, name="account_confirm_login_code"),
    path("create-account/", signin_views.create_account, name="account_signup"),
    path("sign-out/", signin_views.sign_out, name="account_logout"),
    path("accounts/confirm-email/", allauth_views.email_verification_sent,
         name="account_email_verification_sent"),
    path("accounts/reauthenticate/", signin_views.reauthenticate_with_app,
         name="account_reauthenticate"),
    *mfa_code_pages,
    path("accounts/2fa/", include("allauth.mfa.urls")),
]

#: Before allauth.urls: the password pages are not used.
before_allauth = [
    path("accounts/login/", signin_views.password_sign_in_gone),
    re_path(r"^accounts/password/", signin_views.password_sign_in_gone),
    path("accounts/reauthenticate/", signin_views.reauthenticate_with_app),
    # The same names (so the language switch finds the Welsh page); reverse() still gives the
    # addresses in i18n_patterns, which come later in the URLconf.
    *mfa_code_pages,
]
