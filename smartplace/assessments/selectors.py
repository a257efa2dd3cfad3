"""
Reads for assessment cycles: the instrument in its methods-layer form, who belongs where, the
participants and their answers (live, as they stood after a stage, and those changed since
self-assessment), the public cycles and a cycle's progress.

Beside this module: `scores` (scores and change since the previous cycle), `results` (league
tables and the published results), `composite` (the composite index) and `cohorts` (cohort
statistics for anonymised publication).

Each function reads a fixed number of queries whatever the number of participants.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from smartplace.assessments.models import (
    STAGE_ORDER,
    Answer,
    AnswerHistory,
    Cycle,
    Participant,
    Stage,
)
from smartplace.instruments.models import Instrument, Question
from smartplace.instruments.selectors import instrument_to_method, instrument_with_tree
from smartplace.methods import scoring as m
from smartplace.people.models import Membership

# --- the instrument -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleInstrument:
    """A cycle's instrument: the rows (tree prefetched) and the methods-layer instrument."""

    instrument: Instrument
    method: m.Instrument

    def question(self, code: str) -> m.Question:
        return next(q for q in self.method.questions if q.code == code)


def cycle_instrument(*, cycle: Cycle) -> CycleInstrument:
    """The cycle's instrument, read once per cycle object (cached on it)."""
    cached = getattr(cycle, "_sp_instrument", None)
    if cached is None or cached.instrument.pk != cycle.instrument_id:
        instrument = instrument_with_tree(Instrument.objects.filter(pk=cycle.instrument_id)).get()
        cached = CycleInstrument(instrument=instrument,
                                 method=instrument_to_method(instrument=instrument))
        cycle._sp_instrument = cached
    return cached


# --- who belongs where ---------------------------------------------------------------------------


def user_organisation_ids(user) -> set[int]:
    """
    The organisations `user` belongs to: those of their active coalition memberships, and
    those they answer for (respondent) in any cycle.
    """
    if user is None or not user.is_authenticated:
        return set()
    ids = set(Membership.objects.filter(
        person__user=user, status=Membership.Status.ACTIVE, organisation__isnull=False,
    ).values_list("organisation_id", flat=True))
    ids |= set(Participant.objects.filter(respondents=user).values_list("organisation_id",
                                                                        flat=True))
    return ids


def participants_for_user(*, user) -> QuerySet[Participant]:
    """The participants `user` answers for, reviews, or coordinates (any cycle)."""
    if user is None or not user.is_authenticated:
        return Participant.objects.none()
    organisations = user_organisation_ids(user)
    return Participant.objects.filter(
        Q(organisation_id__in=organisations) | Q(review_assignments__reviewer=user)
        | Q(cycle__coordinators=user)
    ).select_related("cycle", "organisation").distinct().order_by("cycle__name",
                                                                  "organisation__name")


# --- answers -----------------------------------------------------------------------------------


def public_participants(*, cycle: Cycle) -> QuerySet[Participant]:
    """Participants whose results are published (never any when the cycle is not public)."""
    if not cycle.is_public:
        return Participant.objects.none()
    return (Participant.objects.filter(cycle=cycle, stage=Stage.PUBLISHED)
            .select_related("cycle", "organisation", "organisation__place")
            .order_by("organisation__name", "pk"))


def live_answers(*, participants: Iterable[Participant]) -> dict[int, list[Answer]]:
    """The live answers of each participant (by id), in question order, in one query."""
    ids = [p.pk for p in participants]
    result: dict[int, list[Answer]] = {pk: [] for pk in ids}
    for answer in (Answer.objects.filter(participant_id__in=ids)
                   .select_related("question").order_by("participant_id", "question__position")):
        result[answer.participant_id].append(answer)
    return result


@dataclass(frozen=True)
class StoredValue:
    question_id: int
    value: str
    not_applicable: bool


def answers_at_stage(*, participants: Iterable[Participant], stage: str
                     ) -> dict[int, list[StoredValue]]:
    """
    Each participant's answers as they stood after `stage`: for each question, the latest
    change recorded in that stage or an earlier one (in stage order), from the history.
    """
    ids = [p.pk for p in participants]
    allowed = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    latest: dict[tuple[int, int], StoredValue] = {}
    for row in (AnswerHistory.objects.filter(participant_id__in=ids, stage__in=allowed)
                .order_by("changed_at", "id")
                .values_list("participant_id", "question_id", "new_value",
                             "new_not_applicable")):
        latest[(row[0], row[1])] = StoredValue(row[1], row[2], row[3])
    result: dict[int, list[StoredValue]] = {pk: [] for pk in ids}
    for (participant_id, _question), value in latest.items():
        result[participant_id].append(value)
    return result


@dataclass(frozen=True)
class ChangedAnswer:
    """An answer changed after self-assessment: what the organisation said, what it is now."""

    question: Question
    self_value: str
    self_not_applicable: bool
    value: str
    not_applicable: bool
    notes: tuple[str, ...]


def changed_answers(*, participant: Participant) -> list[ChangedAnswer]:
    """
    The answers whose value differs from the organisation's self-assessment (changed in
    review or audit), in question order, with the notes given for the changes.
    """
    history = list(AnswerHistory.objects.filter(participant=participant)
                   .select_related("question").order_by("changed_at", "id"))
    self_values: dict[int, tuple[str, bool]] = {}
    notes: dict[int, list[str]] = defaultdict(list)
    questions: dict[int, Question] = {}
    for row in history:
        questions[row.question_id] = row.question
        if row.stage == Stage.SELF_ASSESSMENT:
            self_values[row.question_id] = (row.new_value, row.new_not_applicable)
        elif row.note:
            notes[row.question_id].append(row.note)
    live = {a.question_id: (a.value, a.not_applicable)
            for a in Answer.objects.filter(participant=participant)}
    changed = []
    for question_id, question in sorted(questions.items(), key=lambda kv: kv[1].position):
        before = self_values.get(question_id, ("", False))
        now = live.get(question_id, ("", False))
        if before != now:
            changed.append(ChangedAnswer(question=question, self_value=before[0],
                                         self_not_applicable=before[1], value=now[0],
                                         not_applicable=now[1],
                                         notes=tuple(notes[question_id])))
    return changed


# --- cycles ------------------------------------------------------------------------------------


def cycle_public_list() -> QuerySet[Cycle]:
    """Cycles with public pages: published and not private, newest first."""
    return (Cycle.objects.filter(status=Cycle.Status.PUBLISHED)
            .exclude(policy=Cycle.Policy.PRIVATE)
            .select_related("instrument").order_by("-published_at", "name"))


def cycle_progress(*, cycle: Cycle) -> dict:
    """For coordinators: participants per stage, each participant with its reviewers and
    the number of questions answered."""
    from django.db.models import Count

    participants = list(
        Participant.objects.filter(cycle=cycle).select_related("organisation")
        .prefetch_related("review_assignments__reviewer")
        .annotate(answered=Count("answers", distinct=True))
        .order_by("organisation__name"))
    counts = Counter(p.stage for p in participants)
    return {
        "participants": participants,
        "stages": [{"stage": stage, "label": Stage(stage).label, "count": counts.get(stage, 0)}
                   for stage in STAGE_ORDER],
        "question_count": sum(1 for q in cycle_instrument(cycle=cycle).method.questions
                              if q.scored),
        "unassigned": sum(1 for p in participants if not p.review_assignments.all()),
    }
