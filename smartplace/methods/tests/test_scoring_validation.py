"""Checking an instrument (weights, questions, maturity) and answers before scoring."""

from fractions import Fraction

import pytest

from smartplace.methods.scoring import (
    Answer,
    CumulativeRule,
    Instrument,
    InstrumentError,
    NumberScale,
    Option,
    Question,
    QuestionKind,
    ScoringError,
    Section,
    check_instrument,
    score_organisation,
    section_weights,
    validate_instrument,
)
from smartplace.methods.tests.scoring_world import (
    LEVELS,
    one_section,
    yes_no,
)


def grouped(weights_by_group, default=None):
    sections = []
    for index, code in enumerate(("A", "B", "C")):
        sections.append(
            Section(
                code=code,
                weight=None if default is None else default[index],
                group_weights={g: w[index] for g, w in weights_by_group.items()},
                questions=(yes_no(f"q{code}"),),
            )
        )
    return Instrument(code="t", groups=("county", "district"), sections=tuple(sections))


def test_group_weights_that_do_not_sum_to_one_are_reported():
    """The problem names the group and the sum."""
    instrument = grouped({"county": ["0.4", "0.3", "0.2"], "district": ["0.5", "0.3", "0.2"]})
    assert validate_instrument(instrument=instrument) == [
        "section weights for county sum to 0.9, not 1 or 100"
    ]
    with pytest.raises(InstrumentError, match="county sum to 0.9"):
        score_organisation(instrument=instrument, answers=[], group="district")


def test_a_group_without_weights_is_reported_when_others_have_them():
    """Once weights are given, every group needs a weight for every section."""
    instrument = grouped({"county": ["0.4", "0.3", "0.3"]})
    assert validate_instrument(instrument=instrument) == [
        "section weights for district: no weight for section(s) A, B, C"
    ]
    fallback = grouped({"county": ["0.4", "0.3", "0.3"]}, default=["0.5", "0.3", "0.2"])
    assert validate_instrument(instrument=fallback) == []
    assert section_weights(instrument=fallback, group="district") == {
        "A": Fraction(1, 2),
        "B": Fraction(3, 10),
        "C": Fraction(1, 5),
    }


def test_validation_lists_every_problem():
    """Each inconsistency in an instrument is reported once, naming its question or section."""
    instrument = Instrument(
        code="t",
        groups=("county",),
        rounding_policy="bankers",
        maturity=CumulativeRule(levels=LEVELS[:2]),
        sections=(
            Section(
                code="A",
                questions=(
                    yes_no("a", applies_to=frozenset({"parish"})),
                    yes_no("a"),
                    Question(code="n", kind=QuestionKind.NUMBER),
                    Question(code="s", kind=QuestionKind.SINGLE_CHOICE),
                    yes_no("y", options=(Option(code="oui", points=1), Option(code="non"))),
                    yes_no("l", level=3),
                    Question(code="t", kind=QuestionKind.TEXT, options=(Option(code="x"),)),
                ),
            ),
            Section(code="A", questions=()),
        ),
    )
    problems = validate_instrument(instrument=instrument)
    for expected in [
        "section code A is used more than once",
        "question code a is used more than once",
        "question a applies to unknown group(s) parish (groups: county)",
        "question n (number) needs either bands or a scale",
        "question s (single_choice) has no options",
        "question y (yes_no) must have exactly the options yes and no",
        "question l evidences level 3, which the maturity rule does not have",
        "question t (text) cannot have options",
        "section A has no questions",
        "unknown rounding policy 'bankers'; known policies: float_round_then_truncate_percent, "
        "half_even, half_up, numpy_round_then_truncate_percent, truncate",
    ]:
        assert expected in problems
    assert len(problems) == len(set(problems))
    with pytest.raises(InstrumentError) as error:
        check_instrument(instrument=instrument)
    assert error.value.problems == problems


def test_floats_are_refused_in_the_data_model():
    """A float weight or points value is a TypeError that says what to give instead."""
    with pytest.raises(TypeError, match="question q weight is the float 0.5; give exact values"):
        yes_no("q", weight=0.5)
    with pytest.raises(TypeError, match="option x points is the float"):
        Option(code="x", points=0.1)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([Answer(question="zz", value="yes")], "answer to unknown question 'zz'"),
        (
            [Answer(question="q", value="maybe")],
            "answer to question q (yes_no): unknown option 'maybe' (options: yes, no)",
        ),
        (
            [Answer(question="q", value="yes"), Answer(question="q", value="no")],
            "more than one answer to question q",
        ),
        (
            [Answer(question="q", not_applicable=True)],
            "answer to question q (yes_no): this question cannot be answered 'not applicable'",
        ),
        (
            [Answer(question="m", value="a")],
            "answer to question m (multiple_choice): expected a list of option codes, got 'a'",
        ),
        (
            [Answer(question="m", value=("a", "a"))],
            "answer to question m (multiple_choice): an option is chosen more than once",
        ),
        (
            [Answer(question="n", value=1.5)],
            "answer to question n (number): the answer is the float 1.5",
        ),
        (
            [Answer(question="n", value="lots")],
            "answer to question n (number): the answer must be a number, got 'lots'",
        ),
        (
            [Answer(question="p", not_applicable=True, value="yes")],
            "answer to question p (yes_no): 'not applicable' cannot also have a value",
        ),
    ],
)
def test_bad_answers_are_reported(answers, message):
    """Each bad answer raises ScoringError with a message naming the question."""
    instrument = one_section(
        yes_no("q"),
        yes_no("p", not_applicable_allowed=True),
        Question(code="m", kind=QuestionKind.MULTIPLE_CHOICE, options=(Option(code="a"),)),
        Question(
            code="n", kind=QuestionKind.NUMBER, scale=NumberScale(zero_at=0, full_at=1, points=1)
        ),
    )
    with pytest.raises(ScoringError) as error:
        score_organisation(instrument=instrument, answers=answers)
    assert any(problem.startswith(message) for problem in error.value.problems), (
        error.value.problems
    )


def test_group_must_be_one_of_the_instruments_groups():
    """Scoring an organisation without a known group is refused when the instrument has groups."""
    instrument = Instrument(
        code="t", groups=("county",), sections=(Section(code="A", questions=(yes_no("a"),)),)
    )
    with pytest.raises(ScoringError, match="group 'parish' is not one of the instrument's groups"):
        score_organisation(instrument=instrument, answers=[], group="parish")
    with pytest.raises(ScoringError, match="group None"):
        score_organisation(instrument=instrument, answers=[])
