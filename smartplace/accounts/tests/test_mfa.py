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
    """A wrong code is refused with a message and nothing is stored."""
    member = MembershipFactory()
    client.force_login(member.person.user)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "123456x"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not Authenticator.objects.filter(user=member.person.user).exists()


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
