"""
The demo coalition (load-demo, its rounds and the insights demo links): the gaps page flags a
sub-domain by each part of the rule, the overlap report finds the deliberate near-duplicates,
and a few records are old enough to be checked.
"""

import pytest
from django.db import transaction

from smartplace.coalitions.models import Coalition
from smartplace.demo.services import demo_load, demo_near_duplicates
from smartplace.insights.curation import (
    DEMO_STALE,
    curation_load_demo,
    initiative_list_stale,
    stale_digest_list,
)
from smartplace.insights.gaps import FLAGS, gaps_for_coalition, insights_load_demo
from smartplace.insights.overlap_reads import overlap_report
from smartplace.insights.overlaps import overlaps_recompute
from smartplace.rounds.demo import rounds_load_demo


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo with its rounds, question links and overlaps, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        coalition = demo_load().coalition
        rounds_load_demo(coalition=coalition)
        insights_load_demo(coalition=coalition)
        curation_load_demo(coalition=coalition)
        overlaps_recompute()
        yield coalition
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return Coalition.objects.get(pk=loaded.pk)


def test_every_part_of_the_rule_flags_a_demo_subdomain(demo):
    """On the demo, each of the four parts of the rule flags at least one sub-domain."""
    report = gaps_for_coalition(coalition=demo, user=None)
    for flag in FLAGS:
        assert report.flagged_by(flag), flag
    assert "living/safer-neighbourhoods" in [row.key for row in report.opportunities]


def test_the_demo_near_duplicates_are_found(demo):
    """
    Every deliberate near-duplicate of the demo (near_duplicates.json: Digital Skills for All
    and Get Online Sheffield, the two coding clubs, the two school air monitors, the street
    tree map and survey) is a pair in a group, and the report finds few pairs besides.
    """
    deliberate = demo_near_duplicates()
    assert len(deliberate) >= 4
    report = overlap_report(coalition=demo, user=None)
    found = {frozenset((p.a.external_id, p.b.external_id)): p for p in report.pairs}
    for a, b in deliberate:
        pair = found.get(frozenset((a, b)))
        assert pair is not None and pair.group, (a, b)
    assert len(report.pairs) <= len(deliberate) + 5


def test_demo_pages_render(client, demo):
    """The gaps and overlaps pages of the demo and an initiative's similar list render."""
    for path in ["gaps/", "overlaps/", "initiatives/digital-skills-for-all/"]:
        response = client.get(f"/coalitions/{demo.slug}/{path}")
        assert response.status_code == 200, path
    page = client.get(f"/coalitions/{demo.slug}/initiatives/digital-skills-for-all/")
    assert "Others working on this" in page.content.decode()
    assert "Get Online Sheffield" in page.content.decode()


def test_demo_has_initiatives_to_check_and_a_digest_for_the_coordinator(demo):
    """Four demo records (one private) are possibly out of date; the coordinator is told."""
    stale = initiative_list_stale(coalition=demo)
    assert sorted(i.external_id for i in stale) == sorted(DEMO_STALE)
    digests = {digest.email: digest for digest in stale_digest_list()}
    assert digests["coordinator@demo.invalid"].count == len(DEMO_STALE)
    assert curation_load_demo(coalition=demo) == len(DEMO_STALE)  # safe to run again
