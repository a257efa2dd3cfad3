"""The whole-site SQLite database over the demo data: typed columns and foreign keys."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal

import pytest
from django.db import transaction

from smartplace.assessments.demo import assessments_load_demo
from smartplace.demo.services import demo_load
from smartplace.initiatives.models import Evidence
from smartplace.opendata.sqlite_export import MONEY_COLUMNS, site_sqlite_write

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)?$")


@pytest.fixture(scope="module")
def demo_sqlite(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo coalition and the demo assessment cycles written to a SQLite file, and the
    public initiatives' evidence figures (in a transaction rolled back after the module)."""
    path = tmp_path_factory.mktemp("site") / "smartplace.sqlite"
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        assessments_load_demo()
        site_sqlite_write(path=path, absolute=lambda p: f"https://data.example{p}")
        evidence = {e.initiative_id: e for e in Evidence.objects.filter(
            initiative__visibility="public")}
        transaction.set_rollback(True)
    db = sqlite3.connect(path)
    yield db, evidence
    db.close()


def _declared(db, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}


def test_every_foreign_key_holds(demo_sqlite):
    """The tables declare their foreign keys, and no row of the demo data breaks one."""
    db, _evidence = demo_sqlite
    expected = {
        "places": {"places"}, "coalitions": {"places", "frameworks"},
        "frameworks": {"coalitions"}, "domains": {"frameworks"}, "subdomains": {"domains"},
        "smart_questions": {"domains"}, "organisations": {"places"},
        "initiatives": {"coalitions"},
        "initiative_organisations": {"initiatives", "organisations"},
        "initiative_subdomains": {"initiatives", "subdomains"},
        "initiative_smart_questions": {"initiatives", "smart_questions"},
        "memberships": {"people", "coalitions", "organisations"},
        "assessment_cycles": {"assessment_cycles"},
        "assessment_results": {"assessment_cycles", "organisations"},
        "assessment_section_scores": {"assessment_results"},
        "assessment_answers": {"assessment_results"},
    }
    for table, parents in expected.items():
        assert {row[2] for row in db.execute(f'PRAGMA foreign_key_list("{table}")')} == \
            parents, table
    assert list(db.execute("PRAGMA foreign_key_check")) == []
    # The check means something: the demo fills the tables that refer to others.
    for table in ["initiatives", "initiative_organisations", "initiative_subdomains",
                  "memberships", "assessment_results", "assessment_section_scores",
                  "assessment_answers"]:
        assert db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] > 0, table


def test_money_is_numeric_and_reads_back_as_the_same_decimal(demo_sqlite):
    """Money and tonnes are NUMERIC, stored as numbers, each the decimal the site holds."""
    db, evidence = demo_sqlite
    declared = _declared(db, "initiatives")
    assert {column: declared[column] for column in MONEY_COLUMNS} == dict.fromkeys(
        MONEY_COLUMNS, "NUMERIC")
    compared = 0
    for row in db.execute(f"SELECT id, {', '.join(MONEY_COLUMNS)} FROM initiatives"):
        for column, value in zip(MONEY_COLUMNS, row[1:], strict=True):
            held = getattr(evidence[row[0]], column) if row[0] in evidence else None
            if held is None:
                assert value is None
                continue
            assert isinstance(value, int | float), (column, value)
            assert Decimal(repr(value)) == held, (column, value, held)
            compared += 1
    assert compared > 0
    assert db.execute("SELECT sum(capital_cost) > 0 FROM initiatives").fetchone()[0] == 1


def test_dates_are_iso_text_and_flags_are_zero_or_one(demo_sqlite):
    """Dates and times are ISO 8601 TEXT; booleans INTEGER 0 or 1; counts INTEGER."""
    db, _evidence = demo_sqlite
    for table, column, pattern in [("places", "start_date", ISO_DATE),
                                   ("initiatives", "start_date", ISO_DATE),
                                   ("initiatives", "updated_at", ISO_TIME),
                                   ("assessment_cycles", "opens_on", ISO_DATE),
                                   ("assessment_cycles", "published_at", ISO_TIME)]:
        assert _declared(db, table)[column] == "TEXT"
        values = [v for (v,) in db.execute(f'SELECT "{column}" FROM "{table}"') if v]
        assert values and all(pattern.match(v) for v in values), (table, column, values[:3])
    for table, column in [("places", "current"), ("coalitions", "is_demo"),
                          ("subdomains", "illustrative"), ("assessment_cycles", "demo")]:
        assert _declared(db, table)[column] == "INTEGER"
        assert {v for (v,) in db.execute(f'SELECT "{column}" FROM "{table}"')} <= {0, 1}
    assert _declared(db, "places")["population"] == "INTEGER"
    assert _declared(db, "assessment_results")["weighted_percent"] == "NUMERIC"
    assert {t for (t,) in db.execute("SELECT typeof(weighted_percent) FROM "
                                     "assessment_results")} <= {"integer", "real", "null"}
    # Exact numbers stay in exact normal form, as the cycle's package writes them.
    assert _declared(db, "assessment_results")["raw_fraction"] == "TEXT"
