"""
The benchmark in `benchmarks/` works and compares like with like (no timings are asserted:
speed is measured by `make bench` as ratios, never in tests).
"""

import pytest

from benchmarks.generate import initiative_rows
from benchmarks.initiatives import (
    make_fixture,
    product_import,
    raw_insert,
    raw_select,
    run_initiatives,
)
from smartplace.initiatives.models import Initiative


def _content(coalition) -> list[tuple]:
    """Everything the import and the baseline both write, comparable across coalitions."""
    rows = []
    for i in (Initiative.objects.filter(coalition=coalition)
              .select_related("lead_organisation", "evidence")
              .prefetch_related("partners", "subdomains__domain", "links")
              .order_by("external_id")):
        evidence = getattr(i, "evidence", None)
        rows.append((
            i.external_id, i.title, i.slug, i.description, i.status, i.start_date, i.end_date,
            i.visibility, i.lead_organisation.name if i.lead_organisation else None,
            sorted(p.name for p in i.partners.all()),
            sorted(f"{s.domain.slug}/{s.slug}" for s in i.subdomains.all()),
            [link.url for link in i.links.all()],
            None if evidence is None else (
                evidence.capital_cost, evidence.annual_cost, evidence.annual_savings,
                evidence.lifetime_years, evidence.emission_savings_tco2e,
                evidence.funding_source, evidence.measurement),
        ))
    return rows


def test_generated_rows_are_deterministic():
    """The same seed gives the same rows; another seed gives other rows."""
    def rows(seed):
        return list(initiative_rows(rows=50, seed=seed, organisations=["A", "B", "C", "D", "E"],
                                    subdomains=["x/a", "x/b", "y/c"]))

    assert rows(1) == rows(1)
    assert rows(1) != rows(2)
    assert len({row["external_id"] for row in rows(1)}) == 50


@pytest.mark.django_db
def test_baseline_inserts_the_same_rows_as_the_importer(tmp_path):
    """The raw bulk insert writes exactly what the importer writes for the generated file."""
    fixture = make_fixture(rows=120, seed=7, directory=tmp_path)
    assert raw_insert(fixture) == 120
    assert product_import(fixture) == 120
    imported = _content(fixture.coalition)
    assert imported == _content(fixture.raw_coalition)
    assert any(row[9] for row in imported) and any(row[12] for row in imported)


@pytest.mark.django_db
def test_run_lists_the_same_rows_every_way(tmp_path):
    """A small run measures every operation over the same public rows."""
    results = run_initiatives(rows=80, seed=3, repeat=1, directory=tmp_path)
    coalition_rows = {m["name"]: m["rows"] for m in results["measurements"]}
    public = Initiative.objects.filter(coalition__slug="bench").public().count()
    assert coalition_rows == {"import": 80, "list-selector": public, "list-csv": public}
    assert results["memory"]["rows"] == public
    assert results["memory"]["csv_bytes"] > 0
    assert all(m["product_seconds"] > 0 and m["baseline_seconds"] > 0
               for m in results["measurements"])
    coalition = Initiative.objects.filter(coalition__slug="bench").first().coalition
    assert raw_select(coalition) == public


@pytest.mark.django_db
def test_overlap_recompute_benchmark_measures_both_sizes():
    """The recompute memory benchmark runs the real recompute at N and 4N initiatives."""
    from benchmarks.overlaps_recompute import report, run_overlaps_recompute

    result = run_overlaps_recompute(initiatives=15, seed=3, progress=lambda message: None)
    assert [size["initiatives"] for size in result["sizes"]] == [15, 60]
    assert Initiative.objects.count() == 60
    assert result["peak_ratio"] > 0 and "peak ratio 4N/N" in report(result)
