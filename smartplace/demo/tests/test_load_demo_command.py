"""`smartplace load-demo` and what `demo_load` does with bad data or a real coalition."""

import json
import shutil
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from smartplace.accounts.tests.helpers import sign_in_by_code
from smartplace.coalitions.models import Coalition
from smartplace.demo.services import COORDINATOR_EMAIL, DATA_DIR, DemoDataError, demo_load
from smartplace.initiatives.models import Initiative
from smartplace.people.models import Person


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the demo data files, to spoil."""
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    return directory


@pytest.mark.django_db
def test_command_prints_summary_and_how_the_coordinator_signs_in(client):
    """The command prints the counts; the coordinator has no password and signs in by code."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    coalition = Coalition.objects.get(slug="sheffield")
    count = Initiative.objects.filter(coalition=coalition).count()
    assert f"initiatives: {count} (" in output
    assert "domains: 7" in output
    assert f"/sign-in/ with {COORDINATOR_EMAIL}" in output
    assert authenticate(username=COORDINATOR_EMAIL, password="demo-coordinator-2017") is None
    response = sign_in_by_code(client, COORDINATOR_EMAIL)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_refuses_to_change_a_real_coalition():
    """A coalition with the demo's slug that is not demo data is left alone."""
    Coalition.objects.create(slug="sheffield", name="Sheffield (real)")
    with pytest.raises(DemoDataError, match="not demo data"):
        demo_load()
    coalition = Coalition.objects.get(slug="sheffield")
    assert coalition.name == "Sheffield (real)"
    assert not Initiative.objects.filter(coalition=coalition).exists()
    with pytest.raises(CommandError, match="not demo data"):
        call_command("load_demo", stdout=StringIO())


@pytest.mark.django_db
def test_bad_person_names_file_and_person_and_writes_nothing(data_dir):
    """A person with an unknown organisation is reported by file and name; nothing is kept."""
    path = data_dir / "people.json"
    data = json.loads(path.read_text())
    data["people"][3]["organisation"] = "no-such-organisation"
    path.write_text(json.dumps(data))
    name = data["people"][3]["name"]
    with pytest.raises(DemoDataError, match=rf"people\.json, person “{name}”: no organisation"):
        demo_load(data_dir=data_dir)
    assert not Coalition.objects.filter(slug="sheffield").exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_bad_initiatives_file_reports_the_importers_problems(data_dir):
    """A bad initiatives.csv fails with the importer's line and column; nothing is kept."""
    path = data_dir / "initiatives.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",completed,", ",finished,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"initiatives\.csv.*\n.*line 3.*status"):
        demo_load(data_dir=data_dir)
    assert not Coalition.objects.filter(slug="sheffield").exists()


@pytest.mark.django_db
def test_invalid_json_names_line_and_column(data_dir):
    """A data file that is not JSON is reported with its line and column."""
    (data_dir / "organisations.json").write_text('{\n  "format": oops\n}')
    with pytest.raises(DemoDataError, match=r"organisations\.json, line 2, column"):
        demo_load(data_dir=data_dir)


@pytest.mark.django_db
def test_recorded_date_of_an_unknown_initiative_is_reported(data_dir):
    """A recorded date for an initiative not in initiatives.csv names the file and the id."""
    path = data_dir / "coalition.json"
    data = json.loads(path.read_text())
    data["initiatives_recorded"]["later"]["demo-no-such-thing"] = "2018-03-01T10:00:00+00:00"
    path.write_text(json.dumps(data))
    with pytest.raises(DemoDataError, match=r"coalition\.json, initiatives_recorded: no "
                       r"initiative with the external_id “demo-no-such-thing”"):
        demo_load(data_dir=data_dir)
    assert not Coalition.objects.filter(slug="sheffield").exists()
