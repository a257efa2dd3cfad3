"""
Keeping overlaps up to date one initiative at a time, beside the full recompute in
`smartplace.insights.overlaps`:

- `overlap_update_initiative()` scores one new or changed initiative against the stored vectors
  of its candidates and replaces only that initiative's pairs.
- The signal receivers connected in `InsightsConfig.ready` queue it once the transaction
  commits (`overlap_enqueue`, running `overlaps.overlap_update_task`) after an initiative or its
  sub-domains change; an import, which writes in bulk, queues the update of the initiatives it
  wrote, or a full recompute for a large one (`on_initiatives_imported`).

The background tasks themselves stay in `overlaps`, whose dotted paths the task queue stores.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from smartplace.initiatives.models import Initiative
from smartplace.insights.models_overlaps import InitiativeVector, SimilarityKey, SimilarPair
from smartplace.insights.overlaps import (
    CHUNK,
    CONFIG,
    SEMANTIC,
    WIDTH,
    chunks,
    initiative_document,
    overlap_method,
    overlap_state,
    overlap_update_many_task,
    overlap_update_task,
    overlaps_recompute,
    overlaps_recompute_task,
    text_hash,
    with_subdomains,
)
from smartplace.methods import embedding
from smartplace.methods.similarity import (
    METHOD_VERSION,
    Document,
    document_hash,
    vector_to_bytes,
    vectors_from_bytes,
)

logger = logging.getLogger(__name__)

#: An import writing more initiatives than this refits the method and recomputes every pair
#: (a background task) rather than updating them one by one: that many new texts change the
#: words' weights, and one recompute is quicker than thousands of updates.
RECOMPUTE_ABOVE = 500


def _store_update(*, initiative_id: int, version: str, fingerprint: str, vector: bytes,
                  keys: Iterable[int], found: list[tuple[int, float]]) -> None:
    """Replace one initiative's vector, keys and pairs, and nothing else, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        InitiativeVector.objects.update_or_create(
            initiative_id=initiative_id,
            defaults={"method": version, "document_hash": fingerprint, "vector": vector},
        )
        SimilarityKey.objects.filter(initiative_id=initiative_id).delete()
        SimilarityKey.objects.bulk_create(
            [SimilarityKey(initiative_id=initiative_id, key=int(k)) for k in keys])
        SimilarPair.objects.filter(Q(a_id=initiative_id) | Q(b_id=initiative_id)).delete()
        SimilarPair.objects.bulk_create([
            SimilarPair(a_id=min(initiative_id, other), b_id=max(initiative_id, other),
                        score=round(score, 4), method=version, computed_at=now)
            for other, score in found
        ])


def overlap_update_initiative(*, initiative_id: int, force: bool = False) -> int | None:
    """
    Bring one initiative's vector, keys and pairs up to date, touching no other initiative's
    pairs. Returns how many pairs it now has, or None when nothing had to change (its text,
    sub-domains and the method are as stored, unless `force`). Before the first full
    recompute with the site's method there is no state: this runs the full recompute instead.

    TF-IDF: candidates are the initiatives with a blocking key among the initiative's word
    features (the `max_candidates` sharing most); their stored vectors are scored exactly.
    Words that are new since the state was fitted count for nothing until the next full
    recompute. Semantic: the initiative's vector is compared with every stored vector,
    `CHUNK` at a time (exact; memory holds one chunk).
    """
    method = overlap_method()
    model = overlap_state(method)
    if model is None:
        overlaps_recompute()
        return SimilarPair.objects.filter(Q(a_id=initiative_id) | Q(b_id=initiative_id)).count()
    initiative = with_subdomains(Initiative.objects.filter(pk=initiative_id)).first()
    if initiative is None:
        return None  # deleted: its rows went with it
    document = initiative_document(initiative)
    if method is SEMANTIC:
        return _update_semantic(initiative_id=initiative_id, document=document, model=model,
                                force=force)
    fingerprint = document_hash(document)
    stored = InitiativeVector.objects.filter(initiative_id=initiative_id).only(
        "method", "document_hash").first()
    if (not force and stored is not None and stored.method == METHOD_VERSION
            and stored.document_hash == fingerprint):
        return None
    vectors = model.transform([document])
    keys = model.keys(vectors)[0]
    row = vectors.indices[vectors.indptr[0]:vectors.indptr[1]]
    words = row[row < CONFIG.word_features]
    candidates = list(
        SimilarityKey.objects.filter(key__in=[int(w) for w in words])
        .exclude(initiative_id=initiative_id).values("initiative_id")
        .annotate(shared=Count("pk")).order_by("-shared", "initiative_id")
        .values_list("initiative_id", flat=True)[:200]
    )
    found: list[tuple[int, float]] = []
    if candidates:
        stored_vectors = list(InitiativeVector.objects.filter(
            initiative_id__in=candidates, method=METHOD_VERSION).values_list(
            "initiative_id", "vector"))
        if stored_vectors:
            matrix = vectors_from_bytes([bytes(v) for _pk, v in stored_vectors], WIDTH)
            scores = np.asarray((matrix @ vectors.T).todense()).ravel()
            order = np.argsort(-scores, kind="stable")[: CONFIG.top_k]
            found = [(stored_vectors[i][0], float(scores[i])) for i in order
                     if scores[i] >= CONFIG.threshold]
    _store_update(initiative_id=initiative_id, version=METHOD_VERSION, fingerprint=fingerprint,
                  vector=vector_to_bytes(vectors, 0), keys=keys, found=found)
    return len(found)


def _update_semantic(*, initiative_id: int, document: Document,
                     model: embedding.EmbeddingModel, force: bool) -> int | None:
    text = model.texts([document])[0]
    fingerprint = text_hash(text)
    stored = InitiativeVector.objects.filter(initiative_id=initiative_id).only(
        "method", "document_hash").first()
    if (not force and stored is not None and stored.method == SEMANTIC.version
            and stored.document_hash == fingerprint):
        return None
    vector = embedding.load_encoder().encode([text])[0]
    best_ids = np.zeros(0, dtype=np.int64)
    best_scores = np.zeros(0, dtype=np.float32)
    rows = (InitiativeVector.objects.filter(method=SEMANTIC.version)
            .exclude(initiative_id=initiative_id).order_by("initiative_id")
            .values_list("initiative_id", "vector"))
    for chunk in chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        scores = embedding.vectors_from_bytes([bytes(v) for _pk, v in chunk]) @ vector
        columns, values = embedding.top_of_row(scores, SEMANTIC.top_k, SEMANTIC.threshold)
        best_ids = np.concatenate([best_ids, np.array([chunk[c][0] for c in columns],
                                                      dtype=np.int64)])
        best_scores = np.concatenate([best_scores, values])
        order = np.lexsort((best_ids, -best_scores))[: SEMANTIC.top_k]
        best_ids, best_scores = best_ids[order], best_scores[order]
    found = [(int(pk), float(score)) for pk, score in zip(best_ids, best_scores, strict=True)]
    _store_update(initiative_id=initiative_id, version=SEMANTIC.version,
                  fingerprint=fingerprint, vector=embedding.vector_to_bytes(vector), keys=(),
                  found=found)
    return len(found)


def overlap_enqueue(initiative_id: int) -> None:
    """Queue the update of one initiative's overlaps once the current transaction commits."""
    def enqueue() -> None:
        try:
            overlap_update_task.enqueue(initiative_id)
        except Exception:  # a failed update must never break saving an initiative
            logger.exception("Could not update the overlaps of initiative %s", initiative_id)

    transaction.on_commit(enqueue)


def on_initiatives_imported(sender, initiative_ids: list[int], **kwargs) -> None:
    """`initiatives_imported` receiver: once the import commits, queue the update of the
    imported initiatives' overlaps, or a full recompute for more than `RECOMPUTE_ABOVE`."""
    ids = sorted(set(initiative_ids))
    if not ids:
        return

    def enqueue() -> None:
        try:
            if len(ids) > RECOMPUTE_ABOVE:
                overlaps_recompute_task.enqueue()
            else:
                overlap_update_many_task.enqueue(ids)
        except Exception:  # a failed update must never break an import
            logger.exception("Could not update the overlaps of %s imported initiatives",
                             len(ids))

    transaction.on_commit(enqueue)


def on_initiative_saved(sender, instance: Initiative, raw: bool = False, **kwargs) -> None:
    """post_save receiver: a saved initiative's overlaps are brought up to date."""
    if not raw:
        overlap_enqueue(instance.pk)


def on_subdomains_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """m2m_changed receiver for Initiative.subdomains: the initiatives concerned are updated."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        overlap_enqueue(instance.pk)
    else:
        for pk in pk_set or ():
            overlap_enqueue(pk)
