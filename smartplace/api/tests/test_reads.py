"""API reads: privacy, the web's filters, cursor pages and errors."""

from __future__ import annotations

import base64

import pytest

from smartplace.initiatives.tests.factories import InitiativeFactory

URL = "/api/v1/coalitions/ambridge/initiatives"


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["items"]]


def test_anonymous_reads_never_show_private_initiatives(client, world):
    """Without a token the private initiative is absent from lists, counts and its address."""
    assert "secret-pilot" not in slugs(client.get(URL))
    assert client.get(f"{URL}/secret-pilot").status_code == 404
    assert client.get("/api/v1/coalitions/ambridge").json()["initiatives"] == 2
    cafe = client.get("/api/v1/organisations/ambridge-cafe").json()
    assert cafe["initiatives_led"] == 0


def test_a_members_token_shows_their_coalitions_private_initiatives(client, world):
    """A member's token sees the private initiative in the list, detail and counts."""
    assert "secret-pilot" in slugs(client.get(URL, **world["member_auth"]))
    assert client.get(f"{URL}/secret-pilot", **world["member_auth"]).status_code == 200
    coalition = client.get("/api/v1/coalitions/ambridge", **world["member_auth"]).json()
    assert coalition["initiatives"] == 3


def test_an_outsiders_token_sees_what_anonymous_sees(client, world):
    """A token of someone who is not a member gives no private initiatives."""
    assert "secret-pilot" not in slugs(client.get(URL, **world["outsider_auth"]))
    assert client.get(f"{URL}/secret-pilot", **world["outsider_auth"]).status_code == 404


def test_an_unknown_or_revoked_token_is_a_401_even_for_reads(client, world):
    """A token that was sent but is not valid never falls back to an anonymous read."""
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer sp_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "Authorization"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("query", "expected"), [
    ("status=planned", ["digital-hub"]),
    ("domain=economy", ["village-wifi"]),
    ("subdomain=start-ups", ["village-wifi"]),
    ("sector=public", ["village-wifi"]),
    ("organisation=ambridge-cafe", ["village-wifi"]),
    ("q=wi-fi", ["village-wifi"]),
])
def test_the_webs_filters_work_the_same(client, world, query, expected):
    """Each filter of the web list selects the same initiatives in the API."""
    assert slugs(client.get(f"{URL}?{query}")) == expected
    web = client.get(f"/coalitions/ambridge/initiatives.json?{query}").json()
    assert [row["slug"] for row in web["rows"]] == expected


def test_an_unknown_filter_is_a_400_naming_it(client, world):
    """A query parameter the endpoint does not know is rejected, not ignored."""
    response = client.get(f"{URL}?colour=green")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0] == {**body["errors"][0], "field": "colour",
                                 "code": "unknown_parameter", "location": "query"}


@pytest.mark.parametrize("path", [
    "/api/v1/coalitions/ambridge", "/api/v1/coalitions/ambridge/initiatives/village-wifi",
    "/api/v1/organisations/ambridge-cafe",
])
def test_a_single_object_refuses_paging_parameters(client, world, path):
    """`limit` and `cursor` belong to lists: on one object they are a 400, not ignored."""
    assert client.get(path).status_code == 200
    response = client.get(f"{path}?limit=abc")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("limit", "unknown_parameter")]
    assert response.json()["errors"][0]["message"].endswith("takes no query parameters")


def test_a_list_still_takes_paging_parameters(client, world):
    """Lists keep `limit` and `cursor`."""
    body = client.get(f"{URL}?limit=1").json()
    assert len(body["items"]) == 1 and body["next"]


def test_a_bad_filter_value_is_a_400_with_the_webs_message(client, world):
    """An unknown status gets the same message as on the web list's twin."""
    response = client.get(f"{URL}?status=dormant")
    web = client.get("/coalitions/ambridge/initiatives.json?status=dormant")
    assert response.status_code == web.status_code == 400
    assert response.json()["errors"][0]["message"] == web.json()["errors"]["status"][0]


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", base64.urlsafe_b64encode(
    b'{"after": ["a"]}').decode(), base64.urlsafe_b64encode(b'{"offset": -1}').decode(),
    base64.urlsafe_b64encode(b'{"after": ["a\\u0000", 1]}').decode(),
    base64.urlsafe_b64encode(b'{"after": ["a", 99999999999999999999]}').decode()])
def test_a_malformed_cursor_is_a_400(client, world, cursor):
    """Cursors that this API did not give are rejected with an error naming `cursor`."""
    response = client.get(f"{URL}?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("limit", ["0", "501", "ten", "-1"])
def test_an_out_of_range_limit_is_a_400(client, world, limit):
    """Page sizes outside 1–500, or not numbers, are rejected."""
    response = client.get(f"{URL}?limit={limit}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "limit"


def test_following_next_visits_every_row_once(client, world):
    """Pages of 2 chained by `next` give every initiative once, in title order."""
    for number in range(5):
        InitiativeFactory(coalition=world["coalition"], title=f"Ambridge scheme {number}",
                          slug=f"scheme-{number}")
    seen, url, pages = [], f"{URL}?limit=2", 0
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 2
        seen += [item["slug"] for item in body["items"]]
        url = body["next"]
        pages += 1
    assert len(seen) == len(set(seen)) == 7
    assert pages == 4
    titles = [client.get(f"{URL}/{s}").json()["title"] for s in seen]
    assert titles == sorted(titles)


def test_search_results_page_by_position(client, world):
    """With `q`, pages follow the ranking and still cover every match once."""
    for number in range(3):
        InitiativeFactory(coalition=world["coalition"], title=f"Wi-fi mast {number}",
                          slug=f"mast-{number}")
    first = client.get(f"{URL}?q=wi-fi&limit=2").json()
    second = client.get(first["next"]).json()
    found = [i["slug"] for i in first["items"] + second["items"]]
    assert sorted(found) == ["mast-0", "mast-1", "mast-2", "village-wifi"]
    assert second["next"] is None


def test_initiative_fields(client, world):
    """An initiative gives organisation slugs, sub-domain paths and its web address."""
    body = client.get(f"{URL}/village-wifi").json()
    assert body["lead_organisation"] == "borsetshire-council"
    assert body["partners"] == ["ambridge-cafe"]
    assert body["subdomains"] == ["economy/start-ups"]
    assert body["url"].endswith("/coalitions/ambridge/initiatives/village-wifi/")


def test_places_filters_and_codes(client, db):
    """Places filter as on the web and resolve by register or GSS code."""
    from smartplace.places.tests.factories import PlaceFactory

    PlaceFactory(register_code="BOR", gss_code="E07000999", name="Borsetshire",
                 region="West Midlands")
    PlaceFactory(register_code="FEL", gss_code="E07000998", name="Felpersham",
                 region="South East")
    names = [p["name"] for p in client.get("/api/v1/places?region=South East").json()["items"]]
    assert names == ["Felpersham"]
    assert client.get("/api/v1/places/E07000999").json()["register_code"] == "BOR"
    assert client.get("/api/v1/places/bor").json()["gss_code"] == "E07000999"
    assert client.get("/api/v1/places?region=Atlantis").status_code == 400


def test_list_endpoints_run_a_constant_number_of_queries(client, world,
                                                          django_assert_max_num_queries):
    """More initiatives do not mean more queries."""
    for number in range(20):
        InitiativeFactory(coalition=world["coalition"], slug=f"more-{number}")
    with django_assert_max_num_queries(12):
        assert client.get(URL, **world["member_auth"]).status_code == 200
