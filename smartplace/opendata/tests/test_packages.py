"""Data packages: valid Frictionless and CSVW, the same rows as the pages, nothing private."""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from datetime import date, datetime, timedelta

import pytest
from csvw import CSVW
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from frictionless import Package as FrictionlessPackage

from smartplace.frameworks.tests.factories import SmartQuestionFactory
from smartplace.initiatives.models import Evidence
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.opendata.datasets.coalitions import GSS_PATTERN
from smartplace.opendata.models import DataRelease
from smartplace.people.tests.factories import PASSWORD, CoordinatorFactory

LATEST = "/data/coalitions/ambridge/latest"


@pytest.fixture(autouse=True)
def keep_csv_field_size_limit():
    """frictionless raises the csv module's process-wide field size limit; put it back."""
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


def csvw_problems(metadata) -> list[str]:
    """What the csvw validator finds wrong (as `csvwvalidate` reports it); empty when valid."""
    try:
        result = CSVW(str(metadata), validate=True, strict=True)
        if result.is_valid:
            return []
    except ValueError as error:
        return [str(error)]
    return [str(w.message) for w in result.warnings] or ["invalid"]


@pytest.fixture
def package_dir(client, world, tmp_path):
    """The latest package of "ambridge", downloaded as a zip and unpacked. Economy has an
    agreed question the public wi-fi answers, a proposed one only the private pilot answers
    and a declined one the hub answers."""
    Evidence.objects.create(initiative=world["wifi"], capital_cost="12500.50",
                            annual_savings="300")
    for status, initiative in (("agreed", "wifi"), ("proposed", "secret"), ("declined", "hub")):
        question = SmartQuestionFactory(domain=world["domain"], status=status,
                                        text=f"A {status} question for Ambridge?")
        QuestionAnswer.objects.create(initiative=world[initiative], question=question)
    response = client.get(f"{LATEST}.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    archive.extractall(tmp_path)
    return tmp_path / "ambridge-open-data"


def test_the_package_is_valid_frictionless(package_dir):
    """frictionless validates every file against its schema, keys included."""
    report = FrictionlessPackage(str(package_dir / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_csvw_metadata_is_valid(package_dir):
    """csvw validates the CSV files against csv-metadata.json, foreign keys strictly."""
    assert csvw_problems(package_dir / "csv-metadata.json") == []


def _read(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_gaps_pages_unanswered_questions_can_be_recomputed(client, world, package_dir):
    """smart_questions.csv and initiative_smart_questions.csv hold the questions anyone may see
    and which public initiatives answer them: counting, per domain, the questions with no
    answer gives the gaps page's public figure. Declined questions and private answers are in
    neither file."""
    questions = _read(package_dir / "smart_questions.csv")
    answers = _read(package_dir / "initiative_smart_questions.csv")
    assert sorted(q["status"] for q in questions) == ["agreed", "proposed"]
    assert [a["initiative_id"] for a in answers] == [str(world["wifi"].pk)]
    answered = {a["question_id"] for a in answers}
    unanswered = sum(1 for q in questions if q["domain_id"] == str(world["domain"].pk)
                     and q["id"] not in answered)
    gaps = client.get("/coalitions/ambridge/gaps.json").json()
    row = next(r for r in gaps["rows"] if r["subdomain_slug"] == "start-ups")
    assert (row["smart_questions"], row["unanswered_questions"]) == (len(questions), unanswered)
    assert unanswered == 1


def test_a_broken_file_fails_validation(package_dir):
    """The validators are not vacuous: a link to a missing initiative is caught by both."""
    links = package_dir / "initiative_subdomains.csv"
    links.write_text(links.read_text() + "999999,1\r\n", encoding="utf-8")
    assert not FrictionlessPackage(str(package_dir / "datapackage.json")).validate().valid
    assert "999999" in " ".join(csvw_problems(package_dir / "csv-metadata.json"))


def test_the_coalition_file_names_its_place_by_official_codes(package_dir, world):
    """coalition.csv is one row: the coalition, its licence, and its place with the GSS and
    register codes; it is a resource of datapackage.json and a table of csv-metadata.json (so
    both validators above check it), the GSS code under its pattern."""
    coalition, place = world["coalition"], world["coalition"].place
    assert _read(package_dir / "coalition.csv") == [{
        "slug": "ambridge", "name": "Ambridge Digital Coalition",
        "description": coalition.description,
        "licence": "Open Government Licence v3.0",
        "licence_url": coalition.licence["url"],
        "url": "http://testserver/coalitions/ambridge/",
        "place_name": place.name, "place_type": place.place_type_name,
        "place_code": place.gss_code, "place_gss_code": place.gss_code,
        "place_register_code": place.register_code}]
    meta = json.loads((package_dir / "datapackage.json").read_text())
    resource = next(r for r in meta["resources"] if r["name"] == "coalition")
    assert resource["path"] == "coalition.csv" and resource["schema"]["primaryKey"] == ["slug"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["place_gss_code"]["constraints"] == {"pattern": GSS_PATTERN}
    assert fields["place_register_code"]["type"] == "string"
    tables = json.loads((package_dir / "csv-metadata.json").read_text())["tables"]
    table = next(t for t in tables if t["url"] == "coalition.csv")
    assert [c["name"] for c in table["tableSchema"]["columns"]] == list(fields)
    assert "## coalition.csv" in (package_dir / "README.md").read_text()


def test_a_malformed_gss_code_fails_validation(package_dir):
    """Both validators check the place's GSS code against its pattern."""
    path = package_dir / "coalition.csv"
    rows = _read(path)
    rows[0]["place_gss_code"] = "E0-BAD"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    assert not FrictionlessPackage(str(package_dir / "datapackage.json")).validate().valid
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # csvw reports a bad value as a warning it records
        problems = csvw_problems(package_dir / "csv-metadata.json")
    assert "E0-BAD" in " ".join(problems)


def test_a_place_without_a_gss_code_is_named_by_its_register_code(client, world):
    """Where the place has no GSS code, that cell is empty and place_code is the register
    code; a coalition without a place has empty place cells."""
    place = world["coalition"].place
    place.gss_code = ""
    place.save()
    row = _read_text(client, f"{LATEST}/coalition.csv")[0]
    assert (row["place_gss_code"], row["place_code"], row["place_register_code"]) == (
        "", place.register_code, place.register_code)
    world["coalition"].place = None
    world["coalition"].save()
    row = _read_text(client, f"{LATEST}/coalition.csv")[0]
    assert {row[c] for c in row if c.startswith("place_")} == {""}


def _read_text(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_initiatives_csv_equals_the_coalitions_page_twin(client, world):
    """The package's initiatives.csv is byte for byte the coalition's initiatives.csv."""
    Evidence.objects.create(initiative=world["hub"], annual_cost="99.90")
    package = b"".join(client.get(f"{LATEST}/initiatives.csv").streaming_content)
    page = b"".join(client.get("/coalitions/ambridge/initiatives.csv").streaming_content)
    assert package == page
    assert b"Digital hub" in package


def test_private_initiatives_are_in_no_file(client, world, package_dir):
    """Neither the private initiative nor its counts appear anywhere in the package."""
    text = "".join(p.read_text(encoding="utf-8") for p in package_dir.iterdir())
    assert "Secret pilot" not in text and "secret-pilot" not in text
    organisations = {row["slug"]: row for row in csv.DictReader(io.StringIO(
        (package_dir / "organisations.csv").read_text(encoding="utf-8")))}
    assert organisations["ambridge-cafe"]["initiatives_led"] == "0"
    assert "Jill Archer" not in text


def test_the_package_states_licence_version_and_date(package_dir):
    """datapackage.json names the licence, version and creation time; the README too."""
    meta = json.loads((package_dir / "datapackage.json").read_text())
    assert meta["licenses"][0]["path"].startswith("https://www.nationalarchives.gov.uk/")
    assert meta["version"] == "latest" and meta["created"]
    readme = (package_dir / "README.md").read_text()
    assert "Open Government Licence" in readme and "initiatives.csv" in readme
    fields = {f["name"]: f for f in meta["resources"][0]["schema"]["fields"]}
    assert fields["start_date"]["type"] == "date"
    assert fields["capital_cost"]["type"] == "number"


def test_a_release_keeps_its_files_as_they_were(client, world):
    """After a release, changing the data changes latest but not the release's files."""
    call_command("make_data_release", "--coalition", "ambridge", "--date", "2026-03-05",
                 "--base-url", "https://data.borsetshire.example")
    world["wifi"].title = "Village fibre"
    world["wifi"].save()
    dated = client.get("/data/coalitions/ambridge/2026-03-05/initiatives.csv").getvalue()
    latest = b"".join(client.get(f"{LATEST}/initiatives.csv").streaming_content)
    assert b"Village wi-fi" in dated and b"Village fibre" not in dated
    assert b"Village fibre" in latest
    assert b"https://data.borsetshire.example/coalitions/ambridge/" in dated
    meta = json.loads(client.get("/data/coalitions/ambridge/2026-03-05/datapackage.json")
                      .getvalue())
    assert meta["version"] == "2026-03-05"
    archive = client.get("/data/coalitions/ambridge/2026-03-05.zip")
    assert zipfile.ZipFile(io.BytesIO(archive.getvalue())).testzip() is None


def test_a_release_page_lists_its_files_without_reading_the_zip(client, world):
    """The page of a dated release lists its files from the stored list: the zip is read
    (in ranges, test_release_streaming.py) only to serve the zip or a file from it."""
    call_command("make_data_release", "--coalition", "ambridge", "--date", "2026-03-05",
                 stdout=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/data/coalitions/ambridge/2026-03-05/")
    assert page.status_code == 200
    assert "initiatives.csv" in page.content.decode()
    release_reads = [q["sql"] for q in queries if "opendata_datarelease" in q["sql"]]
    assert release_reads and not any('"archive"' in sql for sql in release_reads)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/data/coalitions/ambridge/2026-03-05.zip")
        assert response.status_code == 200 and response.getvalue()
    assert any('SUBSTR("opendata_datarelease"."archive"' in q["sql"] for q in queries)


def test_a_release_cannot_be_made_twice_on_one_day(world):
    """A second release the same day is refused and the first is unchanged."""
    call_command("make_data_release", "--coalition", "ambridge", "--date", "2026-03-05")
    first = bytes(DataRelease.objects.get().archive)
    with pytest.raises(CommandError, match="already a release"):
        call_command("make_data_release", "--coalition", "ambridge", "--date", "2026-03-05")
    assert bytes(DataRelease.objects.get().archive) == first


def test_coordinators_make_releases_from_the_page(client, world):
    """A coordinator's button makes today's release; a member's request is refused."""
    member = world["member"]
    client.login(username=member.username, password=PASSWORD)
    assert client.post("/data/coalitions/ambridge/releases/").status_code == 403
    coordinator = CoordinatorFactory(coalition=world["coalition"])
    client.login(username=coordinator.person.user.username, password=PASSWORD)
    response = client.post("/data/coalitions/ambridge/releases/")
    assert response.status_code == 302
    assert DataRelease.objects.get().release_date == date.today()
    assert client.get("/data/coalitions/ambridge/").content.decode().count(
        "/data/coalitions/ambridge/" + date.today().isoformat()) >= 1


def test_unknown_datasets_versions_and_files_are_404(client, world):
    """Addresses of things that do not exist are 404s."""
    for url in ["/data/coalitions/nowhere/", "/data/coalitions/ambridge/2001-01-01/",
                f"{LATEST}/passwords.csv", "/data/coalitions/ambridge/soon/",
                "/data/planets/ambridge/"]:
        assert client.get(url).status_code == 404, url


def test_tables_also_stream_as_json(client, world):
    """A table as JSON has the same rows as its CSV."""
    rows = json.loads(b"".join(client.get(f"{LATEST}/initiatives.json").streaming_content))
    assert [r["slug"] for r in rows] == ["digital-hub", "village-wifi"]


def test_a_release_cannot_be_dated_in_the_future(world):
    """Tomorrow's date is refused with a clear error and no release is made."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CommandError, match="after today"):
        call_command("make_data_release", "--coalition", "ambridge", "--date",
                     tomorrow.isoformat())
    assert not DataRelease.objects.exists()
    call_command("make_data_release", "--coalition", "ambridge", stdout=io.StringIO())
    assert DataRelease.objects.get().release_date == timezone.localdate()


def test_an_earlier_date_labels_the_release_but_created_says_when_it_was_made(client, world):
    """A release dated in the past holds today's data: its version is the date, its
    `created` the time it was made, so no one reads it as data of that earlier day."""
    call_command("make_data_release", "--coalition", "ambridge", "--date", "2026-03-05",
                 stdout=io.StringIO())
    meta = json.loads(client.get("/data/coalitions/ambridge/2026-03-05/datapackage.json")
                      .getvalue())
    assert meta["version"] == "2026-03-05"
    created = datetime.fromisoformat(meta["created"])
    assert abs(timezone.now() - created) < timedelta(minutes=5)
