"""The initiative list (search, filters, twins, privacy, query budget) and initiative pages."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from smartplace.coalitions.tests.scenes import (
    body,
    borsetshire,
    count_queries,
    html_slugs,
    member_of,
    more_initiatives,
    twin,
)
from smartplace.core.formats import plain
from smartplace.initiatives.selectors import (
    INITIATIVE_COLUMNS,
    initiative_list_filtered,
    initiative_rows,
)
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.models import Membership
from smartplace.people.tests.factories import PersonFactory

LIST = "/coalitions/borsetshire/initiatives/"


@pytest.fixture
def scene(db):
    return borsetshire()


def json_slugs(client, path):
    response = client.get(twin(path, ".json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["slug"] for row in json.loads(body(response))["rows"]]


def csv_slugs(client, path):
    response = client.get(twin(path, ".csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return [row["slug"] for row in csv.DictReader(io.StringIO(body(response)))]


def all_formats(client, path):
    """The initiative slugs of the HTML page and of its two twins."""
    response = client.get(path)
    assert response.status_code == 200
    return html_slugs(response), json_slugs(client, path), csv_slugs(client, path)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"cycle-lanes", "parking-sensors", "health-app"}),
        ("?q=ambridge", {"cycle-lanes", "health-app"}),
        ("?q=Borchester", {"cycle-lanes", "parking-sensors"}),
        ("?domain=mobility", {"cycle-lanes", "parking-sensors"}),
        ("?subdomain=parking", {"parking-sensors"}),
        ("?status=active", {"cycle-lanes"}),
        ("?sector=business", {"cycle-lanes", "parking-sensors"}),
        ("?sector=academic", {"health-app"}),
        ("?organisation=borsetshire-council", {"cycle-lanes", "health-app"}),
        ("?organisation=ambridge-garage&domain=mobility", {"cycle-lanes", "parking-sensors"}),
        ("?q=cycle&sector=public&status=active", {"cycle-lanes"}),
        ("?domain=living&status=planned", set()),
        ("?q=ambridge&domain=living", {"health-app"}),
        ("?q=&domain=&subdomain=&status=&sector=&organisation=", {"cycle-lanes",
                                                                "parking-sensors", "health-app"}),
    ],
)
def test_filtered_list_and_twins_hold_the_same_rows(client, scene, query, expected):
    """The HTML, .json and .csv of a filtered initiative list hold the same rows, in order."""
    html, json_rows, csv_rows = all_formats(client, LIST + query)
    assert set(html) == expected
    assert html == json_rows == csv_rows


def test_search_puts_title_matches_first(client, scene):
    """Searching ranks an initiative with the word in its title above one with it in the text."""
    html, json_rows, csv_rows = all_formats(client, LIST + "?q=Ambridge")
    assert html[0] in {"cycle-lanes", "health-app"}  # both have Ambridge in the title
    scene.parking_sensors.description = "Parking near Ambridge village green."
    scene.parking_sensors.save()
    html, json_rows, csv_rows = all_formats(client, LIST + "?q=Ambridge")
    assert html[-1] == "parking-sensors"
    assert html == json_rows == csv_rows


@pytest.mark.parametrize("query", ['"', "*", "OR", "-", "cycle OR", '"cycle', "NEAR(", "a:b",
                                   "^", "(((", "'; DROP TABLE x; --", "cycle -"])
def test_search_punctuation_never_fails(client, scene, query):
    """Quotes, operators and punctuation in a search give a page, never an error."""
    for suffix in ["", ".json", ".csv"]:
        response = client.get(twin(LIST, suffix) if suffix else LIST, {"q": query})
        assert response.status_code == 200
        body(response)


def test_paging_twins_give_the_same_page(client, scene, settings):
    """`?page=2` of a twin has the rows of page 2 of the HTML; without it, every row."""
    settings.SMARTPLACE_PAGE_SIZE = 2
    page_one = all_formats(client, LIST + "?page=1")
    page_two = all_formats(client, LIST + "?page=2")
    assert page_one[0] == page_one[1] == page_one[2] and len(page_one[0]) == 2
    assert page_two[0] == page_two[1] == page_two[2] == ["parking-sensors"]
    assert json_slugs(client, LIST) == page_one[0] + page_two[0]
    page = client.get(LIST + "?page=2")
    assert "Showing 3 to 3" in body(page)
    data = json.loads(body(client.get(twin(LIST, ".json") + "?page=2")))
    assert data["count"] == 3


def test_page_beyond_the_last_is_not_found(client, scene):
    """A page number past the end, or not a number, is a 404."""
    assert client.get(LIST + "?page=9").status_code == 404
    assert client.get(twin(LIST, ".json") + "?page=x").status_code == 404


def test_json_twin_of_every_row_is_streamed(client, scene):
    """The `.json` twin without `?page=` streams one JSON document whose rows are the
    selector's rows, in order; a bad filter or an unknown page is refused before streaming
    starts, as an ordinary response with its status."""
    more_initiatives(scene.coalition, 5, subdomains=[scene.cycling])
    response = client.get(twin(LIST, ".json"))
    assert response.status_code == 200
    assert response.streaming is True
    document = json.loads(body(response))
    expected = [{column: plain(row[column]) for column in INITIATIVE_COLUMNS}
                for row in initiative_rows(
                    initiative_list_filtered(coalition=scene.coalition, user=AnonymousUser()),
                    absolute=lambda path: f"http://testserver{path}")]
    assert document["rows"] == expected
    assert document["count"] == len(expected) == 8
    refused = client.get(twin(LIST, ".json") + "?status=finished")
    assert (refused.status_code, refused.streaming) == (400, False)
    assert list(refused.json()["errors"]) == ["status"]
    missing = client.get(twin(LIST, ".json") + "?page=9")
    assert (missing.status_code, missing.streaming) == (404, False)


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("?status=finished", "status", "no status called “finished”"),
        ("?domain=economy", "domain", "no domain called “economy”"),
        ("?subdomain=unknown", "subdomain", "no sub-domain called “unknown”"),
        ("?sector=government", "sector", "no sector called “government”"),
        ("?organisation=nobody", "organisation", "No organisation called “nobody”"),
        ("?domain=living&subdomain=cycling", "subdomain", "not a sub-domain of Living"),
        ("?q=" + "x" * 201, "q", "200 characters or fewer"),
    ],
)
def test_invalid_filters_are_reported(client, scene, query, field, words):
    """An invalid filter value gives a GOV.UK error on the page and a 400 JSON body for twins."""
    page = client.get(LIST + query)
    assert page.status_code == 400
    text = body(page)
    assert "There is a problem" in text and words in text
    assert f'href="#id_{field}"' in text
    assert html_slugs(page) == []
    for suffix in [".json", ".csv"]:
        response = client.get(twin(LIST + query, suffix))
        assert response.status_code == 400
        errors = json.loads(body(response))["errors"]
        assert list(errors) == [field]
        assert words in errors[field][0]


def test_organisation_only_on_private_work_is_not_a_filter_choice(client, scene):
    """An organisation known only from a private initiative is not offered to the public."""
    response = client.get(LIST + "?organisation=ambridge-lunch-club")
    assert response.status_code == 400
    assert "Ambridge Lunch Club" not in body(client.get(LIST))


def test_private_initiatives_absent_for_the_public(client, scene):
    """Anonymous users see no private initiative in the page, twins, counts or search."""
    for query in ["", "?q=secret", "?q=cycle", "?subdomain=cycling", "?status=active"]:
        html, json_rows, csv_rows = all_formats(client, LIST + query)
        for rows in (html, json_rows, csv_rows):
            assert "secret-pilot" not in rows and "west-secret" not in rows
    text = body(client.get(LIST))
    assert "Secret cycle pilot" not in text and "3 initiatives" in text
    assert json.loads(body(client.get(twin(LIST, ".json"))))["count"] == 3


def test_non_member_signed_in_sees_only_public(client, scene):
    """A signed-in user who is not an active member sees only public initiatives."""
    requested = member_of(scene.coalition)
    requested.status = Membership.Status.REQUESTED
    requested.save()
    outsider = member_of(scene.other)
    for user in (requested.person.user, outsider.person.user, PersonFactory().user):
        client.force_login(user)
        html, json_rows, csv_rows = all_formats(client, LIST)
        assert "secret-pilot" not in html + json_rows + csv_rows


def test_member_sees_private_initiatives_tagged(client, scene):
    """An active member also sees the coalition's private initiatives, tagged Private."""
    client.force_login(member_of(scene.coalition).person.user)
    html, json_rows, csv_rows = all_formats(client, LIST + "?q=cycle")
    assert set(html) == {"cycle-lanes", "secret-pilot"}
    assert html == json_rows == csv_rows
    text = body(client.get(LIST))
    assert ">Private</strong>" in text and "4 initiatives" in text
    assert "west-secret" not in text
    rows = json.loads(body(client.get(twin(LIST, ".json"))))["rows"]
    assert {row["slug"]: row["visibility"] for row in rows}["secret-pilot"] == "private"


def test_superuser_sees_private_initiatives(client, scene):
    """A superuser sees the coalition's private initiatives."""
    admin = get_user_model().objects.create_superuser("admin@borsetshire.example", "", "x")
    client.force_login(admin)
    assert "secret-pilot" in html_slugs(client.get(LIST))


def test_list_columns_and_provenance(client, scene):
    """The twins have every documented column, the coalition's licence and the last change."""
    scene.coalition.licence_name = "Creative Commons Attribution 4.0"
    scene.coalition.licence_url = "https://creativecommons.org/licenses/by/4.0/"
    scene.coalition.save()
    data = json.loads(body(client.get(twin(LIST, ".json") + "?status=active")))
    assert data["columns"][:14] == [
        "id", "slug", "url", "title", "description", "status", "start_date", "end_date",
        "lead_organisation", "lead_organisation_sector", "partners", "subdomains", "visibility",
        "updated_at"]
    assert {"capital_cost", "annual_cost", "annual_savings",
            "emission_savings_tco2e"} <= set(data["columns"])
    assert data["licence"]["name"] == "Creative Commons Attribution 4.0"
    row = data["rows"][0]
    assert row["url"] == "http://testserver/coalitions/borsetshire/initiatives/cycle-lanes/"
    assert row["partners"] == ["Ambridge Garage"]
    assert row["subdomains"] == ["mobility/cycling"]
    assert row["lead_organisation_sector"] == "public"
    assert row["capital_cost"] == "1250000.00"
    assert row["visibility"] == "public"
    csv_response = client.get(twin(LIST, ".csv"))
    assert "creativecommons.org" in csv_response["Link"]
    assert csv_response["Last-Modified"]
    page = body(client.get(LIST))
    assert "Creative Commons Attribution 4.0" in page
    assert 'href="/coalitions/borsetshire/initiatives.csv"' in page
    assert 'href="/coalitions/borsetshire/initiatives.json"' in page
    filtered = body(client.get(LIST + "?status=active"))
    assert 'href="/coalitions/borsetshire/initiatives.csv?status=active"' in filtered


def test_last_changed_ignores_private_edits_for_the_public(client, scene):
    """The public's "last changed" never reveals when a private initiative was edited."""
    from datetime import UTC, datetime

    from smartplace.initiatives.models import Initiative

    late = datetime(2030, 1, 1, tzinfo=UTC)
    Initiative.objects.filter(pk=scene.secret_pilot.pk).update(updated_at=late)
    data = json.loads(body(client.get(twin(LIST, ".json"))))
    assert not data["last_updated"].startswith("2030")
    client.force_login(member_of(scene.coalition).person.user)
    data = json.loads(body(client.get(twin(LIST, ".json"))))
    assert data["last_updated"].startswith("2030")


def test_list_page_content(client, scene):
    """The page has the filter form, a results table with lead, status and sub-domains."""
    text = body(client.get(LIST))
    assert '<form method="get"' in text and 'name="q"' in text
    for name in ["domain", "subdomain", "status", "sector", "organisation"]:
        assert f'name="{name}"' in text
    assert "Borsetshire County Council" in text  # a lead organisation
    assert "govuk-tag--green" in text  # the active status tag
    assert ">Cycling</a>" in text
    assert "Clear filters" in text
    assert "3 initiatives" in text


def test_no_results_says_so(client, scene):
    """A search with no results says so and offers to clear the filters."""
    text = body(client.get(LIST + "?q=zeppelin"))
    assert "No initiatives match your search and filters" in text


def test_demo_coalition_shows_banner(client, scene):
    """A demo coalition's pages carry the demo banner."""
    scene.coalition.is_demo = True
    scene.coalition.save()
    assert "Demo data" in body(client.get(LIST))
    assert "Demo data" in body(client.get(DETAIL))
    scene.coalition.is_demo = False
    scene.coalition.save()
    assert "Demo data" not in body(client.get(LIST))


def test_unknown_coalition_is_not_found(client, db):
    """An unknown coalition gives 404 for the page and its twins."""
    for path in ["/coalitions/nowhere/initiatives/", "/coalitions/nowhere/initiatives.json",
                 "/coalitions/nowhere/initiatives/x/", "/coalitions/nowhere/initiatives/x.csv"]:
        assert client.get(path).status_code == 404


def test_list_query_budget(client, scene, django_assert_max_num_queries):
    """The list runs the same number of queries for 30 rows as for 3, in every format."""
    member = member_of(scene.coalition)
    paths = [LIST, LIST + "?q=ambridge&sector=business", twin(LIST, ".json"),
             twin(LIST, ".csv") + "?domain=mobility"]
    budgets = {path: count_queries(client, path) for path in paths}
    client.force_login(member.person.user)
    member_budgets = {path: count_queries(client, path) for path in paths}
    more_initiatives(scene.coalition, 27, subdomains=[scene.cycling])
    client.logout()
    for path, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            body(client.get(path))
    client.force_login(member.person.user)
    for path, budget in member_budgets.items():
        with django_assert_max_num_queries(budget):
            body(client.get(path))
    assert len(json_slugs(client, LIST)) == 31


# One initiative's page.

DETAIL = "/coalitions/borsetshire/initiatives/cycle-lanes/"


def test_detail_shows_the_summary_and_evidence(client, scene):
    """The page lists status, dates, organisations, sub-domains, links and the evidence card."""
    scene.cycle_lanes.links.create(url="https://borsetshire.example/cycling",
                                   title="Cycling plan")
    text = body(client.get(DETAIL))
    for words in ["Cycle lanes for Ambridge", "Borsetshire County Council", "Ambridge Garage",
                  ">Cycling</a>", "Cycling plan", "£1,250,000", "£42,000.50", "15 years",
                  "120.5 tonnes CO2e a year", "Active Travel Fund", "Last updated",
                  "Open Government Licence v3.0"]:
        assert words in text, words
    assert 'href="/coalitions/borsetshire/domains/mobility/cycling/"' in text


def test_detail_lists_only_consenting_people(client, scene):
    """Only people with a public profile are named on the page and in its twins."""
    scene.cycle_lanes.people.add(
        PersonFactory(name="Jill Archer", public_profile=True, job_title="Cycling officer"),
        PersonFactory(name="Eddie Grundy", public_profile=False),
    )
    text = body(client.get(DETAIL))
    assert "Jill Archer" in text and "Eddie Grundy" not in text
    for suffix in [".json", ".csv"]:
        twin_text = body(client.get(twin(DETAIL, suffix)))
        assert "Jill Archer" in twin_text and "Eddie Grundy" not in twin_text
        assert "@" not in twin_text.replace("@@", "")


def test_detail_twins_hold_the_initiative(client, scene):
    """The twins of an initiative's page hold one row, that initiative."""
    data = json.loads(body(client.get(twin(DETAIL, ".json"))))
    assert [row["id"] for row in data["rows"]] == [scene.cycle_lanes.pk]
    assert data["rows"][0]["lifetime_years"] == "15.00"
    rows = list(csv.DictReader(io.StringIO(body(client.get(twin(DETAIL, ".csv"))))))
    assert [int(row["id"]) for row in rows] == [scene.cycle_lanes.pk]
    assert rows[0]["funding_source"] == "Active Travel Fund"


def test_private_initiative_page_is_members_only(client, scene):
    """A private initiative is a 404 for the public and for other coalitions' members."""
    path = "/coalitions/borsetshire/initiatives/secret-pilot/"
    for suffix in ["", ".json", ".csv"]:
        assert client.get(twin(path, suffix) if suffix else path).status_code == 404
    client.force_login(member_of(scene.other).person.user)
    assert client.get(path).status_code == 404
    client.force_login(member_of(scene.coalition).person.user)
    response = client.get(path)
    assert response.status_code == 200 and ">Private</strong>" in body(response)


def test_initiative_of_another_coalition_is_not_found(client, scene):
    """An initiative is found only under its own coalition."""
    assert client.get("/coalitions/borsetshire/initiatives/west-wifi/").status_code == 404


def test_edit_link_only_for_those_who_may_edit(client, scene):
    """Members of the coalition get an Edit link; the public does not."""
    edit = 'href="/coalitions/borsetshire/initiatives/cycle-lanes/edit/"'
    assert edit not in body(client.get(DETAIL))
    client.force_login(member_of(scene.other).person.user)
    assert edit not in body(client.get(DETAIL))
    client.force_login(member_of(scene.coalition).person.user)
    assert edit in body(client.get(DETAIL))


def test_detail_query_budget(client, scene, django_assert_max_num_queries):
    """An initiative's page runs a fixed number of queries however many partners it has."""
    budget = count_queries(client, DETAIL)
    for _ in range(10):
        scene.cycle_lanes.partners.add(OrganisationFactory())
        scene.cycle_lanes.people.add(PersonFactory(public_profile=True))
    with django_assert_max_num_queries(budget):
        body(client.get(DETAIL))
