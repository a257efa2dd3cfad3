"""API writes: tokens, the web's permissions, validation errors, nothing half-written."""

from __future__ import annotations

import json

import pytest

from smartplace.initiatives.models import Initiative

URL = "/api/v1/coalitions/ambridge/initiatives"


def post(client, data, auth=None, url=URL):
    return client.post(url, json.dumps(data), content_type="application/json", **(auth or {}))


def patch(client, slug, data, auth=None):
    return client.patch(f"{URL}/{slug}", json.dumps(data), content_type="application/json",
                        **(auth or {}))


def test_a_member_adds_an_initiative(client, world):
    """A member's token adds an initiative with organisations, sub-domains and links."""
    response = post(client, {
        "title": "Ambridge repair café", "status": "planned", "start_date": "2026-04-01",
        "lead_organisation": "ambridge-cafe", "partners": ["borsetshire-council"],
        "subdomains": ["economy/start-ups"],
        "links": [{"url": "https://ambridge.example/repair", "title": "Repair café"}],
    }, world["member_auth"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "ambridge-repair-cafe"
    assert response["Location"].endswith(f"{URL}/ambridge-repair-cafe")
    item = Initiative.objects.get(slug="ambridge-repair-cafe")
    assert item.lead_organisation.slug == "ambridge-cafe"
    assert [p.slug for p in item.partners.all()] == ["borsetshire-council"]
    assert item.links.get().url == "https://ambridge.example/repair"
    assert item.created_by.user == world["member"]
    assert client.get(f"{URL}/{body['slug']}").json() == body


def test_writes_need_a_token(client, world):
    """Without a token a write is a 401 and nothing is saved."""
    before = Initiative.objects.count()
    assert post(client, {"title": "Anonymous"}).status_code == 401
    assert patch(client, "village-wifi", {"title": "Changed"}).status_code == 401
    assert Initiative.objects.count() == before


def test_writes_need_the_webs_permission(client, world):
    """An outsider's token gets 403 on a public initiative, 404 on a private one."""
    assert post(client, {"title": "Outsider"}, world["outsider_auth"]).status_code == 403
    assert patch(client, "village-wifi", {"title": "X"}, world["outsider_auth"]).status_code == 403
    response = patch(client, "secret-pilot", {"title": "X"}, world["outsider_auth"])
    assert response.status_code == 404
    world["secret"].refresh_from_db()
    assert world["secret"].title == "Secret pilot"


def test_a_revoked_token_stops_working(client, world):
    """Revoking a token makes its next request a 401."""
    from smartplace.api.models import ApiToken
    from smartplace.api.services import api_token_revoke

    api_token_revoke(token=ApiToken.objects.get(name="member"))
    assert post(client, {"title": "Late"}, world["member_auth"]).status_code == 401


def test_validation_errors_name_each_field_and_save_nothing(client, world):
    """A body with several problems is a 422 listing each; nothing is written."""
    before = Initiative.objects.count()
    response = post(client, {
        "title": "Half-baked", "partners": ["ambridge-cafe", "no-such-org"],
        "subdomains": ["economy/nothing"], "start_date": "2026-05-01",
        "end_date": "2026-01-01", "links": [{"url": "not a web address"}],
    }, world["member_auth"])
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"partners.1", "subdomains.0", "end_date", "links.0.url"}
    assert Initiative.objects.count() == before


@pytest.mark.parametrize("body", [
    {}, {"title": ""}, {"title": 5}, {"title": "x", "status": "dormant"},
    {"title": "x", "start_date": "31/12/2026"}, {"title": "x" * 301},
    {"title": "x", "partners": "ambridge-cafe"}, {"title": "nul\u0000"},
])
def test_type_errors_are_422_with_the_field(client, world, body):
    """Wrong types, missing or over-long values are 422 errors located in the body."""
    response = post(client, body, world["member_auth"])
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert errors and all(error["location"] == "body" for error in errors)


def test_malformed_json_is_a_4xx(client, world):
    """A body that is not JSON is rejected with a JSON error."""
    response = client.post(URL, "{not json", content_type="application/json",
                           **world["member_auth"])
    assert 400 <= response.status_code < 500
    assert response.json()["status"] == response.status_code


def test_a_patch_changes_only_what_was_sent(client, world):
    """PATCH with a status leaves the title, partners and sub-domains alone."""
    response = patch(client, "village-wifi", {"status": "completed", "end_date": "2026-06-30"},
                     world["member_auth"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["end_date"]) == ("completed", "2026-06-30")
    assert body["title"] == "Village wi-fi"
    assert body["partners"] == ["ambridge-cafe"]
    assert body["subdomains"] == ["economy/start-ups"]


def test_a_patch_checks_dates_against_the_stored_ones(client, world):
    """An end date before the stored start date is a 422 and changes nothing."""
    wifi = world["wifi"]
    wifi.start_date = "2026-03-01"
    wifi.save()
    response = patch(client, "village-wifi", {"end_date": "2026-01-01", "title": "Renamed"},
                     world["member_auth"])
    assert response.status_code == 422
    wifi.refresh_from_db()
    assert wifi.title == "Village wi-fi" and wifi.end_date is None


def test_a_patch_can_make_an_initiative_private_and_clear_its_lead(client, world):
    """Null clears the lead; visibility can change; the anonymous list then hides it."""
    response = patch(client, "village-wifi", {"lead_organisation": None,
                                              "visibility": "private"}, world["member_auth"])
    assert response.status_code == 200
    assert response.json()["lead_organisation"] is None
    assert client.get(f"{URL}/village-wifi").status_code == 404


def test_null_for_a_required_field_is_a_422(client, world):
    """A PATCH cannot set the title or status to null."""
    for field in ("title", "status"):
        response = patch(client, "village-wifi", {field: None}, world["member_auth"])
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


def test_me_tells_who_the_token_belongs_to(client, world):
    """/me gives the member's name and active memberships."""
    body = client.get("/api/v1/me", **world["member_auth"]).json()
    assert body == {"name": "Jill Archer",
                    "memberships": [{"coalition": "ambridge", "role": "member"}]}


def test_a_write_is_one_row_in_the_audit_history_by_the_tokens_user(client, world):
    """A PATCH that changes the partners and sub-domains makes one historical row, by the
    token's user, holding the relations after the write."""
    wifi = world["wifi"]
    before = Initiative.history.filter(id=wifi.pk).count()
    response = patch(client, "village-wifi", {"partners": ["borsetshire-council"],
                                              "subdomains": []}, world["member_auth"])
    assert response.status_code == 200, response.content
    rows = Initiative.history.filter(id=wifi.pk)
    assert rows.count() == before + 1
    latest = rows.first()
    assert latest.history_user == world["member"]
    assert latest.related["partners"] == [world["council"].pk]
    assert latest.related["subdomains"] == []
