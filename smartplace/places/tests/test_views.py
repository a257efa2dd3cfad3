import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.db.models import Max

from smartplace.coalitions.models import Coalition
from smartplace.core.tests.client import body_bytes
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.places.importers import places_import
from smartplace.places.models import Place
from smartplace.places.tests.factories import PlaceFactory

BORSETSHIRE = Path(__file__).parent / "data" / "borsetshire.csv"


def html_codes(response) -> list[str]:
    """The register codes in the HTML table, in order (third column)."""
    html = response.content.decode()
    table = html[html.index("<table"):html.index("</table>")] if "<table" in html else ""
    return re.findall(r'<td class="govuk-table__cell">\s*<a class="govuk-link" href="/places/'
                      r'[^"]+">[^<]*</a>.*?</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>',
                      table, flags=re.S)


def coalition(place, name: str) -> Coalition:
    """A coalition for `place` (without a framework: the place page does not show one)."""
    slug = name.lower().replace(" ", "-") + f"-{Coalition.objects.count()}"
    return Coalition.objects.create(slug=slug, name=name, place=place)


def json_body(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return json.loads(body_bytes(response))


def csv_rows(client, url) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def register(db):
    """The bundled register of 470 UK local authorities."""
    places_import()


@pytest.fixture
def borsetshire(db):
    """Four fictional places: a county, a district, a former district, a combined authority."""
    places_import(path=BORSETSHIRE)
    return {place.register_code: place for place in Place.objects.all()}


@pytest.mark.django_db
def test_an_empty_register_lists_no_places(client):
    """With no places the list says so (an empty page is still a page), and the twins give
    no rows and a count of 0."""
    assert "0 places" in client.get("/places/").content.decode()
    assert json_body(client, "/places.json")["count"] == 0
    assert csv_rows(client, "/places.csv") == []


class TestPlaceList:
    @pytest.mark.parametrize(
        ("query", "expected_count"),
        [
            ("type=County&status=current", 21),
            ("type=Non-metropolitan+district&status=former", 40),
            ("type=London+borough", 32),
            ("nation=Wales&status=current", 22),
            ("region=Yorkshire+and+The+Humber&q=sheffield", 2),  # the city and its city region
            ("q=E08000019", 1),
        ],
    )
    def test_twins_have_the_same_rows_under_filters(self, client, register, query,
                                                    expected_count):
        """The HTML table and its JSON and CSV twins give the same places for the same filters."""
        html = client.get(f"/places/?{query}")
        assert html.status_code == 200
        page_codes = html_codes(html)
        assert page_codes
        body = json_body(client, f"/places.json?{query}")
        assert body["count"] == expected_count
        json_codes = [row["register_code"] for row in body["rows"]]
        assert json_codes[: len(page_codes)] == page_codes
        assert [row["register_code"] for row in csv_rows(client, f"/places.csv?{query}")] == (
            json_codes)
        assert body["filters"]  # the filters are echoed back
        assert f"{expected_count} place" in html.content.decode()

    def test_pages_of_the_twins_match_the_html_pages(self, client, register, settings):
        """Page 2 of the HTML list and page 2 of the twins are the same rows."""
        settings.SMARTPLACE_PAGE_SIZE = 20
        html = client.get("/places/?status=current&page=2")
        body = json_body(client, "/places.json?status=current&page=2")
        codes = [row["register_code"] for row in body["rows"]]
        assert len(codes) == 20
        assert html_codes(html) == codes
        assert [row["register_code"] for row in
                csv_rows(client, "/places.csv?status=current&page=2")] == codes
        everything = json_body(client, "/places.json?status=current")
        assert everything["count"] == len(everything["rows"]) == 397
        assert [row["register_code"] for row in everything["rows"]][20:40] == codes
        assert 'href="?status=current&amp;page=3"' in html.content.decode()

    def test_page_out_of_range_is_not_found(self, client, borsetshire):
        """A page number past the last page, or not a number, is a 404."""
        assert client.get("/places/?page=9").status_code == 404
        assert client.get("/places/?page=two").status_code == 404

    def test_unknown_filter_value_is_explained(self, client, borsetshire):
        """A type that no place has gives a 400 with a GOV.UK error message, in every format."""
        html = client.get("/places/?type=Parish")
        assert html.status_code == 400
        content = html.content.decode()
        assert "There is a problem" in content
        assert "Select a type from the list" in content
        assert "Error:" in content.split("</title>")[0]
        twin = client.get("/places.json?type=Parish")
        assert twin.status_code == 400
        assert json.loads(twin.content) == {"errors": {"type": ["Select a type from the list"]}}
        assert client.get("/places.csv?type=Parish").status_code == 400

    def test_licence_is_cc_by_with_attribution(self, client, borsetshire):
        """The list says the data is CC BY 4.0 from mySociety, in HTML, JSON and CSV."""
        content = client.get("/places/").content.decode()
        assert "mySociety" in content
        assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in content
        assert "This place data is not published under the Open Government Licence" in content
        body = json_body(client, "/places.json")
        assert body["licence"]["id"] == "CC-BY-4.0"
        assert "mySociety" in body["licence"]["attribution"]
        assert body["source_data"]["commit"] == "67ef8b118938678401a452f4f19f669a7221cc73"
        assert "creativecommons.org/licenses/by/4.0" in client.get("/places.csv")["Link"]

    def test_last_changed_is_the_newest_change(self, client, borsetshire):
        """The list's last-changed time is when the most recently changed place changed."""
        Place.objects.filter(register_code="AMB").update(name="Ambridge Parish Council")
        newest = Place.objects.aggregate(last=Max("updated_at"))["last"]
        body = json_body(client, "/places.json")
        assert body["last_updated"] == newest.isoformat(timespec="seconds")
        assert "Last changed:" in client.get("/places/").content.decode()

    def test_rows_carry_codes_and_links(self, client, borsetshire):
        """Each twin row gives codes, type, county and combined authority of the place."""
        rows = {row["register_code"]: row for row in json_body(client, "/places.json")["rows"]}
        felpersham = rows["FEL"]
        assert felpersham["gss_code"] == "E07000901"
        assert felpersham["parent_code"] == "BOR"
        assert felpersham["parent_name"] == "Borsetshire County Council"
        assert felpersham["combined_authority_code"] == "BCA"
        assert felpersham["former_gss_codes"] == ["E07000900"]
        assert felpersham["url"] == "http://testserver/places/E07000901/"
        assert rows["AMB"]["current"] is False
        assert rows["AMB"]["end_date"] == "2023-03-31"
        assert rows["AMB"]["replaced_by"] == ["FEL"]

    @pytest.mark.parametrize("suffix", ["/", ".json", ".csv"])
    def test_list_runs_a_constant_number_of_queries(self, client, db, suffix,
                                                    django_assert_max_num_queries):
        """The list costs the same few queries for 3 places as for 60, in every format."""
        county = PlaceFactory(place_type_name="County")
        authority = PlaceFactory(place_type_name="Combined authority")
        for _ in range(58):
            PlaceFactory(parent=county, combined_authority=authority)
        with django_assert_max_num_queries(4):
            response = client.get(f"/places{suffix}?page=1")
            if suffix == ".csv":
                b"".join(response.streaming_content)
        with django_assert_max_num_queries(4):
            response = client.get(f"/places{suffix}?region=West+Midlands")
            if suffix == ".csv":
                b"".join(response.streaming_content)
        assert response.status_code == 200


class TestPlaceDetail:
    def test_summary_of_a_district(self, client, borsetshire):
        """A district's page shows its codes, type, region, county and combined authority."""
        response = client.get("/places/E07000901/")
        assert response.status_code == 200
        content = response.content.decode()
        assert "<h1 class=\"govuk-heading-xl\">Felpersham City Council</h1>" in content
        for text in ("E07000901", "E07000900", "FEL", "Non-metropolitan district (NMD)",
                     "West Midlands", "123,456"):
            assert text in content
        assert '<a class="govuk-link" href="/places/E10000901/">Borsetshire County Council</a>' in (
            content)
        assert 'href="/places/E47000901/">Borsetshire Combined Authority</a>' in content
        assert 'href="/places/E07000902/">Ambridge District Council</a>' in content  # replaced

    def test_county_lists_its_districts(self, client, borsetshire):
        """A county's page lists the districts in it, current and former."""
        content = client.get("/places/E10000901/").content.decode()
        assert "Districts in this county" in content
        assert 'href="/places/E07000901/">Felpersham City Council</a>' in content
        assert 'href="/places/E07000902/">Ambridge District Council</a> (former)' in content

    def test_former_place_says_so_and_links_its_successor(self, client, borsetshire):
        """A former authority's page shows its end date and what replaced it."""
        content = client.get("/places/E07000902/").content.decode()
        assert "Former authority" in content
        assert "31 March 2023" in content
        assert 'href="/places/E07000901/">Felpersham City Council</a>' in content

    def test_coalitions_and_organisations_for_the_place(self, client, borsetshire):
        """The page lists the coalitions and organisations for this place, not others'."""
        felpersham = borsetshire["FEL"]
        ours = coalition(felpersham, "Felpersham Digital")
        other = coalition(borsetshire["BOR"], "Borsetshire Digital")
        organisation = OrganisationFactory(place=felpersham, name="Felpersham City Council org")
        content = client.get("/places/E07000901/").content.decode()
        assert f'href="{ours.get_absolute_url()}">Felpersham Digital</a>' in content
        assert f'href="{organisation.get_absolute_url()}">' in content
        assert other.name not in content
        body = json_body(client, "/places/E07000901.json")
        assert [c["name"] for c in body["coalitions"]] == ["Felpersham Digital"]
        assert [o["name"] for o in body["organisations"]] == ["Felpersham City Council org"]

    @pytest.mark.parametrize(
        ("path", "target"),
        [
            ("/places/FEL/", "/places/E07000901/"),
            ("/places/fel/", "/places/E07000901/"),
            ("/places/e07000901/", "/places/E07000901/"),
            ("/places/E07000900/", "/places/E07000901/"),
            ("/places/FEL.json", "/places/E07000901.json"),
            ("/places/FEL.csv?x=1", "/places/E07000901.csv?x=1"),
        ],
    )
    def test_other_codes_redirect_to_the_gss_address(self, client, borsetshire, path, target):
        """A register code, former GSS code or other case redirects to the GSS address."""
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == target

    def test_place_without_gss_code_is_at_its_register_code(self, client, db):
        """A place with no GSS code (a former NI district) lives at its register code."""
        place = PlaceFactory(register_code="NIR-A", gss_code="", name="Derry City Council",
                             former=True)
        assert place.get_absolute_url() == "/places/NIR-A/"
        assert client.get("/places/NIR-A/").status_code == 200
        assert client.get("/places/nir-a/")["Location"] == "/places/NIR-A/"

    def test_unknown_code_is_not_found(self, client, borsetshire):
        """A code no place has is a 404, in every format."""
        assert client.get("/places/E99999999/").status_code == 404
        assert client.get("/places/E99999999.json").status_code == 404

    def test_twins_give_the_same_row_as_the_list(self, client, borsetshire):
        """The detail twins give the place's row exactly as the list twins do."""
        listed = {row["register_code"]: row for row in json_body(client, "/places.json")["rows"]}
        body = json_body(client, "/places/E10000901.json")
        assert body["rows"] == [listed["BOR"]]
        assert body["licence"]["id"] == "CC-BY-4.0"
        assert [child["register_code"] for child in body["children"]] == ["FEL", "AMB"]
        rows = csv_rows(client, "/places/E10000901.csv")
        assert len(rows) == 1
        assert rows[0]["register_code"] == "BOR"
        assert rows[0]["population_2020"] == "612345"

    def test_detail_runs_a_constant_number_of_queries(self, client, db,
                                                      django_assert_max_num_queries):
        """A county's page costs the same few queries however many districts it has."""
        county = PlaceFactory(place_type_name="County")
        for _ in range(30):
            district = PlaceFactory(parent=county)
            coalition(county, "Borsetshire Digital")
            OrganisationFactory(place=district)
        with django_assert_max_num_queries(7):
            response = client.get(county.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count("Borsetshire District Council") >= 30
