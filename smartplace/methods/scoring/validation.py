"""
Checking an instrument as a whole (`validate_instrument`, `check_instrument`: weights, questions,
maturity), the section weights for a group (`section_weights`) and answers against their
questions (`validate_answers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from smartplace.methods.rounding import ROUNDING_POLICIES
from smartplace.methods.scoring.instrument import (
    CHOICE_KINDS,
    ONE,
    ZERO,
    Answer,
    AnswerValue,
    BandsRule,
    Instrument,
    InstrumentError,
    Question,
    QuestionKind,
    ThresholdRule,
    exact,
)


def _validate_weights(instrument: Instrument) -> list[str]:
    problems: list[str] = []
    for section in instrument.sections:
        if section.weight is not None and section.weight < 0:
            problems.append(f"section {section.code} has a negative weight: {section.weight}")
        for group, value in section.group_weights.items():
            if value < 0:
                problems.append(
                    f"section {section.code} has a negative weight for {group}: {value}"
                )
            if group not in instrument.groups:
                problems.append(
                    f"section {section.code} has a weight for unknown group {group!r}"
                    f" (groups: {', '.join(instrument.groups) or 'none declared'})"
                )
    if problems or not _has_weights(instrument):
        return problems
    for group in instrument.groups or (None,):
        weights = section_weights(instrument=instrument, group=group)
        label = "section weights" if group is None else f"section weights for {group}"
        missing = [code for code, weight in weights.items() if weight is None]
        if missing:
            problems.append(f"{label}: no weight for section(s) {', '.join(missing)}")
            continue
        total = sum(weights.values(), ZERO)  # type: ignore[arg-type]
        if total not in (1, 100):
            problems.append(f"{label} sum to {_show(total)}, not 1 or 100")
    return problems


def _has_weights(instrument: Instrument) -> bool:
    return any(s.weight is not None or s.group_weights for s in instrument.sections)


def _show(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).normalize())


def _validate_question(question: Question, groups: tuple[str, ...]) -> list[str]:
    q = f"question {question.code}"
    problems: list[str] = []
    codes = [o.code for o in question.options]
    if len(set(codes)) != len(codes):
        problems.append(f"{q} repeats an option code")
    if question.kind in CHOICE_KINDS and not question.options:
        problems.append(f"{q} ({question.kind}) has no options")
    if question.kind is QuestionKind.YES_NO and sorted(codes) != ["no", "yes"]:
        problems.append(f"{q} (yes_no) must have exactly the options yes and no")
    single_answer = question.kind in CHOICE_KINDS - {QuestionKind.MULTIPLE_CHOICE}
    if single_answer and question.options and all(o.points < 0 for o in question.options):
        problems.append(f"{q} needs an option worth 0 points or more (all are negative marks)")
    if question.kind not in CHOICE_KINDS and question.options:
        problems.append(f"{q} ({question.kind}) cannot have options")
    if question.cap is not None:
        if question.kind is not QuestionKind.MULTIPLE_CHOICE:
            problems.append(f"{q}: only multiple-choice questions have a cap")
        elif question.cap <= 0:
            problems.append(f"{q}: cap must be more than 0")
    if question.kind is QuestionKind.NUMBER:
        if bool(question.bands) == (question.scale is not None):
            problems.append(f"{q} (number) needs either bands or a scale")
        if question.scale is not None and question.scale.zero_at == question.scale.full_at:
            problems.append(f"{q}: scale zero_at and full_at must differ")
        if question.scale is not None and question.scale.points < 0:
            problems.append(f"{q}: scale points cannot be negative")
        if question.bands and all(band.points < 0 for band in question.bands):
            problems.append(f"{q} needs a band worth 0 points or more (all are negative marks)")
        for band in question.bands:
            if band.at_least is not None and band.below is not None and band.at_least >= band.below:
                problems.append(f"{q}: a band's at_least must be below its below")
    elif question.bands or question.scale is not None:
        problems.append(f"{q} ({question.kind}) cannot have bands or a scale")
    if question.weight <= 0:
        problems.append(f"{q}: weight must be more than 0")
    if question.kind is QuestionKind.TEXT and question.level is not None:
        problems.append(f"{q}: a text question is not scored and cannot evidence a level")
    if question.applies_to is not None:
        if not question.applies_to:
            problems.append(f"{q} applies to no group")
        unknown = sorted(question.applies_to - set(groups))
        if unknown:
            problems.append(
                f"{q} applies to unknown group(s) {', '.join(unknown)}"
                f" (groups: {', '.join(groups) or 'none declared'})"
            )
    return problems


def _validate_maturity(instrument: Instrument) -> list[str]:
    rule = instrument.maturity
    if rule is None:
        return []
    problems: list[str] = []
    if isinstance(rule, BandsRule):
        levels = [band.level for band in rule.bands]
        bounds = [band.at_least for band in rule.bands]
        if not rule.bands:
            problems.append("maturity bands: no bands")
        if bounds != sorted(set(bounds)):
            problems.append("maturity bands: lower bounds must strictly increase")
        if rule.overall_on not in ("weighted", "raw"):
            problems.append("maturity bands: overall_on must be 'weighted' or 'raw'")
    else:
        levels = list(rule.levels)
        if not levels:
            problems.append(f"maturity rule {rule.name}: no levels")
        if isinstance(rule, ThresholdRule) and not 0 < rule.share <= 1:
            problems.append("maturity threshold share must be more than 0 and at most 1")
        numbers = {level.number for level in levels}
        for question in instrument.questions:
            if question.level is not None and question.level not in numbers:
                problems.append(
                    f"question {question.code} evidences level {question.level}, "
                    f"which the maturity rule does not have"
                )
    numbers_in_order = [level.number for level in levels]
    if numbers_in_order != sorted(set(numbers_in_order)) or any(n < 1 for n in numbers_in_order):
        problems.append("maturity levels must be numbered from 1 upwards, each once, in order")
    return problems


def validate_instrument(*, instrument: Instrument) -> list[str]:
    """
    Return every problem with `instrument` as a sentence naming the section or question; an
    empty list means it can be scored. Checks: unique section and question codes; options,
    caps, bands and scales that fit each kind (and an option or band worth 0 or more); positive
    question weights; known groups; section weights, once any are given, present for every
    section and summing to 1 or 100 for every group (or overall, without groups); a known
    rounding policy; consistent maturity levels; no two questions continuing the same one.
    """
    problems: list[str] = []
    if not instrument.sections:
        problems.append("the instrument has no sections")
    section_codes = [s.code for s in instrument.sections]
    for code in sorted({c for c in section_codes if section_codes.count(c) > 1}):
        problems.append(f"section code {code} is used more than once")
    question_codes = [q.code for q in instrument.questions]
    for code in sorted({c for c in question_codes if question_codes.count(c) > 1}):
        problems.append(f"question code {code} is used more than once")
    continued = [q.continues for q in instrument.questions if q.continues is not None]
    for code in sorted({c for c in continued if continued.count(c) > 1}):
        problems.append(f"more than one question continues {code}")
    for section in instrument.sections:
        if not section.questions:
            problems.append(f"section {section.code} has no questions")
        for question in section.questions:
            problems.extend(_validate_question(question, instrument.groups))
    problems.extend(_validate_weights(instrument))
    if instrument.rounding_policy not in ROUNDING_POLICIES:
        known = ", ".join(sorted(ROUNDING_POLICIES))
        problems.append(
            f"unknown rounding policy {instrument.rounding_policy!r}; known policies: {known}"
        )
    if (
        isinstance(instrument.rounding_places, bool)
        or not isinstance(instrument.rounding_places, int)
        or instrument.rounding_places < 0
    ):
        problems.append("rounding places must be a whole number, 0 or more")
    problems.extend(_validate_maturity(instrument))
    return problems


def check_instrument(*, instrument: Instrument) -> None:
    """Raise InstrumentError listing every problem `validate_instrument` finds."""
    problems = validate_instrument(instrument=instrument)
    if problems:
        raise InstrumentError(problems)


def section_weights(*, instrument: Instrument, group: str | None) -> dict[str, Fraction | None]:
    """
    The section weights for organisations in `group`, by section code: the section's weight for
    the group if it has one, else its default weight (None if it has neither). When no section
    has any weight, every weight is 1 (equal weighting). Not normalised: in a valid instrument
    they sum to 1 or 100.
    """
    if not _has_weights(instrument):
        return {s.code: ONE for s in instrument.sections}
    return {s.code: s.group_weights.get(group, s.weight) for s in instrument.sections}  # type: ignore[arg-type]


def _answer_problems(question: Question, answer: Answer) -> list[str]:
    q = f"answer to question {question.code} ({question.kind})"
    value = answer.value
    if answer.not_applicable:
        problems = []
        if not question.not_applicable_allowed:
            problems.append(f"{q}: this question cannot be answered 'not applicable'")
        if not is_blank(value):
            problems.append(f"{q}: 'not applicable' cannot also have a value")
        return problems
    if is_blank(value):
        return []
    kind = question.kind
    if kind is QuestionKind.TEXT:
        return [] if isinstance(value, str) else [f"{q}: expected text, got {value!r}"]
    if kind is QuestionKind.NUMBER:
        try:
            exact(value, what="the answer")
        except (TypeError, ValueError) as error:
            return [f"{q}: {error}"]
        return []
    codes = [o.code for o in question.options]
    if kind is QuestionKind.MULTIPLE_CHOICE:
        if isinstance(value, str) or not isinstance(value, Sequence | frozenset | set):
            return [f"{q}: expected a list of option codes, got {value!r}"]
        chosen = list(value)
        problems = [
            f"{q}: unknown option {c!r} (options: {', '.join(codes)})"
            for c in chosen
            if c not in codes
        ]
        if len(set(chosen)) != len(chosen):
            problems.append(f"{q}: an option is chosen more than once")
        return problems
    if kind is QuestionKind.YES_NO and isinstance(value, bool):
        return []
    if not isinstance(value, str) or value not in codes:
        return [f"{q}: unknown option {value!r} (options: {', '.join(codes)})"]
    return []


def is_blank(value: AnswerValue) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Sequence | frozenset | set):
        return len(value) == 0
    return False


def validate_answers(*, instrument: Instrument, answers: Iterable[Answer]) -> list[str]:
    """
    Return every problem with `answers` for `instrument`: answers to unknown questions, more
    than one answer to a question, option codes the question does not offer, values of the
    wrong type, and "not applicable" where the question does not allow it.
    """
    questions = {q.code: q for q in instrument.questions}
    problems: list[str] = []
    seen: set[str] = set()
    for answer in answers:
        question = questions.get(answer.question)
        if question is None:
            problems.append(f"answer to unknown question {answer.question!r}")
            continue
        if answer.question in seen:
            problems.append(f"more than one answer to question {answer.question}")
        seen.add(answer.question)
        problems.extend(_answer_problems(question, answer))
    return problems
