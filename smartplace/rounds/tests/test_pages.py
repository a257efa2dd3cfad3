"""Public round pages and their twins: what is published, and what never is."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.models import Sector
from smartplace.people.tests.factories import PASSWORD
from smartplace.rounds.services import Answer, rating_submit, round_close

SVG = "{http://www.w3.org/2000/svg}"


def _rate(world, round_, levels, *, sector=Sector.BUSINESS, reason="", share=False,
          public=False, name=None):
    membership = world.member(sector=sector, person__public_profile=public,
                              **({"person__name": name} if name else {}))
    rating_submit(round_=round_, person=membership.person, answers=[
        Answer(sub.pk, level, "medium" if level else "", reason=reason,
               share_reason_publicly=share)
        for sub, level in levels.items()])
    return membership.person


@pytest.fixture
def closed_round(world):
    """A closed round: skills rated by five people (contested), housing by two (hidden)."""
    round_ = world.round(name="Spring 2026", slug="spring-2026", min_raters=3)
    for level in (1, 1, 4, 4, 2):
        _rate(world, round_, {world.skills: level})
    _rate(world, round_, {world.housing: 3}, reason="Secret reason", share=False,
          name="Private Pat")
    _rate(world, round_, {world.housing: 2, world.connectivity: 3},
          reason="Broadband reached Ambridge", share=True, public=True, name="Jill Archer")
    round_close(round_=round_)
    return round_


def _url(name, round_, suffix=""):
    return reverse(f"rounds:{name}", kwargs={"slug": round_.coalition.slug,
                                             "round": round_.slug}) + suffix


def test_the_results_page_shows_the_consolidated_figures(client, world, closed_round):
    """A closed round's page shows medians, consensus, contested tags and the wheel."""
    response = client.get(closed_round.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Contested" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Krippendorff" in html
    assert "Not published:" in html  # housing has two raters


def test_no_individual_rating_or_private_reason_leaks(client, world, closed_round):
    """Neither the page nor its twins name raters or give a private reason; a shared one is
    shown with the name of a rater whose profile is public."""
    page = client.get(closed_round.get_absolute_url()).content.decode()
    body = client.get(_url("round_detail", closed_round).rstrip("/") + ".json").content.decode()
    table = b"".join(client.get(_url("round_detail", closed_round).rstrip("/") + ".csv")
                     .streaming_content).decode()
    for text in (page, body, table):
        assert "Secret reason" not in text
        assert "Private Pat" not in text
    assert "Broadband reached Ambridge" in page
    assert "Jill Archer" in page
    document = json.loads(body)
    assert set(document) >= {"method", "round", "items", "domains", "public_reasons"}
    assert "ratings" not in document
    housing = next(i for i in document["items"] if i["item"] == "living/housing")
    assert housing["statistics"] is None and housing["published"] is False


def test_a_shared_reason_has_no_name_without_a_public_profile(client, world):
    """A shared reason from someone without a public profile is shown without their name."""
    round_ = world.round(min_raters=1)
    _rate(world, round_, {world.skills: 2}, reason="The college runs courses", share=True,
          name="Quiet Quentin")
    round_close(round_=round_)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "The college runs courses" in page
    assert "Quiet Quentin" not in page


def test_the_csv_twin_has_the_consolidation_rows(client, world, closed_round):
    """The CSV twin gives the round, domain, item and sector rows of `smartplace consolidate`."""
    response = client.get(_url("round_detail", closed_round).rstrip("/") + ".csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    scopes = {row["scope"] for row in rows}
    assert {"round", "domain", "item"} <= scopes
    skills = next(r for r in rows if r["scope"] == "item" and r["item"] == "economy/skills")
    assert (skills["n"], skills["level_1"], skills["level_4"], skills["contested"]) == (
        "5", "2", "2", "true")


def test_an_open_round_publishes_no_figures(client, world):
    """While open, the page says it is in progress and the twins hold no figures."""
    round_ = world.round(min_raters=3)
    _rate(world, round_, {world.skills: 2})
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "in progress" in page
    assert "people have rated so far" not in page  # one rater: fewer than the minimum
    document = client.get(_url("round_detail", round_).rstrip("/") + ".json").json()
    assert document["published"] is False and "items" not in document
    assert document["round_facts"]["raters"] is None
    assert client.get(_url("round_wheel", round_)).status_code == 404


def test_an_open_round_shows_the_number_of_raters_from_the_minimum(client, world):
    """The number of raters of an open round is shown once it reaches the minimum."""
    round_ = world.round(min_raters=2)
    for level in (1, 2):
        _rate(world, round_, {world.skills: level})
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "2 people have rated so far" in page


def test_coordinators_see_provisional_figures_of_an_open_round(client, world):
    """A coordinator sees provisional figures, marked as such; the public does not."""
    round_ = world.round(min_raters=1)
    _rate(world, round_, {world.skills: 2})
    assert "Provisional" not in client.get(round_.get_absolute_url()).content.decode()
    client.login(username=world.coordinator.person.user.username, password=PASSWORD)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Provisional figures" in page


def test_the_steering_group_sees_provisional_figures_and_no_individual_rating(client, world):
    """The steering group sees an open round's provisional figures as coordinators do: items
    below the minimum stay hidden, no reason or rater is named, the twins hold no figures;
    members and domain leads see none of it."""
    round_ = world.round(min_raters=3)
    for level in (1, 2, 2):
        _rate(world, round_, {world.skills: level})
    _rate(world, round_, {world.housing: 4}, reason="Only I know this", share=True,
          public=True, name="Lonely Lynda")
    steering = world.member(role="steering", domains=[])
    others = [world.member(), world.member(role="domain_lead")]
    others[1].lead_domains.add(world.economy)
    for membership in others:
        client.force_login(membership.person.user)
        assert "Provisional" not in client.get(round_.get_absolute_url()).content.decode()
    client.force_login(steering.person.user)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Provisional figures, shown only to coordinators and the steering group" in page
    assert "2. Developing" in page  # the median of skills
    assert "Not published:" in page  # housing: one rater
    assert "Only I know this" not in page and "Lonely Lynda" not in page
    document = client.get(_url("round_detail", round_).rstrip("/") + ".json").json()
    assert document["published"] is False and "items" not in document
    table = b"".join(client.get(_url("round_detail", round_).rstrip("/") + ".csv")
                     .streaming_content).decode()
    assert "Developing" not in table and "median" not in table


def test_perception_flags_compare_medians_with_active_public_initiatives(client, world):
    """A sub-domain rated Thriving with no active initiative is flagged; private initiatives
    do not count."""
    round_ = world.round(min_raters=3)
    for _ in range(3):
        _rate(world, round_, {world.skills: 4, world.connectivity: 1})
    for _ in range(5):
        InitiativeFactory(coalition=world.coalition, status="active").subdomains.add(
            world.connectivity)
    InitiativeFactory(coalition=world.coalition, status="active",
                      visibility="private").subdomains.add(world.skills)
    InitiativeFactory(coalition=world.coalition, status="active",
                      visibility="private").subdomains.add(world.skills)
    round_close(round_=round_)
    document = client.get(_url("round_detail", round_).rstrip("/") + ".json").json()
    flags = {flag["item"]: flag for flag in document["perception"]["flags"]}
    assert flags["economy/skills"]["kind"] == "rated_high_few_initiatives"
    assert flags["economy/skills"]["active_initiatives"] == 0
    assert flags["economy/connectivity"]["kind"] == "rated_low_many_initiatives"
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "but only 0 active initiatives recorded" in page


def test_the_round_list_and_its_twins(client, world, closed_round):
    """The list shows every round; the twins give one row each with public figures only."""
    open_round = world.round(name="Autumn 2026", slug="autumn-2026")
    response = client.get(reverse("rounds:round_list", kwargs={"slug": "ambridge"}))
    html = response.content.decode()
    assert "Spring 2026" in html and "Autumn 2026" in html
    rows = client.get("/coalitions/ambridge/rounds.json").json()["rows"]
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["spring-2026"]["raters"] == 7
    assert by_slug["spring-2026"]["state"] == "closed"
    assert by_slug[open_round.slug]["raters"] is None


def test_standalone_wheels_are_valid_svg(client, world, closed_round):
    """The round's and the coalition's wheel.svg are SVG documents with a text alternative."""
    for url in (_url("round_wheel", closed_round), "/coalitions/ambridge/wheel.svg"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        root = ET.fromstring(response.content)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert "Economy" in root.find(f"{SVG}desc").text


def test_the_coalition_wheel_is_404_without_a_closed_round(client, world):
    """No closed round, no coalition wheel."""
    world.round()
    assert client.get("/coalitions/ambridge/wheel.svg").status_code == 404


def test_the_method_page_states_the_rules(client, world, closed_round):
    """The method page gives the round's minimum raters and contested threshold."""
    html = client.get(_url("round_method", closed_round)).content.decode()
    assert "at least 3 raters" in html
    assert "consensus is below 0.5" in html


def test_unknown_rounds_are_404(client, world):
    """A round of another coalition, or none, is not found."""
    assert client.get("/coalitions/ambridge/rounds/nothing-here/").status_code == 404


@pytest.mark.parametrize("suffix", ["/", ".json", ".csv"])
def test_the_results_page_runs_a_constant_number_of_queries(client, world, closed_round,
                                                            django_assert_max_num_queries,
                                                            suffix):
    """The results page and its twins do not query per item or per rater."""
    for _ in range(5):
        _rate(world, world.round(), {world.skills: 2})
    url = _url("round_detail", closed_round).rstrip("/") + suffix
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url)
        if suffix == ".csv":
            b"".join(response.streaming_content)


def test_the_round_list_runs_a_constant_number_of_queries(client, world, closed_round,
                                                          django_assert_max_num_queries):
    """The list does not query per round."""
    for number in range(4):
        round_ = world.round()
        _rate(world, round_, {world.skills: number % 4 + 1})
        round_close(round_=round_)
    client.get("/coalitions/ambridge/rounds/")
    with django_assert_max_num_queries(6):
        client.get("/coalitions/ambridge/rounds/")


def test_the_coalition_home_shows_the_latest_wheel_with_its_table(client, world, closed_round):
    """The coalition's home has the latest closed round's wheel and the table beside it."""
    later = world.round(name="Autumn 2026", slug="autumn-2026", min_raters=1)
    _rate(world, later, {world.housing: 4})
    html = client.get("/coalitions/ambridge/").content.decode()
    assert "How fit is each domain?" in html
    assert "Spring 2026" in html and "Autumn 2026" not in html  # still open
    assert "Domain wheel: Spring 2026" in html
    assert "The wheel’s figures by domain" in html


def test_the_coalition_home_has_no_wheel_without_a_closed_round(client, world):
    """No closed round, no wheel section."""
    world.round()
    assert "How fit is each domain?" not in client.get("/coalitions/ambridge/").content.decode()
