"""
The similarity method (smartplace/methods/similarity.py) on the hand-labelled pairs in
tests/data/labelled_pairs.csv, and its exact and candidate searches.
"""

import csv
from pathlib import Path

import numpy as np
import pytest

from smartplace.methods.similarity import (
    DEFAULT,
    Document,
    TfidfModel,
    candidate_neighbours,
    document_text,
    exact_neighbours,
    pairs_from_neighbours,
    stack_rows,
    vector_to_bytes,
    vectors_from_bytes,
)

LABELLED = Path(__file__).parent / "data" / "labelled_pairs.csv"
#: Documented in docs/methods/similarity.md: at the threshold, at most this share of the pairs
#: reported on the hand-labelled set may be labelled "different", and at least this share of
#: the pairs labelled "same" must be reported.
MAX_FALSE_PAIR_SHARE = 0.15
MIN_RECALL = 0.85


def labelled():
    with LABELLED.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    pairs = []
    for row in rows:
        a, b = (Document(row[f"{s}_title"], row[f"{s}_description"], (row[f"{s}_subdomains"],))
                for s in "ab")
        pairs.append((row["label"], a, b))
    return pairs


def scores_of(pairs):
    documents = [d for _label, a, b in pairs for d in (a, b)]
    model = TfidfModel.fit(lambda: documents)
    vectors = model.transform(documents)
    return [float(vectors[2 * i].multiply(vectors[2 * i + 1]).sum()) for i in range(len(pairs))]


def test_labelled_set_is_big_enough_and_balanced():
    """The hand-labelled set has about forty pairs, with both labels well represented."""
    labels = [label for label, _a, _b in labelled()]
    assert len(labels) >= 40
    assert set(labels) == {"same", "different"}
    assert min(labels.count("same"), labels.count("different")) >= 15


def test_threshold_keeps_false_pairs_under_the_documented_share():
    """At the threshold, few reported pairs are false and most true pairs are reported."""
    pairs = labelled()
    scores = scores_of(pairs)
    reported = [label for (label, _a, _b), s in zip(pairs, scores, strict=True)
                if s >= DEFAULT.threshold]
    same = sum(1 for label, _a, _b in pairs if label == "same")
    assert reported
    assert reported.count("different") / len(reported) <= MAX_FALSE_PAIR_SHARE
    assert reported.count("same") / same >= MIN_RECALL


def test_welsh_and_gaelic_pairs_score_like_english_ones():
    """Welsh and Gaelic near-duplicates pass the threshold; an unrelated Welsh pair does not."""
    pairs = labelled()
    scores = dict(zip((a.title for _l, a, _b in pairs), scores_of(pairs), strict=True))
    assert scores["Goleuadau stryd LED"] >= DEFAULT.threshold
    assert scores["Solais sràide LED"] >= DEFAULT.threshold
    assert scores["Gwasanaeth casglu gwastraff bwyd"] < DEFAULT.threshold


def test_identical_documents_score_one_and_empty_ones_zero():
    """A document scores 1 with its copy; one without any text scores 0 with everything."""
    documents = [Document("Street lighting LED", "New lamps."), Document("Street lighting LED",
                 "New lamps."), Document(""), Document("Food waste collection")]
    model = TfidfModel.fit(lambda: documents)
    vectors = model.transform(documents)
    assert vectors[0].multiply(vectors[1]).sum() == pytest.approx(1.0, abs=1e-5)
    assert vectors[2].nnz == 0
    assert (vectors @ vectors[2].T).sum() == 0


def test_very_long_descriptions_are_cut():
    """Only the first max_description_chars characters of a description are read."""
    long = "Borsetshire " * 10_000
    text = document_text(Document("Title", long))
    assert len(text) < DEFAULT.max_description_chars + 100


def test_boilerplate_sentences_are_left_out():
    """A long sentence in five or more descriptions is boilerplate; a shared one in two is kept."""
    source = "Source: the Borsetshire annual report of the council for the year 2017."
    documents = [Document(f"Project {i}", f"Work number {i}. {source}") for i in range(5)]
    documents += [Document("Pair one", "We replace every street lamp in Ambridge with LEDs."),
                  Document("Pair two", "We replace every street lamp in Ambridge with LEDs.")]
    model = TfidfModel.fit(lambda: documents)
    assert len(model.boilerplate) == 1
    assert "annual report" not in document_text(documents[0], boilerplate=model.boilerplate)
    assert "street lamp" in document_text(documents[-1], boilerplate=model.boilerplate)


def test_state_and_vectors_survive_a_round_trip_through_bytes():
    """The stored state and vectors give the same vectors and scores as the originals."""
    documents = [Document(a.title, a.description, a.subdomains) for _l, a, _b in labelled()]
    model = TfidfModel.fit(lambda: documents)
    again = TfidfModel.from_bytes(model.to_bytes())
    first, second = model.transform(documents), again.transform(documents)
    assert (first != second).nnz == 0
    rebuilt = vectors_from_bytes([vector_to_bytes(first, i) for i in range(first.shape[0])],
                                 first.shape[1])
    assert (rebuilt != first).nnz == 0


def test_stacking_blocks_of_rows_gives_what_vstack_gives():
    """`stack_rows` (the full recompute's matrix) equals `sp.vstack` and empties its list."""
    import scipy.sparse as sp

    documents = [d for _label, a, b in labelled() for d in (a, b)]
    model = TfidfModel.fit(lambda: documents)
    blocks = [model.transform(documents[start:start + 7]) for start in range(0, 30, 7)]
    expected = sp.vstack(blocks, format="csr")
    stacked = stack_rows(blocks, expected.shape[1])
    assert blocks == []
    assert stacked.shape == expected.shape and stacked.dtype == np.float32
    assert (stacked != expected).nnz == 0
    assert stack_rows([], 10).shape == (0, 10)


def test_candidate_search_finds_most_of_what_brute_force_finds_on_the_labelled_set():
    """The candidate search returns only true pairs, with exact scores, and 90% of them."""
    documents = [d for _label, a, b in labelled() for d in (a, b)]
    model = TfidfModel.fit(lambda: documents)
    vectors = model.transform(documents)
    exact = pairs_from_neighbours(exact_neighbours(vectors, vectors, k=5,
                                                   threshold=DEFAULT.threshold))
    found = pairs_from_neighbours(candidate_neighbours(vectors, model.keys(vectors), k=5,
                                                       threshold=DEFAULT.threshold))
    assert exact
    assert set(found) <= set(exact)
    assert len(found) / len(exact) >= 0.9
    for pair, score in found.items():
        assert score == pytest.approx(exact[pair], abs=1e-5)


def test_exact_search_leaves_out_each_row_itself():
    """Brute force never pairs a row with itself and respects k."""
    documents = [Document(f"Street lighting LED phase {i}", "LED lamps.") for i in range(6)]
    model = TfidfModel.fit(lambda: documents)
    vectors = model.transform(documents)
    neighbours = list(exact_neighbours(vectors, vectors, k=2, threshold=0.1, chunk_rows=4))
    assert all(n.source != n.target for n in neighbours)
    counts = np.bincount([n.source for n in neighbours])
    assert counts.max() == 2
