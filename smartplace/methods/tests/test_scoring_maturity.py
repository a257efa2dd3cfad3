"""Maturity levels: the cumulative, threshold and bands rules."""

import dataclasses
from fractions import Fraction

from smartplace.methods.scoring import (
    Answer,
    BandsRule,
    CumulativeRule,
    Instrument,
    Option,
    ScoreBand,
    Section,
    ThresholdRule,
    score_organisation,
)
from smartplace.methods.tests.scoring_world import (
    LEVELS,
    one_section,
    section_of,
    yes_no,
)


def leveled_instrument(rule):
    return one_section(
        yes_no("a1", level=1),
        yes_no("a2", level=1),
        yes_no("a3", level=1),
        yes_no("b1", level=2),
        yes_no("b2", level=2),
        yes_no("c1", level=3),
        maturity=rule,
    )


def answered(**values):
    return [Answer(question=code, value=value) for code, value in values.items()]


def test_cumulative_rule_needs_every_question_up_to_the_level():
    """Level n needs every question of levels 1…n met; a miss at level 1 blocks level 2."""
    instrument = leveled_instrument(CumulativeRule(levels=LEVELS))
    all_but_a3 = answered(a1="yes", a2="yes", a3="no", b1="yes", b2="yes", c1="yes")
    level = section_of(instrument, all_but_a3).maturity.level
    assert level is None
    up_to_two = answered(a1="yes", a2="yes", a3="yes", b1="yes", b2="yes", c1="no")
    assert section_of(instrument, up_to_two).maturity.level == LEVELS[1]


def test_threshold_rule_needs_a_share_of_each_level():
    """With share 2/3, two of three level-1 questions and one of two level-2 ones is not enough."""
    instrument = leveled_instrument(ThresholdRule(levels=LEVELS, share=Fraction(2, 3)))
    answers = answered(a1="yes", a2="yes", a3="no", b1="yes", b2="no", c1="yes")
    assert section_of(instrument, answers).maturity.level == LEVELS[0]
    half = leveled_instrument(ThresholdRule(levels=LEVELS, share="0.5"))
    assert section_of(half, answers).maturity.level == LEVELS[2]


def test_levels_without_questions_neither_block_nor_count():
    """A level with no applicable questions is passed over; none above the evidence is given."""
    instrument = one_section(
        yes_no("b1", level=2),
        yes_no("x", level=1, not_applicable_allowed=True),
        maturity=CumulativeRule(levels=LEVELS),
    )
    answers = [Answer(question="b1", value="yes"), Answer(question="x", not_applicable=True)]
    assert section_of(instrument, answers).maturity.level == LEVELS[1]


def test_blank_never_meets_a_question():
    """A blank answer to a question worth 0 at most still does not meet it."""
    penalty = yes_no("p", level=1, options=(Option(code="yes", points=-1), Option(code="no")))
    instrument = one_section(penalty, maturity=CumulativeRule(levels=LEVELS))
    assert section_of(instrument, []).maturity.level is None
    assert section_of(instrument, answered(p="no")).maturity.level == LEVELS[0]


def test_bands_rule_on_the_exact_or_the_published_score():
    """69.6% is below a 70% band exactly but reaches it when the published 70 is compared."""
    questions = [yes_no(f"q{i}") for i in range(125)]
    answers = [Answer(question=f"q{i}", value="yes") for i in range(87)]  # 87/125 = 69.6%
    bands = (ScoreBand(at_least=0, level=LEVELS[0]), ScoreBand(at_least="0.7", level=LEVELS[1]))
    exact = one_section(*questions, maturity=BandsRule(bands=bands))
    published = one_section(*questions, maturity=BandsRule(bands=bands, use_published=True))
    exact_score = score_organisation(instrument=exact, answers=answers)
    assert exact_score.section("A").published_percent == 70
    assert exact_score.section("A").maturity.level == LEVELS[0]
    assert exact_score.maturity.level == LEVELS[0]
    published_score = score_organisation(instrument=published, answers=answers)
    assert published_score.section("A").maturity.level == LEVELS[1]
    assert published_score.maturity.level == LEVELS[1]


def test_bands_rule_overall_on_raw_or_weighted_total():
    """Overall bands use the weighted total unless told to use the raw total."""
    instrument = Instrument(
        code="t",
        sections=(
            Section(code="A", questions=(yes_no("a"),)),
            Section(code="B", questions=(yes_no("b"), yes_no("c"), yes_no("d"))),
        ),
    )
    answers = [Answer(question="a", value="yes")]  # weighted 1/2, raw 1/4
    bands = (ScoreBand(at_least=0, level=LEVELS[0]), ScoreBand(at_least="0.5", level=LEVELS[1]))
    for on, level in [("weighted", LEVELS[1]), ("raw", LEVELS[0])]:
        rule = BandsRule(bands=bands, overall_on=on)
        score = score_organisation(
            instrument=dataclasses.replace(instrument, maturity=rule), answers=answers
        )
        assert score.maturity.level == level, on
