"""
Overlaps: which initiatives look like the same work (docs/insights-gaps.md, method in
docs/methods/similarity.md).

`SimilarityState` holds the fitted TF-IDF state of a method version; every initiative has its
vector (`InitiativeVector`) and blocking keys (`SimilarityKey`) under that state, and the pairs
found at or above the threshold are `SimilarPair` rows (smaller initiative id first). A member's
"not the same" is an `OverlapDismissal`, kept apart from the pairs so that it survives every
recomputation.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["InitiativeVector", "OverlapDismissal", "SimilarPair", "SimilarityKey",
           "SimilarityState"]


class SimilarityState(models.Model):
    """The fitted state of one similarity method version (document frequencies, boilerplate)."""

    method = models.CharField(_("method"), max_length=40, unique=True)
    state = models.BinaryField(_("state"))
    documents = models.PositiveIntegerField(_("documents seen"), default=0)
    fitted_at = models.DateTimeField(_("fitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("similarity state")
        verbose_name_plural = _("similarity states")

    def __str__(self):
        return f"{self.method} ({self.documents} documents)"


class InitiativeVector(models.Model):
    """An initiative's TF-IDF vector under a method's state, and a hash of what it was made of."""

    initiative = models.OneToOneField("initiatives.Initiative", on_delete=models.CASCADE,
                                      related_name="similarity_vector")
    method = models.CharField(_("method"), max_length=40)
    document_hash = models.CharField(_("document hash"), max_length=32)
    vector = models.BinaryField(_("vector"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("initiative vector")
        verbose_name_plural = _("initiative vectors")

    def __str__(self):
        return f"Vector of initiative {self.initiative_id}"


class SimilarityKey(models.Model):
    """One blocking key of an initiative (a hashed word feature): the inverted index."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE,
                                   related_name="+")
    key = models.BigIntegerField(_("key"))

    class Meta:
        verbose_name = _("similarity key")
        verbose_name_plural = _("similarity keys")
        indexes = [models.Index(fields=["key", "initiative"], name="insights_simkey_key")]

    def __str__(self):
        return f"{self.initiative_id}: {self.key}"


class SimilarPairManager(models.Manager):
    def others_working_on_this(self, *, user, limit: int = 10):
        """
        From an initiative's related manager (`initiative.overlap_pairs`): the similar
        initiatives `user` may see, split into this coalition and others (see
        `smartplace.insights.overlap_reads.similar_for_initiative`). Used by
        `insights/includes/_similar.html`.
        """
        from smartplace.insights.overlap_reads import similar_for_initiative

        return similar_for_initiative(initiative=self.instance, user=user, limit=limit)


class SimilarPair(models.Model):
    """Two initiatives whose similarity score reached the threshold (a's id is the smaller)."""

    a = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE,
                          related_name="overlap_pairs")
    b = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE,
                          related_name="+")
    score = models.FloatField(_("similarity score"))
    method = models.CharField(_("method"), max_length=40)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = SimilarPairManager()

    class Meta:
        ordering = ["-score", "a", "b"]
        verbose_name = _("similar pair")
        verbose_name_plural = _("similar pairs")
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="similar_pair_unique"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="similar_pair_ordered"),
        ]
        indexes = [models.Index(fields=["b"], name="insights_simpair_b")]

    def __str__(self):
        return f"{self.a_id} ~ {self.b_id} ({self.score:.2f})"


class OverlapDismissal(models.Model):
    """A member said that two initiatives are not the same work: the pair stays hidden."""

    a = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE,
                          related_name="+")
    b = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE,
                          related_name="+")
    dismissed_by = models.ForeignKey("people.Person", verbose_name=_("dismissed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("dismissed at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("overlap dismissal")
        verbose_name_plural = _("overlap dismissals")
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="overlap_dismissal_unique"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="overlap_dismissal_ordered"),
        ]

    def __str__(self):
        return f"{self.a_id} is not {self.b_id}"
