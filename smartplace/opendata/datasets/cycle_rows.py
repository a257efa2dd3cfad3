"""
The rows of a published assessment cycle's data package, from the selectors the cycle's public
pages use (`assessments.selectors`, `.results`, `.composite`, `.cohorts`), so every figure is
the one the pages print.

`CycleData` reads the instrument, the results, the composite index and the cohort statistics
once, and only when a table asks for them: building a package reads nothing. Figures are
written as the pages write them: published percentages as the instrument's rounding policy
gives them, exact numbers (points, maxima, fractions, weights) in exact normal form ("0.4",
"1/3"), percentiles to one decimal place and the index to three. Nothing here reads answers
of participants whose results are not published, their history, notes, reviewers or replies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from smartplace.assessments.cohorts import (
    DISTRIBUTION_BANDS,
    CohortStatistics,
    cycle_cohorts,
)
from smartplace.assessments.composite import (
    composite_index_rows,
    cycle_composite_index,
)
from smartplace.assessments.models import Answer, Cycle, Participant, Stage
from smartplace.assessments.results import (
    CycleResults,
    cycle_results,
)
from smartplace.assessments.selectors import (
    CycleInstrument,
    cycle_instrument,
    public_participants,
)
from smartplace.assessments.values import value_file_text
from smartplace.instruments.files import format_exact
from smartplace.instruments.selectors import instrument_question_rows
from smartplace.methods import scoring as m

CHUNK = 2000

Row = dict[str, Any]


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else format_exact(value)


def printed(value: Fraction | Decimal | None, places: int = 1) -> str | None:
    """A number to `places` decimals, as the cycle pages print percentiles (1) and the index
    (3); None stays None."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(value, f".{places}f")


def _level(result: m.MaturityResult | None) -> tuple[int | None, str | None]:
    level = result.level if result is not None else None
    return (level.number, level.name) if level is not None else (None, None)


class CycleData:
    """A public cycle's instrument and published results, each read on first use."""

    def __init__(self, cycle: Cycle, absolute: Callable[[str], str]):
        self.cycle = cycle
        self.absolute = absolute

    @cached_property
    def tree(self) -> CycleInstrument:
        return cycle_instrument(cycle=self.cycle)

    @cached_property
    def results(self) -> CycleResults:
        return cycle_results(cycle=self.cycle)

    @cached_property
    def participants(self) -> list[Participant]:
        return list(public_participants(cycle=self.cycle))

    @cached_property
    def cohorts(self) -> list[CohortStatistics]:
        """As the anonymised results page: every organisation, then each peer group."""
        return cycle_cohorts(results=self.results)

    # --- the cycle and its instrument -------------------------------------------------------

    def cycle_rows(self) -> Iterator[Row]:
        cycle, instrument = self.cycle, self.cycle.instrument
        previous = cycle.previous
        yield {"slug": cycle.slug, "name": cycle.name, "description": cycle.description,
               "instrument": instrument.label, "policy": cycle.policy,
               "peer_groups_by": cycle.group_basis, "opens_on": cycle.opens_on,
               "closes_on": cycle.closes_on, "published_at": cycle.published_at,
               "previous_cycle": previous.slug if previous is not None and previous.is_public
               else None,
               "organisations": len(self.participants), "demo": cycle.is_demo,
               "url": self.absolute(cycle.get_absolute_url()),
               "methodology_url": self.absolute(instrument.get_absolute_url())}

    def instrument_rows(self) -> Iterator[Row]:
        i = self.tree.instrument
        yield {"slug": i.slug, "version": i.version, "name": i.name,
               "description": i.description, "source": i.source, "source_url": i.source_url,
               "attribution": i.attribution, "licence": i.licence, "licence_url": i.licence_url,
               "rounding_policy": i.rounding_policy, "rounding_places": i.rounding_places,
               "maturity_rule": i.maturity_rule or None,
               "maturity_share": i.maturity_share or None,
               "maturity_overall_on": i.maturity_overall_on if i.maturity_rule == "bands"
               else None,
               "maturity_use_published": i.maturity_use_published if i.maturity_rule == "bands"
               else None,
               "url": self.absolute(i.get_absolute_url())}

    def group_rows(self) -> Iterator[Row]:
        for group in self.tree.instrument.groups:
            yield {"code": group["code"], "name": group.get("name") or group["code"]}

    def section_rows(self) -> Iterator[Row]:
        for position, s in enumerate(self.tree.instrument.sections.all(), start=1):
            yield {"code": s.code, "position": position, "title": s.title,
                   "description": s.description, "weight": s.weight or None}

    def section_weight_rows(self) -> Iterator[Row]:
        """The weight each section has for each group (one row a section without groups)."""
        method = self.tree.method
        codes = [g["code"] for g in self.tree.instrument.groups] or [None]
        for section in method.sections:
            for code in codes:
                weight = m.section_weights(instrument=method, group=code)[section.code]
                yield {"section": section.code, "group": code, "weight": _exact(weight)}

    def question_rows(self) -> Iterator[Row]:
        instrument = self.tree.instrument
        described = {row["question"]: row
                     for row in instrument_question_rows(instrument=instrument)}
        for q in instrument.questions.all():
            row = described[q.code]
            yield {"code": q.code, "section": q.section.code, "position": row["position"],
                   "kind": q.kind, "text": q.text, "hint": q.hint, "weight": q.weight,
                   "cap": q.cap or None, "maximum": row["maximum"] or None,
                   "points": row["points"] or None,
                   "applies_to": list(q.applies_to) if q.applies_to is not None else None,
                   "not_applicable_allowed": q.not_applicable_allowed, "level": q.level,
                   "continues": q.continues or None,
                   "scale_zero_at": q.scale_zero_at or None,
                   "scale_full_at": q.scale_full_at or None,
                   "scale_points": q.scale_points or None}

    def option_rows(self) -> Iterator[Row]:
        for q in self.tree.instrument.questions.all():
            for position, o in enumerate(q.options.all(), start=1):
                yield {"question": q.code, "code": o.code, "position": position,
                       "label": o.label, "points": o.points, "at_least": o.at_least or None,
                       "below": o.below or None}

    def level_rows(self) -> Iterator[Row]:
        for level in self.tree.instrument.maturity_levels.all():
            yield {"number": level.number, "name": level.name,
                   "description": level.description, "at_least": level.at_least or None}

    # --- named: per organisation --------------------------------------------------------------

    def organisation_rows(self) -> Iterator[Row]:
        for p in self.participants:
            o = p.organisation
            yield {"organisation": o.slug, "name": o.name, "sector": o.sector,
                   "place_code": o.place.url_code if o.place else None,
                   "gss_code": (o.place.gss_code or None) if o.place else None,
                   "companies_house_number": o.companies_house_number or None,
                   "charity_number": o.charity_number or None,
                   "group": p.scoring_group or None, "peer_group": p.peer_group or None,
                   "scorecard_url": self.absolute(p.get_absolute_url()),
                   "url": self.absolute(o.get_absolute_url())}

    def result_rows(self) -> Iterator[Row]:
        """One row per published organisation: the scorecard's totals and league entry."""
        results = self.results
        entries = results.entries
        for p in results.participants:
            score, entry, change = results.scores[p], entries.get(p), results.changes.get(p)
            level, level_name = _level(score.maturity)
            yield {
                "organisation": p.organisation.slug, "points": _exact(score.points),
                "maximum": _exact(score.maximum), "raw_fraction": _exact(score.fraction),
                "raw_percent": score.published_percent,
                "weighted_fraction": _exact(score.weighted_fraction),
                "weighted_percent": score.published_weighted_percent,
                "level": level, "level_name": level_name,
                "peer_group": p.peer_group or None,
                "rank_in_peer_group": entry.rank if entry else None,
                "peer_group_size": entry.group_size if entry else None,
                "percentile_in_peer_group": printed(entry.percentile) if entry else None,
                "change_points": change.points if change else None,
                "change_previous_percent": change.previous_percent if change else None,
                "change_current_percent": change.current_percent if change else None,
                "change_questions_compared": len(change.change.compared) if change else None,
                "change_questions_not_compared": list(change.change.new_questions)
                if change else None,
            }

    def section_score_rows(self) -> Iterator[Row]:
        results = self.results
        for p in results.participants:
            for s in results.scores[p].sections:
                level, level_name = _level(s.maturity)
                yield {"organisation": p.organisation.slug, "section": s.code,
                       "points": _exact(s.points), "maximum": _exact(s.maximum),
                       "fraction": _exact(s.fraction), "percent": s.published_percent,
                       "weight": _exact(s.weight), "level": level, "level_name": level_name}

    def index_rows(self) -> Iterator[Row]:
        """The composite index as its page lists it (by rank), then those left out."""
        index = cycle_composite_index(cycle=self.cycle, scores=self.results.scores)
        for row in composite_index_rows(index=index):
            yield {"organisation": row["participant"].organisation.slug, "rank": row["rank"],
                   "index": printed(row["value"], 3), "coverage": _exact(row["coverage"]),
                   "left_out": False, "indicator_coverage": None}
        for p, share in index.excluded.items():
            yield {"organisation": p.organisation.slug, "rank": None, "index": None,
                   "coverage": None, "left_out": True, "indicator_coverage": _exact(share)}

    def answer_rows(self) -> Iterator[Row]:
        """
        Every live answer of the published participants, as the cycle's answers.csv page
        writes them (by organisation name, then question), read in chunks of CHUNK rows.
        """
        answers = (Answer.objects.filter(participant__cycle=self.cycle,
                                         participant__stage=Stage.PUBLISHED)
                   .order_by("participant__organisation__name", "participant_id",
                             "question__position")
                   .values_list("participant__organisation__slug", "question__code", "value",
                                "not_applicable", "evidence_url", "evidence_page",
                                "evidence_quote"))
        for slug, code, value, not_applicable, url, page, quote in answers.iterator(
                chunk_size=CHUNK):
            yield {"organisation": slug, "question": code,
                   "answer": value_file_text(value=value, not_applicable=not_applicable),
                   "evidence_url": url, "evidence_page": page, "evidence_quote": quote}

    # --- anonymised: cohort statistics --------------------------------------------------------

    def cohort_rows(self) -> Iterator[Row]:
        for c in self.cohorts:
            yield {"cohort": c.label, "organisations": c.count, "suppressed": c.suppressed,
                   "minimum": c.minimum, "lower_quartile": c.lower_quartile,
                   "median": c.median, "upper_quartile": c.upper_quartile,
                   "maximum": c.maximum}

    def cohort_band_rows(self) -> Iterator[Row]:
        for c in self.cohorts:
            for (label, count), (low, high) in zip(c.bands, DISTRIBUTION_BANDS, strict=False):
                yield {"cohort": c.label, "band": label, "at_least": low,
                       "below": high if high <= 100 else None, "organisations": count}

    def cohort_level_rows(self) -> Iterator[Row]:
        levels = list(self.tree.instrument.maturity_levels.all())
        for c in self.cohorts:
            for (name, count), level in zip(c.levels, levels, strict=False):
                yield {"cohort": c.label, "level": level.number, "level_name": name,
                       "organisations": count}
