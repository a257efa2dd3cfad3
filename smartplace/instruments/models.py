"""
Instruments (questionnaires with their scoring method) as data.

An `Instrument` (slug + version) has `Section`s of `Question`s with `Option`s, and optional
`MaturityLevel`s reached by one named rule. The rows hold exactly what the file format
`smartplace-instrument/1` holds (docs/instruments.md); `selectors.instrument_definition` turns
them back into a definition and `selectors.instrument_to_method` into the
`smartplace.methods.scoring.Instrument` that scores answers.

Exact numbers (points, weights, bounds) are stored as text in normal form ("2", "0.4", "1/3",
see `files.format_exact`), because weights such as one third have no exact decimal.

Assessments built on an instrument refer to its questions by primary key: re-importing the same
slug and version updates sections, questions, options and levels in place, matched by code, so
the keys of what is kept do not change.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartplace.core.models import TimeStampedModel
from smartplace.methods.rounding import ROUNDING_POLICIES
from smartplace.methods.scoring import QuestionKind

EXACT_HELP = _("An exact number: a whole number, a decimal such as “0.4”, or a fraction "
               "such as “1/3”.")


class Instrument(TimeStampedModel):
    """A versioned questionnaire with its scoring method, loaded from instrument files."""

    class MaturityRule(models.TextChoices):
        NONE = "", _("No maturity levels")
        CUMULATIVE = "cumulative", _("Cumulative: every question of each level up to it met")
        THRESHOLD = "threshold", _("Threshold: a share of the questions of each level met")
        BANDS = "bands", _("Bands on a score")

    class OverallOn(models.TextChoices):
        WEIGHTED = "weighted", _("Weighted total")
        RAW = "raw", _("Raw total")

    slug = models.SlugField(_("slug"), max_length=100,
                            help_text=_("For example “digital-maturity”."))
    version = models.CharField(_("version"), max_length=30,
                               help_text=_("For example “2026” or “1.1”."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    attribution = models.TextField(_("attribution"), blank=True)
    licence = models.CharField(_("licence"), max_length=500, blank=True)
    licence_url = models.URLField(_("licence address"), max_length=500, blank=True)
    format_version = models.CharField(_("file format"), max_length=50,
                                      default="smartplace-instrument/1")
    groups = models.JSONField(
        _("groups"), default=list, blank=True,
        help_text=_("The groups of organisations (e.g. council types) that applicability and "
                    "section weights refer to: a list of {“code”, “name”}."),
    )
    rounding_policy = models.CharField(
        _("rounding policy"), max_length=50, default="half_up",
        choices=[(name, name) for name in ROUNDING_POLICIES],
    )
    rounding_places = models.PositiveSmallIntegerField(_("rounding places"), default=0)
    maturity_rule = models.CharField(_("maturity rule"), max_length=20, blank=True,
                                     choices=MaturityRule.choices, default=MaturityRule.NONE)
    maturity_share = models.CharField(_("threshold share"), max_length=50, blank=True,
                                      help_text=EXACT_HELP)
    maturity_overall_on = models.CharField(_("overall level from"), max_length=10,
                                           choices=OverallOn.choices, default=OverallOn.WEIGHTED)
    maturity_use_published = models.BooleanField(_("bands compare the published figure"),
                                                 default=False)
    is_builtin = models.BooleanField(_("built-in"), default=False)

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"],
                                    name="instrument_slug_version_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"

    def get_absolute_url(self):
        return reverse("instruments:instrument_methodology",
                       kwargs={"slug": self.slug, "version": self.version})

    @property
    def label(self) -> str:
        """`slug@version`, as the command line names it."""
        return f"{self.slug}@{self.version}"

    def group_name(self, code: str) -> str:
        """The name of the group with this code (the code when it has no name)."""
        for group in self.groups:
            if group.get("code") == code:
                return group.get("name") or code
        return code


class Section(models.Model):
    """A section of an instrument, with its weight and any weights per group."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    weight = models.CharField(_("weight"), max_length=50, blank=True, help_text=EXACT_HELP)
    group_weights = models.JSONField(
        _("weights per group"), default=dict, blank=True,
        help_text=_("Weights for named groups, overriding the weight, e.g. "
                    "{“county”: “0.4”, “district”: “0.5”}."),
    )

    class Meta:
        ordering = ["instrument", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="section_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Question(models.Model):
    """One question of an instrument."""

    class Kind(models.TextChoices):
        YES_NO = QuestionKind.YES_NO.value, _("Yes or no")
        SINGLE_CHOICE = QuestionKind.SINGLE_CHOICE.value, _("Single choice")
        MULTIPLE_CHOICE = QuestionKind.MULTIPLE_CHOICE.value, _("Multiple choice")
        LEVEL = QuestionKind.LEVEL.value, _("Level")
        NUMBER = QuestionKind.NUMBER.value, _("Number")
        TEXT = QuestionKind.TEXT.value, _("Text")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE,
                                   related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=50)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("question"))
    hint = models.TextField(_("hint"), blank=True)
    weight = models.CharField(_("weight"), max_length=50, default="1", help_text=EXACT_HELP)
    cap = models.CharField(_("maximum (cap)"), max_length=50, blank=True,
                           help_text=_("For multiple choice: the most its options can add up "
                                       "to."))
    applies_to = models.JSONField(
        _("applies to"), null=True, blank=True,
        help_text=_("The group codes the question applies to; empty for every group."),
    )
    not_applicable_allowed = models.BooleanField(_("may be answered “not applicable”"),
                                                 default=False)
    level = models.PositiveSmallIntegerField(_("maturity level"), null=True, blank=True)
    continues = models.CharField(
        _("continues"), max_length=50, blank=True,
        help_text=_("The code of the question in an earlier version that this one continues "
                    "unchanged in meaning."),
    )
    scale_zero_at = models.CharField(_("scale: no points at"), max_length=50, blank=True)
    scale_full_at = models.CharField(_("scale: full points at"), max_length=50, blank=True)
    scale_points = models.CharField(_("scale: full points"), max_length=50, blank=True)

    class Meta:
        ordering = ["instrument", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="question_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"


class Option(models.Model):
    """An answer a choice question offers, or a band of a number question, with its points."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=500, blank=True)
    points = models.CharField(_("points"), max_length=50, default="0", help_text=EXACT_HELP)
    at_least = models.CharField(_("at least"), max_length=50, blank=True)
    below = models.CharField(_("below"), max_length=50, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique"),
        ]

    def __str__(self):
        return self.label or self.code


class MaturityLevel(models.Model):
    """A named maturity level (1 is the lowest); `at_least` is its lower bound under bands."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE,
                                   related_name="maturity_levels")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    at_least = models.CharField(_("lower bound"), max_length=50, blank=True,
                                help_text=_("Bands rule only: the score (a fraction, 0.7 for "
                                            "70%) from which this level is reached."))

    class Meta:
        ordering = ["instrument", "number"]
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"],
                                    name="maturity_level_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"
