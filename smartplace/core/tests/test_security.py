"""Hardening: CSRF, other members' objects, oversized uploads, scripts in text, CSP, deploy."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from smartplace.accounts.uploads import validate_upload
from smartplace.core.markdown import render_markdown
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.people.tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parents[3]


def edit_url(initiative):
    return reverse("coalitions:initiative_edit", kwargs={"slug": initiative.coalition.slug,
                                                         "initiative": initiative.slug})


@pytest.mark.django_db
def test_a_forged_csrf_token_is_refused_and_nothing_changes():
    """A POST with a made-up CSRF token is 403 and the initiative keeps its title."""
    member = MembershipFactory()
    initiative = InitiativeFactory(coalition=member.coalition, title="Ambridge wifi")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.person.user)
    client.get(edit_url(initiative))
    response = client.post(edit_url(initiative), {"title": "Hijacked",
                                                  "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Ambridge wifi"


@pytest.mark.django_db
def test_another_coalitions_initiative_cannot_be_edited_by_id_in_the_url(client):
    """A member of Borchester editing an Ambridge initiative's address gets 404; no change."""
    ambridge = InitiativeFactory(title="Ambridge wifi")
    borchester = MembershipFactory()
    client.force_login(borchester.person.user)
    url = reverse("coalitions:initiative_edit", kwargs={"slug": borchester.coalition.slug,
                                                        "initiative": ambridge.slug})
    assert client.post(url, {"title": "Hijacked"}).status_code == 404
    assert client.post(edit_url(ambridge), {"title": "Hijacked"}).status_code in (403, 404)
    ambridge.refresh_from_db()
    assert ambridge.title == "Ambridge wifi"


@pytest.mark.django_db
def test_another_coalitions_objects_are_refused_in_api_calls(client):
    """A Borchester member's token cannot read Ambridge's private initiative or change another."""
    from smartplace.api.services import api_token_create

    private = InitiativeFactory(title="Secret pilot", visibility="private")
    public = InitiativeFactory(coalition=private.coalition, title="Village wifi")
    outsider = MembershipFactory()
    _token, secret = api_token_create(user=outsider.person.user, name="outsider")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    base = f"/api/v1/coalitions/{private.coalition.slug}/initiatives"
    assert client.get(f"{base}/{private.slug}", **auth).status_code == 404
    response = client.patch(f"{base}/{public.slug}", json.dumps({"title": "Hijacked"}),
                            content_type="application/json", **auth)
    assert response.status_code in (403, 404)
    public.refresh_from_db()
    assert public.title == "Village wifi"


@pytest.mark.django_db
def test_another_members_api_token_cannot_be_revoked(client):
    """Revoking someone else's token by its id is 404, and the token keeps working."""
    from smartplace.api.services import api_token_create

    token, _secret = api_token_create(user=MembershipFactory().person.user, name="owner")
    client.force_login(MembershipFactory().person.user)
    response = client.post(reverse("api-tokens:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_an_oversized_request_is_refused_with_413_and_a_message(client, settings):
    """A body over the limit is 413 with the limit stated, before any view runs."""
    settings.SMARTPLACE_MAX_UPLOAD_BYTES = 1024 * 1024
    settings.SMARTPLACE_MAX_REQUEST_BYTES = 1024 * 1024 + 1000
    member = MembershipFactory()
    client.force_login(member.person.user)
    count = Initiative.objects.count()
    big = SimpleUploadedFile("initiatives.csv", b"a,b\n" * 400_000, content_type="text/csv")
    response = client.post(reverse("coalitions:initiative_create",
                                   kwargs={"slug": member.coalition.slug}),
                           {"title": "Big", "file": big})
    assert response.status_code == 413
    assert "smaller than 1 MB" in response.content.decode()
    assert Initiative.objects.count() == count


def test_the_upload_validator_checks_size_type_and_contents(settings):
    """Too big, wrong extension, and a renamed HTML page are refused with clear messages."""
    settings.SMARTPLACE_MAX_UPLOAD_BYTES = 100
    validate_upload(SimpleUploadedFile("ok.csv", b"name,cost\nWifi,12\n"))
    cases = [
        (SimpleUploadedFile("big.csv", b"x" * 101), "smaller than"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "must be one of these types"),
        (SimpleUploadedFile("page.csv", b"<html><script>alert(1)</script>"), "not a real CSV"),
        (SimpleUploadedFile("fake.pdf", b"GIF89a"), "not a real PDF"),
    ]
    for upload, message in cases:
        with pytest.raises(ValidationError) as error:
            validate_upload(upload)
        assert message in " ".join(error.value.messages)


def test_markdown_keeps_formatting_and_drops_scripts():
    """Script tags, event handlers and javascript: links are removed; emphasis stays."""
    html = str(render_markdown(
        "**Free wifi** <script>alert('x')</script>\n\n"
        "<img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://a.example)"))
    assert "<strong>Free wifi</strong>" in html
    assert "<script" not in html and "alert('x')" not in html
    assert "onerror" not in html and "javascript:" not in html
    assert 'href="https://a.example"' in html and 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.django_db
def test_script_in_an_initiative_is_not_run_on_its_page(client):
    """A title and description with <script> are shown escaped or removed, never as script."""
    initiative = InitiativeFactory(title="<script>alert('title')</script>",
                                   description="Hello <script>alert('description')</script>")
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_with_a_nonce_on_every_script(client):
    """CSP allows scripts only from the site or with this response's nonce; all scripts have it."""
    response = client.get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "style-src 'self'" in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert ' style="' not in html
    again = client.get(reverse("core:home"))["Content-Security-Policy"]
    assert nonce not in again


def _production_env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "SMARTPLACE_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-" + "q" * 20,
        "DJANGO_DEBUG": "false",  # production, as manage.py otherwise defaults to development
        "DJANGO_ALLOWED_HOSTS": "smartplace.borsetshire.example",
        "DATABASE_URL": "sqlite:////tmp/sp-deploy-check.sqlite3",
        "SMARTPLACE_OIDC_PROVIDERS": json.dumps([{
            "provider_id": "entra", "name": "Borsetshire Council (Entra ID)",
            "client_id": "abc", "secret": "shh",
            "server_url": "https://login.microsoftonline.com/tenant-id/v2.0"}]),
        **extra,
    })
    return env


def test_the_deploy_check_is_clean_under_production_settings():
    """`manage.py check --deploy` reports no issue with production settings."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
         "--settings=smartplace.settings"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_hardened():
    """Secure cookies, HSTS, SSL redirect, MFA for coordinators, OIDC from the environment."""
    code = ("from django.conf import settings as s; import json; print(json.dumps({"
            "'cookies': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE,"
            "'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT,"
            "'mfa': s.SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS,"
            "'oidc': s.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]['provider_id'],"
            "'form_action': s.SECURE_CSP['form-action']}))")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env={**_production_env(), "DJANGO_SETTINGS_MODULE": "smartplace.settings"},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["cookies"] and values["ssl"] and values["hsts"] >= 31536000
    assert values["mfa"] is True and values["oidc"] == "entra"
    assert "https://login.microsoftonline.com" in values["form_action"]


def test_a_broken_oidc_setting_stops_start_up_with_a_clear_message():
    """Invalid SMARTPLACE_OIDC_PROVIDERS JSON names the line and column."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env={**_production_env(SMARTPLACE_OIDC_PROVIDERS='[{"name": }]'),
                       "DJANGO_SETTINGS_MODULE": "smartplace.settings"},
        capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SMARTPLACE_OIDC_PROVIDERS is not valid JSON" in result.stderr
    assert "line 1, column" in result.stderr
