"""Scoring one organisation's answers: question kinds, blanks, not applicable, applicability,
negative marks and weights."""

from decimal import Decimal
from fractions import Fraction

from smartplace.methods.scoring import (
    Answer,
    Instrument,
    NumberBand,
    NumberScale,
    Option,
    Question,
    QuestionKind,
    QuestionStatus,
    Section,
    score_organisation,
    section_weights,
)
from smartplace.methods.tests.scoring_world import (
    one_section,
    section_of,
    yes_no,
)

# --- question kinds ----------------------------------------------------------------------------


def test_yes_no_defaults_and_booleans():
    """A yes/no question without options scores yes 1, no 0, and takes True/False as yes/no."""
    instrument = one_section(yes_no("q1"), yes_no("q2"), yes_no("q3"))
    section = section_of(
        instrument,
        [
            Answer(question="q1", value=True),
            Answer(question="q2", value="no"),
            Answer(question="q3", value=False),
        ],
    )
    assert [q.points for q in section.questions] == [1, 0, 0]
    assert section.maximum == 3


def test_multiple_choice_sums_then_caps():
    """Chosen options' points are summed (negatives included) and then capped; so is the max."""
    question = Question(
        code="m",
        kind=QuestionKind.MULTIPLE_CHOICE,
        cap=3,
        options=(
            Option(code="a", points=2),
            Option(code="b", points=2),
            Option(code="c", points=-1),
        ),
    )
    instrument = one_section(question)
    assert question.maximum == 3
    for chosen, points in [(("a", "b"), 3), (("a", "b", "c"), 3), (("a", "c"), 1), (("c",), -1)]:
        scored = section_of(instrument, [Answer(question="m", value=chosen)]).questions[0]
        assert scored.points == points, chosen


def test_uncapped_multiple_choice_maximum_is_the_positive_options():
    """Without a cap the maximum is the sum of the options with positive points."""
    question = Question(
        code="m",
        kind=QuestionKind.MULTIPLE_CHOICE,
        options=(
            Option(code="a", points=2),
            Option(code="b", points="1.5"),
            Option(code="c", points=-1),
        ),
    )
    assert question.maximum == Fraction(7, 2)


def test_number_scale_lower_is_better():
    """A scale from 30 (0 points) to 5 (4 points) is linear between and clamped outside."""
    question = Question(
        code="n",
        kind=QuestionKind.NUMBER,
        scale=NumberScale(zero_at=30, full_at=5, points=4),
    )
    instrument = one_section(question)
    for value, points in [(5, 4), (0, 4), (30, 0), (45, 0), ("17.5", 2), (Decimal("10"), "3.2")]:
        scored = section_of(instrument, [Answer(question="n", value=value)]).questions[0]
        assert scored.points == Fraction(points), value


def test_number_bands_first_match_and_no_match():
    """The first band containing the number gives its points; a number in no band scores 0."""
    question = Question(
        code="n",
        kind=QuestionKind.NUMBER,
        bands=(
            NumberBand(at_least=0, below=10, points=3),
            NumberBand(at_least=10, below=20, points=1),
        ),
    )
    instrument = one_section(question)
    for value, points in [(0, 3), ("9.99", 3), (10, 1), (20, 0), (-1, 0)]:
        scored = section_of(instrument, [Answer(question="n", value=value)]).questions[0]
        assert scored.points == points, value
    assert question.maximum == 3


def test_question_weight_multiplies_points_and_maximum():
    """A question of weight 3 earns and can earn three times its option points."""
    instrument = one_section(yes_no("q", weight=3), yes_no("r"))
    section = section_of(instrument, [Answer(question="q", value="yes")])
    assert (section.points, section.maximum) == (3, 4)


def test_text_is_never_scored():
    """A text question adds nothing to points or maximum, whatever the answer."""
    instrument = one_section(yes_no("q"), Question(code="t", kind=QuestionKind.TEXT))
    section = section_of(
        instrument, [Answer(question="q", value="yes"), Answer(question="t", value="Notes")]
    )
    assert (section.points, section.maximum) == (1, 1)
    assert section.questions[1].status is QuestionStatus.UNSCORED


def test_blank_scores_zero_and_keeps_the_maximum():
    """A blank answer (None, "", empty selection or no answer) scores 0 but keeps the maximum."""
    instrument = one_section(
        yes_no("a"),
        yes_no("b"),
        yes_no("c"),
        Question(
            code="m", kind=QuestionKind.MULTIPLE_CHOICE, options=(Option(code="x", points=1),)
        ),
    )
    section = section_of(
        instrument,
        [
            Answer(question="a", value=None),
            Answer(question="b", value="  "),
            Answer(question="m", value=()),
        ],
    )
    assert (section.points, section.maximum) == (0, 4)
    assert {q.status for q in section.questions} == {QuestionStatus.BLANK}


def test_not_applicable_leaves_the_question_out():
    """Answering "not applicable" removes the question from points and maximum."""
    instrument = one_section(yes_no("a"), yes_no("b", not_applicable_allowed=True))
    section = section_of(
        instrument, [Answer(question="a", value="yes"), Answer(question="b", not_applicable=True)]
    )
    assert (section.points, section.maximum, section.fraction) == (1, 1, 1)


def test_applicability_by_group():
    """A question that does not apply to the group is left out even if it was answered."""
    instrument = Instrument(
        code="t",
        groups=("county", "district"),
        sections=(
            Section(
                code="A",
                questions=(
                    yes_no("a"),
                    yes_no("bins", applies_to=frozenset({"district"})),
                ),
            ),
        ),
    )
    answers = [Answer(question="a", value="no"), Answer(question="bins", value="yes")]
    district = section_of(instrument, answers, group="district")
    county = section_of(instrument, answers, group="county")
    assert (district.points, district.maximum) == (1, 2)
    assert (county.points, county.maximum) == (0, 1)
    assert county.questions[1].status is QuestionStatus.DOES_NOT_APPLY


def test_negative_marks_floor_at_zero_per_section():
    """Negative marks can take a section to 0 but not below, and never reach another section."""
    penalty = yes_no("breach", options=(Option(code="yes", points=-3), Option(code="no")))
    instrument = Instrument(
        code="t",
        sections=(
            Section(code="A", questions=(yes_no("a"), penalty)),
            Section(code="B", questions=(yes_no("b"),)),
        ),
    )
    score = score_organisation(
        instrument=instrument,
        answers=[
            Answer(question="a", value="yes"),
            Answer(question="breach", value="yes"),
            Answer(question="b", value="yes"),
        ],
    )
    first, second = score.sections
    assert (first.points_before_floor, first.points, first.maximum) == (-2, 0, 1)
    assert first.fraction == 0
    assert second.fraction == 1
    assert (score.points, score.maximum) == (1, 2)
    assert score.weighted_fraction == Fraction(1, 2)


def test_section_without_a_maximum_is_left_out_of_the_weighted_total():
    """When every question of a section is N/A its fraction is None and the others fill in."""
    instrument = Instrument(
        code="t",
        sections=(
            Section(code="A", weight="0.5", questions=(yes_no("a"),)),
            Section(code="B", weight="0.25", questions=(yes_no("b", not_applicable_allowed=True),)),
            Section(code="C", weight="0.25", questions=(yes_no("c"),)),
        ),
    )
    score = score_organisation(
        instrument=instrument,
        answers=[Answer(question="a", value="yes"), Answer(question="b", not_applicable=True)],
    )
    assert score.section("B").fraction is None
    assert score.section("B").published_percent is None
    assert score.weighted_fraction == Fraction(2, 3)  # (0.5 × 1 + 0.25 × 0) ÷ 0.75


def test_weights_summing_to_100_give_the_same_total_as_weights_summing_to_1():
    """Section weights may be given as percentages."""

    def instrument(w1, w2):
        return Instrument(
            code="t",
            sections=(
                Section(code="A", weight=w1, questions=(yes_no("a"),)),
                Section(code="B", weight=w2, questions=(yes_no("b"), yes_no("c"))),
            ),
        )

    answers = [Answer(question="a", value="yes"), Answer(question="b", value="yes")]
    one = score_organisation(instrument=instrument("0.7", "0.3"), answers=answers)
    hundred = score_organisation(instrument=instrument(70, 30), answers=answers)
    assert one.weighted_fraction == hundred.weighted_fraction == Fraction(17, 20)


def test_without_weights_sections_count_equally():
    """When no section has a weight, the weighted total is the mean of section fractions."""
    instrument = Instrument(
        code="t",
        sections=(
            Section(code="A", questions=(yes_no("a"),)),
            Section(code="B", questions=(yes_no("b"), yes_no("c"), yes_no("d"))),
        ),
    )
    assert section_weights(instrument=instrument, group=None) == {"A": 1, "B": 1}
    score = score_organisation(instrument=instrument, answers=[Answer(question="a", value="yes")])
    assert score.weighted_fraction == Fraction(1, 2)
    assert score.fraction == Fraction(1, 4)
