"""
A published assessment cycle's data package: the instrument (sections, weights, questions,
options, maturity levels) and the results as the cycle's public pages show them.

Only cycles whose results are public have a dataset (published, and not under the private
policy). A named cycle's package holds its organisations, their totals, ranks and change, their
section scores, the composite index and the published answers (from which every figure can be
recomputed); an anonymised cycle's holds cohort statistics only, with the pages' minimum cohort
size, and names no organisation. The rows come from `cycle_rows.CycleData`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.assessments.cohorts import MIN_COHORT
from smartplace.assessments.composite import (
    INDEX_MIN_COVERAGE,
    INDEX_MIN_UNIT_COVERAGE,
)
from smartplace.assessments.models import Cycle, Participant, Stage
from smartplace.assessments.selectors import cycle_public_list
from smartplace.instruments.models import Instrument, Question
from smartplace.methods.rounding import ROUNDING_POLICIES
from smartplace.opendata.datasets.cycle_rows import CycleData
from smartplace.opendata.packages import Column, ForeignKey, Package, Table
from smartplace.opendata.registry import DatasetMeta
from smartplace.organisations.models import Sector

KIND = "cycles"
#: `smartplace make-data-release --cycle SLUG`
RELEASE_OPTION = "cycle"
RELEASE_HELP = "a published assessment cycle's slug, as in its address"
RELEASE_UNKNOWN = ("There is no published assessment cycle with the slug “{key}” (a cycle's "
                   "data is released once it is published, unless it is private).")
EXACT = ("an exact number: a whole number, a decimal such as 0.4, or a fraction such as 1/3 "
         "when it has no exact decimal")
PERCENT = "as published: rounded by the instrument's rounding policy"

C = Column


def _instrument_tables(data: CycleData) -> list[Table]:
    """The cycle, its instrument, groups, sections and their weights, questions, options and
    maturity levels: the same for every policy."""
    return [
        Table("cycle", "The assessment cycle", "One row: the cycle this package is of.", [
            C("slug", "string", "Name of the cycle in its address.", required=True,
              unique=True),
            C("name", "string", "Name.", required=True),
            C("description", "string", "What the cycle is."),
            C("instrument", "string", "The instrument used, slug@version.", required=True),
            C("policy", "string", "How results are published: named (every organisation's "
              "results) or anonymised (cohort statistics only).", required=True,
              enum=[Cycle.Policy.NAMED, Cycle.Policy.ANONYMISED]),
            C("peer_groups_by", "string", "What organisations are compared within: place_type, "
              "region or custom.", required=True, enum=list(Cycle.GroupBasis.values)),
            C("opens_on", "date", "When the cycle opened."),
            C("closes_on", "date", "When it closed."),
            C("published_at", "datetime", "When its results were published.", required=True),
            C("previous_cycle", "string", "The published cycle change is measured from."),
            C("organisations", "integer", "Organisations whose results are published.",
              required=True),
            C("demo", "boolean", "Demonstration data, not a real assessment.", required=True),
            C("url", "uri", "The cycle's results page.", required=True),
            C("methodology_url", "uri", "The instrument's methodology page.", required=True),
        ], data.cycle_rows, primary_key=["slug"]),
        Table("instrument", "The instrument",
              "One row: the questionnaire with its scoring method.", [
                  C("slug", "string", "Name of the instrument.", required=True, unique=True),
                  C("version", "string", "Its version.", required=True),
                  C("name", "string", "Name.", required=True),
                  C("description", "string", "What it is."),
                  C("source", "string", "Where the questionnaire comes from."),
                  C("source_url", "string", "Address of the source."),
                  C("attribution", "string", "Attribution."),
                  C("licence", "string", "Licence of the questionnaire and its results "
                                         "(blank: the site's default)."),
                  C("licence_url", "string", "Address of the licence."),
                  C("rounding_policy", "string", "The named rounding policy of every "
                    "published percentage (docs/methods/scoring.md).", required=True,
                    enum=list(ROUNDING_POLICIES)),
                  C("rounding_places", "integer", "Decimal places of published percentages.",
                    required=True),
                  C("maturity_rule", "string", "How maturity levels are reached: cumulative, "
                    "threshold or bands (blank: no levels).",
                    enum=[r for r in Instrument.MaturityRule.values if r]),
                  C("maturity_share", "string", f"Threshold rule: the share of a level's "
                                                f"questions to meet, {EXACT}."),
                  C("maturity_overall_on", "string", "Bands rule: the overall level is on the "
                    "weighted or the raw total.", enum=list(Instrument.OverallOn.values)),
                  C("maturity_use_published", "boolean", "Bands rule: bands compare the "
                                                         "published percentage."),
                  C("url", "uri", "The methodology page.", required=True),
              ], data.instrument_rows, primary_key=["slug"]),
        Table("groups", "Groups of organisations",
              "The instrument's groups (e.g. council types), which decide the questions that "
              "apply and the section weights. Empty when it has none.", [
                  C("code", "string", "Code of the group.", required=True, unique=True),
                  C("name", "string", "Name.", required=True),
              ], data.group_rows, primary_key=["code"]),
        Table("sections", "Sections", "The instrument's sections, in order.", [
            C("code", "string", "Code of the section.", required=True, unique=True),
            C("position", "integer", "Order in the instrument.", required=True),
            C("title", "string", "Title.", required=True),
            C("description", "string", "Description."),
            C("weight", "string", f"Weight as the instrument gives it (blank: none), {EXACT}; "
                                  "section_weights.csv has the weight used for each group."),
        ], data.section_rows, primary_key=["code"]),
        Table("section_weights", "Section weights",
              "The weight of each section in the weighted total for each group (one row a "
              "section when the instrument has no groups). When no section has a weight, "
              "every weight is 1.", [
                  C("section", "string", "A section's code.", required=True),
                  C("group", "string", "A group's code (blank: every organisation)."),
                  C("weight", "string", f"The weight, {EXACT}."),
              ], data.section_weight_rows,
              foreign_keys=[ForeignKey(["section"], "sections", ["code"])]),
        Table("questions", "Questions", "Every question, in order, with how it scores.", [
            C("code", "string", "Code of the question.", required=True, unique=True),
            C("section", "string", "Its section's code.", required=True),
            C("position", "integer", "Order in the instrument.", required=True),
            C("kind", "string", "yes_no, single_choice, multiple_choice, level, number or "
                                "text.", required=True, enum=list(Question.Kind.values)),
            C("text", "string", "The question.", required=True),
            C("hint", "string", "Help shown under it."),
            C("weight", "string", f"Multiplies its points and maximum, {EXACT}.",
              required=True),
            C("cap", "string", f"Multiple choice: the most its options add up to, {EXACT}."),
            C("maximum", "string", f"The most it can earn, weight applied, {EXACT} "
                                   "(blank: not scored)."),
            C("points", "string", "How it earns points, in words, as the methodology page "
                                  "says."),
            C("applies_to", "string", "The groups it applies to (blank: every group); for "
                                      "others it is left out of the maximum.", is_list=True),
            C("not_applicable_allowed", "boolean", "Whether it may be answered “not "
                                                   "applicable”.", required=True),
            C("level", "integer", "The maturity level it evidences."),
            C("continues", "string", "The question of an earlier version it continues (for "
                                     "change since the previous cycle)."),
            C("scale_zero_at", "string", f"Number scale: no points at this answer, {EXACT}."),
            C("scale_full_at", "string", f"Number scale: full points at this answer, {EXACT}."),
            C("scale_points", "string", f"Number scale: the full points, {EXACT}."),
        ], data.question_rows, primary_key=["code"],
            foreign_keys=[ForeignKey(["section"], "sections", ["code"])]),
        Table("options", "Options", "Each option of a choice question, or band of a number "
              "question, with its points (negative points are a negative mark).", [
                  C("question", "string", "The question's code.", required=True),
                  C("code", "string", "Code of the option.", required=True),
                  C("position", "integer", "Order within the question.", required=True),
                  C("label", "string", "What the respondent sees."),
                  C("points", "string", f"Points for choosing it, {EXACT}.", required=True),
                  C("at_least", "string", f"Number band: lowest answer in it, {EXACT}."),
                  C("below", "string", f"Number band: answers below this, {EXACT}."),
              ], data.option_rows, primary_key=["question", "code"],
              foreign_keys=[ForeignKey(["question"], "questions", ["code"])]),
        Table("maturity_levels", "Maturity levels",
              "The levels of the instrument's maturity rule (instrument.csv), lowest first.", [
                  C("number", "integer", "1 is the lowest.", required=True, unique=True),
                  C("name", "string", "Name.", required=True),
                  C("description", "string", "Description."),
                  C("at_least", "string", f"Bands rule: the score from which it is reached, "
                                          f"as a fraction (0.5 is 50%), {EXACT}."),
              ], data.level_rows, primary_key=["number"]),
    ]


def _named_tables(data: CycleData) -> list[Table]:
    """Per organisation: who, totals and league entries, section scores, index, answers."""
    organisation_fk = ForeignKey(["organisation"], "organisations", ["organisation"])
    return [
        Table("organisations", "Organisations",
              "The organisations whose results are published, by name.", [
                  C("organisation", "string", "Name in its address (slug); the key.",
                    required=True, unique=True),
                  C("name", "string", "Name.", required=True),
                  C("sector", "string", "public, business, academic, voluntary or other.",
                    required=True, enum=list(Sector.values)),
                  C("place_code", "string", "Code of the place a council governs: its GSS "
                                            "code, or register code."),
                  C("gss_code", "string", "ONS GSS code of the place it governs."),
                  C("companies_house_number", "string", "Companies House number."),
                  C("charity_number", "string", "Charity number."),
                  C("group", "string", "Its group in the instrument (groups.csv)."),
                  C("peer_group", "string", "The peer group it is ranked in (blank: none)."),
                  C("scorecard_url", "uri", "Its scorecard page.", required=True),
                  C("url", "uri", "Its organisation page.", required=True),
              ], data.organisation_rows, primary_key=["organisation"]),
        Table("results", "Results",
              "Each organisation's totals, maturity, rank in its peer group and change since "
              "the previous cycle, as its scorecard and the league tables show them.", [
                  C("organisation", "string", "The organisation.", required=True, unique=True),
                  C("points", "string", f"Raw total: all points, {EXACT}.", required=True),
                  C("maximum", "string", f"Raw total: all maxima, {EXACT}.", required=True),
                  C("raw_fraction", "string", f"points ÷ maximum, {EXACT}."),
                  C("raw_percent", "number", f"The raw total in per cent, {PERCENT}."),
                  C("weighted_fraction", "string", f"Weighted total: Σ weight × section "
                                                   f"fraction ÷ Σ weight, {EXACT}."),
                  C("weighted_percent", "number", f"The weighted total in per cent, "
                                                  f"{PERCENT}; the score ranked."),
                  C("level", "integer", "Overall maturity level reached (maturity_levels)."),
                  C("level_name", "string", "Its name."),
                  C("peer_group", "string", "The peer group (blank: not ranked)."),
                  C("rank_in_peer_group", "integer", "Competition rank of the published "
                    "weighted total in the peer group: equal scores share the best rank."),
                  C("peer_group_size", "integer", "Organisations ranked in the peer group."),
                  C("percentile_in_peer_group", "number", "Share of the group scoring lower "
                    "plus half the share scoring the same, in per cent, to one decimal place."),
                  C("change_points", "number", f"Change since the previous cycle in percentage "
                    f"points over the questions compared, {PERCENT} (blank: not shown)."),
                  C("change_previous_percent", "number", "Previous cycle, questions compared, "
                                                         "per cent."),
                  C("change_current_percent", "number", "This cycle, questions compared, "
                                                        "per cent."),
                  C("change_questions_compared", "integer", "Questions compared."),
                  C("change_questions_not_compared", "string", "Questions new or changed since "
                                                               "the previous cycle.",
                    is_list=True),
              ], data.result_rows, primary_key=["organisation"],
              foreign_keys=[organisation_fk]),
        Table("section_scores", "Section scores",
              "Each organisation's score in each section, as its scorecard shows it.", [
                  C("organisation", "string", "The organisation.", required=True),
                  C("section", "string", "The section.", required=True),
                  C("points", "string", f"Points, floored at 0, {EXACT}.", required=True),
                  C("maximum", "string", f"Maximum of the questions that apply, {EXACT}.",
                    required=True),
                  C("fraction", "string", f"points ÷ maximum, {EXACT} (blank: maximum 0)."),
                  C("percent", "number", f"The section's score in per cent, {PERCENT}."),
                  C("weight", "string", f"The section's weight for the organisation's group, "
                                        f"{EXACT}.", required=True),
                  C("level", "integer", "Maturity level reached in the section."),
                  C("level_name", "string", "Its name."),
              ], data.section_score_rows, primary_key=["organisation", "section"],
              foreign_keys=[organisation_fk, ForeignKey(["section"], "sections", ["code"])]),
        Table("composite_index", "Composite index",
              "The composite index as its page lists it, by rank, then the organisations left "
              "out for too little data.", [
                  C("organisation", "string", "The organisation.", required=True, unique=True),
                  C("rank", "integer", "Competition rank on the index (blank: not ranked)."),
                  C("index", "number", "Mean of the section means of the questions' z-scores, "
                                       "to three decimal places (blank: missing)."),
                  C("coverage", "string", f"Share of sections with a value, {EXACT}."),
                  C("left_out", "boolean", "Left out for values on less than "
                    f"{INDEX_MIN_UNIT_COVERAGE * 100:.0f}% of the indicators.", required=True),
                  C("indicator_coverage", "string", f"For those left out: the share of "
                                                    f"indicators with a value, {EXACT}."),
              ], data.index_rows, primary_key=["organisation"], foreign_keys=[organisation_fk]),
        Table("answers", "Answers",
              "Every published answer with its evidence: byte for byte the cycle's "
              "answers.csv page, in the answers file format of docs/instruments.md.", [
                  C("organisation", "string", "The organisation.", required=True),
                  C("question", "string", "The question.", required=True),
                  C("answer", "string", "The answer: an option's code (several separated by "
                    "“;”), a number, text, “n/a” for not applicable; blank: unanswered."),
                  C("evidence_url", "string", "Evidence: a web address."),
                  C("evidence_page", "string", "Evidence: a page."),
                  C("evidence_quote", "string", "Evidence: a quotation."),
              ], data.answer_rows, primary_key=["organisation", "question"],
              foreign_keys=[organisation_fk,
                            ForeignKey(["question"], "questions", ["code"])]),
    ]


def _anonymised_tables(data: CycleData) -> list[Table]:
    """Cohort statistics only: no organisation, nothing per organisation."""
    cohort_fk = ForeignKey(["cohort"], "cohorts", ["cohort"])
    return [
        Table("cohorts", "Cohort statistics",
              f"Statistics of the published weighted totals of every organisation, then of "
              f"each peer group, as the results page shows them. Cohorts of fewer than "
              f"{MIN_COHORT} organisations are suppressed: only their size is published.", [
                  C("cohort", "string", "Every organisation, or a peer group.", required=True,
                    unique=True),
                  C("organisations", "integer", "Organisations in it.", required=True),
                  C("suppressed", "boolean", f"Fewer than {MIN_COHORT}: no statistics.",
                    required=True),
                  C("minimum", "number", "Lowest weighted total, per cent."),
                  C("lower_quartile", "number", "Lower quartile (linear interpolation), "
                                                "per cent."),
                  C("median", "number", "Median, per cent."),
                  C("upper_quartile", "number", "Upper quartile, per cent."),
                  C("maximum", "number", "Highest weighted total, per cent."),
              ], data.cohort_rows, primary_key=["cohort"]),
        Table("cohort_bands", "Scores in bands",
              "How many organisations of each cohort scored in each band of 20 percentage "
              "points (none for a suppressed cohort).", [
                  C("cohort", "string", "The cohort.", required=True),
                  C("band", "string", "The band.", required=True),
                  C("at_least", "integer", "Lowest weighted total in the band.", required=True),
                  C("below", "integer", "Totals below this (blank: up to 100)."),
                  C("organisations", "integer", "Organisations in the band.", required=True),
              ], data.cohort_band_rows, primary_key=["cohort", "band"],
              foreign_keys=[cohort_fk]),
        Table("cohort_levels", "Maturity levels reached",
              "How many organisations of each cohort reached each overall maturity level "
              "(none for a suppressed cohort).", [
                  C("cohort", "string", "The cohort.", required=True),
                  C("level", "integer", "The level.", required=True),
                  C("level_name", "string", "Its name.", required=True),
                  C("organisations", "integer", "Organisations at that level.", required=True),
              ], data.cohort_level_rows, primary_key=["cohort", "level"],
              foreign_keys=[cohort_fk, ForeignKey(["level"], "maturity_levels", ["number"])]),
    ]


def _method_note(cycle: Cycle, methodology_url: str) -> str:
    instrument = cycle.instrument
    text = [
        "## How the figures are made",
        "",
        f"Scores come from the instrument {instrument.label} (instrument.csv and the tables "
        f"after it; its methodology page is {methodology_url}). A section's score is its "
        "points ÷ the maximum of the questions that apply (blank answers score 0; questions "
        "that do not apply to the organisation's group, or answered “not applicable”, are "
        "left out); the weighted total is Σ weight × section score ÷ Σ weight with the "
        "section weights of the organisation's group. Published percentages are rounded "
        f"with the rounding policy “{instrument.rounding_policy}” to "
        f"{instrument.rounding_places} decimal places. The rules, with a worked example, "
        "are in smartplace's docs/methods/scoring.md; peer groups, ranks, percentiles, "
        "change and the composite index in docs/assessments.md and "
        "docs/methods/benchmarking.md.",
    ]
    if cycle.policy == Cycle.Policy.NAMED:
        text += [
            "",
            "To recompute every figure: answers.csv is an answers file (docs/instruments.md), "
            "and the columns organisation, name and group of organisations.csv, saved on "
            "their own as scoring.csv, an organisations file; "
            f"`smartplace score {instrument.label} answers.csv --organisations scoring.csv` "
            "then gives every figure of results.csv and section_scores.csv. "
            "The ranks are the competition ranks of weighted_percent within each peer group. "
            "The composite index standardises each scored question's share of its maximum "
            "as a z-score across the organisations, averages the z-scores into sections and "
            "the sections into the index, without weights; a section or the index needs "
            f"values for {INDEX_MIN_COVERAGE * 100:.0f}% of its parts, and an organisation "
            f"with values for less than {INDEX_MIN_UNIT_COVERAGE * 100:.0f}% of the questions "
            "is left out.",
        ]
    else:
        text += [
            "",
            "The cycle is published as an anonymised cohort: no organisation is named and no "
            "organisation's own figure is given. Statistics of a cohort of fewer than "
            f"{MIN_COHORT} organisations are not published. Quartiles interpolate linearly "
            "between the two nearest totals (as numpy's default).",
        ]
    return "\n".join(text)


def cycle_licence(cycle: Cycle) -> dict[str, str]:
    """The licence of the cycle's results, as its pages state it: the instrument's, or the
    site's default."""
    instrument = cycle.instrument
    if instrument.licence:
        return {"name": instrument.licence, "url": instrument.licence_url, "id": ""}
    return settings.SMARTPLACE_DEFAULT_LICENCE


def cycle_package(*, cycle: Cycle, absolute: Callable[[str], str], version: str,
                  created: datetime) -> Package:
    """The data package of a public `cycle` at `version` (its tables depend on the policy)."""
    data = CycleData(cycle, absolute)
    tables = _instrument_tables(data)
    tables += _named_tables(data) if cycle.is_named else _anonymised_tables(data)
    meta = dataset_meta(cycle)
    return Package(
        name=f"{cycle.slug}-results",
        title=f"{cycle.name}: open data",
        description=(cycle.description + " " if cycle.description else "") +
        _package_summary(cycle),
        licence=meta.licence, version=version, created=created,
        homepage=absolute(reverse("opendata:dataset_detail", kwargs={"kind": KIND,
                                                                     "key": cycle.slug})),
        report_url=absolute(reverse("opendata:report") + f"?dataset={KIND}/{cycle.slug}"),
        tables=tables, keywords=meta.keywords,
        notes=[_method_note(cycle, absolute(cycle.instrument.get_absolute_url()))],
    )


def _package_summary(cycle: Cycle) -> str:
    if cycle.policy == Cycle.Policy.NAMED:
        return (f"The published results of {cycle.name}: every organisation's scores, ranks "
                f"and answers, with the instrument {cycle.instrument.label}.")
    return (f"The published results of {cycle.name} as an anonymised cohort: statistics "
            f"only, no organisation named, with the instrument {cycle.instrument.label}.")


# --- the dataset kind (opendata.registry) -------------------------------------------------------


def dataset_list() -> list[Cycle]:
    """Every cycle whose results are public (published, not private), newest first."""
    return list(cycle_public_list().select_related("previous"))


def dataset_get(key: str) -> Cycle | None:
    """The public cycle with this slug; None for an unpublished or private one."""
    cycle = Cycle.objects.select_related("instrument", "previous").filter(slug=key).first()
    return cycle if cycle is not None and cycle.is_public else None


def dataset_meta(cycle: Cycle) -> DatasetMeta:
    """A cycle's dataset: under the instrument's licence (or the site's default). Its title
    and summary are in the active language (the pages'); the package's own are English."""
    if cycle.policy == Cycle.Policy.NAMED:
        summary = _("The instrument, and every published organisation's scores, ranks, "
                    "change and answers, as the cycle's results pages show them.")
    else:
        summary = _("The instrument, and statistics of the cohort: the cycle is published "
                    "anonymised, so no organisation is named.")
    return DatasetMeta(
        title=_("%(name)s: open data") % {"name": cycle.name}, description=cycle.description,
        summary=summary,
        licence=cycle_licence(cycle),
        keywords=["assessment", "benchmarking", cycle.instrument.name],
        creator_name=settings.SMARTPLACE_SITE_NAME, creator_url=cycle.get_absolute_url())


def last_changed(cycle: Cycle) -> datetime | None:
    """The latest of: its publication, a change to a published participant, the instrument."""
    latest = Participant.objects.filter(cycle=cycle, stage=Stage.PUBLISHED).aggregate(
        latest=Max("updated_at"))["latest"]
    moments = [d for d in (cycle.published_at, latest, cycle.instrument.updated_at) if d]
    return max(moments, default=None)


def package_build(obj: Cycle, *, absolute, version: str, created: datetime) -> Package:
    return cycle_package(cycle=obj, absolute=absolute, version=version, created=created)


#: The files of a named cycle's package that are about one organisation or name it.
NAMED_FILES = frozenset({"organisations.csv", "results.csv", "section_scores.csv",
                         "composite_index.csv", "answers.csv"})


def release_allowed(cycle: Cycle, release) -> bool:
    """
    A release made while the cycle named its organisations is no longer served once the cycle
    is not named (its policy was changed to anonymised): that policy promises that no
    organisation is named anywhere. (A cycle that is not public has no dataset at all.)
    """
    return cycle.is_named or not NAMED_FILES & {f["name"] for f in release.files}


def may_release(user, obj: Cycle) -> bool:
    """The cycle's coordinators (and superusers) make releases of its data."""
    return user.has_perm("opendata.make_release", obj)
