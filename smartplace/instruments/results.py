"""
Scoring every organisation of an answer sheet, ranking them, and writing the results.

The figures come from `smartplace.methods.scoring.score_organisation` and the ranks from
`smartplace.methods.benchmarking`; this module only puts them together and lays them out as
the CSV and JSON that `smartplace score` prints (columns in docs/instruments.md).

Ranks are tie-aware competition ranks ("1224") of the **published weighted total**, within the
organisation's group and over everyone: organisations shown with the same figure share a rank.
An organisation with no weighted total (nothing applied to it) is unranked.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from smartplace.instruments.answers import AnswerSheet, OrganisationRow
from smartplace.instruments.files import format_exact
from smartplace.methods import scoring as m
from smartplace.methods.benchmarking import league_table, rank_tie_aware


@dataclass(frozen=True)
class OrganisationResult:
    """One organisation's score with its ranks."""

    organisation: OrganisationRow
    score: m.OrganisationScore
    rank_in_group: int | None
    group_size: int
    percentile_in_group: Fraction | None
    rank_overall: int | None


def sheet_score(*, instrument: m.Instrument, sheet: AnswerSheet) -> list[OrganisationResult]:
    """
    Score every organisation of `sheet` (in its order) and rank them. Raises
    `smartplace.methods.scoring.ScoringError` naming the organisation if one cannot be scored.
    """
    scores: dict[str, m.OrganisationScore] = {}
    problems: list[str] = []
    for code, organisation in sheet.organisations.items():
        try:
            scores[code] = m.score_organisation(instrument=instrument,
                                                answers=sheet.answers_for(code),
                                                group=organisation.group)
        except m.ScoringError as error:
            problems.extend(f"{code}: {problem}" for problem in error.problems)
    if problems:
        raise m.ScoringError(problems)
    published = {code: score.published_weighted_percent for code, score in scores.items()}
    groups = {code: sheet.organisations[code].group for code in scores}
    league = {row.unit: row for row in league_table(scores=published, groups=groups)}
    overall = rank_tie_aware(scores=published)
    return [
        OrganisationResult(
            organisation=sheet.organisations[code],
            score=score,
            rank_in_group=league[code].rank,
            group_size=league[code].group_size,
            percentile_in_group=league[code].percentile,
            rank_overall=overall[code],
        )
        for code, score in scores.items()
    ]


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else format_exact(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _level(result: m.MaturityResult | None) -> dict | None:
    if result is None or result.level is None:
        return None
    return {"number": result.level.number, "name": result.level.name}


def results_columns(*, instrument: m.Instrument) -> list[str]:
    """The CSV columns of `results_csv` for this instrument."""
    columns = ["organisation", "name", "group"]
    for section in instrument.sections:
        columns += [f"{section.code}_{part}" for part in
                    ("points", "maximum", "fraction", "percent", "level", "level_name")]
    columns += ["points", "maximum", "raw_fraction", "raw_percent", "weighted_fraction",
                "weighted_percent", "level", "level_name", "rank_in_group", "group_size",
                "percentile_in_group", "rank_overall"]
    return columns


def result_row(result: OrganisationResult) -> dict[str, str]:
    """One organisation's CSV row (every value as text, blank for none)."""
    score = result.score
    row: dict[str, Any] = {
        "organisation": result.organisation.code,
        "name": result.organisation.name,
        "group": result.organisation.group,
    }
    for section in score.sections:
        level = _level(section.maturity)
        row.update({
            f"{section.code}_points": _exact(section.points),
            f"{section.code}_maximum": _exact(section.maximum),
            f"{section.code}_fraction": _exact(section.fraction),
            f"{section.code}_percent": _text(section.published_percent),
            f"{section.code}_level": level and level["number"],
            f"{section.code}_level_name": level and level["name"],
        })
    level = _level(score.maturity)
    row.update({
        "points": _exact(score.points),
        "maximum": _exact(score.maximum),
        "raw_fraction": _exact(score.fraction),
        "raw_percent": _text(score.published_percent),
        "weighted_fraction": _exact(score.weighted_fraction),
        "weighted_percent": _text(score.published_weighted_percent),
        "level": level and level["number"],
        "level_name": level and level["name"],
        "rank_in_group": result.rank_in_group,
        "group_size": result.group_size,
        "percentile_in_group": _exact(result.percentile_in_group),
        "rank_overall": result.rank_overall,
    })
    return {key: "" if value is None else str(value) for key, value in row.items()}


def results_csv(*, instrument: m.Instrument, results: list[OrganisationResult]) -> str:
    """The results as CSV text, one row per organisation."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=results_columns(instrument=instrument),
                            lineterminator="\n")
    writer.writeheader()
    for result in results:
        writer.writerow(result_row(result))
    return out.getvalue()


def result_data(result: OrganisationResult) -> dict[str, Any]:
    """One organisation's result as JSON-ready data (exact numbers and percentages as text)."""
    score = result.score
    return {
        "organisation": result.organisation.code,
        "name": result.organisation.name,
        "group": result.organisation.group,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "points": _exact(section.points),
                "points_before_floor": _exact(section.points_before_floor),
                "maximum": _exact(section.maximum),
                "fraction": _exact(section.fraction),
                "percent": _text(section.published_percent),
                "weight": _exact(section.weight),
                "level": _level(section.maturity),
            }
            for section in score.sections
        ],
        "points": _exact(score.points),
        "maximum": _exact(score.maximum),
        "raw": {"fraction": _exact(score.fraction), "percent": _text(score.published_percent)},
        "weighted": {"fraction": _exact(score.weighted_fraction),
                     "percent": _text(score.published_weighted_percent)},
        "level": _level(score.maturity),
        "rank": {"in_group": result.rank_in_group, "group_size": result.group_size,
                 "percentile_in_group": _exact(result.percentile_in_group),
                 "overall": result.rank_overall},
    }


def results_json(*, instrument: m.Instrument, results: list[OrganisationResult]) -> str:
    """The results as a JSON document: the instrument's rules, then one object per organisation."""
    rule = instrument.maturity
    body = {
        "instrument": instrument.code,
        "title": instrument.title,
        "rounding": {"policy": instrument.rounding_policy, "places": instrument.rounding_places},
        "maturity_rule": rule.name if rule is not None else None,
        "ranked_by": "weighted_percent",
        "organisations": [result_data(result) for result in results],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
