"""The parts of the initiative import: values, encodings and profiles."""

import datetime
import json
from decimal import Decimal

import pytest

from smartplace.initiatives.importers import (
    InitiativeImportError,
    ProfileError,
    initiatives_import,
    profile_load,
)
from smartplace.initiatives.importers.reading import FileRejected, decode, read_records
from smartplace.initiatives.importers.values import (
    ValueProblem,
    loose_key,
    parse_date,
    parse_money,
    parse_number,
    split_list,
    strict_key,
)
from smartplace.initiatives.models import Initiative


@pytest.mark.parametrize(("text", "amount"), [
    ("£12,500", Decimal("12500.00")),
    (" 1\u00a0200.50\u00a0", Decimal("1200.50")),
    ("£7,500,000\u00a0", Decimal("7500000.00")),
    ("12 345", Decimal("12345.00")),
    ("£2.5k", Decimal("2500.00")),
    ("£0.65K", Decimal("650.00")),
    ("1.2m", Decimal("1200000.00")),
    ("378.66510000000017", Decimal("378.67")),
    ("GBP 40", Decimal("40.00")),
    ("", None),
    ("  ", None),
])
def test_money_is_read_from_messy_text(text, amount):
    """Pounds signs, separators, spaces and non-breaking spaces are ignored; pennies rounded."""
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["-£120,000", "(£120,000)", "£-120000", "−120000"])
def test_negative_money_only_where_allowed(text):
    """A negative amount is accepted for savings and refused for costs."""
    assert parse_money(text, negative=True) == Decimal("-120000.00")
    with pytest.raises(ValueProblem, match="negative"):
        parse_money(text)


@pytest.mark.parametrize("text", ["Unknown", "£1.2.3", "Around £900,000", "1e5", "£", "k",
                                  "NaN", "Infinity"])
def test_money_that_is_not_a_number(text):
    """Words, scientific notation and stray symbols are not amounts of money."""
    with pytest.raises(ValueProblem, match="not an amount of money"):
        parse_money(text)


def test_money_too_large_for_the_database():
    """An amount with more than twelve digits of pounds is refused."""
    with pytest.raises(ValueProblem, match="too large"):
        parse_money("£1,000,000,000,000")


def test_numbers_round_to_their_places():
    """Numbers are rounded half-up to the places of their column."""
    assert parse_number("1.2345", places=3, max_digits=14) == Decimal("1.235")
    assert parse_number("1,000", places=2, max_digits=6) == Decimal("1000.00")
    with pytest.raises(ValueProblem, match="not a number"):
        parse_number("£5", places=2, max_digits=6)


@pytest.mark.parametrize(("text", "end", "date"), [
    ("2024-03-31", False, datetime.date(2024, 3, 31)),
    ("2024-3-1", False, datetime.date(2024, 3, 1)),
    ("31/03/2024", False, datetime.date(2024, 3, 31)),
    ("2024", False, datetime.date(2024, 1, 1)),
    ("2024", True, datetime.date(2024, 12, 31)),
    ("2024-02", True, datetime.date(2024, 2, 29)),
    ("2024-02", False, datetime.date(2024, 2, 1)),
    (" ", False, None),
])
def test_dates(text, end, date):
    """ISO dates, UK dates, months and bare years are read; a bare year spans the whole year."""
    assert parse_date(text, end=end) == date


@pytest.mark.parametrize("text", ["2024-13-01", "31/02/2024", "March 2024", "24-03-31"])
def test_bad_dates(text):
    """Impossible or unreadable dates are refused."""
    with pytest.raises(ValueProblem):
        parse_date(text)


def test_name_keys_ignore_the_usual_variants():
    """Case, spaces, non-breaking spaces, "&", apostrophes, "The" and "Council" do not matter."""
    assert strict_key("Grundy  &\u00a0Sons ") == strict_key("grundy and sons")
    assert strict_key("King’s Lynn") == strict_key("Kings Lynn")
    assert loose_key("The Moray Council") == loose_key("Moray") == "moray"
    assert loose_key("Cornwall Council (Unitary)") == "cornwall"
    assert loose_key("Borsetshire County Council") != loose_key("Borsetshire District Council")


def test_lists_split_on_semicolons_and_line_breaks():
    """List cells are split on semicolons and line breaks, blanks dropped."""
    assert split_list(" a ; b\nc;; \u00a0d ") == ["a", "b", "c", "d"]


def test_decode_prefers_utf8_then_windows_1252():
    """UTF-8 (with or without a byte-order mark) is read as such; otherwise Windows-1252."""
    assert decode("£".encode()) == ("£", "UTF-8")
    assert decode(b"\xef\xbb\xbf\xc2\xa3") == ("£", "UTF-8 with byte-order mark")
    assert decode(b"\xa3") == ("£", "Windows-1252")
    assert decode("title\n£".encode("utf-16")) == ("title\n£", "UTF-16")
    with pytest.raises(FileRejected, match="empty"):
        decode(b" \r\n ")


def test_records_carry_the_line_they_start_on():
    """A record spanning lines is numbered by its first line; blank lines are skipped."""
    header, records, errors = read_records('a,b\r\n1,"x\r\ny"\r\n\r\n2,z\r\n')

    assert header.line == 1 and errors == []
    assert [(r.line, r.values) for r in records] == [(2, ["1", "x\r\ny"]), (5, ["2", "z"])]


def test_built_in_profile_loads():
    """The Scottish profile is valid and maps its emission sources."""
    profile = profile_load("scotland-climate-projects")

    assert profile.columns["title"].source == "project_name"
    assert profile.columns["subdomains"].map["grid electricity"] == ["resources/energy"]


@pytest.mark.parametrize(("data", "message"), [
    ({"columns": {"budget": "cost"}}, "unknown target columns"),
    ({"columns": {"description": "x"}}, "must fill 'title'"),
    ({"columns": {"title": {"from": "a", "value": "b"}}}, "exactly one of"),
    ({"columns": {"title": "a", "notes": {"from": "b", "unparsed": "notes"}}}, "unparsed"),
    ({"columns": {"title": {"from": "a", "colour": 1}}}, "unknown keys"),
    ([], "'columns' object"),
])
def test_malformed_profiles_are_refused(tmp_path, data, message):
    """A malformed profile is refused with a message saying what is wrong."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ProfileError, match=message):
        profile_load(str(path))


@pytest.mark.django_db
def test_a_profile_given_by_path_maps_a_foreign_file(coalition, tmp_path):  # noqa: F811
    """Renames, constants, templates, value maps and joins fill our columns."""
    profile = tmp_path / "borsetshire-audit.json"
    profile.write_text(json.dumps({
        "name": "borsetshire-audit",
        "columns": {
            "title": "Project",
            "status": {"value": "idea"},
            "lead_organisation": {"from": "Lead", "map": {"County": "BOR"},
                                  "unmapped": "keep"},
            "start_date": {"from": "Year", "template": "{value}-04-01"},
            "external_id": {"template": "audit-{Ref}"},
            "subdomains": {"from": "Theme", "map": {"POWER": "resources/energy",
                                                    "Jobs": ["start-ups", "skills"]},
                           "unmapped": "error"},
            "notes": {"join": [{"from": "Comment"}, {"from": "Ref", "label": "Reference"}]},
        },
        "ignore": ["Officer"],
    }), encoding="utf-8")
    path = tmp_path / "audit.csv"
    path.write_text("Ref,Project,Lead,Year,Theme,Comment,Officer\n"
                    "7,Solar roofs,County,2023,power,Going well,Jill\n"
                    "8,Jobs fair,ACE,,jobs,,Jill\n", encoding="utf-8")

    report = initiatives_import(path=path, coalition=coalition, profile=str(profile))

    assert (report.created, report.profile) == (2, "borsetshire-audit")
    solar = Initiative.objects.get(external_id="audit-7")
    assert solar.status == Initiative.Status.IDEA
    assert solar.lead_organisation.place.register_code == "BOR"
    assert solar.start_date == datetime.date(2023, 4, 1)
    assert list(solar.subdomains.values_list("slug", flat=True)) == ["energy"]
    assert solar.evidence.notes == "Going well\n\nReference: 7"
    fair = Initiative.objects.get(external_id="audit-8")
    assert fair.start_date is None
    assert sorted(fair.subdomains.values_list("slug", flat=True)) == ["skills", "start-ups"]


@pytest.mark.django_db
def test_a_profile_reports_unmapped_values_and_missing_columns(coalition, tmp_path):  # noqa: F811
    """With "unmapped": "error" an unknown value is a row error; a missing column a header one."""
    profile = tmp_path / "strict.json"
    profile.write_text(json.dumps({"name": "strict", "columns": {
        "title": "Project", "subdomains": {"from": "Theme", "map": {"power": "energy"},
                                           "unmapped": "error"}}}), encoding="utf-8")
    path = tmp_path / "audit.csv"
    path.write_text("Project,Theme\nSolar roofs,Wind\n", encoding="utf-8")

    with pytest.raises(InitiativeImportError) as caught:
        initiatives_import(path=path, coalition=coalition, profile=str(profile))
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "Theme")]
    assert 'no mapping for "Wind"' in caught.value.errors[0].message

    path.write_text("Project\nSolar roofs\n", encoding="utf-8")
    with pytest.raises(InitiativeImportError) as caught:
        initiatives_import(path=path, coalition=coalition, profile=str(profile))
    assert [(e.line, e.column) for e in caught.value.errors] == [(1, "Theme")]
    assert Initiative.objects.count() == 0
