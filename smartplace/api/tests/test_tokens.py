"""API tokens: stored as hashes, shown once, revoked from the account page or the command."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from smartplace.api.models import ApiToken
from smartplace.api.selectors import api_token_list_for_user
from smartplace.api.services import api_token_authenticate, api_token_create, api_token_revoke
from smartplace.people.tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_only_a_hash_of_the_secret_is_stored():
    """The database holds the SHA-256 of the secret, never the secret itself."""
    user = UserFactory()
    token, secret = api_token_create(user=user, name="Dashboard")
    assert secret.startswith("sp_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {getattr(token, f.attname) for f in ApiToken._meta.fields}
    assert api_token_authenticate(secret=secret) == user


@pytest.mark.django_db
def test_revoked_tokens_and_inactive_users_do_not_authenticate():
    """A revoked token, or one of a deactivated account, gives no user."""
    user = UserFactory()
    token, secret = api_token_create(user=user, name="One")
    _other, other_secret = api_token_create(user=user, name="Two")
    api_token_revoke(token=token)
    assert api_token_authenticate(secret=secret) is None
    user.is_active = False
    user.save()
    assert api_token_authenticate(secret=other_secret) is None


@pytest.mark.django_db
def test_use_is_recorded():
    """Authenticating records when the token was last used."""
    token, secret = api_token_create(user=UserFactory(), name="One")
    api_token_authenticate(secret=secret)
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_the_account_page_makes_a_token_and_shows_it_once(client):
    """POSTing a name shows the new secret; the list afterwards does not."""
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    response = client.post("/account/api-tokens/", {"name": "Ambridge dashboard"})
    assert response.status_code == 200
    secret = re.search(r'id="new-token">([^<]+)<', response.content.decode()).group(1)
    assert response["Cache-Control"] == "no-store"
    assert api_token_authenticate(secret=secret) == user
    listing = client.get("/account/api-tokens/").content.decode()
    assert "Ambridge dashboard" in listing and secret not in listing


@pytest.mark.django_db
def test_a_blank_name_is_an_error(client):
    """A token without a name is not made; the page says what to do."""
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    response = client.post("/account/api-tokens/", {"name": "  "})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_people_revoke_only_their_own_tokens(client):
    """Revoking works on one's own token and is a 404 for somebody else's."""
    owner, other = UserFactory(), UserFactory()
    mine, _ = api_token_create(user=owner, name="Mine")
    theirs, _ = api_token_create(user=other, name="Theirs")
    client.login(username=owner.username, password=PASSWORD)
    assert client.post(f"/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/account/api-tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_revoked and not theirs.is_revoked


@pytest.mark.django_db
def test_the_token_page_needs_sign_in(client):
    """Visitors are sent to sign in."""
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302 and "next=" in response["Location"]


@pytest.mark.django_db
def test_the_command_prints_a_working_secret():
    """create_api_token prints a secret that authenticates as the user."""
    user = UserFactory(username="jill@ambridge.example")
    out = StringIO()
    call_command("create_api_token", "--user", "JILL@ambridge.example", "--name", "Script",
                 stdout=out, stderr=StringIO())
    assert api_token_authenticate(secret=out.getvalue().strip()) == user


@pytest.mark.django_db
def test_the_command_reports_an_unknown_user():
    """An address with no account is a clear error."""
    with pytest.raises(CommandError, match="no account"):
        call_command("create_api_token", "--user", "nobody@ambridge.example", "--name", "X")


@pytest.mark.django_db
def test_the_docs_page_lists_every_operation(client):
    """The documentation page names each operation of the schema and links the schema."""
    schema = client.get("/api/v1/openapi.json").json()
    page = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/openapi.json" in page
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page
    assert "<script src=\"http" not in page


@pytest.mark.django_db
def test_the_token_page_is_in_welsh_under_cy(client):
    """/cy/account/api-tokens/ is the Welsh page: its switch goes to the English address, its
    form and revoke buttons stay on Welsh addresses, and the documentation link (which has no
    Welsh page) is the API's own address."""
    user = UserFactory()
    token, _secret = api_token_create(user=user, name="Borsetshire dashboard")
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/cy/account/api-tokens/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy"' in html
    assert 'href="/account/api-tokens/" hreflang="en-gb"' in html
    assert 'href="/cy/account/api-tokens/" hreflang="cy"' in client.get(
        "/account/api-tokens/").content.decode()
    assert f'action="/cy/account/api-tokens/{token.pk}/revoke/"' in html
    assert 'href="/api/v1/docs"' in html
    made = client.post("/cy/account/api-tokens/", {"name": "Felpersham map"})
    assert made.status_code == 200 and '<html lang="cy"' in made.content.decode()
    assert api_token_list_for_user(user=user).filter(name="Felpersham map").exists()
    revoked = client.post(f"/cy/account/api-tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == "/cy/account/api-tokens/"


@pytest.mark.django_db
def test_the_welsh_token_page_sends_visitors_to_the_welsh_sign_in(client):
    """A visitor to the Welsh page signs in in Welsh and comes back to it."""
    response = client.get("/cy/account/api-tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cy/sign-in/")
    assert "next=/cy/account/api-tokens/" in response["Location"]


@pytest.mark.django_db
def test_the_docs_page_shows_the_token_placeholder_as_text(client):
    """“Authorization: Bearer <token>” is shown as text, escaped, not swallowed as a tag;
    the introduction names every kind of write the API takes."""
    page = client.get("/api/v1/docs").content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in page
    assert "<token>" not in page
    for write in ("add and change initiatives", "fitness rounds", "answers of assessments"):
        assert write in page


@pytest.mark.django_db
def test_the_new_token_page_shows_the_placeholder_as_text(client):
    """The page showing a new secret says how to send it with the placeholder escaped."""
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    page = client.post("/account/api-tokens/", {"name": "Borsetshire"}).content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in page
    assert "<token>" not in page
