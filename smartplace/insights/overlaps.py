"""
Overlaps: initiatives that look like the same work, within a coalition and across coalitions
("others working on this"). The method is TF-IDF cosine (`smartplace.methods.similarity`) or,
with `SMARTPLACE_SIMILARITY_METHOD=semantic` and the `semantic` extra installed, the cosine of
sentence embeddings (`smartplace.methods.embedding`); docs/methods/similarity.md describes
both. This module chooses the method, stores its state, vectors and pairs, and holds the
background tasks; `overlap_updates` keeps them up to date one initiative at a time (and holds
the signal receivers), `overlap_dismissal` records "not the same", and `overlap_reads` reads
the pairs for the pages (docs/insights-gaps.md).

Everything stored is tagged with the method's version, and only the configured method's rows
are read: after the setting changes, the pages show no pairs until a full recompute (or the
first update, which runs one) replaces every row with the new method's.

- `overlaps_recompute()` refits the state on every initiative and recomputes every pair
  (`smartplace recompute-overlaps`, or `overlaps_recompute_task` after a large import).
- `overlap_update_task` and `overlap_update_many_task` run
  `overlap_updates.overlap_update_initiative` in the background. The tasks stay in this module:
  the task queue stores their dotted paths.
- Dismissals ("not the same") are kept apart from pairs, so recomputing never brings a
  dismissed pair back.

Privacy: pairs are computed over every initiative, but a pair is only ever shown to someone who
may see both of its initiatives (`Initiative.objects.visible_to(user)`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.tasks import task
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from smartplace.frameworks.models import SubDomain
from smartplace.initiatives.models import Initiative
from smartplace.insights.models_overlaps import (
    InitiativeVector,
    SimilarityKey,
    SimilarityState,
    SimilarPair,
)
from smartplace.methods import embedding
from smartplace.methods.similarity import (
    DEFAULT,
    METHOD_VERSION,
    Document,
    TfidfModel,
    candidate_neighbours,
    document_hash,
    pairs_from_neighbours,
    stack_rows,
    vector_to_bytes,
)

CONFIG = DEFAULT
WIDTH = CONFIG.word_features + CONFIG.char_features
#: How many initiatives are read, vectorised and written at a time by a full recompute.
CHUNK = 2000
#: How many pairs a full recompute builds and writes at a time.
PAIR_BATCH = 5000


# --- The method ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlapMethod:
    """
    One way of scoring pairs: `name` is the value of `SMARTPLACE_SIMILARITY_METHOD`, `version`
    is stored with the state, every vector and every pair, `threshold` is the lowest score
    reported, `label` says on the pages what the score is.
    """

    name: str
    version: str
    threshold: float
    top_k: int
    label: Promise

    @property
    def percent(self) -> int:
        return round(self.threshold * 100)


TFIDF = OverlapMethod("tfidf", METHOD_VERSION, CONFIG.threshold, CONFIG.top_k,
                      gettext_lazy("TF-IDF cosine"))
SEMANTIC = OverlapMethod("semantic", embedding.METHOD_VERSION, embedding.DEFAULT.threshold,
                         embedding.DEFAULT.top_k,
                         gettext_lazy("semantic similarity: all-MiniLM-L6-v2 sentence embeddings"))
METHODS = {method.name: method for method in (TFIDF, SEMANTIC)}


def overlap_method() -> OverlapMethod:
    """
    The method the site uses (`SMARTPLACE_SIMILARITY_METHOD`, default "tfidf"). Raises
    ImproperlyConfigured for an unknown name. Reading pairs needs nothing more; computing
    semantic vectors without the extra raises `embedding.EmbeddingUnavailable`, and
    `manage.py check` reports it (`check_similarity_method`).
    """
    name = getattr(settings, "SMARTPLACE_SIMILARITY_METHOD", TFIDF.name)
    if name not in METHODS:
        raise ImproperlyConfigured(
            f"SMARTPLACE_SIMILARITY_METHOD is {name!r}; it must be one of {sorted(METHODS)}.")
    return METHODS[name]


@checks.register(checks.Tags.compatibility)
def check_similarity_method(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: the similarity method is known, and the semantic one is installed."""
    name = getattr(settings, "SMARTPLACE_SIMILARITY_METHOD", TFIDF.name)
    if name not in METHODS:
        return [checks.Error(f"SMARTPLACE_SIMILARITY_METHOD is {name!r}.",
                             hint=f"Use one of {', '.join(sorted(METHODS))}.",
                             id="insights.E001")]
    if name == SEMANTIC.name and not embedding.available():
        return [checks.Error(
            "SMARTPLACE_SIMILARITY_METHOD is 'semantic' but its packages are missing: "
            + ", ".join(embedding.missing_packages()) + ".",
            hint=embedding.INSTALL_HINT, id="insights.E002")]
    return []


# --- Documents and state ----------------------------------------------------------------


def with_subdomains(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The initiatives with only what `initiative_document` reads, sub-domains prefetched."""
    return queryset.only("pk", "title", "description").prefetch_related(
        Prefetch("subdomains", queryset=SubDomain.objects.only("pk", "name").order_by("pk")))


def initiative_document(initiative: Initiative) -> Document:
    """What the similarity method reads of an initiative: title, description, sub-domains."""
    return Document(title=initiative.title, description=initiative.description or "",
                    subdomains=tuple(s.name for s in initiative.subdomains.all()))


@lru_cache(maxsize=2)
def _model_from_bytes(method: str, fitted_at: str, state: bytes):
    if method == SEMANTIC.version:
        return embedding.EmbeddingModel.from_bytes(state)
    return TfidfModel.from_bytes(state, CONFIG)


def overlap_state(method: OverlapMethod | None = None):
    """
    The stored state of `method` (default: the site's), a `TfidfModel` or an
    `embedding.EmbeddingModel`; None before its first recompute.
    """
    method = method or overlap_method()
    row = SimilarityState.objects.filter(method=method.version).first()
    if row is None:
        return None
    return _model_from_bytes(row.method, row.fitted_at.isoformat(), bytes(row.state))


def _documents(ids: list[int] | None = None) -> Iterator[tuple[int, Document]]:
    queryset = Initiative.objects.order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    for initiative in with_subdomains(queryset).iterator(chunk_size=CHUNK):
        yield initiative.pk, initiative_document(initiative)


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """The items in lists of `size` (the last may be shorter)."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- Writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeSummary:
    """What a full recompute did (`reused`: semantic vectors kept since their text was the same)."""

    initiatives: int
    pairs: int
    method: str = METHOD_VERSION
    reused: int = 0


def _write_pairs(ids: list[int], pairs: dict[tuple[int, int], float], version: str) -> None:
    """Write the pairs (rows of `ids`) `PAIR_BATCH` at a time, from a generator."""
    now = timezone.now()
    # A list of every pair's model instance (about a million for 100,000 initiatives) would
    # hold hundreds of megabytes at once.
    for batch in chunks((
        SimilarPair(a_id=ids[i], b_id=ids[j], score=round(score, 4), method=version,
                    computed_at=now)
        for (i, j), score in pairs.items()
    ), PAIR_BATCH):
        SimilarPair.objects.bulk_create(batch)


def overlaps_recompute(*, progress: Callable[[str], None] | None = None) -> RecomputeSummary:
    """
    Refit the site's method's state on every initiative, store every initiative's vector (and,
    for TF-IDF, its keys), and replace every pair; the rows of any other method are deleted.
    Dismissals are kept. Reads and writes in chunks of `CHUNK` initiatives and `PAIR_BATCH`
    pairs; memory holds the vectors of all initiatives (TF-IDF: about 3 KB each; semantic:
    1.5 KB), stacked once (`stack_rows`, no second copy), and the scores of the pairs found,
    never every pair's row at once. Measured through the database (TF-IDF,
    benchmarks/overlaps_recompute.py): peak traced memory 52 MiB for 2,500 initiatives and
    103 MiB for 10,000 (ratio 2.0, linear), about 7 KiB more per initiative above a fixed
    34 MiB, reached in the candidate search; about 0.7 GB for 100,000 by extrapolation.
    """
    if overlap_method() is SEMANTIC:
        return _recompute_semantic(progress=progress)
    say = progress or (lambda message: None)
    say("Fitting the similarity state…")
    model = TfidfModel.fit(lambda: (document for _pk, document in _documents()), CONFIG)
    ids: list[int] = []
    blocks: list = []
    keys: list[np.ndarray] = []
    with transaction.atomic():
        SimilarityState.objects.exclude(method=METHOD_VERSION).delete()
        SimilarityState.objects.update_or_create(
            method=METHOD_VERSION,
            defaults={"state": model.to_bytes(), "documents": model.documents,
                      "fitted_at": timezone.now()},
        )
        InitiativeVector.objects.all().delete()
        SimilarityKey.objects.all().delete()
        for chunk in chunks(_documents(), CHUNK):
            vectors = model.transform([document for _pk, document in chunk])
            chunk_keys = model.keys(vectors)
            InitiativeVector.objects.bulk_create([
                InitiativeVector(initiative_id=pk, method=METHOD_VERSION,
                                 document_hash=document_hash(document),
                                 vector=vector_to_bytes(vectors, row))
                for row, (pk, document) in enumerate(chunk)
            ])
            SimilarityKey.objects.bulk_create([
                SimilarityKey(initiative_id=pk, key=int(key))
                for (pk, _document), row_keys in zip(chunk, chunk_keys, strict=True)
                for key in row_keys
            ], batch_size=5000)
            ids.extend(pk for pk, _document in chunk)
            blocks.append(vectors)
            keys.extend(chunk_keys)
            say(f"Vectorised {len(ids)} initiatives…")
        vectors = stack_rows(blocks, WIDTH)  # empties blocks, dropping each array once copied
        SimilarPair.objects.all().delete()
        pairs = {}
        if ids:
            pairs = pairs_from_neighbours(candidate_neighbours(
                vectors, keys, k=CONFIG.top_k, threshold=CONFIG.threshold))
        _write_pairs(ids, pairs, METHOD_VERSION)
    say(f"{len(ids)} initiatives, {len(pairs)} pairs.")
    return RecomputeSummary(initiatives=len(ids), pairs=len(pairs))


def text_hash(text: str) -> str:
    """A short fingerprint of the text the model reads (its vector depends on nothing else)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _recompute_semantic(*, progress: Callable[[str], None] | None = None) -> RecomputeSummary:
    """
    The semantic method's full recompute. The vectors are made outside any transaction (that
    takes minutes to hours, see docs/methods/similarity.md), re-using the stored vector of each
    initiative whose text is unchanged; then one short transaction replaces the state, vectors
    and pairs. Initiatives changed meanwhile are brought up to date one by one afterwards.
    """
    say = progress or (lambda message: None)
    started = timezone.now()
    say("Finding boilerplate sentences…")
    model = embedding.EmbeddingModel.fit(lambda: (document for _pk, document in _documents()))
    encoder = embedding.load_encoder()
    ids: list[int] = []
    fingerprints: list[str] = []
    blocks: list[np.ndarray] = []
    reused = 0
    for chunk in chunks(_documents(), CHUNK):
        texts = model.texts([document for _pk, document in chunk])
        hashes = [text_hash(text) for text in texts]
        wanted = {pk: fingerprint for (pk, _d), fingerprint in zip(chunk, hashes, strict=True)}
        stored = {pk: bytes(vector) for pk, fingerprint, vector in InitiativeVector.objects.filter(
            initiative_id__in=list(wanted), method=SEMANTIC.version,
        ).values_list("initiative_id", "document_hash", "vector") if wanted[pk] == fingerprint}
        vectors = np.zeros((len(chunk), embedding.DIMENSIONS), dtype=np.float32)
        todo = []
        for row, (pk, _document) in enumerate(chunk):
            if pk in stored:
                vectors[row] = np.frombuffer(stored[pk], dtype=np.float32)
            else:
                todo.append(row)
        if todo:
            vectors[todo] = encoder.encode([texts[row] for row in todo],
                                           batch_tokens=model.config.batch_tokens,
                                           threads=model.config.threads)
        reused += len(chunk) - len(todo)
        ids.extend(pk for pk, _document in chunk)
        fingerprints.extend(hashes)
        blocks.append(vectors)
        say(f"Embedded {len(ids)} initiatives ({reused} unchanged)…")
    matrix = (np.vstack(blocks) if blocks
              else np.zeros((0, embedding.DIMENSIONS), dtype=np.float32))
    del blocks
    say("Comparing every initiative with every other…")
    pairs = pairs_from_neighbours(embedding.dense_neighbours(
        matrix, k=SEMANTIC.top_k, threshold=SEMANTIC.threshold))
    with transaction.atomic():
        # Initiatives deleted while the vectors were made are left out.
        existing = set(Initiative.objects.values_list("pk", flat=True))
        gone = {row for row, pk in enumerate(ids) if pk not in existing}
        if gone:
            pairs = {pair: score for pair, score in pairs.items()
                     if pair[0] not in gone and pair[1] not in gone}
        SimilarityState.objects.exclude(method=SEMANTIC.version).delete()
        SimilarityState.objects.update_or_create(
            method=SEMANTIC.version,
            defaults={"state": model.to_bytes(), "documents": model.documents,
                      "fitted_at": timezone.now()},
        )
        InitiativeVector.objects.all().delete()
        SimilarityKey.objects.all().delete()
        for start in range(0, len(ids), CHUNK):
            InitiativeVector.objects.bulk_create([
                InitiativeVector(initiative_id=ids[row], method=SEMANTIC.version,
                                 document_hash=fingerprints[row],
                                 vector=embedding.vector_to_bytes(matrix[row]))
                for row in range(start, min(start + CHUNK, len(ids))) if row not in gone
            ])
        SimilarPair.objects.all().delete()
        _write_pairs(ids, pairs, SEMANTIC.version)
    from smartplace.insights.overlap_updates import overlap_update_initiative  # imports this

    changed = list(Initiative.objects.filter(updated_at__gte=started)
                   .values_list("pk", flat=True))
    for pk in changed:
        overlap_update_initiative(initiative_id=pk)
    say(f"{len(ids) - len(gone)} initiatives, {len(pairs)} pairs.")
    return RecomputeSummary(initiatives=len(ids) - len(gone), pairs=len(pairs),
                            method=SEMANTIC.version, reused=reused)


@task
def overlap_update_task(initiative_id: int) -> int | None:
    """Background task: `overlap_updates.overlap_update_initiative` for one initiative."""
    from smartplace.insights.overlap_updates import overlap_update_initiative  # imports this

    return overlap_update_initiative(initiative_id=initiative_id)


@task
def overlaps_recompute_task() -> int:
    """Background task: `overlaps_recompute`; returns how many pairs it found."""
    return overlaps_recompute().pairs


@task
def overlap_update_many_task(initiative_ids: list[int]) -> int:
    """Background task: `overlap_updates.overlap_update_initiative` for each initiative;
    returns how many initiatives' pairs changed."""
    from smartplace.insights.overlap_updates import overlap_update_initiative  # imports this

    return sum(overlap_update_initiative(initiative_id=pk) is not None for pk in initiative_ids)
