"""Refused requests get GOV.UK pages in the page's language: 400, 403 (a message or not), a
failed CSRF check, 413, and 502 for an OpenID Connect provider that cannot be reached."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings

from smartplace.core.views import permission_denied
from smartplace.opendata.models import DataRelease
from smartplace.people.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
FORGED = "x" * 64


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def heading(response) -> str:
    return re.search(r'<h1 class="govuk-heading-xl">([^<]+)</h1>',
                     response.content.decode()).group(1)


def assert_gov_uk_page(response) -> None:
    """The page is the site's own, GOV.UK-styled page: the template, header and footer."""
    html = response.content.decode()
    assert "govuk-template__body" in html and "govuk-service-navigation" in html
    assert '<main class="govuk-main-wrapper"' in html and 'class="govuk-footer"' in html
    assert 'href="/static/dist/app.css"' in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("prefix", "language"), [("", "en-gb"), ("/cy", "cy")])
def test_a_forged_csrf_token_gets_a_gov_uk_page_saying_to_reload(prefix, language):
    """Signing in with a forged token is 403, says to go back and reload, in the page's
    language, and sends no code."""
    client = Client(enforce_csrf_checks=True)
    assert client.get(f"{prefix}/sign-in/").status_code == 200
    response = client.post(f"{prefix}/sign-in/", {"email": UserFactory().email,
                                                  "csrfmiddlewaretoken": FORGED})
    assert response.status_code == 403
    assert_gov_uk_page(response)
    assert heading(response) == "Your form could not be sent"
    assert "Go back, reload the page and try again." in response.content.decode()
    assert html_lang(response) == language
    assert f'href="{prefix}/sign-in/"' in response.content.decode()
    assert mail.outbox == []


@override_settings(DEBUG=False)
def test_a_missing_csrf_cookie_gets_the_same_page():
    """A form sent with no CSRF cookie at all (another site's form) gets the same 403 page."""
    response = Client(enforce_csrf_checks=True).post("/sign-in/",
                                                     {"email": "a@borsetshire.example"})
    assert response.status_code == 403
    assert heading(response) == "Your form could not be sent"
    assert "CSRF verification failed" not in response.content.decode()


@override_settings(DEBUG=False)
def test_a_permission_denied_with_a_message_shows_it(client):
    """A plain member making a data release gets 403 with the view's own reason, and no
    release is made."""
    member = MembershipFactory()
    client.force_login(member.person.user)
    response = client.post(f"/data/coalitions/{member.coalition.slug}/releases/")
    assert response.status_code == 403
    assert_gov_uk_page(response)
    assert heading(response) == "You cannot see or do this"
    html = response.content.decode()
    assert ("Only the coordinators of this dataset&#39;s coalition or assessment cycle can make "
            "a release.") in html
    assert "You do not have permission to see or do this." not in html
    assert "ask a coordinator of your coalition" in html
    assert not DataRelease.objects.exists()


def test_a_permission_denied_without_a_message_says_so_plainly():
    """PermissionDenied() with no words: the generic sentence, and a way to sign in."""
    request = RequestFactory().get("/cy/coalitions/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = "cy"
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to see or do this." in html
    assert "If you have an account, sign in and try again." in html
    assert 'lang="cy"' in html


@override_settings(DEBUG=False, DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
@pytest.mark.parametrize(("prefix", "language"), [("", "en-gb"), ("/cy", "cy")])
def test_a_form_field_over_the_memory_limit_is_400_with_the_limit(client, prefix, language):
    """A sign-in form whose field is over DATA_UPLOAD_MAX_MEMORY_SIZE is 400, says it is too
    big and gives the limit, in the page's language; no code is sent."""
    response = client.post(f"{prefix}/sign-in/", {"email": "a" * (1024 * 1024 + 1)})
    assert response.status_code == 400
    assert_gov_uk_page(response)
    assert heading(response) == "The information you sent is too big"
    assert "at most 1 MB of text" in response.content.decode()
    assert html_lang(response) == language
    assert mail.outbox == []


@override_settings(DEBUG=False)
def test_too_many_form_fields_is_400_with_a_plain_message(client, settings):
    """Any other refused request (here too many fields) is 400 with "go back and try again"."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = client.post("/sign-in/", {f"field{n}": "x" for n in range(5)})
    assert response.status_code == 400
    assert heading(response) == "Sorry, we could not accept what you sent"
    assert "too big" not in response.content.decode()


@override_settings(DEBUG=False, ALLOWED_HOSTS=["smartplace.borsetshire.example"])
def test_a_host_not_allowed_is_400_on_the_sites_page(client):
    """A Host header not in ALLOWED_HOSTS is refused before anyone is signed in: still 400 and
    the site's page (as someone not signed in), in the language of the address."""
    response = client.get("/cy/coalitions/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    assert_gov_uk_page(response)
    assert heading(response) == "Sorry, we could not accept what you sent"
    assert html_lang(response) == "cy"
    assert 'href="/cy/sign-in/"' in response.content.decode()


@override_settings(DEBUG=False, SMARTPLACE_MAX_UPLOAD_BYTES=1024 * 1024,
                   SMARTPLACE_MAX_REQUEST_BYTES=2 * 1024 * 1024)
def test_a_body_over_the_request_limit_is_413_without_mentioning_files(client):
    """A form (no file) over SMARTPLACE_MAX_REQUEST_BYTES is 413 with the request limit; the
    file limit is only for uploads."""
    response = client.post("/sign-in/", "email=" + "a" * (2 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert_gov_uk_page(response)
    html = response.content.decode()
    assert heading(response) == "The information you sent is too big"
    assert "This site accepts at most 2 MB in one go." in html
    assert "file" not in html.split("<main", 1)[1].split("</main>", 1)[0].lower()


@override_settings(DEBUG=False, SMARTPLACE_MAX_UPLOAD_BYTES=1024 * 1024,
                   SMARTPLACE_MAX_REQUEST_BYTES=2 * 1024 * 1024)
def test_an_upload_over_the_request_limit_is_413_with_the_file_limit(client):
    """A multipart upload over the request limit also says how big each file may be."""
    big = SimpleUploadedFile("plan.csv", b"a,b\n" * (600 * 1024), content_type="text/csv")
    response = client.post("/sign-in/", {"email": "a@borsetshire.example", "file": big})
    assert response.status_code == 413
    html = response.content.decode()
    assert "This site accepts at most 2 MB in one go." in html
    assert "Files must be smaller than 1 MB." in html


UNREACHABLE = {"openid_connect": {"APPS": [{
    "provider_id": "borsetshire", "name": "Borsetshire Council", "client_id": "abc",
    "secret": "shh", "settings": {"server_url": "http://127.0.0.1:9/"}}]}}


@override_settings(DEBUG=False, SOCIALACCOUNT_PROVIDERS=UNREACHABLE)
def test_an_unreachable_oidc_provider_gets_a_502_page_pointing_to_email_codes(client):
    """Signing in with a provider whose server refuses connections (port 9 on this machine) is
    502, names the provider and links to the sign-in page."""
    sign_in = client.get("/sign-in/").content.decode()
    assert 'action="/accounts/oidc/borsetshire/login/?process=login"' in sign_in
    response = client.post("/accounts/oidc/borsetshire/login/?process=login")
    assert response.status_code == 502
    assert_gov_uk_page(response)
    html = response.content.decode()
    assert heading(response) == "Your organisation's sign-in service could not be reached"
    assert "We could not connect to Borsetshire Council to sign you in." in html
    assert "sign in with a code sent to your email address" in html
    assert '<a class="govuk-link" href="/sign-in/">' in html
    assert html_lang(response) == "en-gb"
    assert "_auth_user_id" not in client.session


@override_settings(DEBUG=False, SOCIALACCOUNT_PROVIDERS=UNREACHABLE)
def test_the_unreachable_provider_page_follows_a_welsh_sign_in_page(client):
    """From the Welsh sign-in page (its Referer), the page is in Welsh and links to it."""
    response = client.post("/accounts/oidc/borsetshire/login/?process=login",
                           HTTP_REFERER="http://testserver/cy/sign-in/")
    assert response.status_code == 502
    assert html_lang(response) == "cy"
    assert '<a class="govuk-link" href="/cy/sign-in/">' in response.content.decode()
    other_site = client.post("/accounts/oidc/borsetshire/login/?process=login",
                             HTTP_REFERER="http://elsewhere.example/cy/sign-in/")
    assert html_lang(other_site) == "en-gb"
