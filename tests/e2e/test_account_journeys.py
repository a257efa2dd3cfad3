"""
Accounts in the browser: axe on the account, sign-in, multi-factor, invitation, requests,
audit, join, leave and erasure pages (with their errors); a coordinator made to set up an
authenticator app does so and sees the recovery codes; erasing your data without JavaScript,
keyboard only.
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.test import Client

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory
from smartplace.people.models import Person
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PersonFactory,
    RequestedMembershipFactory,
)
from tests.e2e.conftest import assert_accessible, sign_in_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:
    """A session made with force_login, handed to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def _submit(page) -> None:
    page.locator("main form button[type=submit], main form .govuk-button").last.click()
    page.wait_for_load_state()


@pytest.fixture
def ambridge():
    coalition = CoalitionFactory(name="Ambridge Digital Coalition", slug="ambridge")
    DomainFactory(framework=coalition.framework, name="Economy")
    return coalition


def test_account_and_sign_in_pages_pass_axe(page, axe, live_server, ambridge):
    """Every accounts page a person meets, in English and Welsh, and with its errors."""
    for path in ("/sign-in/", "/cy/sign-in/", "/create-account/"):
        page.goto(path)
        assert_accessible(axe, page)
    page.goto("/create-account/")
    _submit(page)
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(axe, page)

    coordinator = CoordinatorFactory(coalition=ambridge)
    RequestedMembershipFactory(coalition=ambridge, request_message="I run the village shop")
    _sign_in(page, live_server, coordinator.person.user)
    for path in ("/account/", "/accounts/2fa/", "/accounts/2fa/totp/activate/",
                 "/coalitions/ambridge/members/invite/", "/coalitions/ambridge/members/requests/",
                 "/coalitions/ambridge/audit/", "/coalitions/ambridge/leave/", "/account/erase/",
                 "/cy/account/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(axe, page)
    for path in ("/coalitions/ambridge/members/invite/", "/account/erase/"):
        page.goto(path)
        _submit(page)
        page.locator(".govuk-error-summary").wait_for()
        assert_accessible(axe, page)

    page.context.clear_cookies()
    _sign_in(page, live_server, PersonFactory().user)
    page.goto("/coalitions/ambridge/join/")
    assert_accessible(axe, page)


def test_a_coordinator_sets_up_an_authenticator_app_and_sees_the_recovery_codes(
        page, axe, live_server, ambridge, settings):
    """With the requirement on (as in production), signing in as a coordinator leads to the
    app's set-up; the right code turns it on and the recovery codes follow at once."""
    settings.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS = True
    coordinator = CoordinatorFactory(coalition=ambridge)
    sign_in_by_code(page, coordinator.person.user.email)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert_accessible(axe, page)
    page.get_by_text("Enter the secret key instead").click()
    secret = page.locator("code.sp-code").inner_text().strip()
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.get_by_label("Code from the app").fill(code)
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert "Confirm it is you" not in page.content()
    assert page.locator(".govuk-notification-banner").first.is_visible()
    assert len(re.findall(r"\b[0-9a-f]{8}\b", page.locator("main").inner_text())) >= 10
    assert_accessible(axe, page)
    response = page.goto("/coalitions/ambridge/members/requests/")
    assert response.status == 200 and "/accounts/2fa/" not in page.url


def test_erasing_your_data_without_javascript_by_keyboard(page_without_js, live_server,
                                                          ambridge):
    """No JavaScript, keyboard only: tick the confirmation, press the button; the person is
    erased and signed out."""
    page = page_without_js
    member = MembershipFactory(coalition=ambridge, person__name="Kenton Archer")
    _sign_in(page, live_server, member.person.user)
    page.goto("/account/erase/")
    checkbox = page.get_by_label("I understand that my account will be closed and cannot be "
                                 "recovered")
    assert checkbox.get_attribute("type") == "checkbox"
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    page.get_by_role("button", name="Erase my personal data").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert "Your personal data has been erased" in page.content()
    assert Person.objects.get(pk=member.person.pk).name == "A former member"
