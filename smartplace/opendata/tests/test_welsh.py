"""
The open data pages in Welsh under /cy/data/…, while the downloads keep one unprefixed address
and stay in English.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from django.utils import translation

from smartplace.opendata.models import DataProblemReport, DataRelease
from smartplace.opendata.selectors import catalogue_dcat, dataset_list_all
from smartplace.people.tests.factories import PASSWORD, CoordinatorFactory

DATASET = "/data/coalitions/ambridge/"


def _switch(html: str) -> dict[str, str]:
    """hreflang → address of the language switch's links."""
    nav = re.search(r'<nav class="[^"]*sp-language-switch[^"]*".*?</nav>', html, re.S).group(0)
    return {m[1]: m[0] for m in re.findall(r'href="([^"]+)" hreflang="([\w-]+)"', nav)}


def status(client, url: str) -> int:
    """The status of `url`, its body read to the end (which closes a streamed download)."""
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))


def main(html: str) -> str:
    """The page's own content, without the header's navigation and language switch."""
    return html.split('id="main-content"', 1)[1]


def test_the_data_index_is_in_welsh_under_cy(client, world):
    """/cy/data/ is a Welsh page whose links to pages stay in Welsh and to downloads do not,
    and the language switch goes between /data/ and /cy/data/."""
    response = client.get("/cy/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy"' in html
    assert _switch(html) == {"en-gb": "/data/"}
    assert _switch(client.get("/data/").content.decode()) == {"cy": "/cy/data/"}
    links = hrefs(main(html))
    assert {f"/cy{DATASET}", "/cy/data/report/", "/data/catalog.jsonld",
            "/data/smartplace.sqlite"} <= links
    assert not any(link.startswith("/cy/data/catalog") for link in links)
    assert json_ld(html)["url"] == "http://testserver/cy/data/"


def test_the_navigation_and_breadcrumbs_keep_the_welsh(client, world):
    """The Welsh header's data link goes to /cy/data/ (marked as the current section there),
    and the breadcrumbs of a Welsh dataset page lead to Welsh pages."""
    nav = client.get("/cy/coalitions/").content.decode()
    assert 'href="/cy/data/"' in nav and 'href="/data/"' not in nav
    html = client.get(f"/cy{DATASET}").content.decode()
    active = html.split("govuk-service-navigation__item--active", 1)[1][:400]
    assert "/cy/data/" in active
    crumbs = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', html, re.S).group(0)
    assert set(re.findall(r'href="([^"]+)"', crumbs)) == {"/cy/", "/cy/data/"}


def test_a_welsh_dataset_page_links_to_the_unprefixed_downloads(client, world):
    """On /cy/data/coalitions/ambridge/ the files page and the report form are Welsh pages,
    the zips and files keep their addresses (which work), and the schema.org markup names the
    English page as the dataset's identifier."""
    html = client.get(f"/cy{DATASET}").content.decode()
    assert '<html lang="cy"' in html
    assert _switch(html) == {"en-gb": DATASET}
    links = hrefs(main(html))
    assert f"/cy{DATASET}latest/" in links
    assert f"{DATASET}latest.zip" in links
    assert "/cy/data/report/?dataset=coalitions/ambridge" in links
    markup = json_ld(html)
    assert markup["@id"] == f"http://testserver{DATASET}"
    assert markup["url"] == f"http://testserver/cy{DATASET}"
    assert markup["inLanguage"] == "cy"
    downloads = [d["contentUrl"] for d in markup["distribution"]]
    assert downloads and not any("/cy/" in url for url in downloads)
    for url in downloads[:2]:
        assert status(client, url.removeprefix("http://testserver")) == 200, url


def test_a_welsh_files_page_lists_the_unprefixed_files(client, world):
    """/cy/…/latest/ lists each file at its one address, and each of them downloads."""
    html = client.get(f"/cy{DATASET}latest/").content.decode()
    assert '<html lang="cy"' in html
    files = [link for link in hrefs(main(html)) if link.startswith(f"{DATASET}latest/")]
    assert f"{DATASET}latest/datapackage.json" in files
    assert f"{DATASET}latest/initiatives.csv" in files
    assert f"{DATASET}latest.zip" in hrefs(main(html))
    assert status(client, f"{DATASET}latest/datapackage.json") == 200


def test_downloads_have_no_welsh_address(client, world):
    """The catalogue, the SQLite file, zips and package files live only without a prefix."""
    for url in ["/data/catalog.jsonld", "/data/smartplace.sqlite", f"{DATASET}latest.zip",
                f"{DATASET}latest/datapackage.json"]:
        assert status(client, url) == 200, url
        # (/cy/….zip may first get the slash a page address would have: still no download.)
        assert client.get(f"/cy{url}", follow=True).status_code == 404, url


def test_a_problem_is_reported_in_welsh(client, world):
    """/cy/data/report/ shows the form in Welsh; a valid report is stored and the visitor goes
    back to the Welsh data page; an invalid one is refused on a Welsh page."""
    form = client.get("/cy/data/report/?dataset=coalitions/ambridge")
    assert form.status_code == 200 and '<html lang="cy"' in form.content.decode()
    refused = client.post("/cy/data/report/", {"message": " "})
    assert refused.status_code == 400 and '<html lang="cy"' in refused.content.decode()
    response = client.post("/cy/data/report/", {"dataset": "coalitions/ambridge",
                                                "message": "Mae'r dyddiad yn anghywir."})
    assert response.status_code == 302 and response["Location"] == "/cy/data/"
    assert DataProblemReport.objects.get().dataset == "coalitions/ambridge"


def test_the_accessibility_statement_reports_problems_in_its_language(client, world):
    """The Welsh accessibility statement's "report a problem" link is the Welsh form."""
    assert 'href="/cy/data/report/"' in client.get("/cy/accessibility/").content.decode()
    assert 'href="/data/report/"' in client.get("/accessibility/").content.decode()


def test_a_release_made_from_a_welsh_page_is_in_english(client, world):
    """The coordinator's button on the Welsh page goes back to it, and the release's files
    carry the English pages' addresses, not the /cy/ ones."""
    coordinator = CoordinatorFactory(coalition=world["coalition"])
    client.login(username=coordinator.person.user.username, password=PASSWORD)
    html = client.get(f"/cy{DATASET}").content.decode()
    assert f'action="/cy{DATASET}releases/"' in html
    response = client.post(f"/cy{DATASET}releases/")
    assert response.status_code == 302 and response["Location"] == f"/cy{DATASET}"
    archive = zipfile.ZipFile(io.BytesIO(bytes(DataRelease.objects.get().archive)))
    text = "\n".join(archive.read(name).decode() for name in archive.namelist())
    assert f"http://testserver{DATASET}" in text
    assert "/cy/" not in text


def test_page_titles_are_translated_and_published_metadata_is_not(client, world, monkeypatch):
    """A dataset's title and its downloads' names go through translation on the pages; the
    package's files and the DCAT catalogue are English whatever language is active."""
    from smartplace.opendata import selectors
    from smartplace.opendata.datasets import coalitions

    def tagged(text: str) -> str:
        return f"[{translation.get_language()}] {text}"

    monkeypatch.setattr(coalitions, "_", tagged)
    monkeypatch.setattr(selectors, "_", tagged)
    html = client.get(f"/cy{DATASET}").content.decode()
    assert "[cy] Ambridge Digital Coalition: open data" in html
    assert "[cy] Zip archive of the package" in json.dumps(json_ld(html), ensure_ascii=False)
    assert "[en-gb] Ambridge Digital Coalition: open data" in client.get(DATASET).content.decode()
    package = client.get(f"{DATASET}latest/datapackage.json").json()
    assert package["title"] == "Ambridge Digital Coalition: open data"
    with translation.override("cy"):
        dcat = catalogue_dcat(datasets=dataset_list_all(), absolute=lambda path: path)
    ambridge = next(d for d in dcat["dcat:dataset"] if d["dct:identifier"] ==
                    "coalitions/ambridge")
    assert ambridge["dcat:landingPage"] == {"@id": DATASET}
    assert "[en-gb] Zip archive of the package" in json.dumps(ambridge)
    assert "/cy/" not in json.dumps(dcat)
