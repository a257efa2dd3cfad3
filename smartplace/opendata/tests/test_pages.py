"""Open data pages: the dataset list, schema.org and DCAT markup, SQLite, problem reports."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from smartplace.frameworks.tests.factories import SmartQuestionFactory
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.opendata.models import DataProblemReport
from smartplace.opendata.services import data_release_make
from smartplace.people.tests.factories import MembershipFactory, PersonFactory


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_data_page_lists_each_coalitions_dataset(client, world):
    """/data/ links every dataset and describes them as a schema.org DataCatalog."""
    html = client.get("/data/").content.decode()
    assert "/data/coalitions/ambridge/" in html
    assert "Report a problem with this data" in html
    catalog = json_ld(html)
    assert catalog["@type"] == "DataCatalog"
    assert catalog["dataset"][0]["@type"] == "Dataset"


def test_a_dataset_page_has_schema_org_dataset_markup(client, world):
    """A dataset's page has Dataset markup with licence, place and downloads."""
    data_release_make(kind="coalitions", obj=world["coalition"], absolute=lambda p: p)
    html = client.get("/data/coalitions/ambridge/").content.decode()
    markup = json_ld(html)
    assert markup["@type"] == "Dataset"
    assert markup["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert markup["spatialCoverage"]["identifier"] == world["coalition"].place.gss_code
    assert any(d["contentUrl"].endswith("/initiatives.csv") for d in markup["distribution"])
    assert "version" in markup
    assert "/data/report/?dataset=coalitions/ambridge" in html


def test_the_dcat_catalogue_lists_datasets_releases_and_the_site_database(client, world):
    """catalog.jsonld is a DCAT Catalog with each dataset, its releases and the SQLite file."""
    data_release_make(kind="coalitions", obj=world["coalition"], absolute=lambda p: p)
    response = client.get("/data/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    ambridge = datasets["coalitions/ambridge"]
    assert len(ambridge["dcat:hasVersion"]) == 1
    assert all("dcat:downloadURL" in d for d in ambridge["dcat:distribution"])
    assert "site" in datasets


def test_the_site_database_has_public_data_only(client, world, tmp_path):
    """smartplace.sqlite holds public initiatives and consenting people, nothing else."""
    public = PersonFactory(name="Shula Hebden", public_profile=True)
    MembershipFactory(coalition=world["coalition"], person=public)
    questions = {}
    for status, initiative in (("agreed", "wifi"), ("proposed", "secret"), ("declined", "hub")):
        questions[status] = SmartQuestionFactory(domain=world["domain"], status=status)
        QuestionAnswer.objects.create(initiative=world[initiative], question=questions[status])
    response = client.get("/data/smartplace.sqlite")
    assert response.status_code == 200
    path = tmp_path / "site.sqlite"
    path.write_bytes(b"".join(response.streaming_content))
    db = sqlite3.connect(path)
    try:
        titles = {row[0] for row in db.execute("SELECT title FROM initiatives")}
        people = {row[0] for row in db.execute("SELECT name FROM people")}
        links = {row[0] for row in db.execute("SELECT initiative_id FROM "
                                              "initiative_organisations")}
        organisations = {row[0] for row in db.execute("SELECT slug FROM organisations")}
        answers = list(db.execute("SELECT initiative_id, question_id FROM "
                                  "initiative_smart_questions"))
    finally:
        db.close()
    assert titles == {"Village wi-fi", "Digital hub"}
    assert people == {"Shula Hebden"}
    assert world["secret"].pk not in links
    # A private initiative's answer and an answer to a declined question are left out.
    assert answers == [(world["wifi"].pk, questions["agreed"].pk)]
    assert {"ambridge-cafe", "borsetshire-council"} <= organisations
    assert b"Jill Archer" not in path.read_bytes()
    assert b"Secret pilot" not in path.read_bytes()


def test_a_problem_report_is_stored(client, world):
    """The report form stores the message against the dataset."""
    response = client.post("/data/report/", {"dataset": "coalitions/ambridge",
                                             "message": "The wi-fi start date is wrong."})
    assert response.status_code == 302
    report = DataProblemReport.objects.get()
    assert report.dataset == "coalitions/ambridge"


@pytest.mark.django_db
def test_an_empty_problem_report_says_what_to_do(client):
    """A report without a message is refused with a GOV.UK error."""
    response = client.post("/data/report/", {"message": " ", "email": "not-an-email"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter what is wrong with the data" in html
    assert "Enter an email address in the correct format" in html
    assert not DataProblemReport.objects.exists()
