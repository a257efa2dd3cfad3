"""Coordinators import a CSV file of initiatives from the web (/coalitions/<slug>/initiatives/
import/): the same all-or-nothing import as the command, with its problems on the page."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartplace.initiatives.import_forms import COLUMN_HELP
from smartplace.initiatives.importers.columns import COLUMNS
from smartplace.initiatives.models import Initiative
from smartplace.people.tests.factories import CoordinatorFactory, MembershipFactory

DATA = Path(__file__).parent / "data"


def _url(coalition) -> str:
    return reverse("coalitions:initiative_import", kwargs={"slug": coalition.slug})


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = (DATA / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def coordinator_client(client, coalition):
    client.force_login(CoordinatorFactory(coalition=coalition).person.user)
    return client


def test_a_coordinator_imports_a_file_and_sees_the_report(coordinator_client, coalition):
    """A valid file is imported; the page reports what was created; the source is the file."""
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("valid.csv"), "profile": "smartplace"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-notification-banner--success" in body
    imported = Initiative.objects.filter(coalition=coalition)
    assert imported.count() >= 2
    assert f"Imported {imported.count()} initiatives" in body
    assert set(imported.values_list("source", flat=True)) == {"valid.csv"}


def test_only_checking_writes_nothing(coordinator_client, coalition):
    """"Only check the file" reports what would change and writes nothing."""
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("valid.csv"), "profile": "smartplace", "check_only": "on"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Would import" in body and "nothing was written" in body
    assert not Initiative.objects.filter(coalition=coalition).exists()


def test_a_bad_file_lists_each_problem_by_line_and_column(coordinator_client, coalition):
    """A file with bad rows is 400, nothing is written, and each problem is in the table with
    its line, column and the value found."""
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("bad_date.csv"), "profile": "smartplace"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "The file was not imported" in body and 'href="#problems"' in body
    assert "2023-02-30" in body and "next spring" in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in body
    assert not Initiative.objects.filter(coalition=coalition).exists()


def test_a_file_through_a_bundled_profile(coordinator_client, coalition):
    """A foreign layout is read through a bundled import profile chosen on the form: its
    problems name the file's own columns (here, councils Borsetshire's register lacks)."""
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("scotland_council_climate_projects.csv"),
        "profile": "scotland-climate-projects", "check_only": "on"})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<td class="govuk-table__cell">local-authority-code</td>' in body
    assert "unknown organisation &#34;ABE&#34;" in body


def test_a_profile_cannot_be_a_path(coordinator_client, coalition, tmp_path):
    """Only the bundled profiles can be chosen: a path to a JSON file is refused."""
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("valid.csv"), "profile": str(tmp_path / "profile.json")})
    assert response.status_code == 400
    assert "Select one of the formats listed" in response.content.decode()
    assert not Initiative.objects.filter(coalition=coalition).exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("page.csv", b"<!DOCTYPE html><html><script>alert(1)</script>",
     "The file is not a real CSV file"),
    ("initiatives.xlsx", b"PK\x03\x04rest", "The file must be one of these types: CSV"),
    ("empty.csv", b"", "The selected file is empty"),
])
def test_files_of_the_wrong_kind_are_refused(coordinator_client, coalition, name, content,
                                             message):
    response = coordinator_client.post(_url(coalition), {
        "file": SimpleUploadedFile(name, content), "profile": "smartplace"})
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "govuk-error-summary" in body
    assert 'href="#id_file"' in body


def test_a_file_over_the_limit_is_refused_with_the_limit(coordinator_client, coalition,
                                                         settings):
    settings.SMARTPLACE_MAX_UPLOAD_BYTES = 100
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("valid.csv"), "profile": "smartplace"})
    assert response.status_code == 400
    assert "The file must be smaller than 100 bytes (it is " in response.content.decode()
    assert not Initiative.objects.filter(coalition=coalition).exists()


def test_a_utf16_file_is_accepted_by_the_upload_check(coordinator_client, coalition):
    """Excel's "Unicode text" (UTF-16 with a byte-order mark) passes the type check."""
    text = (DATA / "valid.csv").read_text(encoding="utf-8")
    response = coordinator_client.post(_url(coalition), {
        "file": _upload("valid.csv", text.encode("utf-16")), "profile": "smartplace",
        "check_only": "on"})
    assert response.status_code == 200
    assert "Would import" in response.content.decode()


def test_members_get_403_and_visitors_are_sent_to_sign_in(client, coalition):
    assert client.get(_url(coalition)).status_code == 302
    client.force_login(MembershipFactory(coalition=coalition).person.user)
    response = client.post(_url(coalition), {"file": _upload("valid.csv"),
                                              "profile": "smartplace"})
    assert response.status_code == 403
    assert "Only coordinators" in response.content.decode()
    assert not Initiative.objects.filter(coalition=coalition).exists()


def test_the_list_offers_the_import_to_coordinators_only(client, coalition):
    listing = reverse("coalitions:initiative_list", kwargs={"slug": coalition.slug})
    client.force_login(MembershipFactory(coalition=coalition).person.user)
    assert _url(coalition) not in client.get(listing).content.decode()
    client.force_login(CoordinatorFactory(coalition=coalition).person.user)
    assert _url(coalition) in client.get(listing).content.decode()


def test_the_page_lists_every_column_of_the_format():
    assert [name for name, _help in COLUMN_HELP] == list(COLUMNS)
