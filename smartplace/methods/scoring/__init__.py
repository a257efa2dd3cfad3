"""
Scoring a questionnaire ("instrument") for one organisation, in plain Python: the instrument
and answers as data (`instrument.py`), their checks (`validation.py`) and the scoring itself
(`score.py`); everything is imported from here.

The instrument is data: sections of questions, options with points, weights, the groups of
organisations a question applies to, maturity rules and a named rounding policy. Nothing here
imports Django; the models and file formats translate to and from these dataclasses.

Rules (docs/methods/scoring.md has a worked example):

* Every number is exact (`Fraction`). Give points, weights and number answers as `int`,
  `Decimal`, `Fraction` or a decimal string ("0.25", "1/3"); a `float` is refused, because
  0.1 is not 1/10 in binary.
* A question's points and maximum are multiplied by its weight. Its maximum is the most it can
  earn: the best option (yes/no, single choice, level), the positive options summed and then
  capped (multiple choice), the best band or the scale's full points (number). Options with
  negative points are **negative marks**: they lower points and never the maximum.
* A question counts towards its section's maximum when it applies to the organisation's group
  and is not answered "not applicable". A **blank** answer scores 0 and keeps its maximum.
  A question that does not apply to the group is left out of the maximum (whatever was
  answered), and so is a question answered "not applicable" (allowed only where the question
  says `not_applicable_allowed`). Text questions are never scored.
* Section points are the sum of its question points, **floored at 0**: negative marks can
  cancel what a section earned but never push it below zero, so they cannot reach into other
  sections. The unfloored sum is kept as `points_before_floor`. Points never exceed the maximum,
  so a section's fraction (points ÷ maximum) is in [0, 1]; it is `None` when the maximum is 0.
* Raw total: the sum of section points over the sum of section maxima (question weights
  apply, section weights do not).
* Weighted total: Σ weightₛ × fractionₛ ÷ Σ weightₛ over the sections that have a fraction, with
  the section weights for the organisation's group (a section's `group_weights[group]`, else its
  `weight`; when no section has a weight they are equal). Weights must sum to 1 or to 100 for
  every group (`validate_instrument`). A section without a fraction is left out and the others'
  weights are scaled up to fill its place.
* Published values are percentages from `rounding.publish_percent` with the instrument's named
  policy and places.
* Maturity (optional, one rule per instrument), per section and overall:
  - `CumulativeRule`: level n is reached when every applicable question of levels 1…n is met;
  - `ThresholdRule`: level n is reached when, for every level 1…n, at least `share` of its
    applicable questions are met;
  - `BandsRule`: the highest band whose lower bound the score reaches (a section's fraction;
    overall the weighted or raw total), optionally on the published value.
  A question is **met** when it was answered (not blank) and earned its full maximum. For the
  two question-based rules, a level with no applicable questions in scope neither blocks nor
  counts: the level reached is never above the highest level that has applicable questions.
"""

from smartplace.methods.scoring.instrument import (
    Answer,
    BandsRule,
    CumulativeRule,
    Instrument,
    InstrumentError,
    MaturityLevel,
    MaturityRule,
    NumberBand,
    NumberScale,
    Option,
    Question,
    QuestionKind,
    ScoreBand,
    ScoringError,
    Section,
    ThresholdRule,
)
from smartplace.methods.scoring.score import (
    MaturityResult,
    OrganisationScore,
    QuestionScore,
    QuestionStatus,
    SectionScore,
    score_organisation,
)
from smartplace.methods.scoring.validation import (
    check_instrument,
    section_weights,
    validate_answers,
    validate_instrument,
)

__all__ = [
    "Answer",
    "BandsRule",
    "CumulativeRule",
    "Instrument",
    "InstrumentError",
    "MaturityLevel",
    "MaturityResult",
    "MaturityRule",
    "NumberBand",
    "NumberScale",
    "Option",
    "OrganisationScore",
    "Question",
    "QuestionKind",
    "QuestionScore",
    "QuestionStatus",
    "ScoreBand",
    "ScoringError",
    "Section",
    "SectionScore",
    "ThresholdRule",
    "check_instrument",
    "score_organisation",
    "section_weights",
    "validate_answers",
    "validate_instrument",
]
