"""
Cohort statistics for anonymised publication: median, quartiles, range and distribution of
published weighted totals, suppressed for cohorts smaller than `MIN_COHORT`; `cycle_cohorts`
gives them for a cycle's published results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from smartplace.assessments.results import CycleResults
from smartplace.assessments.selectors import cycle_instrument
from smartplace.methods import scoring as m

#: Anonymised publication: statistics of fewer organisations than this are not published.
MIN_COHORT = 5
#: Anonymised publication: the bands of the distribution of published weighted totals.
DISTRIBUTION_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


def _band_label(low: int, high: int) -> str:
    if low == 0:
        return _("under %(high)s%%") % {"high": high}
    if high > 100:
        return _("%(low)s%% or more") % {"low": low}
    return _("%(low)s%% to under %(high)s%%") % {"low": low, "high": high}


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def quantile(values: list[Fraction], share: Fraction) -> Fraction:
    """The `share` quantile of sorted `values`, interpolating linearly between the two nearest
    values at position (n − 1) × share (numpy's default, Excel's QUARTILE.INC), exactly."""
    position = (len(values) - 1) * share
    below = int(position)
    if below + 1 >= len(values):
        return values[-1]
    return values[below] + (values[below + 1] - values[below]) * (position - below)


@dataclass(frozen=True)
class CohortStatistics:
    """Statistics of a cohort's published weighted totals, or `suppressed` when too small."""

    label: str
    count: int
    suppressed: bool
    minimum: Decimal | None = None
    lower_quartile: Decimal | None = None
    median: Decimal | None = None
    upper_quartile: Decimal | None = None
    maximum: Decimal | None = None
    bands: tuple[tuple[str, int], ...] = ()
    levels: tuple[tuple[str, int], ...] = ()


def cohort_statistics(*, label: str, scores: Iterable[m.OrganisationScore],
                      level_names: Iterable[str] = ()) -> CohortStatistics:
    """
    Median, quartiles, range and distribution of published weighted totals, in bands of 20
    percentage points and by overall maturity level. Suppressed (counts only) when fewer than
    MIN_COHORT organisations have a total, so that no one organisation's figure can be inferred.
    """
    scores = list(scores)
    values = sorted(Fraction(s.published_weighted_percent) for s in scores
                    if s.published_weighted_percent is not None)
    if len(values) < MIN_COHORT:
        return CohortStatistics(label=label, count=len(values), suppressed=True)
    bands = tuple((_band_label(low, high), sum(1 for v in values if low <= v < high))
                  for low, high in DISTRIBUTION_BANDS)
    level_counts = Counter(s.maturity.level.name for s in scores
                           if s.maturity is not None and s.maturity.level is not None)
    names = list(level_names)
    levels = tuple((name, level_counts.get(name, 0)) for name in names) if names else ()
    return CohortStatistics(
        label=label, count=len(values), suppressed=False,
        minimum=_decimal(values[0]),
        lower_quartile=_decimal(quantile(values, Fraction(1, 4))),
        median=_decimal(quantile(values, Fraction(1, 2))),
        upper_quartile=_decimal(quantile(values, Fraction(3, 4))),
        maximum=_decimal(values[-1]), bands=bands, levels=levels,
    )


def cycle_cohorts(*, results: CycleResults) -> list[CohortStatistics]:
    """
    Cohort statistics of a cycle's published results, as its anonymised page shows them: all
    organisations first, then each peer group in the league's order.
    """
    names = [lv.name for lv in cycle_instrument(cycle=results.cycle).instrument
             .maturity_levels.all()]
    cohorts = [cohort_statistics(label=_("All organisations"), scores=results.scores.values(),
                                 level_names=names)]
    for group in results.league:
        cohorts.append(cohort_statistics(label=group.label,
                                         scores=[e.score for e in group.entries],
                                         level_names=names))
    return cohorts
