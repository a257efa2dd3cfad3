"""
Scores of a cycle's participants and their change since the previous cycle.

The figures come from `smartplace.methods.scoring.score_organisation` and
`smartplace.methods.benchmarking.change_since_previous`; nothing here scores by itself. Each
function reads a fixed number of queries whatever the number of participants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from smartplace.assessments.models import Cycle, Participant, Stage
from smartplace.assessments.selectors import (
    CycleInstrument,
    StoredValue,
    answers_at_stage,
    cycle_instrument,
    live_answers,
)
from smartplace.assessments.values import value_to_method
from smartplace.methods import scoring as m
from smartplace.methods.benchmarking import (
    CycleChange,
    change_since_previous,
    question_continuity,
)
from smartplace.methods.rounding import publish_percent


def _score(tree: CycleInstrument, participant: Participant, values) -> m.OrganisationScore:
    codes = {q.pk: q.code for q in tree.instrument.questions.all()}
    answers = [value_to_method(question=tree.question(codes[v.question_id]), value=v.value,
                               not_applicable=v.not_applicable) for v in values]
    return m.score_organisation(instrument=tree.method, answers=answers,
                                group=participant.scoring_group or None)


def cycle_scores(*, cycle: Cycle, stage: str | None = None,
                 participants: Iterable[Participant] | None = None
                 ) -> dict[Participant, m.OrganisationScore]:
    """
    Score each participant (default: every participant of the cycle) with the cycle's
    instrument and the participant's group: on its live answers, or with `stage` on its
    answers as they stood after that stage (`answers_at_stage`).
    """
    tree = cycle_instrument(cycle=cycle)
    if participants is None:
        participants = Participant.objects.filter(cycle=cycle).select_related(
            "organisation", "organisation__place")
    participants = list(participants)
    if stage is None:
        values = {pk: [StoredValue(a.question_id, a.value, a.not_applicable) for a in rows]
                  for pk, rows in live_answers(participants=participants).items()}
    else:
        values = answers_at_stage(participants=participants, stage=stage)
    return {p: _score(tree, p, values[p.pk]) for p in participants}


def _percent(cycle: Cycle, fraction: Fraction | None) -> Decimal | None:
    if fraction is None:
        return None
    method = cycle_instrument(cycle=cycle).method
    return publish_percent(fraction=fraction, policy=method.rounding_policy,
                           places=method.rounding_places)


# --- change since the previous cycle ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A participant's change since the previous cycle, with its published figures."""

    change: CycleChange
    previous_percent: Decimal | None
    current_percent: Decimal | None
    points: Decimal | None  # the change in percentage points, rounded as published


def cycle_changes(*, cycle: Cycle, scores: dict[Participant, m.OrganisationScore],
                  public: bool = True) -> dict[Participant, Change]:
    """
    Change since the previous cycle for each participant that took part in it, over the
    questions that continue (`question_continuity`; every question when both cycles used the
    same instrument). With `public`, only when the previous cycle is published with organisations
    named and the organisation's results were published in it (otherwise a change would reveal
    an unpublished score).
    """
    previous = cycle.previous
    if previous is None or (public and not previous.is_named):
        return {}
    earlier = Participant.objects.filter(
        cycle=previous, organisation_id__in=[p.organisation_id for p in scores])
    if public:
        earlier = earlier.filter(stage=Stage.PUBLISHED)
    earlier = {p.organisation_id: p for p in earlier}
    if not earlier:
        return {}
    previous_scores = cycle_scores(cycle=previous, participants=list(earlier.values()))
    continuity = question_continuity(current=cycle_instrument(cycle=cycle).method,
                                     previous=cycle_instrument(cycle=previous).method)
    result = {}
    for participant, score in scores.items():
        then = earlier.get(participant.organisation_id)
        if then is None:
            continue
        change = change_since_previous(current=score, previous=previous_scores[then],
                                       continuity=continuity)
        result[participant] = Change(
            change=change,
            previous_percent=_percent(cycle, change.previous_fraction),
            current_percent=_percent(cycle, change.current_fraction),
            points=_percent(cycle, change.change),
        )
    return result
