"""
An instrument and an organisation's answers, as frozen dataclasses checked on creation: its
sections, questions (of each `QuestionKind`), options, number bands and scales, groups, the
maturity rule and levels, and the rounding policy; exact numbers (`exact`) throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

type AnswerValue = str | bool | int | Fraction | Decimal | Sequence[str] | None

ZERO = Fraction(0)
ONE = Fraction(1)


def exact(value: object, *, what: str) -> Fraction:
    """Convert an exact number (int, Decimal, Fraction, "0.25", "1/3") to a Fraction."""
    if isinstance(value, float):
        raise TypeError(
            f"{what} is the float {value!r}; give exact values as int, Decimal, Fraction "
            f"or a decimal string such as '0.25'"
        )
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal | str):
        raise TypeError(f"{what} must be a number, got {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    try:
        return Fraction(value.strip() if isinstance(value, str) else value)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None


def optional_exact(value: object, *, what: str) -> Fraction | None:
    return None if value is None else exact(value, what=what)




class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    LEVEL = "level"
    NUMBER = "number"
    TEXT = "text"


CHOICE_KINDS = frozenset(
    {
        QuestionKind.YES_NO,
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.LEVEL,
    }
)


@dataclass(frozen=True, kw_only=True)
class Option:
    """One answer a choice question offers. Negative `points` are a negative mark."""

    code: str
    label: str = ""
    points: Fraction = ZERO

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", exact(self.points, what=f"option {self.code} points"))


@dataclass(frozen=True, kw_only=True)
class NumberBand:
    """Points for a number answer with `at_least <= answer < below` (either bound optional)."""

    points: Fraction
    at_least: Fraction | None = None
    below: Fraction | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", exact(self.points, what="band points"))
        object.__setattr__(self, "at_least", optional_exact(self.at_least, what="band at_least"))
        object.__setattr__(self, "below", optional_exact(self.below, what="band below"))

    def contains(self, value: Fraction) -> bool:
        return (self.at_least is None or value >= self.at_least) and (
            self.below is None or value < self.below
        )


@dataclass(frozen=True, kw_only=True)
class NumberScale:
    """
    Points for a number answer on a straight line: 0 points at `zero_at`, full `points` at
    `full_at`, clamped outside. `zero_at` may be above `full_at` (lower is better).
    """

    zero_at: Fraction
    full_at: Fraction
    points: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "zero_at", exact(self.zero_at, what="scale zero_at"))
        object.__setattr__(self, "full_at", exact(self.full_at, what="scale full_at"))
        object.__setattr__(self, "points", exact(self.points, what="scale points"))

    def score(self, value: Fraction) -> Fraction:
        share = (value - self.zero_at) / (self.full_at - self.zero_at)
        return self.points * min(max(share, ZERO), ONE)


@dataclass(frozen=True, kw_only=True)
class Question:
    """
    One question.

    `options` are required for choice kinds; a yes/no question without options gets
    yes = 1 point, no = 0. `cap` limits a multiple-choice question's summed points (and its
    maximum). A number question has `bands` (first matching band wins, none matching scores 0)
    or a `scale`. `applies_to` names the groups the question applies to (None: every group).
    `level` is the maturity level the question evidences. `continues` is the code of the
    question in an earlier instrument that this one continues unchanged in meaning, so that
    change between cycles compares like with like.
    """

    code: str
    kind: QuestionKind
    text: str = ""
    options: tuple[Option, ...] = ()
    weight: Fraction = ONE
    cap: Fraction | None = None
    bands: tuple[NumberBand, ...] = ()
    scale: NumberScale | None = None
    applies_to: frozenset[str] | None = None
    not_applicable_allowed: bool = False
    level: int | None = None
    continues: str | None = None

    def __post_init__(self) -> None:
        kind = QuestionKind(self.kind)
        object.__setattr__(self, "kind", kind)
        options = tuple(self.options)
        if kind is QuestionKind.YES_NO and not options:
            options = (Option(code="yes", label="Yes", points=1), Option(code="no", label="No"))
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(self, "weight", exact(self.weight, what=f"question {self.code} weight"))
        object.__setattr__(self, "cap", optional_exact(self.cap, what=f"question {self.code} cap"))
        if self.applies_to is not None:
            applies_to = (
                frozenset({self.applies_to})
                if isinstance(self.applies_to, str)
                else frozenset(self.applies_to)
            )
            object.__setattr__(self, "applies_to", applies_to)

    def option(self, code: str) -> Option | None:
        """The option with this code, or None."""
        return next((option for option in self.options if option.code == code), None)

    @property
    def scored(self) -> bool:
        return self.kind is not QuestionKind.TEXT

    @property
    def unweighted_maximum(self) -> Fraction:
        """The most the question can earn before its weight is applied (never negative)."""
        if self.kind is QuestionKind.MULTIPLE_CHOICE:
            total = sum((o.points for o in self.options if o.points > 0), ZERO)
            return total if self.cap is None else min(total, self.cap)
        if self.kind in CHOICE_KINDS:
            return max([ZERO, *(o.points for o in self.options)])
        if self.kind is QuestionKind.NUMBER:
            if self.scale is not None:
                return max(self.scale.points, ZERO)
            return max([ZERO, *(band.points for band in self.bands)])
        return ZERO

    @property
    def maximum(self) -> Fraction:
        """The question's maximum, weighted."""
        return self.unweighted_maximum * self.weight

    def applies(self, group: str | None) -> bool:
        """Whether the question applies to organisations in `group`."""
        return self.applies_to is None or group in self.applies_to


@dataclass(frozen=True, kw_only=True)
class Section:
    """
    A section of questions. `weight` is its weight in the weighted total; `group_weights`
    overrides it for named groups (e.g. {"county": "0.3", "district": "0.2"}).
    """

    code: str
    questions: tuple[Question, ...]
    title: str = ""
    weight: Fraction | None = None
    group_weights: Mapping[str, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        object.__setattr__(
            self, "weight", optional_exact(self.weight, what=f"section {self.code} weight")
        )
        object.__setattr__(
            self,
            "group_weights",
            {
                group: exact(value, what=f"section {self.code} weight for {group}")
                for group, value in dict(self.group_weights).items()
            },
        )


@dataclass(frozen=True, kw_only=True)
class MaturityLevel:
    """A named maturity level; `number` counts from 1 (the lowest)."""

    number: int
    name: str


@dataclass(frozen=True, kw_only=True)
class CumulativeRule:
    """Level n is reached when every applicable question of levels 1…n is met."""

    levels: tuple[MaturityLevel, ...]
    name: str = field(default="cumulative", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))


@dataclass(frozen=True, kw_only=True)
class ThresholdRule:
    """Level n is reached when each of levels 1…n has at least `share` of its questions met."""

    levels: tuple[MaturityLevel, ...]
    share: Fraction
    name: str = field(default="threshold", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))
        object.__setattr__(self, "share", exact(self.share, what="threshold share"))


@dataclass(frozen=True, kw_only=True)
class ScoreBand:
    """A score of at least `at_least` (a fraction, 0.7 for 70%) reaches `level`."""

    at_least: Fraction
    level: MaturityLevel

    def __post_init__(self) -> None:
        object.__setattr__(self, "at_least", exact(self.at_least, what="band at_least"))


@dataclass(frozen=True, kw_only=True)
class BandsRule:
    """
    The level of the highest band the score reaches. Sections use their fraction; overall uses
    the weighted total (`overall_on="weighted"`) or the raw total (`"raw"`). With
    `use_published` the published percentage ÷ 100 is compared instead of the exact fraction,
    so that the level agrees with the figure printed beside it.
    """

    bands: tuple[ScoreBand, ...]
    overall_on: str = "weighted"
    use_published: bool = False
    name: str = field(default="bands", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))


type MaturityRule = CumulativeRule | ThresholdRule | BandsRule


@dataclass(frozen=True, kw_only=True)
class Instrument:
    """
    A questionnaire with its scoring method. `groups` names the groups of organisations
    (e.g. council types) that applicability and section weights may refer to; when it is not
    empty, every organisation scored must belong to one of them.
    """

    code: str
    sections: tuple[Section, ...]
    title: str = ""
    groups: tuple[str, ...] = ()
    rounding_policy: str = "half_up"
    rounding_places: int = 0
    maturity: MaturityRule | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "groups", tuple(self.groups))

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)


@dataclass(frozen=True, kw_only=True)
class Answer:
    """
    One organisation's answer to one question: an option code ("yes"/"no", or True/False, for
    yes/no), a sequence of option codes (multiple choice), a number (int, Decimal, Fraction or a
    decimal string) or text. `None`, "" or an empty selection is blank. `not_applicable=True`
    (with no value) answers "not applicable".
    """

    question: str
    value: AnswerValue = None
    not_applicable: bool = False


class InstrumentError(ValueError):
    """The instrument is not consistent; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class ScoringError(ValueError):
    """The answers cannot be scored; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))
