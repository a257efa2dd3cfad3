"""
Frameworks as data. Names, descriptions and questions can be stored in Welsh too (`name_cy`,
`description_cy`, `text_cy`; empty means "not translated"): pages in Welsh show them through
the `localised(obj, "name")` template helper, falling back to English.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartplace.core.models import TimeStampedModel


class Framework(TimeStampedModel):
    """
    A domain model: a versioned tree domain → sub-domain, with smart questions on domains and
    an ordinal fitness scale.

    Built-in frameworks (coalition is empty) are loaded from data files by
    `smartplace load-frameworks` (see docs/frameworks.md). A coalition adopts one by copy
    (`framework_adopt`), so its edits never change the built-in; `copied_from` and
    `copied_from_version` record the origin.
    """

    slug = models.SlugField(_("slug"), max_length=100)
    version = models.CharField(_("version"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    source = models.TextField(_("source"), blank=True,
                              help_text=_("Where the model comes from, for example the title of "
                                          "the report or post it was published in."))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    attribution = models.TextField(_("attribution"), blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    licence_url = models.URLField(_("licence address"), max_length=500, blank=True)
    is_builtin = models.BooleanField(_("built-in"), default=False)
    coalition = models.ForeignKey(
        "coalitions.Coalition", verbose_name=_("coalition"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="frameworks",
        help_text=_("The coalition that owns this copy; empty for built-ins."),
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="copies",
    )
    copied_from_version = models.CharField(_("copied from version"), max_length=30, blank=True)

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"], condition=Q(coalition__isnull=True),
                name="framework_builtin_slug_version_unique",
            ),
            models.UniqueConstraint(
                fields=["coalition", "slug", "version"], name="framework_coalition_slug_unique",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"

    def get_absolute_url(self):
        if self.coalition_id:
            return reverse("coalitions:coalition_detail", kwargs={"slug": self.coalition.slug})
        return reverse("frameworks:framework_detail",
                       kwargs={"slug": self.slug, "version": self.version})


class FitnessLevel(models.Model):
    """One step of a framework's ordinal fitness scale; position 1 is the lowest."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=100, blank=True)
    description_cy = models.TextField(_("description in Welsh"), blank=True)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("fitness level")
        verbose_name_plural = _("fitness levels")
        constraints = [
            models.UniqueConstraint(fields=["framework", "position"], name="level_position_unique"),
            models.UniqueConstraint(fields=["framework", "slug"], name="level_slug_unique"),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"


class Domain(models.Model):
    """One area of focus in a framework ("Economy"), optionally in a group ("Strategy")."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    slug = models.SlugField(_("slug"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True,
                             help_text=_("An optional grouping, e.g. “Strategy” or “Execution”."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["framework", "position", "name"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="domain_slug_unique"),
        ]

    def __str__(self):
        return self.name


class SubDomain(models.Model):
    """A specific subject area within a domain; fitness is rated per sub-domain."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="subdomains")
    slug = models.SlugField(_("slug"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False,
        help_text=_("An example sub-domain for a coalition to edit, not an agreed one."),
    )

    class Meta:
        ordering = ["domain", "position", "name"]
        verbose_name = _("sub-domain")
        verbose_name_plural = _("sub-domains")
        constraints = [
            models.UniqueConstraint(fields=["domain", "slug"], name="subdomain_slug_unique"),
        ]

    def __str__(self):
        return self.name


class SmartQuestion(TimeStampedModel):
    """
    A challenge question for a domain ("How do we get more start-ups to scale up?").

    Proposed by a member (`proposed_by`; empty for questions from framework files), supported
    by others (`SmartQuestionSupport`), then agreed or declined by the domain's lead or a
    coordinator (`decided_by`, `decided_at`). Declined questions are kept, and shown only to
    the coalition's members (`selectors.smart_question_visible`); docs/frameworks.md.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed by the domain group")
        DECLINED = "declined", _("Declined")
        EXAMPLE = "example", _("Example")

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    text_cy = models.TextField(_("question in Welsh"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PROPOSED)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    proposed_by = models.ForeignKey(
        "people.Person", verbose_name=_("proposed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="proposed_questions",
    )
    decided_by = models.ForeignKey(
        "people.Person", verbose_name=_("agreed or declined by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="decided_questions",
    )
    decided_at = models.DateTimeField(_("agreed or declined"), null=True, blank=True)
    supporters = models.ManyToManyField(
        "people.Person", through="SmartQuestionSupport", blank=True,
        related_name="supported_questions", verbose_name=_("supporters"),
    )

    class Meta:
        ordering = ["domain", "position", "id"]
        verbose_name = _("smart question")
        verbose_name_plural = _("smart questions")

    def __str__(self):
        return self.text


class SmartQuestionSupport(models.Model):
    """One person's support for a proposed smart question (at most one each)."""

    question = models.ForeignKey(SmartQuestion, on_delete=models.CASCADE, related_name="supports",
                                 verbose_name=_("smart question"))
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="question_supports", verbose_name=_("supporter"))
    created_at = models.DateTimeField(_("supported"), default=timezone.now)

    class Meta:
        ordering = ["question", "created_at", "id"]
        verbose_name = _("support for a smart question")
        verbose_name_plural = _("support for smart questions")
        constraints = [
            models.UniqueConstraint(fields=["question", "person"],
                                    name="one_support_per_person_and_question"),
        ]

    def __str__(self):
        return f"{self.person} supports {self.question}"
