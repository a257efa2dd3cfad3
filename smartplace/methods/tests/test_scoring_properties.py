"""Properties of scoring that hold for every generated instrument and answers (Hypothesis)."""

import dataclasses
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from smartplace.methods.scoring import (
    Answer,
    BandsRule,
    CumulativeRule,
    Instrument,
    NumberBand,
    NumberScale,
    Option,
    Question,
    QuestionKind,
    ScoreBand,
    Section,
    ThresholdRule,
    score_organisation,
    validate_instrument,
)
from smartplace.methods.tests.scoring_world import (
    GROUPS,
    LEVELS,
    PROPERTY,
)

# Strategies are built once here: building them inside every draw is slow.
POINTS = st.integers(min_value=-3, max_value=5).map(Fraction) | st.fractions(
    min_value=-3, max_value=5, max_denominator=8
)
SCORED_KINDS = st.sampled_from([k for k in QuestionKind if k is not QuestionKind.TEXT])
QUESTION_WEIGHTS = st.sampled_from([Fraction(1), Fraction(2), Fraction(3), Fraction(1, 2)])
APPLIES_TO = {
    groups: st.none() | st.frozensets(st.sampled_from(groups), min_size=1)
    for groups in (GROUPS, ("county",))
}
QUESTION_LEVELS = st.sampled_from([None, 1, 2, 3])
BOOLEANS = st.booleans()
SCALE_ENDS = st.lists(st.integers(-5, 5), min_size=2, max_size=2, unique=True)
SCALE_POINTS = st.integers(0, 5)
BAND_CUTS = st.lists(st.integers(-5, 5), min_size=1, max_size=3, unique=True)
NUMBER_ANSWERS = st.none() | st.integers(-8, 8)
OPTION_COUNTS = st.integers(1, 4)
CAPS = st.none() | st.integers(1, 6)
SECTION_COUNTS = st.integers(1, 4)
QUESTION_COUNTS = st.integers(1, 5)
SECTION_WEIGHTS = st.integers(0, 5)
RULES = st.sampled_from(
    [
        None,
        CumulativeRule(levels=LEVELS),
        ThresholdRule(levels=LEVELS, share=Fraction(1, 2)),
        BandsRule(
            bands=(
                ScoreBand(at_least=0, level=LEVELS[0]),
                ScoreBand(at_least="0.5", level=LEVELS[1]),
            )
        ),
    ]
)
POLICIES = st.sampled_from(["half_up", "truncate", "float_round_then_truncate_percent"])
PLACES = st.integers(0, 2)
GROUP = st.sampled_from(GROUPS)
CODES = {
    size: (st.none() | st.sampled_from(codes), st.lists(st.sampled_from(codes), unique=True))
    for size, codes in [(n, [f"o{i}" for i in range(n)]) for n in range(1, 5)]
}
YES_NO_ANSWERS = st.none() | st.sampled_from(["yes", "no"])
YES_NO_SELECTIONS = st.lists(st.sampled_from(["yes", "no"]), unique=True)


@st.composite
def question_and_answer(draw, code, group_choices=GROUPS):
    """A random scorable question with a random (possibly blank or N/A) answer."""
    kind = draw(SCORED_KINDS)
    extra = {
        "weight": draw(QUESTION_WEIGHTS),
        "applies_to": draw(APPLIES_TO[group_choices]),
        "not_applicable_allowed": draw(BOOLEANS),
        "level": draw(QUESTION_LEVELS),
    }
    if kind is QuestionKind.NUMBER:
        if draw(BOOLEANS):
            ends = draw(SCALE_ENDS)
            extra["scale"] = NumberScale(
                zero_at=ends[0], full_at=ends[1], points=draw(SCALE_POINTS)
            )
        else:
            edges = [None, *sorted(draw(BAND_CUTS)), None]
            band_points = [draw(POINTS) for _ in edges[1:]]
            if all(p < 0 for p in band_points):
                band_points[0] = Fraction(0)
            extra["bands"] = tuple(
                NumberBand(at_least=lo, below=hi, points=p)
                for lo, hi, p in zip(edges, edges[1:], band_points, strict=False)
            )
        value = draw(NUMBER_ANSWERS)
    else:
        if kind is QuestionKind.YES_NO:
            codes, single, several = ["yes", "no"], YES_NO_ANSWERS, YES_NO_SELECTIONS
        else:
            size = draw(OPTION_COUNTS)
            codes = [f"o{i}" for i in range(size)]
            single, several = CODES[size]
        option_points = [draw(POINTS) for _ in codes]
        if all(p < 0 for p in option_points):
            option_points[-1] = Fraction(0)
        extra["options"] = tuple(
            Option(code=c, points=p) for c, p in zip(codes, option_points, strict=True)
        )
        if kind is QuestionKind.MULTIPLE_CHOICE:
            extra["cap"] = draw(CAPS)
            value = tuple(draw(several))
        else:
            value = draw(single)
    question = Question(code=code, kind=kind, **extra)
    not_applicable = question.not_applicable_allowed and draw(BOOLEANS)
    answer = Answer(
        question=code, value=None if not_applicable else value, not_applicable=not_applicable
    )
    return question, answer


@st.composite
def scored_cases(draw):
    """A valid random instrument, one organisation's answers and its group."""
    section_count = draw(SECTION_COUNTS)
    sections, answers, counter = [], [], 0
    use_weights = draw(BOOLEANS)
    raw_weights = [draw(SECTION_WEIGHTS) for _ in range(section_count)]
    if not any(raw_weights):
        raw_weights[0] = 1
    total = sum(raw_weights)
    for index in range(section_count):
        pairs = []
        for _ in range(draw(QUESTION_COUNTS)):
            pairs.append(draw(question_and_answer(code=f"q{counter}")))
            counter += 1
        sections.append(
            Section(
                code=f"s{index}",
                questions=tuple(q for q, _ in pairs),
                weight=Fraction(raw_weights[index], total) if use_weights else None,
            )
        )
        answers.extend(a for _, a in pairs)
    instrument = Instrument(
        code="random",
        groups=GROUPS,
        sections=tuple(sections),
        maturity=draw(RULES),
        rounding_policy=draw(POLICIES),
        rounding_places=draw(PLACES),
    )
    assert validate_instrument(instrument=instrument) == []
    return instrument, answers, draw(GROUP)


@PROPERTY
@given(case=scored_cases())
def test_scores_stay_within_their_maxima(case):
    """Every section's points are in [0, maximum], fractions in [0, 1], published in [0, 100]."""
    instrument, answers, group = case
    score = score_organisation(instrument=instrument, answers=answers, group=group)
    for section in score.sections:
        assert 0 <= section.points <= section.maximum
        assert section.points == max(section.points_before_floor, 0)
        assert (section.fraction is None) == (section.maximum == 0)
        if section.fraction is not None:
            assert 0 <= section.fraction <= 1
            assert 0 <= section.published_percent <= 100
        for question in section.questions:
            assert question.points <= question.maximum
            assert question.maximum >= 0
            if not question.status.counts:
                assert question.points == question.maximum == 0
    assert 0 <= score.points <= score.maximum
    for fraction in (score.fraction, score.weighted_fraction):
        assert fraction is None or 0 <= fraction <= 1


@PROPERTY
@given(case=scored_cases())
def test_maxima_do_not_depend_on_the_answers(case):
    """Blank answers keep the maximum: scoring with no answers gives the same maxima."""
    instrument, answers, group = case
    answered_score = score_organisation(instrument=instrument, answers=answers, group=group)
    blank_score = score_organisation(
        instrument=instrument, answers=[a for a in answers if a.not_applicable], group=group
    )
    assert [s.maximum for s in answered_score.sections] == [s.maximum for s in blank_score.sections]
    assert all(s.points == 0 for s in blank_score.sections)


def best_answer(question):
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return tuple(o.code for o in question.options if o.points > 0)
    if question.kind is QuestionKind.NUMBER:
        if question.scale is not None:
            return question.scale.full_at
        best = max(question.bands, key=lambda b: b.points)
        return best.at_least if best.at_least is not None else best.below - 1
    return max(question.options, key=lambda o: o.points).code


@PROPERTY
@given(case=scored_cases())
def test_best_answers_earn_every_maximum(case):
    """Answering every question as well as possible gives a fraction of 1 in every section."""
    instrument, answers, group = case
    best = [
        answer
        if answer.not_applicable
        else Answer(
            question=answer.question,
            value=best_answer(next(q for q in instrument.questions if q.code == answer.question)),
        )
        for answer in answers
    ]
    score = score_organisation(instrument=instrument, answers=best, group=group)
    for section in score.sections:
        assert section.fraction in (None, 1)
    assert score.weighted_fraction in (None, 1)


@PROPERTY
@given(
    case=scored_cases(),
    extra=question_and_answer(code="extra", group_choices=("county",)),
    where=st.integers(0, 100),
    how=st.sampled_from(["does_not_apply", "not_applicable"]),
)
def test_a_question_that_does_not_apply_never_changes_a_fraction(case, extra, where, how):
    """Adding a question that does not apply (by group, or answered N/A) changes no result."""
    instrument, answers, group = case
    question, answer = extra
    if how == "does_not_apply":
        others = frozenset(GROUPS) - {group}
        question = dataclasses.replace(question, applies_to=others)
    else:
        question = dataclasses.replace(question, not_applicable_allowed=True)
        answer = Answer(question="extra", not_applicable=True)
    sections = list(instrument.sections)
    target = sections[where % len(sections)]
    position = where % (len(target.questions) + 1)
    questions = list(target.questions)
    questions.insert(position, question)
    sections[where % len(sections)] = dataclasses.replace(target, questions=tuple(questions))
    bigger = dataclasses.replace(instrument, sections=tuple(sections))

    before = score_organisation(instrument=instrument, answers=answers, group=group)
    after = score_organisation(instrument=bigger, answers=[*answers, answer], group=group)
    for old, new in zip(before.sections, after.sections, strict=True):
        assert (new.points, new.maximum, new.fraction) == (old.points, old.maximum, old.fraction)
        assert new.published_percent == old.published_percent
        assert new.maturity == old.maturity
    assert (after.fraction, after.weighted_fraction) == (before.fraction, before.weighted_fraction)
    assert after.published_weighted_percent == before.published_weighted_percent
    assert after.maturity == before.maturity
