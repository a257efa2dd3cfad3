"""Dated releases of data packages, kept as they were; reports of problems with the data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataReleaseManager(models.Manager):
    """Releases without their zip: `archive` is deferred in every query (read it in ranges
    with `opendata.archives`; touching `release.archive` still loads it whole)."""

    def get_queryset(self):
        return super().get_queryset().defer("archive")


class DataRelease(models.Model):
    """
    A dataset's package as it was on `release_date`: the zip archive and a list of its files.

    Releases never change once made, so anything that cites one can be checked later.
    """

    kind = models.CharField(_("kind of dataset"), max_length=30)
    key = models.CharField(_("dataset"), max_length=120,
                           help_text=_("The slug of the coalition or assessment cycle."))
    release_date = models.DateField(_("release date"))
    version = models.CharField(_("version"), max_length=30)
    archive = models.BinaryField(_("zip archive"))
    files = models.JSONField(_("files"), default=list,
                             help_text=_("Name, size in bytes and SHA-256 of each file."))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = DataReleaseManager()

    class Meta:
        ordering = ["kind", "key", "-release_date"]
        verbose_name = _("data release")
        verbose_name_plural = _("data releases")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "release_date"],
                                    name="one_release_a_day_per_dataset"),
        ]

    def __str__(self):
        return f"{self.kind}/{self.key} {self.release_date}"


class DataProblemReport(models.Model):
    """Someone's report that something in a dataset is wrong or missing."""

    dataset = models.CharField(_("dataset"), max_length=200, blank=True)
    message = models.TextField(_("what is wrong"))
    email = models.EmailField(_("email address"), blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved = models.BooleanField(_("dealt with"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem with the data")
        verbose_name_plural = _("problems with the data")

    def __str__(self):
        return f"{self.dataset or 'site'}: {self.message[:60]}"
