"""
Overlaps: incremental updates, dismissals, privacy, the pages and their twins, bad input, and
the Scottish councils' projects grouped across councils.
"""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.models import Visibility
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.models_overlaps import (
    InitiativeVector,
    OverlapDismissal,
    SimilarPair,
)
from smartplace.insights.overlap_dismissal import DismissError, overlap_dismiss
from smartplace.insights.overlap_reads import group_pairs, overlap_report, similar_for_initiative
from smartplace.insights.overlap_updates import overlap_update_initiative
from smartplace.insights.overlaps import overlaps_recompute
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import MembershipFactory, UserFactory

LED = "Replacing sodium street lamps with LED lanterns to cut the energy the council uses."
SCOTLAND = (Path(__file__).resolve().parents[2] / "initiatives" / "tests" / "data"
            / "scotland_council_climate_projects.csv")


@pytest.fixture
def ambridge(db):
    """Two coalitions with street-lighting projects and unrelated ones, overlaps computed."""
    ambridge = CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition")
    felpersham = CoalitionFactory(slug="felpersham", name="Felpersham Digital Coalition")
    items = {
        "led": InitiativeFactory(coalition=ambridge, title="LED street lighting",
                                 description=LED),
        "led2": InitiativeFactory(coalition=ambridge, title="Street lighting LED upgrade",
                                  description=LED + " Phase two."),
        "led3": InitiativeFactory(coalition=felpersham, title="LED street lighting programme",
                                  description=LED),
        "food": InitiativeFactory(coalition=ambridge, title="Food waste collections",
                                  description="Weekly food waste collections in caddies."),
        "bus": InitiativeFactory(coalition=felpersham, title="Real-time bus times",
                                 description="Live bus departure boards at stops."),
    }
    overlaps_recompute()
    return ambridge, felpersham, items


def _pair_ids(initiative):
    return set(SimilarPair.objects.filter(a=initiative).values_list("b_id", flat=True)) | set(
        SimilarPair.objects.filter(b=initiative).values_list("a_id", flat=True))


@pytest.mark.django_db
def test_recompute_pairs_the_same_work_and_nothing_else(ambridge):
    """The three street-lighting projects pair up, across coalitions; nothing else is paired."""
    _a, _f, items = ambridge
    assert _pair_ids(items["led"]) == {items["led2"].pk, items["led3"].pk}
    assert _pair_ids(items["food"]) == set() and _pair_ids(items["bus"]) == set()
    found = similar_for_initiative(initiative=items["led"], user=None)
    assert [s.initiative for s in found.same_coalition] == [items["led2"]]
    assert [s.initiative for s in found.other_coalitions] == [items["led3"]]


@pytest.mark.django_db
def test_recompute_writes_pairs_in_bounded_batches(ambridge, monkeypatch):
    """A full recompute never builds every pair's row at once: at most PAIR_BATCH a write."""
    from smartplace.insights import overlaps

    monkeypatch.setattr(overlaps, "PAIR_BATCH", 1)
    before = set(SimilarPair.objects.values_list("a_id", "b_id", "score"))
    assert len(before) >= 3
    writes = []
    bulk_create = SimilarPair.objects.bulk_create

    def spy(objs, *args, **kwargs):
        objs = list(objs)
        writes.append(len(objs))
        return bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(SimilarPair.objects, "bulk_create", spy)
    overlaps_recompute()
    assert writes and max(writes) == 1 and sum(writes) == len(before)
    assert set(SimilarPair.objects.values_list("a_id", "b_id", "score")) == before


@pytest.mark.django_db
def test_adding_an_initiative_touches_only_its_own_pairs(ambridge, django_assert_max_num_queries,
                                                         django_capture_on_commit_callbacks):
    """A new initiative gets its pairs in a few queries; every other pair row is left as it was."""
    ambridge_coalition, _f, items = ambridge
    before = {(p.pk, p.a_id, p.b_id, p.score, p.computed_at) for p in SimilarPair.objects.all()}
    vectors_before = dict(InitiativeVector.objects.values_list("initiative_id", "updated_at"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = InitiativeFactory(coalition=ambridge_coalition, title="LED lanterns for streets",
                                description=LED)
    assert callbacks  # the save queued the update
    with django_assert_max_num_queries(20):
        count = overlap_update_initiative(initiative_id=new.pk)
    assert count and _pair_ids(new) >= {items["led"].pk, items["led3"].pk}
    after = {(p.pk, p.a_id, p.b_id, p.score, p.computed_at) for p in SimilarPair.objects.all()
             if new.pk not in (p.a_id, p.b_id)}
    assert after == before
    unchanged = dict(InitiativeVector.objects.exclude(initiative=new).values_list(
        "initiative_id", "updated_at"))
    assert unchanged == vectors_before


@pytest.mark.django_db
def test_saving_an_initiative_runs_the_update_after_commit(ambridge,
                                                           django_capture_on_commit_callbacks):
    """Through the signal and the task, an edited initiative's pairs follow its new text."""
    _a, _f, items = ambridge
    food = items["food"]
    with django_capture_on_commit_callbacks(execute=True):
        food.title = "LED street lighting in Ambridge"
        food.description = LED
        food.save()
    assert items["led"].pk in _pair_ids(food)
    assert overlap_update_initiative(initiative_id=food.pk) is None  # nothing changed since


@pytest.mark.django_db
def test_a_dismissed_pair_stays_hidden_after_recompute(ambridge):
    """A member's "not the same" hides the pair on every page, even after a full recompute."""
    ambridge_coalition, _f, items = ambridge
    member = MembershipFactory(coalition=ambridge_coalition).person.user
    overlap_dismiss(user=member, a=items["led2"], b=items["led"], note="Different phases")
    overlaps_recompute()
    assert SimilarPair.objects.filter(a=min(items["led"].pk, items["led2"].pk),
                                      b=max(items["led"].pk, items["led2"].pk)).exists()
    found = similar_for_initiative(initiative=items["led"], user=None)
    assert items["led2"] not in [s.initiative for s in found.same_coalition]
    report = overlap_report(coalition=ambridge_coalition, user=None)
    assert {frozenset((p.a.pk, p.b.pk)) for p in report.pairs} == {
        frozenset((items["led"].pk, items["led3"].pk)),
        frozenset((items["led2"].pk, items["led3"].pk))}
    dismissal = OverlapDismissal.objects.get()
    assert dismissal.note == "Different phases" and dismissal.a_id < dismissal.b_id


@pytest.mark.django_db
def test_only_members_may_dismiss(ambridge):
    """Someone who is not a member of either coalition cannot dismiss a pair."""
    _a, _f, items = ambridge
    outsider = UserFactory()
    with pytest.raises(DismissError):
        overlap_dismiss(user=outsider, a=items["led"], b=items["led2"])
    with pytest.raises(DismissError):
        overlap_dismiss(user=None, a=items["led"], b=items["led2"])


@pytest.mark.django_db
def test_dismissing_through_the_button_works_without_javascript(client, ambridge):
    """A POST from the report's button records the dismissal and returns to the report."""
    ambridge_coalition, _f, items = ambridge
    member = MembershipFactory(coalition=ambridge_coalition).person.user
    client.force_login(member)
    url = reverse("insights:overlaps", kwargs={"slug": "ambridge"})
    page = client.get(url).content.decode()
    assert "Not the same" in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse("insights:overlap_dismiss", kwargs={"slug": "ambridge"}),
                           {"a": items["led"].pk, "b": items["led3"].pk, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert OverlapDismissal.objects.count() == 1
    assert client.post(reverse("insights:overlap_dismiss", kwargs={"slug": "ambridge"}),
                       {"a": "x", "b": items["led"].pk}).status_code == 404


@pytest.mark.django_db
def test_private_initiatives_never_appear_in_pairs_for_outsiders(client, ambridge):
    """A private initiative's pairs are shown to its coalition's members only."""
    ambridge_coalition, _f, items = ambridge
    Initiative.objects.filter(pk=items["led2"].pk).update(visibility=Visibility.PRIVATE)
    public = overlap_report(coalition=ambridge_coalition, user=None)
    assert items["led2"].pk not in {i.pk for p in public.pairs for i in (p.a, p.b)}
    csv_text = b"".join(client.get("/coalitions/ambridge/overlaps.csv")).decode()
    assert "Street lighting LED upgrade" not in csv_text
    assert "Street lighting LED upgrade" not in client.get(
        items["led"].get_absolute_url()).content.decode()
    member = MembershipFactory(coalition=ambridge_coalition).person.user
    private = overlap_report(coalition=ambridge_coalition, user=member)
    assert items["led2"].pk in {i.pk for p in private.pairs for i in (p.a, p.b)}


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["/", ".json", ".csv"])
def test_report_and_similar_pages_have_twins(client, ambridge, suffix):
    """The report and an initiative's similar list render, with twins of the same pairs."""
    _a, _f, items = ambridge
    response = client.get(f"/coalitions/ambridge/overlaps{suffix}")
    assert response.status_code == 200
    similar = client.get(f"{items['led'].get_absolute_url().rstrip('/')}/similar{suffix}")
    assert similar.status_code == 200
    if suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(b"".join(response).decode())))
        assert len(rows) == 3 and {r["group"] for r in rows} == {"1"}


@pytest.mark.django_db
def test_edge_cases_render(client):
    """Empty coalition, no description, a 50,000-character text and Welsh text all render."""
    empty = CoalitionFactory(slug="empty")
    odd = CoalitionFactory(slug="odd")
    blank = InitiativeFactory(coalition=odd, title="Ambridge", description="")
    long = InitiativeFactory(coalition=odd, title="Long", description="Borsetshire lamps. " * 2700)
    welsh = InitiativeFactory(coalition=odd, title="Goleuadau stryd LED",
                              description="Newid goleuadau stryd y sir i LED i arbed ynni.")
    assert len(long.description) > 50_000
    assert "not been computed" in client.get("/coalitions/empty/overlaps/").content.decode()
    overlaps_recompute()
    for coalition in (empty, odd):
        for suffix in ["/", ".json", ".csv"]:
            assert client.get(f"/coalitions/{coalition.slug}/overlaps{suffix}").status_code == 200
    assert "No two initiatives" in client.get("/coalitions/empty/overlaps/").content.decode()
    for item in (blank, long, welsh):
        assert client.get(item.get_absolute_url()).status_code == 200
        assert client.get(item.get_absolute_url().rstrip("/") + "/similar/").status_code == 200


def test_groups_are_centred_and_do_not_chain():
    """A chain 1–2–3–4 is not one group: its best-connected item takes its own neighbours."""
    groups = group_pairs([(1, 2, 0.5), (2, 3, 0.5), (3, 4, 0.5), (5, 6, 0.9)])
    assert groups == [(2, [2, 1, 3]), (5, [5, 6])]


@pytest.mark.django_db
def test_scottish_street_lighting_projects_group_across_councils(db):
    """In the Scottish councils' projects, street-lighting projects of several councils group."""
    from smartplace.coalitions.services import coalition_create
    from smartplace.frameworks.services import framework_load_builtins
    from smartplace.initiatives.importers import initiatives_import
    from smartplace.places.importers import places_import

    places_import()
    sheffield = next(f for f in framework_load_builtins() if f.slug == "sheffield-2017")
    scotland = coalition_create(slug="scotland", name="Scottish councils", framework=sheffield)
    initiatives_import(path=SCOTLAND, coalition=scotland, profile="scotland-climate-projects")
    overlaps_recompute()
    report = overlap_report(coalition=scotland, user=None)
    lighting = [g for g in report.groups
                if sum("street light" in m.title.lower() for m in g.members) >= len(g.members) / 2]
    assert lighting
    councils = max(len(g.lead_organisations) for g in lighting)
    assert councils >= 3
    assert OrganisationFactory._meta.model.objects.filter(
        pk__in=max(lighting, key=lambda g: len(g.lead_organisations)).lead_organisations,
    ).exclude(place__isnull=True).count() >= 3
