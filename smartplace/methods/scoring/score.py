"""
Scoring one organisation's answers (`score_organisation`): question, section and overall
points, fractions, weighted and raw totals, published percentages and maturity levels, with
the result dataclasses (`OrganisationScore`, `SectionScore`, `QuestionScore`, `MaturityResult`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from smartplace.methods.rounding import publish_percent
from smartplace.methods.scoring.instrument import (
    CHOICE_KINDS,
    ZERO,
    Answer,
    AnswerValue,
    BandsRule,
    CumulativeRule,
    Instrument,
    MaturityLevel,
    Question,
    QuestionKind,
    ScoringError,
    Section,
    ThresholdRule,
    exact,
)
from smartplace.methods.scoring.validation import (
    check_instrument,
    is_blank,
    section_weights,
    validate_answers,
)

# --- results -----------------------------------------------------------------------------------


class QuestionStatus(StrEnum):
    ANSWERED = "answered"
    BLANK = "blank"
    NOT_APPLICABLE = "not_applicable"  # answered "not applicable"
    DOES_NOT_APPLY = "does_not_apply"  # the question does not apply to the group
    UNSCORED = "unscored"  # text

    @property
    def counts(self) -> bool:
        """Whether a question with this status counts towards the maximum."""
        return self in (QuestionStatus.ANSWERED, QuestionStatus.BLANK)


@dataclass(frozen=True, kw_only=True)
class QuestionScore:
    """One question's result: weighted points and maximum (both 0 unless it counts)."""

    code: str
    section: str
    status: QuestionStatus
    points: Fraction
    maximum: Fraction
    met: bool
    level: int | None = None


@dataclass(frozen=True, kw_only=True)
class MaturityResult:
    """The level reached under the named rule, or `level=None` when none is reached."""

    rule: str
    level: MaturityLevel | None


@dataclass(frozen=True, kw_only=True)
class SectionScore:
    code: str
    title: str
    points: Fraction
    points_before_floor: Fraction
    maximum: Fraction
    fraction: Fraction | None
    weight: Fraction
    published_percent: Decimal | None
    maturity: MaturityResult | None
    questions: tuple[QuestionScore, ...]


@dataclass(frozen=True, kw_only=True)
class OrganisationScore:
    """
    One organisation's score: per section, the raw total (points over maximum), the weighted
    total, their published percentages and the maturity level overall.
    """

    instrument: str
    group: str | None
    sections: tuple[SectionScore, ...]
    points: Fraction
    maximum: Fraction
    fraction: Fraction | None
    weighted_fraction: Fraction | None
    published_percent: Decimal | None
    published_weighted_percent: Decimal | None
    maturity: MaturityResult | None
    rounding_policy: str
    rounding_places: int

    @property
    def questions(self) -> tuple[QuestionScore, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def section(self, code: str) -> SectionScore:
        """The section with this code; KeyError if there is none."""
        for section in self.sections:
            if section.code == code:
                return section
        raise KeyError(code)


# --- scoring -----------------------------------------------------------------------------------


def _question_points(question: Question, value: AnswerValue) -> Fraction:
    """Unweighted points for a non-blank, valid answer."""
    kind = question.kind
    if kind is QuestionKind.MULTIPLE_CHOICE:
        options = {option.code: option.points for option in question.options}
        total = sum((options[code] for code in value), ZERO)  # type: ignore[union-attr]
        return total if question.cap is None else min(total, question.cap)
    if kind in CHOICE_KINDS:
        code = ("yes" if value else "no") if isinstance(value, bool) else value
        return question.option(code).points  # type: ignore[arg-type,union-attr]
    if kind is QuestionKind.NUMBER:
        number = exact(value, what="the answer")
        if question.scale is not None:
            return question.scale.score(number)
        band = next((b for b in question.bands if b.contains(number)), None)
        return ZERO if band is None else band.points
    return ZERO


def _score_question(
    question: Question, section: Section, answer: Answer | None, group: str | None
) -> QuestionScore:
    def result(
        status: QuestionStatus, points: Fraction = ZERO, maximum: Fraction = ZERO, met: bool = False
    ) -> QuestionScore:
        return QuestionScore(
            code=question.code,
            section=section.code,
            status=status,
            points=points,
            maximum=maximum,
            met=met,
            level=question.level,
        )

    if not question.scored:
        return result(QuestionStatus.UNSCORED)
    if not question.applies(group):
        return result(QuestionStatus.DOES_NOT_APPLY)
    if answer is not None and answer.not_applicable:
        return result(QuestionStatus.NOT_APPLICABLE)
    maximum = question.maximum
    if answer is None or is_blank(answer.value):
        return result(QuestionStatus.BLANK, maximum=maximum)
    points = _question_points(question, answer.value) * question.weight
    return result(QuestionStatus.ANSWERED, points, maximum, met=points == maximum)


def _level_by_questions(
    rule: CumulativeRule | ThresholdRule, questions: Iterable[QuestionScore]
) -> MaturityLevel | None:
    evidence = [q for q in questions if q.status.counts and q.level is not None]
    reached: MaturityLevel | None = None
    for level in sorted(rule.levels, key=lambda lv: lv.number):
        at_level = [q for q in evidence if q.level == level.number]
        if not at_level:
            continue
        met = sum(1 for q in at_level if q.met)
        if isinstance(rule, CumulativeRule):
            passed = met == len(at_level)
        else:
            passed = Fraction(met, len(at_level)) >= rule.share
        if not passed:
            break
        reached = level
    return reached


def _level_by_bands(
    rule: BandsRule, fraction: Fraction | None, published: Decimal | None
) -> MaturityLevel | None:
    if fraction is None:
        return None
    score = Fraction(published) / 100 if rule.use_published and published is not None else fraction
    reached = None
    for band in sorted(rule.bands, key=lambda b: b.at_least):
        if score >= band.at_least:
            reached = band.level
    return reached


def _publish(instrument: Instrument, fraction: Fraction | None) -> Decimal | None:
    if fraction is None:
        return None
    return publish_percent(
        fraction=fraction, policy=instrument.rounding_policy, places=instrument.rounding_places
    )


def score_organisation(
    *, instrument: Instrument, answers: Iterable[Answer], group: str | None = None
) -> OrganisationScore:
    """
    Score one organisation's `answers` to `instrument`; `group` is the organisation's group
    (e.g. its council type) for applicability and section weights.

    Questions without an answer are blank. Raises InstrumentError if the instrument is not
    valid, and ScoringError listing every problem if the group is not one of the instrument's
    groups or an answer is not valid (see `validate_answers`). The rules are in the module
    docstring.
    """
    check_instrument(instrument=instrument)
    answers = list(answers)
    problems = []
    if instrument.groups and group not in instrument.groups:
        problems.append(
            f"group {group!r} is not one of the instrument's groups: {', '.join(instrument.groups)}"
        )
    problems.extend(validate_answers(instrument=instrument, answers=answers))
    if problems:
        raise ScoringError(problems)
    by_question = {answer.question: answer for answer in answers}
    weights = section_weights(instrument=instrument, group=group)
    rule = instrument.maturity

    sections: list[SectionScore] = []
    for section in instrument.sections:
        scores = tuple(
            _score_question(q, section, by_question.get(q.code), group) for q in section.questions
        )
        before_floor = sum((q.points for q in scores), ZERO)
        points = max(before_floor, ZERO)
        maximum = sum((q.maximum for q in scores), ZERO)
        fraction = points / maximum if maximum > 0 else None
        published = _publish(instrument, fraction)
        maturity = None
        if isinstance(rule, BandsRule):
            maturity = MaturityResult(
                rule=rule.name, level=_level_by_bands(rule, fraction, published)
            )
        elif rule is not None:
            maturity = MaturityResult(rule=rule.name, level=_level_by_questions(rule, scores))
        sections.append(
            SectionScore(
                code=section.code,
                title=section.title,
                points=points,
                points_before_floor=before_floor,
                maximum=maximum,
                fraction=fraction,
                weight=weights[section.code] or ZERO,
                published_percent=published,
                maturity=maturity,
                questions=scores,
            )
        )

    points = sum((s.points for s in sections), ZERO)
    maximum = sum((s.maximum for s in sections), ZERO)
    fraction = points / maximum if maximum > 0 else None
    scored = [s for s in sections if s.fraction is not None]
    weight_total = sum((s.weight for s in scored), ZERO)
    weighted = (
        sum((s.weight * s.fraction for s in scored), ZERO) / weight_total  # type: ignore[operator]
        if weight_total > 0
        else None
    )
    published = _publish(instrument, fraction)
    published_weighted = _publish(instrument, weighted)
    overall = None
    if isinstance(rule, BandsRule):
        on_raw = rule.overall_on == "raw"
        overall = MaturityResult(
            rule=rule.name,
            level=_level_by_bands(
                rule,
                fraction if on_raw else weighted,
                published if on_raw else published_weighted,
            ),
        )
    elif rule is not None:
        overall = MaturityResult(
            rule=rule.name,
            level=_level_by_questions(rule, (q for s in sections for q in s.questions)),
        )
    return OrganisationScore(
        instrument=instrument.code,
        group=group,
        sections=tuple(sections),
        points=points,
        maximum=maximum,
        fraction=fraction,
        weighted_fraction=weighted,
        published_percent=published,
        published_weighted_percent=published_weighted,
        maturity=overall,
        rounding_policy=instrument.rounding_policy,
        rounding_places=instrument.rounding_places,
    )
