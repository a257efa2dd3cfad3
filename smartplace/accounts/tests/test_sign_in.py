"""Sign-in codes: expired, reused and repeatedly wrong codes are refused; sign-up by code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from smartplace.accounts.tests.helpers import last_code, request_code
from smartplace.people.models import Person
from smartplace.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GONE = "That sign-in code has expired or has already been used"


def test_an_expired_code_is_refused_with_400_and_a_message(client, settings):
    """A code entered after its time is up signs no one in: 400 and the sign-in page says why."""
    user = UserFactory()
    response = request_code(client, user.email)
    code = last_code()
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = -1
    response = client.post(response.url, {"code": code})
    assert response.status_code == 400
    assert GONE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_used_code_is_refused_the_second_time(client):
    """Signing in uses the code up: entering it again after signing out is refused."""
    user = UserFactory()
    response = request_code(client, user.email)
    confirm_url, code = response.url, last_code()
    assert client.post(confirm_url, {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("core:sign_out_confirm"))
    response = client.post(confirm_url, {"code": code})
    assert response.status_code == 400 and GONE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_asking_again_with_a_corrected_address_sends_a_code(client):
    """A mistyped address, then the right one in the same browser: the code is sent and works."""
    user = UserFactory()
    request_code(client, "typo@borsetshire.example")
    response = request_code(client, user.email)
    assert response.status_code == 302
    assert client.post(response.url, {"code": last_code()}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_opening_the_code_page_with_no_code_waiting_explains(client):
    """GET /sign-in/code/ with nothing waiting goes back to sign-in with the message."""
    response = client.get(reverse("account_confirm_login_code"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:sign_in")
    assert GONE in response.content.decode()


def test_three_wrong_codes_end_the_attempt(client):
    """After three wrong codes the right one no longer works: a new code is needed."""
    user = UserFactory()
    response = request_code(client, user.email)
    confirm_url, code = response.url, last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(3):
        last = client.post(confirm_url, {"code": wrong})
    assert last.status_code == 302
    response = client.post(confirm_url, {"code": code})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_asking_for_codes_too_often_is_rate_limited():
    """More than three codes a minute for one address are refused with 429 and a message."""
    user = UserFactory()
    for _attempt in range(3):
        assert request_code(Client(), user.email).status_code == 302
    sent = len(mail.outbox)
    response = request_code(Client(), user.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == sent


def test_creating_an_account_by_code(client):
    """Sign-up asks for name and email, emails a code, and the code signs the new person in."""
    response = client.post(reverse("core:create_account"),
                           {"name": "Lynda Snell", "email": "Lynda@Ambridge.example"})
    assert response.status_code == 302
    user = get_user_model().objects.get(email__iexact="lynda@ambridge.example")
    assert not user.has_usable_password()
    assert Person.objects.get(user=user).name == "Lynda Snell"
    response = client.post(response.url, {"code": last_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified


def test_sign_up_without_a_name_is_refused(client):
    """The name is required and the error is in the GOV.UK summary."""
    response = client.post(reverse("core:create_account"),
                           {"name": "", "email": "eddie@ambridge.example"})
    assert response.status_code == 400
    assert "Enter your full name" in response.content.decode()
    assert not get_user_model().objects.filter(email="eddie@ambridge.example").exists()


def test_an_erased_or_deactivated_account_cannot_sign_in(client):
    """No code is sent to, and no code signs in, a deactivated user."""
    user = UserFactory(is_active=False)
    response = request_code(client, user.email)
    assert response.status_code == 302
    assert not mail.outbox or "sign-in code" not in mail.outbox[-1].body.lower()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter your email address"),
    ("not-an-address", "Enter an email address in the correct format, like name@example.com"),
])
def test_a_blank_or_malformed_address_is_refused_in_gov_uk_words(client, email, message):
    """Signing in and creating an account say what is wrong with the address: 400, no email."""
    response = client.post(reverse("core:sign_in"), {"email": email})
    assert response.status_code == 400 and message in response.content.decode()
    response = client.post(reverse("core:create_account"), {"name": "Eddie Grundy",
                                                            "email": email})
    assert response.status_code == 400 and message in response.content.decode()
    assert "This field is required" not in response.content.decode()
    assert not mail.outbox


def test_a_wrong_code_is_refused_with_400_and_says_what_to_do(client):
    """A mistyped code is 400 with a message; the right code still works afterwards."""
    user = UserFactory()
    response = request_code(client, user.email)
    confirm_url, code = response.url, last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(confirm_url, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    response = client.post(confirm_url, {"code": ""})
    assert response.status_code == 400
    assert "Enter the sign-in code from the email" in response.content.decode()
    assert client.post(confirm_url, {"code": code}).status_code == 302


def test_the_sign_in_email_is_in_smartplaces_words(client, settings):
    """The code email names the site, gives the code and how long it works; no allauth
    boilerplate ("Hello from example.com")."""
    settings.SMARTPLACE_SITE_NAME = "Borsetshire smartplace"
    user = UserFactory()
    request_code(client, user.email)
    message = mail.outbox[-1]
    assert message.subject == "Your sign-in code for Borsetshire smartplace"
    assert last_code() in message.body and "10 minutes" in message.body
    assert "Hello from" not in message.body and "testserver" not in message.body


def test_an_unknown_address_gets_no_code_but_a_way_to_create_an_account(client):
    """No account: the same next page, and an email with no code that links to sign-up."""
    response = request_code(client, "nobody@ambridge.example")
    assert response.status_code == 302 and response.url == reverse("account_confirm_login_code")
    body = mail.outbox[-1].body
    assert "there is no account" in body and "http://testserver/create-account/" in body
    assert not re.search(r"\b\d{6}\b", body)


def test_signing_in_from_a_welsh_page_stays_in_welsh(client):
    """/cy/sign-in/ leads to the Welsh code page and, signed in, to the Welsh home page."""
    user = UserFactory()
    response = client.post("/cy/sign-in/", {"email": user.email})
    assert response.status_code == 302 and response.url == "/cy/sign-in/code/"
    page = client.get(response.url)
    assert page.status_code == 200 and '<html lang="cy"' in page.content.decode()
    response = client.post(response.url, {"code": last_code()})
    assert response.status_code == 302 and response.url == "/cy/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("path", ["/accounts/password/reset/", "/accounts/password/set/",
                                  "/accounts/password/change/", "/accounts/login/"])
def test_there_are_no_password_pages(client, path):
    """allauth's password pages go to /sign-in/: no password can be set or reset."""
    user = UserFactory()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(reverse("core:sign_in"))
    response = client.post(path, {"password1": "Borsetshire-2026!", "password2":
                                  "Borsetshire-2026!", "email": user.email})
    assert response.status_code == 302
    assert not mail.outbox


def test_confirming_it_is_you_is_by_authenticator_app_not_password(client):
    """allauth's password page for confirming it is you goes to the app's page, keeping next."""
    client.force_login(UserFactory())
    response = client.get("/accounts/reauthenticate/?next=/accounts/2fa/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_reauthenticate") + "?next=/accounts/2fa/"
