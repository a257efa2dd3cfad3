"""What the scoring tests share: a few instruments in a line, the groups and levels."""

from hypothesis import settings

from smartplace.methods.scoring import (
    Instrument,
    MaturityLevel,
    Question,
    QuestionKind,
    Section,
    score_organisation,
)

PROPERTY = settings(database=None, deadline=None, max_examples=150)
GROUPS = ("county", "district", "unitary")
LEVELS = tuple(MaturityLevel(number=n, name=f"Level {n}") for n in (1, 2, 3))


def yes_no(code, **kwargs):
    return Question(code=code, kind=QuestionKind.YES_NO, **kwargs)


def one_section(*questions, **kwargs):
    return Instrument(code="t", sections=(Section(code="A", questions=questions),), **kwargs)


def section_of(instrument, answers, group=None, code="A"):
    return score_organisation(instrument=instrument, answers=answers, group=group).section(code)
