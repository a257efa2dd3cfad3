"""
How alike two initiatives are: TF-IDF cosine similarity over their title, description and
sub-domains (docs/methods/similarity.md). Plain Python, numpy, scipy and scikit-learn; no Django.

The text of an initiative is its title twice (titles say most in fewest words), its description
(the first `max_description_chars` characters) and the names of its sub-domains. Two views of
that text are hashed into sparse vectors, each weighted by inverse document frequency and
normalised to unit length:

- words: lower-cased word 1- and 2-grams (any script; no stop-word list, so Welsh and Gaelic
  are treated like English; inverse document frequency plays down common words);
- characters: character 3- to 5-grams inside word boundaries, which match "lighting" with
  "lights" and survive typing mistakes and languages without word lists.

The two unit vectors are joined with weights √w and √(1 − w), so that one dot product gives
`score = w · word cosine + (1 − w) · character cosine`, a number from 0 (nothing in common) to 1
(the same text). Hashing (rather than a stored vocabulary) keeps the fitted state small — the
document frequency of each hashed feature — and lets a new initiative be scored against the
stored vectors without refitting.

Finding the most similar initiatives of many initiatives:

- `exact_neighbours` compares every vector with every other (sparse products in chunks of rows,
  so memory holds one chunk of scores at a time): the reference.
- `candidate_neighbours` compares each vector only with candidates from an inverted index of
  blocking keys: each vector's rarest word features, enough of them to hold all but a
  `left_over` share of its word weight (prefix filtering), leaving out features so common that
  they block nothing (in more than `max_posting` documents); the `max_candidates` candidates
  sharing the most keys are then scored exactly. `benchmarks/overlaps.py` measures its
  recall against `exact_neighbours`.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

#: Changes whenever a change here would change the scores; stored with every score.
METHOD_VERSION = "tfidf-hash-1"


@dataclass(frozen=True)
class SimilarityConfig:
    """
    The settings of the method. `threshold` is the lowest score reported as an overlap: chosen
    on the hand-labelled pairs in `smartplace/insights/tests/data/labelled_pairs.csv`
    (docs/methods/similarity.md says how).
    """

    threshold: float = 0.32
    top_k: int = 10
    title_repeats: int = 2
    max_description_chars: int = 5000
    word_weight: float = 0.5
    word_features: int = 2**20
    char_features: int = 2**20
    max_posting: int = 2000
    left_over: float | None = 0.32
    chunk_rows: int = 512


DEFAULT = SimilarityConfig()

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Document:
    """What the method reads of one initiative."""

    title: str
    description: str = ""
    subdomains: tuple[str, ...] = ()


def sentences(description: str, config: SimilarityConfig = DEFAULT) -> list[str]:
    """The sentences of a description (its first `max_description_chars` characters)."""
    text = _SPACE.sub(" ", (description or "")[: config.max_description_chars]).strip()
    return [part for part in _SENTENCE_END.split(text) if part]


def sentence_key(sentence: str) -> str | None:
    """
    A fingerprint of a sentence of at least `BOILERPLATE_MIN_WORDS` words (lower-cased words
    only), or None for a shorter one: only long sentences are checked for boilerplate.
    """
    words = _WORD.findall(sentence.lower())
    if len(words) < BOILERPLATE_MIN_WORDS:
        return None
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:16]


#: A description sentence of at least this many words that appears in the descriptions of at
#: least `BOILERPLATE_MIN_DOCUMENTS` documents is boilerplate ("Source: …", "Figures are
#: estimates …") and is left out of the text: it says where a record came from, not what the
#: initiative does. Two or three records sharing a sentence are kept: they may be the same work.
BOILERPLATE_MIN_WORDS = 6
BOILERPLATE_MIN_DOCUMENTS = 5


def boilerplate_of(documents: Iterable[Document],
                   config: SimilarityConfig = DEFAULT) -> frozenset[str]:
    """
    The fingerprints (`sentence_key`) of the boilerplate sentences of `documents`: those in
    the descriptions of at least `BOILERPLATE_MIN_DOCUMENTS` of them. One pass; memory holds
    a count per distinct long sentence.
    """
    seen: dict[str, int] = {}
    for document in documents:
        for key in {sentence_key(s) for s in sentences(document.description, config)}:
            if key is not None:
                seen[key] = seen.get(key, 0) + 1
    return frozenset(k for k, n in seen.items() if n >= BOILERPLATE_MIN_DOCUMENTS)


def document_text(document: Document, *, boilerplate: frozenset[str] = frozenset(),
                  config: SimilarityConfig = DEFAULT) -> str:
    """
    The text that represents one initiative: the title `title_repeats` times, the description
    without boilerplate sentences, and the sub-domain names.
    """
    title = _SPACE.sub(" ", document.title or "").strip()
    kept = [sentence for sentence in sentences(document.description, config)
            if sentence_key(sentence) not in boilerplate]
    parts = [title] * config.title_repeats + [" ".join(kept), " ".join(document.subdomains)]
    return " . ".join(part for part in parts if part)


def document_hash(document: Document) -> str:
    """A short fingerprint of what the method reads, to skip work when nothing changed."""
    raw = "\x1f".join([document.title or "", document.description or "",
                       *sorted(document.subdomains)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _word_vectoriser(config: SimilarityConfig) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w\w+\b",
        lowercase=True, strip_accents="unicode", n_features=config.word_features,
        alternate_sign=False, norm=None, dtype=np.float32,
    )


def _char_vectoriser(config: SimilarityConfig) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), lowercase=True, strip_accents="unicode",
        n_features=config.char_features, alternate_sign=False, norm=None, dtype=np.float32,
    )


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix, dtype=np.float32)


@dataclass
class TfidfModel:
    """
    The fitted state: how many documents were seen and, for each hashed feature, in how many
    of them it occurs. `idf = ln((1 + n) / (1 + df)) + 1` (scikit-learn's smooth IDF).
    """

    config: SimilarityConfig = DEFAULT
    documents: int = 0
    word_df: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    char_df: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    boilerplate: frozenset[str] = frozenset()
    version: str = METHOD_VERSION

    @classmethod
    def fit(cls, documents: Callable[[], Iterable[Document]],
            config: SimilarityConfig = DEFAULT, chunk_size: int = 5000) -> TfidfModel:
        """
        Learn the state from the documents that `documents()` yields, read twice (first the
        boilerplate sentences, then the document frequencies) in chunks: memory holds one
        chunk and the counts, never the whole corpus.
        """
        boilerplate = boilerplate_of(documents(), config)
        word_df = np.zeros(config.word_features, dtype=np.int32)
        char_df = np.zeros(config.char_features, dtype=np.int32)
        words, chars = _word_vectoriser(config), _char_vectoriser(config)
        count = 0
        for chunk in _chunks(documents(), chunk_size):
            count += len(chunk)
            texts = [document_text(d, boilerplate=boilerplate, config=config) for d in chunk]
            for vectoriser, df in ((words, word_df), (chars, char_df)):
                counts = vectoriser.transform(texts).tocsc()
                df += np.diff(counts.indptr).astype(np.int32)
        return cls(config=config, documents=count, word_df=word_df, char_df=char_df,
                   boilerplate=boilerplate)

    def _idf(self, df: np.ndarray) -> np.ndarray:
        return (np.log((1.0 + self.documents) / (1.0 + df)) + 1.0).astype(np.float32)

    @property
    def word_idf(self) -> np.ndarray:
        return self._idf(self.word_df)

    @property
    def char_idf(self) -> np.ndarray:
        return self._idf(self.char_df)

    def transform(self, documents: Sequence[Document]) -> sp.csr_matrix:
        """
        Unit vectors of `documents` (one row each): the weighted word and character TF-IDF vectors
        joined, so that a dot product of two rows is their similarity score. Texts with no
        features give zero rows (score 0 with everything).
        """
        config = self.config
        texts = [document_text(d, boilerplate=self.boilerplate, config=config)
                 for d in documents]
        blocks = []
        for vectoriser, idf, weight in (
            (_word_vectoriser(config), self.word_idf, config.word_weight),
            (_char_vectoriser(config), self.char_idf, 1.0 - config.word_weight),
        ):
            counts = vectoriser.transform(texts).tocsr()
            counts.data = np.log1p(counts.data)  # sublinear term frequency
            weighted = _normalise_rows(counts @ sp.diags(idf))
            blocks.append(weighted * np.float32(np.sqrt(weight)))
        matrix = sp.hstack(blocks, format="csr", dtype=np.float32)
        matrix.sort_indices()
        return matrix

    def keys(self, vectors: sp.csr_matrix) -> list[np.ndarray]:
        """
        The blocking keys of each row (prefix filtering, after Bayardo, Ma and Srikant, "Scaling
        up all pairs similarity search", 2007): its word features taken rarest first until
        what is left has less than `left_over` of the row's word weight (squared), leaving out
        features in more than `max_posting` documents. With `left_over` = threshold², any two
        rows whose word cosine reaches the threshold share a key (Cauchy–Schwarz); the default
        is looser (fewer keys, faster) and its recall is measured by the benchmark.
        """
        config = self.config
        df = self.word_df
        limit = config.threshold ** 2 if config.left_over is None else config.left_over
        result = []
        for row in range(vectors.shape[0]):
            start, end = vectors.indptr[row], vectors.indptr[row + 1]
            indices, data = vectors.indices[start:end], vectors.data[start:end]
            words = indices < config.word_features
            indices, data = indices[words], data[words]
            order = np.lexsort((indices, df[indices]))
            indices, weights = indices[order], data[order].astype(np.float64) ** 2
            weights /= max(weights.sum(), 1e-12)
            left_over = 1.0 - np.cumsum(weights)
            stop = int(np.searchsorted(-left_over, -limit, side="right")) + 1
            prefix = indices[:stop]
            prefix = prefix[df[prefix] <= config.max_posting]
            result.append(np.sort(prefix).astype(np.int64))
        return result

    def to_bytes(self) -> bytes:
        """The state as compressed numpy data (only features that occur are written)."""
        buffer = io.BytesIO()
        word_at = np.flatnonzero(self.word_df)
        char_at = np.flatnonzero(self.char_df)
        np.savez_compressed(
            buffer, version=np.array(self.version), documents=np.array(self.documents),
            word_at=word_at.astype(np.int32), word_df=self.word_df[word_at],
            char_at=char_at.astype(np.int32), char_df=self.char_df[char_at],
            boilerplate=np.array(sorted(self.boilerplate), dtype="U16"),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, config: SimilarityConfig = DEFAULT) -> TfidfModel:
        """The state written by `to_bytes`. Raises ValueError for another method version."""
        with np.load(io.BytesIO(data)) as saved:
            version = str(saved["version"])
            if version != METHOD_VERSION:
                raise ValueError(f"Stored similarity state is {version}, not {METHOD_VERSION}.")
            word_df = np.zeros(config.word_features, dtype=np.int32)
            char_df = np.zeros(config.char_features, dtype=np.int32)
            word_df[saved["word_at"]] = saved["word_df"]
            char_df[saved["char_at"]] = saved["char_df"]
            return cls(config=config, documents=int(saved["documents"]), word_df=word_df,
                       char_df=char_df, version=version,
                       boilerplate=frozenset(str(k) for k in saved["boilerplate"]))


# --- Vectors as bytes (one initiative's stored vector) ------------------------------------


def vector_to_bytes(vectors: sp.csr_matrix, row: int) -> bytes:
    """Row `row` of `vectors` as bytes: int32 feature numbers, then float32 weights."""
    start, end = vectors.indptr[row], vectors.indptr[row + 1]
    return (vectors.indices[start:end].astype(np.int32).tobytes()
            + vectors.data[start:end].astype(np.float32).tobytes())


def vectors_from_bytes(rows: Sequence[bytes], width: int) -> sp.csr_matrix:
    """The matrix whose rows are the vectors written by `vector_to_bytes`."""
    indptr = [0]
    indices, data = [], []
    for blob in rows:
        count = len(blob) // 8
        indices.append(np.frombuffer(blob, dtype=np.int32, count=count))
        data.append(np.frombuffer(blob, dtype=np.float32, offset=4 * count, count=count))
        indptr.append(indptr[-1] + count)
    if not rows:
        return sp.csr_matrix((0, width), dtype=np.float32)
    return sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.array(indptr)),
                         shape=(len(rows), width), dtype=np.float32)


def stack_rows(blocks: list[sp.csr_matrix], width: int) -> sp.csr_matrix:
    """
    The rows of `blocks`, in order, as one CSR matrix; `blocks` is emptied. The same matrix as
    `sp.vstack(blocks)`, but each array is concatenated on its own and its pieces dropped at
    once: peak memory is the rows once plus their largest array (weights or feature numbers),
    about 1.5 times the matrix, where `sp.vstack` holds the blocks and their copy (twice).
    """
    if not blocks:
        return sp.csr_matrix((0, width), dtype=np.float32)
    lengths = np.concatenate([np.diff(block.indptr) for block in blocks])
    index_dtype = np.int32 if lengths.sum() < np.iinfo(np.int32).max else np.int64
    indptr = np.zeros(len(lengths) + 1, dtype=index_dtype)
    np.cumsum(lengths, out=indptr[1:])
    data = [block.data for block in blocks]
    indices = [block.indices for block in blocks]
    blocks.clear()
    data = np.concatenate(data)
    indices = np.concatenate(indices).astype(index_dtype, copy=False)
    return sp.csr_matrix((data, indices, indptr), shape=(len(lengths), width), copy=False)


# --- Neighbours -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Row `source` is similar to row `target` with this score (source ≠ target)."""

    source: int
    target: int
    score: float


def _top_of_row(scores: np.ndarray, columns: np.ndarray, k: int, threshold: float):
    keep = scores >= threshold
    scores, columns = scores[keep], columns[keep]
    if len(scores) > k:
        top = np.argpartition(-scores, k)[:k]
        scores, columns = scores[top], columns[top]
    order = np.lexsort((columns, -scores))
    return columns[order], scores[order]


def exact_neighbours(
    queries: sp.csr_matrix, corpus: sp.csr_matrix, *, k: int, threshold: float = 0.0,
    offset: int | None = 0, chunk_rows: int = 256,
) -> Iterator[Neighbour]:
    """
    Brute force: for each row of `queries`, the `k` rows of `corpus` with the highest scores
    (at least `threshold`). Query row i is corpus row `offset + i` (left out of its own
    results); `offset=None` when the queries are not in the corpus. Works through `chunk_rows`
    queries at a time, so memory holds chunk_rows × len(corpus) scores at most.
    """
    corpus_t = corpus.T.tocsr()
    for start in range(0, queries.shape[0], chunk_rows):
        block = (queries[start:start + chunk_rows] @ corpus_t).toarray()
        if offset is not None:
            rows = np.arange(block.shape[0])
            own = offset + start + rows
            inside = own < block.shape[1]
            block[rows[inside], own[inside]] = -1.0
        for i, row in enumerate(block):
            columns = np.flatnonzero(row >= threshold) if threshold > 0 else np.arange(len(row))
            targets, scores = _top_of_row(row[columns], columns, k, threshold)
            for target, score in zip(targets, scores, strict=True):
                yield Neighbour(start + i, int(target), float(score))


def inverted_index(keys: Sequence[np.ndarray], width: int) -> sp.csr_matrix:
    """A 0/1 matrix of documents × features, with a 1 for each key of each document."""
    lengths = [len(k) for k in keys]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    indices = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                         shape=(len(keys), width))


def _chunk_scores(vectors: sp.csr_matrix, chunk: np.ndarray, candidates: np.ndarray,
                  column_map: np.ndarray) -> np.ndarray:
    """
    Scores of every candidate row against every row of the chunk (candidates × chunk), exact:
    the chunk is made dense over the features it has, and the candidates' vectors are cut to
    those features (a feature the chunk lacks adds nothing to a dot product with it).
    `column_map` is a scratch array of -1s, one per feature, left as it was found.
    """
    rows = vectors[chunk]
    features = np.unique(rows.indices)
    column_map[features] = np.arange(len(features))
    dense = np.zeros((len(chunk), len(features)), dtype=np.float32)
    owners = np.repeat(np.arange(len(chunk)), np.diff(rows.indptr))
    dense[owners, column_map[rows.indices]] = rows.data
    others = vectors[candidates]
    mapped = column_map[others.indices]
    keep = mapped >= 0
    indptr = np.concatenate([[0], np.cumsum(keep)])[others.indptr]
    cut = sp.csr_matrix((others.data[keep], mapped[keep], indptr),
                        shape=(len(candidates), len(features)))
    column_map[features] = -1
    return np.asarray(cut @ dense.T)


def candidate_neighbours(
    vectors: sp.csr_matrix, keys: Sequence[np.ndarray], *, k: int, threshold: float = 0.0,
    chunk_rows: int = 64, max_candidates: int = 100,
) -> Iterator[Neighbour]:
    """
    For each row of `vectors`, its `k` best-scoring rows (at least `threshold`) among the rows
    one of whose blocking keys (`TfidfModel.keys`) it has: the `max_candidates` that share the
    most keys with it. Candidates come from the product of the rows' word patterns with the
    transposed key index, a chunk of rows at a time; each candidate pair is then scored
    exactly. Memory holds one chunk's candidates and scores. Rows come out in chunk order.
    """
    width = max((int(k.max()) + 1 for k in keys if len(k)), default=1)
    index_t = inverted_index(keys, width).T.tocsr()
    pattern = vectors[:, :width].tocsr()
    pattern.data = np.ones_like(pattern.data)
    # Rows in the order of their smallest key (a MinHash of the keys): rows of the same kind
    # of work fall in the same chunk and share candidates, so each chunk scores fewer rows.
    order = np.argsort(np.array([key[0] if len(key) else -1 for key in keys]), kind="stable")
    column_map = np.full(vectors.shape[1], -1, dtype=np.int64)
    for start in range(0, vectors.shape[0], chunk_rows):
        chunk = order[start:start + chunk_rows]
        shared = (pattern[chunk] @ index_t).tocsr()
        shared.eliminate_zeros()
        if shared.nnz == 0:
            continue
        rows = []
        for i, source in enumerate(chunk):
            lo, hi = shared.indptr[i], shared.indptr[i + 1]
            columns = shared.indices[lo:hi].astype(np.int64)
            counts = shared.data[lo:hi]
            keep = columns != source
            columns, counts = columns[keep], counts[keep]
            if len(columns) > max_candidates:
                # The rows sharing the most keys first.
                columns = columns[np.argpartition(-counts, max_candidates)[:max_candidates]]
            rows.append(columns)
        # Score the chunk against its candidates only: one product with the candidate rows,
        # then read the entries that are candidate pairs.
        candidates = np.unique(np.concatenate(rows))
        if len(candidates) == 0:
            continue
        scores = _chunk_scores(vectors, chunk, candidates, column_map)
        for i, columns in enumerate(rows):
            if len(columns) == 0:
                continue
            values = scores[np.searchsorted(candidates, columns), i]
            targets, best = _top_of_row(values, columns, k, threshold)
            for target, score in zip(targets, best, strict=True):
                yield Neighbour(int(chunk[i]), int(target), float(score))


def pairs_from_neighbours(neighbours: Iterable[Neighbour]) -> dict[tuple[int, int], float]:
    """Unordered pairs (smaller row first) with their score, from directed neighbours."""
    pairs: dict[tuple[int, int], float] = {}
    for item in neighbours:
        key = (min(item.source, item.target), max(item.source, item.target))
        pairs[key] = max(pairs.get(key, 0.0), item.score)
    return pairs


def clusters(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Groups of items joined by pairs (connected components), largest first."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
