"""
API tokens and the coordinators' multi-factor requirement: a token whose user the web would
send to set up an authenticator app (SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS, off in the test
settings and turned on here as smartplace/accounts/tests/test_mfa.py does) is refused with 401
on every endpoint, reads too, with a body that says what to do.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from smartplace.api.services import api_token_create
from smartplace.initiatives.models import Initiative
from smartplace.people.tests.factories import CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db
READ = "/api/v1/coalitions/ambridge/initiatives"
WRITE = "/api/v1/coalitions/ambridge/initiatives"


@pytest.fixture(autouse=True)
def required(settings):
    settings.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS = True


@pytest.fixture
def coordinator(world):
    """An active coordinator of Ambridge without an authenticator app, and their token."""
    membership = CoordinatorFactory(coalition=world["coalition"])
    _token, secret = api_token_create(user=membership.person.user, name="coordinator")
    return membership.person.user, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _refused(response) -> None:
    assert response.status_code == 401, response.content[:500]
    body = response.json()
    assert body["errors"] == [{"location": "header", "field": "Authorization",
                               "message": "Set up an authenticator app before using API tokens",
                               "code": "mfa_required"}]
    assert "http://testserver/accounts/2fa/totp/activate/" in body["detail"]
    assert 'error="insufficient_user_authentication"' in response["WWW-Authenticate"]


def test_a_coordinators_token_without_mfa_is_refused_everywhere(client, world, coordinator):
    """Reads (with and without a token needed) and writes: 401 mfa_required, nothing written,
    never an anonymous read instead."""
    _user, auth = coordinator
    for url in ("/api/v1/me", READ, f"{READ}/secret-pilot", "/api/v1/places",
                "/api/v1/coalitions/ambridge"):
        _refused(client.get(url, **auth))
    before = Initiative.objects.count()
    _refused(client.post(WRITE, {"title": "Parish broadband"}, content_type="application/json",
                         **auth))
    assert Initiative.objects.count() == before


def test_the_token_works_once_the_app_is_set_up(client, world, coordinator):
    """With an authenticator app the same token reads (private initiatives included)."""
    user, auth = coordinator
    TOTP.activate(user, generate_totp_secret())
    assert client.get("/api/v1/me", **auth).status_code == 200
    assert client.get(f"{READ}/secret-pilot", **auth).status_code == 200


def test_a_staff_users_token_without_mfa_is_refused(client, world):
    """Staff may use the admin, so they must use MFA too (as on the web)."""
    _token, secret = api_token_create(user=UserFactory(is_staff=True), name="staff")
    _refused(client.get(READ, HTTP_AUTHORIZATION=f"Bearer {secret}"))


def test_members_tokens_are_not_affected(client, world):
    """A member (not a coordinator) without MFA uses their token as before."""
    assert client.get("/api/v1/me", **world["member_auth"]).status_code == 200
    assert client.get(f"{READ}/secret-pilot", **world["member_auth"]).status_code == 200


def test_without_the_requirement_a_coordinators_token_works(client, world, coordinator,
                                                             settings):
    """SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS off (development, the demo): no refusal."""
    settings.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS = False
    _user, auth = coordinator
    assert client.get("/api/v1/me", **auth).status_code == 200


def test_the_command_warns_that_such_a_token_will_be_refused(world):
    """create_api_token still makes the token (the app may be set up later) but says why it
    will not work yet; a member's token comes without the warning."""
    from io import StringIO

    from django.core.management import call_command

    coordinator = CoordinatorFactory(coalition=world["coalition"]).person.user
    for account, warned in ((coordinator, True), (UserFactory(), False)):
        err = StringIO()
        call_command("create_api_token", "--user", account.username, "--name", "Script",
                     stdout=StringIO(), stderr=err)
        assert ("must use multi-factor authentication" in err.getvalue()) is warned
        assert ("/accounts/2fa/totp/activate/" in err.getvalue()) is warned
