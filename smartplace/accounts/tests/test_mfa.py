"""Multi-factor authentication: available to everyone, required for coordinators."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from smartplace.accounts.tests.helpers import last_code, request_code
from smartplace.people.tests.factories import CoordinatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS = True


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def add_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_a_coordinator_without_mfa_is_sent_to_set_it_up(client):
    """Any page, the admin included, sends a coordinator without MFA to set up an app."""
    coordinator = CoordinatorFactory()
    client.force_login(coordinator.person.user)
    for url in [reverse("people:membership_requests", kwargs={"slug": coordinator.coalition.slug}),
                reverse("admin:index"), reverse("core:home")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    for url in ["/sign-out/", "/cy/sign-out/", reverse("accounts:data_download")]:
        assert client.get(url).status_code == 200


def test_members_are_not_required_to_use_mfa(client):
    """A member without MFA uses the site as before, and may still turn it on."""
    member = MembershipFactory()
    client.force_login(member.person.user)
    assert client.get(reverse("people:account")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_setting_up_an_app_lets_the_coordinator_in(client):
    """Activating TOTP with a correct code gives recovery codes and opens coordinator pages."""
    coordinator = CoordinatorFactory()
    client.force_login(coordinator.person.user)
    page = client.get(reverse("mfa_activate_totp"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'<code class="sp-code">([A-Z2-7]+)</code>', html).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=coordinator.person.user,
                                        type=Authenticator.Type.TOTP).exists()
    url = reverse("people:membership_requests", kwargs={"slug": coordinator.coalition.slug})
    assert client.get(url).status_code == 200


def test_a_wrong_app_code_does_not_turn_mfa_on(client):
    """A wrong code is refused with 400 and a message, and nothing is stored."""
    member = MembershipFactory()
    client.force_login(member.person.user)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "123456x"})
    html = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in html
    assert "That code is not right. Enter the 6-digit code your authenticator app shows" in html
    assert "recovery codes" not in html.split("govuk-error-summary", 1)[1].split("</div>", 1)[0]
    assert not Authenticator.objects.filter(user=member.person.user).exists()


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, html[:2000]
    return html.split("govuk-error-summary", 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize("page", ["mfa_authenticate", "mfa_reauthenticate",
                                  "mfa_activate_totp"])
def test_a_wrong_or_blank_app_code_is_400_in_gov_uk_words(client, page):
    """Every page that takes the app's code answers a wrong or blank code as the sign-in code
    page does: 400, the error summary saying what to do; and too many tries with 429."""
    member = MembershipFactory()
    user = member.person.user
    if page == "mfa_authenticate":
        secret = add_totp(user)
        response = request_code(client, user.email)
        assert client.post(response.url, {"code": last_code()}).url == reverse(page)
    elif page == "mfa_reauthenticate":
        secret = add_totp(user)
        client.force_login(user)
    else:
        client.force_login(user)
        html = client.get(reverse(page)).content.decode()
        secret = re.search(r'<code class="sp-code">([A-Z2-7]+)</code>', html).group(1)
    url = reverse(page)
    response = client.post(url, {"code": ""})
    assert response.status_code == 400
    assert "Enter the 6-digit code from your authenticator app" in _error_summary(response)
    response = client.post(url, {"code": _wrong(totp_code(secret))})
    assert response.status_code == 400
    assert "That code is not right" in _error_summary(response)
    for _try in range(5):
        response = client.post(url, {"code": _wrong(totp_code(secret))})
    assert response.status_code == 429
    assert "Too many attempts. Wait a few minutes, then try again." in _error_summary(response)


def test_the_right_app_code_after_a_wrong_one_still_works(client):
    """A wrong code on the sign-in's app page does not end the attempt."""
    user = MembershipFactory().person.user
    secret = add_totp(user)
    response = request_code(client, user.email)
    client.post(response.url, {"code": last_code()})
    assert client.post(reverse("mfa_authenticate"),
                       {"code": _wrong(totp_code(secret))}).status_code == 400
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_app_code_on_a_welsh_page_is_400_in_welsh(client):
    """The Welsh multi-factor pages are the same pages: 400 for a wrong code there too."""
    member = MembershipFactory()
    client.force_login(member.person.user)
    client.get("/cy/accounts/2fa/totp/activate/")
    response = client.post("/cy/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 400
    assert 'lang="cy"' in response.content.decode()


def test_signing_in_with_mfa_needs_the_app_code_after_the_email_code(client):
    """With TOTP on, the emailed code alone does not sign in; the app's code then does."""
    member = MembershipFactory()
    user = member.person.user
    secret = add_totp(user)
    response = request_code(client, user.email)
    response = client.post(response.url, {"code": last_code()})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"))
    assert "authenticator app" in page.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db(transaction=True)
def test_turning_the_app_on_shows_the_recovery_codes_without_asking_again(client):
    """The correct code that turns the app on is enough to see the recovery codes next: no
    second "confirm it is you" page (where the code still on the phone is refused as used).
    (A real transaction: allauth announces the new app when it commits, as in production.)"""
    member = MembershipFactory()
    client.force_login(member.person.user)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'<code class="sp-code">([A-Z2-7]+)</code>', html).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")
    page = client.get(response.url)
    assert page.status_code == 200
    codes = Authenticator.objects.get(user=member.person.user,
                                      type=Authenticator.Type.RECOVERY_CODES)
    assert codes.wrap().get_unused_codes()[0] in page.content.decode()


def test_recovery_codes_cannot_be_made_without_an_app_400(client):
    """Asking for new recovery codes without an authenticator app is refused with 400 and the
    reason in the error summary; no codes are made."""
    member = MembershipFactory()
    client.force_login(member.person.user)
    response = client.post(reverse("mfa_generate_recovery_codes"), {})
    assert response.status_code == 400
    assert "without having two-factor authentication enabled" in _error_summary(response)
    assert not Authenticator.objects.filter(user=member.person.user).exists()
