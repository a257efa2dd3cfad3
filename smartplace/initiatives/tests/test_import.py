"""Importing initiatives from CSV files in the documented format (docs/initiative-import.md)."""

import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.initiatives.importers import InitiativeImportError, initiatives_import
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.models import Organisation, Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.places.tests.factories import PlaceFactory

DATA = Path(__file__).parent / "data"


def run(name: str | Path, coalition, **kwargs):
    """Import a file from tests/data (or at a full path)."""
    return initiatives_import(path=DATA / name, coalition=coalition, **kwargs)


def errors_of(name: str | Path, coalition, **kwargs) -> list[tuple[int, str, str]]:
    """The (line, column, message) of each problem the import of `name` reports."""
    with pytest.raises(InitiativeImportError) as caught:
        run(name, coalition, **kwargs)
    return [(e.line, e.column, e.message) for e in caught.value.errors]


@pytest.mark.django_db
def test_valid_file_imports_everything(coalition):
    """A valid file imports organisations, partners, sub-domains, links and evidence."""
    report = run("valid.csv", coalition)

    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert report.encoding == "UTF-8"
    assert report.organisations_created == ["Borsetshire County Council"]
    council = Organisation.objects.get(place__register_code="BOR")
    assert (council.name, council.sector) == ("Borsetshire County Council", Sector.PUBLIC)

    solar = Initiative.objects.get(coalition=coalition, external_id="AMB-1")
    assert solar.title == "Ambridge solar roofs"
    assert solar.slug == "ambridge-solar-roofs"
    assert solar.description == ("Solar panels on the village hall,\nthe school and the shop.\n\n"
                                 "Phase two next year.")
    assert solar.status == Initiative.Status.ACTIVE
    assert (solar.start_date, solar.end_date) == (datetime.date(2023, 4, 1),
                                                  datetime.date(2025, 3, 31))
    assert solar.lead_organisation == council
    assert sorted(solar.partners.values_list("slug", flat=True)) == [
        "ambridge-community-energy", "grundy-sons"]
    assert [f"{s.domain.slug}/{s.slug}" for s in solar.subdomains.all()] == ["resources/energy"]
    assert list(solar.links.values_list("url", flat=True)) == [
        "https://ambridge.example/solar", "https://www.borsetshire.example/solar"]
    assert solar.source == "valid.csv"
    evidence = solar.evidence
    assert evidence.capital_cost == Decimal("12500.00")
    assert evidence.annual_cost == Decimal("1200.50")
    assert evidence.annual_savings == Decimal("-300.00")
    assert evidence.lifetime_years == Decimal("25")
    assert evidence.emission_savings_tco2e == Decimal("3.2")
    assert (evidence.funding_source, evidence.measurement) == ("Borsetshire Community Fund",
                                                               "Estimated")

    skills = Initiative.objects.get(coalition=coalition, title="Borsetshire digital skills")
    assert skills.lead_organisation == council  # "Borsetshire Council" is a variant of the name
    assert skills.status == Initiative.Status.PLANNED
    assert skills.visibility == "private"
    assert (skills.start_date, skills.end_date) == (datetime.date(2024, 1, 1),
                                                    datetime.date(2024, 12, 31))
    assert list(skills.partners.values_list("slug", flat=True)) == ["ambridge-community-energy"]
    assert list(skills.subdomains.values_list("slug", flat=True)) == ["skills"]
    assert not Evidence.objects.filter(initiative=skills).exists()

    hub = Initiative.objects.get(coalition=coalition, external_id="FEL-7")
    assert hub.lead_organisation.slug == "felpersham-university"
    assert hub.status == Initiative.Status.ACTIVE
    assert list(hub.partners.values_list("slug", flat=True)) == ["grundy-sons"]
    assert sorted(hub.subdomains.values_list("slug", flat=True)) == ["energy", "start-ups"]
    assert hub.evidence.capital_cost == Decimal("2500.00")


@pytest.mark.django_db
def test_dry_run_writes_nothing(coalition):
    """A dry run reports what would happen and writes nothing."""
    organisations = Organisation.objects.count()

    report = run("valid.csv", coalition, dry_run=True)

    assert (report.dry_run, report.created, report.updated) == (True, 3, 0)
    assert report.organisations_created == ["Borsetshire County Council"]
    assert report.summary().startswith("Would import 3 initiatives: 3 created")
    assert Initiative.objects.count() == 0
    assert Organisation.objects.count() == organisations


@pytest.mark.django_db
def test_reimport_creates_nothing_new(coalition):
    """Importing the same file again leaves every initiative as it was."""
    run("valid.csv", coalition)
    before = {i.pk: (i.updated_at, i.slug) for i in Initiative.objects.all()}
    counts = (Organisation.objects.count(), InitiativeLink.objects.count(),
              Evidence.objects.count(), Initiative.partners.through.objects.count(),
              Initiative.subdomains.through.objects.count())

    report = run("valid.csv", coalition)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.organisations_created == []
    assert {i.pk: (i.updated_at, i.slug) for i in Initiative.objects.all()} == before
    assert (Organisation.objects.count(), InitiativeLink.objects.count(),
            Evidence.objects.count(), Initiative.partners.through.objects.count(),
            Initiative.subdomains.through.objects.count()) == counts


@pytest.mark.django_db
def test_reimport_updates_changed_rows(coalition, tmp_path):
    """A changed row updates its initiative; the others are left unchanged."""
    run("valid.csv", coalition)
    solar = Initiative.objects.get(external_id="AMB-1")
    changed = tmp_path / "valid.csv"
    text = (DATA / "valid.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace('"£12,500"', '"£13,000"').replace(
        "Ambridge Community Energy; Grundy and Sons Ltd", "Grundy and Sons Ltd").replace(
        "resources/energy,", "resources/energy; start-ups,"), encoding="utf-8")

    report = initiatives_import(path=changed, coalition=coalition)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    solar.refresh_from_db()
    assert solar.evidence.capital_cost == Decimal("13000.00")
    assert list(solar.partners.values_list("slug", flat=True)) == ["grundy-sons"]
    assert sorted(solar.subdomains.values_list("slug", flat=True)) == ["energy", "start-ups"]
    assert Initiative.objects.count() == 3


@pytest.mark.django_db
def test_row_without_identifier_matches_title_lead_and_start(coalition):
    """A row without external_id updates the initiative with its title, lead and start date."""
    council = OrganisationFactory(name="Borsetshire County Council", sector=Sector.PUBLIC,
                                  place=PlaceFactory(register_code="BOR"))
    existing = InitiativeFactory(coalition=coalition, title="Borsetshire Digital Skills",
                                 slug="skills", lead_organisation=council,
                                 start_date=datetime.date(2024, 1, 1))

    report = run("valid.csv", coalition)

    assert (report.created, report.updated) == (2, 1)
    existing.refresh_from_db()
    assert existing.status == Initiative.Status.PLANNED
    assert existing.slug == "skills"  # addresses stay the same
    assert Initiative.objects.filter(coalition=coalition).count() == 3


@pytest.mark.django_db
def test_slugs_are_unique_in_the_coalition_and_never_reserved(coalition, tmp_path):
    """New slugs avoid those taken in the coalition and the words used in addresses."""
    InitiativeFactory(coalition=coalition, title="Old", slug="ambridge-solar-roofs")
    path = tmp_path / "slugs.csv"
    path.write_text("title,external_id\nAmbridge solar roofs,1\nAmbridge solar roofs,2\n"
                    "Add,3\nEdit,4\n★,5\n", encoding="utf-8")

    initiatives_import(path=path, coalition=coalition)

    slugs = dict(Initiative.objects.filter(source="slugs.csv").values_list("external_id", "slug"))
    assert slugs == {"1": "ambridge-solar-roofs-2", "2": "ambridge-solar-roofs-3",
                     "3": "add-2", "4": "edit-2", "5": "initiative"}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), [
    ("unknown_column.csv", [(1, "Budget", "unknown column"), (1, "Owner", "unknown column")]),
    ("missing_title.csv", [(3, "title", "a title is required")]),
    ("unknown_subdomain.csv", [(2, "subdomains", 'unknown sub-domain "Space travel"')]),
    ("unknown_organisation.csv", [
        (3, "partners", 'unknown organisation "Grundy and Sons"'),
        (3, "partners", 'unknown organisation "Lower Loxley Hall"'),
        (4, "lead_organisation", 'unknown organisation "Borchester Council"'),
    ]),
    ("bad_date.csv", [(2, "start_date", '"2023-02-30" is not a real date'),
                      (3, "start_date", '"next spring" is not a date')]),
    ("end_before_start.csv", [(2, "end_date", "the end date 2024-05-31 is before the start "
                                              "date 2024-06-01")]),
    ("bad_money.csv", [(2, "capital_cost", '"about £5000" is not an amount of money'),
                       (3, "annual_savings", '"£1.2.3" is not an amount of money'),
                       (3, "capital_cost", '"-£200" is negative'),
                       (3, "lifetime_years", '"ten" is not a number')]),
    ("duplicate_rows.csv", [(4, "title", "the same initiative as line 2")]),
    ("empty.csv", [(1, "", "the file is empty")]),
    ("header_only.csv", [(2, "", "the file has a header but no initiatives")]),
])
def test_bad_file_writes_nothing_and_names_line_and_column(coalition, name, expected):
    """Each kind of bad input is reported with its line and column, and nothing is written."""
    organisations = Organisation.objects.count()

    found = errors_of(name, coalition)

    assert len(found) == len(expected), found
    for (line, column, message), (want_line, want_column, want_message) in zip(
            found, expected, strict=True):
        assert (line, column) == (want_line, want_column), found
        assert message.startswith(want_message), message
    assert Initiative.objects.count() == 0
    assert Organisation.objects.count() == organisations


@pytest.mark.django_db
def test_unknown_column_does_not_hide_row_problems(coalition, tmp_path):
    """An unknown column is reported together with the problems of the rows."""
    path = tmp_path / "both.csv"
    path.write_text("title,colour,start_date\nAmbridge,blue,soon\n", encoding="utf-8")

    found = [(line, column) for line, column, _m in errors_of(path, coalition)]

    assert found == [(1, "colour"), (2, "start_date")]


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_good_rows_not_written(coalition, tmp_path):
    """One bad row among good ones: every error reported, not even the good rows written."""
    path = tmp_path / "mixed.csv"
    path.write_text("title,lead_organisation,status\nGood one,BOR,active\n"
                    "Bad one,Nowhere Council,sleeping\nGood two,,\n", encoding="utf-8")

    found = errors_of(path, coalition)

    assert [(line, column) for line, column, _m in found] == [
        (3, "lead_organisation"), (3, "status")]
    assert Initiative.objects.count() == 0
    assert not Organisation.objects.filter(place__register_code="BOR").exists()


@pytest.mark.django_db
def test_binary_file_is_refused(coalition, tmp_path):
    """A binary file (a spreadsheet saved as .xls, a picture) is refused with a clear message."""
    path = tmp_path / "initiatives.csv"
    path.write_bytes(b"title\nAmbridge\n\x00\x01\x02\xff\xfe")

    found = errors_of(path, coalition)

    assert found[0][0] == 3
    assert "not a text file" in found[0][2]
    assert Initiative.objects.count() == 0


@pytest.mark.django_db
def test_workbook_is_refused_with_a_hint(coalition, tmp_path):
    """An .xlsx workbook saved under a .csv name gets a message saying to save it as CSV."""
    path = tmp_path / "initiatives.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00rest of a zip")

    [(line, column, message)] = errors_of(path, coalition)

    assert line == 1 and "CSV UTF-8" in message


@pytest.mark.django_db
def test_semicolon_separated_file_gets_a_hint(coalition, tmp_path):
    """A header separated by semicolons is reported with a hint to save as comma-separated."""
    path = tmp_path / "semicolons.csv"
    path.write_text("title;lead_organisation\nAmbridge;BOR\n", encoding="utf-8")

    found = errors_of(path, coalition)

    assert any("separated by semicolons" in message for _l, _c, message in found)


@pytest.mark.django_db
def test_unclosed_quote_is_reported_on_the_line_it_starts(coalition, tmp_path):
    """A quote that is never closed is reported at the line where its record starts."""
    path = tmp_path / "quotes.csv"
    path.write_text('title,description\nAmbridge,fine\nBorsetshire,"never closed\nmore\n',
                    encoding="utf-8")

    [(line, column, message)] = errors_of(path, coalition)

    assert line == 3 and "never closed" in message


@pytest.mark.django_db
def test_too_many_values_in_a_row(coalition, tmp_path):
    """A row with more values than the header has columns is reported, not silently cut."""
    path = tmp_path / "wide.csv"
    path.write_text("title,capital_cost\nAmbridge,£1,200\n", encoding="utf-8")

    [(line, _column, message)] = errors_of(path, coalition)

    assert line == 2 and "3 values but the header has 2 columns" in message


@pytest.mark.django_db
def test_duplicate_identifier_names_both_lines(coalition, tmp_path):
    """Two rows with the same external_id are reported with both lines."""
    path = tmp_path / "ids.csv"
    path.write_text("title,external_id\nAmbridge,X1\nBorsetshire,X1\n", encoding="utf-8")

    [(line, column, message)] = errors_of(path, coalition)

    assert (line, column) == (3, "external_id")
    assert "also on line 2" in message


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "encoding"), [("utf8_bom.csv", "UTF-8 with byte-order mark"),
                                                ("windows1252.csv", "Windows-1252")])
def test_encodings(coalition, name, encoding):
    """UTF-8 with a byte-order mark and Windows-1252 files import with £ and accents intact."""
    report = run(name, coalition)

    assert report.encoding == encoding
    initiative = Initiative.objects.get()
    assert initiative.title == "Café in Ambridge"
    assert initiative.description == "Crème brûlée and “quotes”"
    assert initiative.evidence.capital_cost == Decimal("1000.00")


@pytest.mark.django_db
def test_invalid_utf8_that_is_not_windows_1252_is_refused(coalition, tmp_path):
    """Bytes that are neither UTF-8 nor Windows-1252 are refused, naming the line."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"title\nAmbridge\nBorset\x81shire\n")

    [(line, _column, message)] = errors_of(path, coalition)

    assert line == 3 and "neither UTF-8 nor Windows-1252" in message


@pytest.mark.django_db
def test_header_names_are_forgiving(coalition, tmp_path):
    """Header names ignore case, surrounding spaces, and spaces or hyphens for underscores."""
    path = tmp_path / "header.csv"
    path.write_text(" Title ,Start date,LEAD-ORGANISATION\nAmbridge,2024-02-01,ace\n",
                    encoding="utf-8")

    initiatives_import(path=path, coalition=coalition)

    initiative = Initiative.objects.get()
    assert initiative.start_date == datetime.date(2024, 2, 1)
    assert initiative.lead_organisation.slug == "ambridge-community-energy"


@pytest.mark.django_db
def test_columns_missing_from_the_file_are_left_alone(coalition, tmp_path):
    """Re-importing a file without a column keeps what that column would have set."""
    run("valid.csv", coalition)
    path = tmp_path / "titles.csv"
    path.write_text("title,external_id,status\nAmbridge solar roofs,AMB-1,completed\n",
                    encoding="utf-8")

    report = initiatives_import(path=path, coalition=coalition)

    assert (report.created, report.updated) == (0, 1)
    solar = Initiative.objects.get(external_id="AMB-1")
    assert solar.status == Initiative.Status.COMPLETED
    assert solar.description.startswith("Solar panels")
    assert solar.partners.count() == 2
    assert solar.evidence.capital_cost == Decimal("12500.00")


@pytest.mark.django_db
def test_ambiguous_name_is_an_error(coalition, tmp_path):
    """A name two organisations share is reported, not guessed."""
    OrganisationFactory(name="Ambridge Village Hall", slug="hall-1")
    OrganisationFactory(name="Ambridge Village Hall", slug="hall-2")
    path = tmp_path / "hall.csv"
    path.write_text("title,lead_organisation\nHall roof,ambridge village hall\n"
                    "Hall kitchen,hall-2\n", encoding="utf-8")

    [(line, column, message)] = errors_of(path, coalition)

    assert (line, column) == (2, "lead_organisation")
    assert "matches several" in message


@pytest.mark.django_db
def test_council_by_gss_code_uses_its_existing_organisation(coalition, tmp_path):
    """A GSS code finds the council's place, and through it the council's organisation."""
    council = OrganisationFactory(name="Borsetshire CC", sector=Sector.PUBLIC,
                                  place=PlaceFactory(register_code="BOR"))
    path = tmp_path / "gss.csv"
    path.write_text("title,lead_organisation\nCounty broadband,E10000099\n", encoding="utf-8")

    report = initiatives_import(path=path, coalition=coalition)

    assert report.organisations_created == []
    assert Initiative.objects.get().lead_organisation == council


@pytest.mark.django_db
def test_subdomains_need_a_framework(tmp_path):
    """A coalition without a framework cannot be given sub-domains."""
    coalition = CoalitionFactory(framework=None)
    path = tmp_path / "sub.csv"
    path.write_text("title,subdomains\nAmbridge,energy\n", encoding="utf-8")

    [(line, column, message)] = errors_of(path, coalition)

    assert (line, column) == (2, "subdomains") and "no framework" in message


@pytest.mark.django_db
def test_command_prints_summary(coalition):
    """The command prints what it imported and the encoding it read."""
    out = StringIO()

    call_command("import_initiatives", str(DATA / "valid.csv"), coalition="borsetshire",
                 stdout=out)

    assert "Imported 3 initiatives: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "UTF-8" in out.getvalue()
    assert Initiative.objects.count() == 3


@pytest.mark.django_db
def test_command_dry_run(coalition):
    """--dry-run says what would happen and writes nothing."""
    out = StringIO()

    call_command("import_initiatives", str(DATA / "valid.csv"), coalition="borsetshire",
                 dry_run=True, stdout=out)

    assert out.getvalue().startswith("Would import 3 initiatives")
    assert Initiative.objects.count() == 0


@pytest.mark.django_db
def test_command_reports_errors_on_stderr_and_fails(coalition):
    """Errors go to standard error, one a line, and the command fails."""
    err = StringIO()

    with pytest.raises(CommandError, match="3 problems"):
        call_command("import_initiatives", str(DATA / "unknown_organisation.csv"),
                     coalition="borsetshire", stderr=err)

    assert ('line 4, column "lead_organisation": unknown organisation "Borchester Council"'
            in err.getvalue().splitlines())
    assert Initiative.objects.count() == 0


@pytest.mark.django_db
def test_command_unknown_coalition_and_profile(coalition, tmp_path):
    """An unknown coalition or profile stops the command with a message."""
    with pytest.raises(CommandError, match="No coalition"):
        call_command("import_initiatives", str(DATA / "valid.csv"), coalition="nowhere")
    with pytest.raises(CommandError, match="no import profile 'nowhere'"):
        call_command("import_initiatives", str(DATA / "valid.csv"), coalition="borsetshire",
                     profile="nowhere")
    with pytest.raises(CommandError, match="No file"):
        call_command("import_initiatives", str(tmp_path / "missing.csv"),
                     coalition="borsetshire")


@pytest.mark.django_db
def test_source_defaults_to_file_name_and_can_be_given(coalition, tmp_path):
    """Each initiative records where it came from."""
    copy = tmp_path / "borsetshire-2024.csv"
    shutil.copy(DATA / "valid.csv", copy)

    initiatives_import(path=copy, coalition=coalition, source="Borsetshire audit 2024")

    assert set(Initiative.objects.values_list("source", flat=True)) == {"Borsetshire audit 2024"}


@pytest.mark.django_db
def test_a_clash_while_writing_rolls_everything_back(coalition, monkeypatch):
    """A database clash while writing (as with a simultaneous import) leaves nothing written."""
    from smartplace.initiatives.importers import writing

    monkeypatch.setattr(writing, "_unique_slug", lambda title, taken: "same-slug")

    found = errors_of("valid.csv", coalition)

    assert len(found) == 1 and "changed while this import was running" in found[0][2]
    assert Initiative.objects.count() == 0
    assert not Organisation.objects.filter(place__register_code="BOR").exists()


@pytest.mark.django_db
def test_lines_count_the_lines_of_multi_line_values(coalition, tmp_path):
    """After a value spanning four lines, errors name the physical line where each row starts."""
    path = tmp_path / "valid.csv"
    path.write_text((DATA / "valid.csv").read_text(encoding="utf-8").replace(
        "felpersham university", "Felpersham Polytechnic"), encoding="utf-8")

    found = errors_of(path, coalition)

    assert [(line, column) for line, column, _m in found] == [(7, "lead_organisation")]


@pytest.mark.django_db
def test_each_existing_initiative_is_matched_by_one_row_at_most(coalition, tmp_path):
    """Two rows with their own identifiers and the title of one existing initiative (which has
    none): the first row updates it, the second is a new initiative, so neither is lost."""
    existing = InitiativeFactory(coalition=coalition, title="Ambridge solar roofs",
                                 external_id="", lead_organisation=None, start_date=None)
    path = tmp_path / "two.csv"
    path.write_text("title,external_id\nAmbridge solar roofs,AMB-1\nAmbridge solar roofs,AMB-2\n",
                    encoding="utf-8")
    report = initiatives_import(path=path, coalition=coalition)
    assert (report.created, report.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.external_id == "AMB-1"
    rows = Initiative.objects.filter(coalition=coalition, title="Ambridge solar roofs")
    assert sorted(rows.values_list("external_id", flat=True)) == ["AMB-1", "AMB-2"]
