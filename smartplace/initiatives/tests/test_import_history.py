"""What an import writes is in the audit history: added and changed initiatives (with their
relations) and evidence, by no one (the audit says "an import or command")."""

import pytest

from smartplace.accounts.audit import audit_entries
from smartplace.initiatives.history import related_snapshots
from smartplace.initiatives.importers import initiatives_import
from smartplace.initiatives.models import Evidence, Initiative
from smartplace.initiatives.tests.test_import import DATA, run

pytestmark = pytest.mark.django_db


def test_an_import_records_each_initiative_and_its_evidence_once(coalition):  # noqa: F811
    """Three rows imported: three "+" initiative rows with their relations as imported, and a
    "+" evidence row for each piece of evidence; no user."""
    run("valid.csv", coalition)
    initiatives = Initiative.objects.filter(coalition=coalition)
    now = related_snapshots(initiative_ids=initiatives.values_list("pk", flat=True))
    rows = Initiative.history.filter(id__in=initiatives.values("pk"))
    assert sorted((r.id, r.history_type) for r in rows) == sorted(
        (pk, "+") for pk in now)
    assert all(r.related == now[r.id] and r.history_user is None for r in rows)
    assert any(snapshot["partners"] and snapshot["links"] for snapshot in now.values())
    evidence = Evidence.objects.filter(initiative__coalition=coalition)
    assert sorted(Evidence.history.values_list("id", "history_type")) == sorted(
        (pk, "+") for pk in evidence.values_list("pk", flat=True))


def test_a_reimport_records_only_what_changed(coalition, tmp_path):  # noqa: F811
    """Re-importing with one row's partners, sub-domains and capital cost changed adds one
    "~" initiative row (the audit shows the partners before and after) and one "~" evidence
    row; an unchanged re-import adds none."""
    run("valid.csv", coalition)
    before = (Initiative.history.count(), Evidence.history.count())
    run("valid.csv", coalition)
    assert (Initiative.history.count(), Evidence.history.count()) == before
    changed = tmp_path / "valid.csv"
    text = (DATA / "valid.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace('"£12,500"', '"£13,000"').replace(
        "Ambridge Community Energy; Grundy and Sons Ltd", "Grundy and Sons Ltd").replace(
        "resources/energy,", "resources/energy; start-ups,"), encoding="utf-8")
    initiatives_import(path=changed, coalition=coalition)
    solar = Initiative.objects.get(external_id="AMB-1")
    assert list(Initiative.history.filter(history_type="~").values_list("id", flat=True)) == [
        solar.pk]
    assert list(Evidence.history.filter(history_type="~").values_list("id", flat=True)) == [
        solar.evidence.pk]
    entry = next(e for e in audit_entries(coalition=coalition)
                 if e.kind == "initiative" and e.action == "changed")
    assert entry.who == ""
    changes = {c.field: (c.old, c.new) for c in entry.changes}
    assert changes["partners"] == ("Ambridge Community Energy; Grundy & Sons Ltd",
                                   "Grundy & Sons Ltd")
    assert changes["sub-domains"] == ("Energy", "Energy; Start-ups")
