"""The network page and its nodes-and-links export: public data only, sensible when empty."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.models import Visibility
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambridge():
    """Two domains; the council leads in both; a partner; a private initiative; two people."""
    coalition = CoalitionFactory(name="Ambridge Digital", slug="ambridge")
    economy = DomainFactory(framework=coalition.framework, name="Economy", slug="economy")
    mobility = DomainFactory(framework=coalition.framework, name="Mobility", slug="mobility")
    jobs = SubDomainFactory(domain=economy, name="Jobs", slug="jobs")
    buses = SubDomainFactory(domain=mobility, name="Buses", slug="buses")
    council = OrganisationFactory(name="Borsetshire Council", slug="council",
                                  sector=Sector.PUBLIC)
    shop = OrganisationFactory(name="Ambridge Shop", slug="shop", sector=Sector.BUSINESS)
    secret_org = OrganisationFactory(name="Secret Partner Ltd", slug="secret")
    one = InitiativeFactory(coalition=coalition, title="Village jobs board", slug="jobs-board",
                            lead_organisation=council, subdomains=[jobs],
                            start_date=date(2021, 4, 1))
    one.partners.add(shop)
    InitiativeFactory(coalition=coalition, title="Bus times", slug="bus-times",
                      lead_organisation=council, subdomains=[buses], start_date=date(2022, 1, 1))
    hidden = InitiativeFactory(coalition=coalition, title="Hidden pilot", slug="hidden",
                               visibility=Visibility.PRIVATE, lead_organisation=secret_org,
                               subdomains=[buses])
    hidden.partners.add(council)
    one.people.add(PersonFactory(name="Linda Snell", public_profile=True),
                   PersonFactory(name="Private Person", public_profile=False))
    return coalition


def test_page_shows_picture_tables_and_findings(client, ambridge):
    """The page draws the network and names the council as connecting two domains."""
    response = client.get(reverse("insights:network", kwargs={"slug": "ambridge"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<svg" in html
    assert "Organisations that connect domains" in html
    connectors = html.split("Organisations that connect domains</h2>")[1].split("</table>")[0]
    assert "Borsetshire Council" in connectors and "Economy, Mobility" in connectors
    isolated = html.split('<h2 class="govuk-heading-l">Isolated initiatives')[1].split("<h2")[0]
    assert "Bus times" in isolated and "Village jobs board" not in isolated
    assert "Linda Snell" in html
    assert "Private Person" not in html
    assert "Hidden pilot" not in html and "Secret Partner" not in html
    assert "2021" in html and "2022" in html


def test_json_export_has_public_nodes_and_links_only(client, ambridge):
    """network.json lists nodes and links of public records; nothing private leaks."""
    response = client.get(reverse("insights:network", kwargs={"slug": "ambridge",
                                                              "fmt": "json"}))
    assert response.status_code == 200
    data = response.json()
    ids = {node["id"] for node in data["nodes"]}
    assert {"organisation:council", "organisation:shop", "initiative:jobs-board",
            "initiative:bus-times", "subdomain:economy/jobs", "subdomain:mobility/buses"} <= ids
    assert "initiative:hidden" not in ids and "organisation:secret" not in ids
    assert [n["label"] for n in data["nodes"] if n["type"] == "person"] == ["Linda Snell"]
    assert {"source": "organisation:shop", "target": "initiative:jobs-board",
            "type": "partners"} in data["links"]
    assert all(link["source"] in ids and link["target"] in ids for link in data["links"])
    assert data["licence"]["name"]
    assert "Hidden" not in response.content.decode()


def test_csv_twin_has_one_row_per_node(client, ambridge):
    """The CSV gives every node with its measures."""
    response = client.get(reverse("insights:network", kwargs={"slug": "ambridge",
                                                              "fmt": "csv"}))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    council = next(r for r in rows if r["id"] == "organisation:council")
    assert council["domains_reached"] == "2" and float(council["betweenness"]) > 0
    bus = next(r for r in rows if r["id"] == "initiative:bus-times")
    assert bus["isolated"] == "true"


def test_empty_coalition_says_there_is_no_network(client):
    """A coalition without public initiatives gets a message, not an empty picture."""
    coalition = CoalitionFactory()
    InitiativeFactory(coalition=coalition, visibility=Visibility.PRIVATE)
    response = client.get(reverse("insights:network", kwargs={"slug": coalition.slug}))
    assert response.status_code == 200
    assert "has no public initiatives yet" in response.content.decode()
    assert "<svg" not in response.content.decode()
    data = client.get(reverse("insights:network", kwargs={"slug": coalition.slug,
                                                          "fmt": "json"})).json()
    assert data["nodes"] == [] and data["links"] == []


def test_one_domain_coalition_explains_why_nothing_connects(client):
    """With a single domain no organisation can connect domains, and the page says so."""
    coalition = CoalitionFactory()
    sub = SubDomainFactory(domain=DomainFactory(framework=coalition.framework))
    InitiativeFactory(coalition=coalition, subdomains=[sub], description="")
    html = client.get(reverse("insights:network", kwargs={"slug": coalition.slug})).content
    assert "fewer than two domains" in html.decode()


def test_coalition_without_a_framework_still_renders(client):
    """No domain model: the initiatives still draw; the sector mix says why it is missing."""
    coalition = CoalitionFactory(framework=None)
    InitiativeFactory(coalition=coalition, lead_organisation=OrganisationFactory())
    html = client.get(reverse("insights:network", kwargs={"slug": coalition.slug})).content
    assert "has no domain model yet" in html.decode()


def test_long_and_non_english_names_render_escaped(client):
    """Welsh and very long names appear in full in tables and titles, shortened in labels."""
    coalition = CoalitionFactory()
    long_title = ("Prosiect Cysylltedd Digidol Cymunedol Gogledd Borsetshire " * 10)[:300]
    org = OrganisationFactory(name="Cyngor Sir <Borsetshire> & Co")
    InitiativeFactory(coalition=coalition, title=long_title.strip(), lead_organisation=org)
    response = client.get(reverse("insights:network", kwargs={"slug": coalition.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cyngor Sir &lt;Borsetshire&gt; &amp; Co" in html
    assert "<Borsetshire>" not in html
    assert long_title.strip() in html
    assert "…" in html


def test_unknown_coalition_is_404(client):
    """A coalition that does not exist gives the not-found page."""
    response = client.get(reverse("insights:network", kwargs={"slug": "nowhere"}))
    assert response.status_code == 404


def test_query_count_does_not_grow_with_initiatives(client, ambridge,
                                                    django_assert_max_num_queries):
    """The page runs a constant number of queries."""
    for _ in range(5):
        InitiativeFactory(coalition=ambridge, lead_organisation=OrganisationFactory())
    with django_assert_max_num_queries(12):
        client.get(reverse("insights:network", kwargs={"slug": "ambridge"}))


def test_json_export_gives_the_betweenness_the_page_shows(client, ambridge):
    """Organisation nodes carry the published betweenness, which the export's own links
    reproduce (people left out, rounded half up to 3 places), as the page and CSV show it."""
    from smartplace.methods.network import betweenness
    from smartplace.methods.rounding import half_up

    data = client.get(reverse("insights:network", kwargs={"slug": "ambridge",
                                                          "fmt": "json"})).json()
    kinds = {node["id"]: node["type"] for node in data["nodes"]}
    adjacency = {n: set() for n, kind in kinds.items() if kind != "person"}
    for link in data["links"]:
        if link["source"] in adjacency and link["target"] in adjacency:
            adjacency[link["source"]].add(link["target"])
            adjacency[link["target"]].add(link["source"])
    recomputed = betweenness(adjacency)
    organisations = [n for n in data["nodes"] if n["type"] == "organisation"]
    assert organisations
    for node in organisations:
        assert node["betweenness"] == format(half_up(recomputed[node["id"]], 3), "f")
    assert all("betweenness" not in n for n in data["nodes"] if n["type"] != "organisation")
    council = next(n for n in organisations if n["id"] == "organisation:council")
    assert float(council["betweenness"]) > 0
    html = client.get(reverse("insights:network", kwargs={"slug": "ambridge"})).content
    assert f">{council['betweenness']}</td>" in html.decode()
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(reverse(
        "insights:network", kwargs={"slug": "ambridge", "fmt": "csv"})).streaming_content)
        .decode())))
    assert next(r for r in rows if r["id"] == "organisation:council")["betweenness"] == \
        council["betweenness"]
