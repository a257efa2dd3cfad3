"""Signing in with an emailed code (django-allauth), and coming back to the page that asked."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from smartplace.accounts.tests.helpers import last_code, request_code, sign_in_by_code
from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.people.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["account", "join", "add"])
def test_signing_in_returns_to_the_page_that_asked(client, page):
    """A protected page sends visitors to sign in, and signing in by code brings them back."""
    membership = MembershipFactory()
    coalition = membership.coalition
    url = {
        "account": reverse("people:account"),
        "join": reverse("coalitions:join", kwargs={"slug": CoalitionFactory().slug}),
        "add": reverse("coalitions:initiative_create", kwargs={"slug": coalition.slug}),
    }[page]
    first = client.get(url)
    assert first.status_code == 302
    assert first.url == f"{reverse('core:sign_in')}?next={url}"
    response = sign_in_by_code(client, membership.person.user.email, next_url=url)
    assert response.status_code == 302
    assert response.url == url
    assert client.get(url).status_code == 200


def test_the_sign_in_page_asks_only_for_an_email_address(client):
    """/sign-in/ has an email field and no password field."""
    html = client.get(reverse("core:sign_in")).content.decode()
    assert 'name="email"' in html and 'type="password"' not in html
    assert "Email me a sign-in code" in html


def test_a_wrong_code_is_refused_with_a_govuk_message(client):
    """A wrong code keeps the visitor out and says so in the error summary."""
    user = UserFactory()
    response = request_code(client, user.email)
    wrong = "000000" if last_code() != "000000" else "111111"
    response = client.post(response.url, {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "That code is not right" in html
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_gets_the_same_page_and_no_code(client):
    """Asking for a code for an unknown address reveals nothing: same next page, no code."""
    response = request_code(client, "nobody@borsetshire.example")
    assert response.status_code == 302 and response.url.startswith(
        reverse("account_confirm_login_code"))
    assert not any(re.search(r"\b\d{6}\b", message.body) for message in mail.outbox)


def test_sign_in_ignores_a_next_address_on_another_site(client):
    """An outside ?next= is not followed after signing in."""
    user = UserFactory()
    response = sign_in_by_code(client, user.email, next_url="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_password_sign_in_is_not_offered(client):
    """allauth's password page redirects to /sign-in/; a password POST signs no one in."""
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email,
                                                "password": "correct horse battery staple"})
    assert response.status_code == 302 and response.url.startswith(reverse("core:sign_in"))
    assert "_auth_user_id" not in client.session


def test_staff_coordinators_reach_the_admin_and_members_do_not(client):
    """The admin needs staff status; a member without it is sent to sign in."""
    membership = MembershipFactory()
    client.force_login(membership.person.user)
    assert client.get(reverse("admin:index")).status_code == 302
    membership.person.user.is_staff = True
    membership.person.user.save()
    assert client.get(reverse("admin:index")).status_code == 200


def test_signing_out_needs_a_post(client):
    """GET /sign-out/ asks to confirm; POST signs out."""
    client.force_login(UserFactory())
    assert client.get(reverse("core:sign_out_confirm")).status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("core:sign_out_confirm"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session
