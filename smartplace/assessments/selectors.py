"""
Reads for assessment cycles: the instrument in its methods-layer form, answers, scores, league
tables per peer group, change since the previous cycle, the composite index and cohort
statistics.

The figures come from `smartplace.methods.scoring.score_organisation` and
`smartplace.methods.benchmarking` (league tables, change, composite index); nothing here
scores or ranks by itself. League tables rank the **published weighted total** (as
`smartplace score` does), so organisations shown with the same figure share a rank.

Each function reads a fixed number of queries whatever the number of participants.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartplace.assessments.models import (
    STAGE_ORDER,
    Answer,
    AnswerHistory,
    Cycle,
    Participant,
    Stage,
)
from smartplace.assessments.values import value_to_method
from smartplace.instruments.files import format_exact
from smartplace.instruments.models import Instrument, Question
from smartplace.instruments.selectors import instrument_to_method, instrument_with_tree
from smartplace.methods import scoring as m
from smartplace.methods.benchmarking import (
    CompositeIndex,
    CycleChange,
    IndexNode,
    change_since_previous,
    composite_index,
    league_table,
    question_continuity,
)
from smartplace.methods.rounding import publish_percent
from smartplace.people.models import Membership

#: Composite index: a section needs at least this share of its question indicators, and the
#: index at least this share of its sections (Giffinger et al.'s averaging with coverage).
INDEX_MIN_COVERAGE = Fraction(1, 2)
#: Composite index: an organisation with values for less than this share of all the question
#: indicators is left out before standardising (Giffinger et al. kept cities above 75%).
INDEX_MIN_UNIT_COVERAGE = Fraction(3, 4)
#: Anonymised publication: statistics of fewer organisations than this are not published.
MIN_COHORT = 5
#: Anonymised publication: the bands of the distribution of published weighted totals.
DISTRIBUTION_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


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


# --- scores ------------------------------------------------------------------------------------


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


# --- league tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueEntry:
    participant: Participant
    score: m.OrganisationScore
    rank: int | None
    percentile: Fraction | None
    group_size: int
    change: Change | None

    @property
    def percent(self) -> Decimal | None:
        return self.score.published_weighted_percent

    @property
    def level_name(self) -> str:
        level = self.score.maturity.level if self.score.maturity else None
        return level.name if level else ""


@dataclass(frozen=True)
class LeagueGroup:
    label: str
    entries: tuple[LeagueEntry, ...]

    @property
    def slug(self) -> str:
        """The group in addresses: its label, slugified."""
        return slugify(self.label)


def cycle_league(*, cycle: Cycle, scores: dict[Participant, m.OrganisationScore],
                 changes: dict[Participant, Change] | None = None) -> list[LeagueGroup]:
    """
    League tables per peer group, groups in alphabetical order: tie-aware competition ranks and
    percentile ranks of the published weighted total within the group
    (`benchmarking.league_table`). Participants in no peer group are left out.
    """
    changes = changes or {}
    grouped = {p: s for p, s in scores.items() if p.peer_group}
    rows = league_table(scores={p: s.published_weighted_percent for p, s in grouped.items()},
                        groups={p: p.peer_group for p in grouped})
    tables: dict[str, list[LeagueEntry]] = defaultdict(list)
    for row in rows:
        tables[row.group].append(LeagueEntry(
            participant=row.unit, score=grouped[row.unit], rank=row.rank,
            percentile=row.percentile, group_size=row.group_size,
            change=changes.get(row.unit)))
    for entries in tables.values():
        entries.sort(key=lambda e: (e.rank is None, e.rank or 0, e.participant.organisation.name))
    return [LeagueGroup(label=label, entries=tuple(tables[label])) for label in sorted(tables)]


# --- composite index ---------------------------------------------------------------------------


def index_tree(*, method: m.Instrument) -> IndexNode:
    """
    The composite index's tree: the index → one node per section (`s:<code>`) → one indicator
    per scored question with a maximum above 0 (`q:<code>`). Sections without such questions are
    left out.
    """
    sections = []
    for section in method.sections:
        indicators = tuple(IndexNode(code=f"q:{q.code}", title=q.text)
                           for q in section.questions if q.scored and q.maximum > 0)
        if indicators:
            sections.append(IndexNode(code=f"s:{section.code}", title=section.title,
                                      children=indicators))
    return IndexNode(code="index", title=method.title, children=tuple(sections))


def index_values(*, score: m.OrganisationScore) -> dict[str, Fraction | None]:
    """One organisation's indicator values: each counted question's share of its maximum; a
    question that does not apply or is answered "not applicable" is missing (None)."""
    return {f"q:{q.code}": (q.points / q.maximum if q.status.counts and q.maximum > 0 else None)
            for q in score.questions if q.status is not m.QuestionStatus.UNSCORED}


def cycle_composite_index(*, cycle: Cycle, scores: dict[Participant, m.OrganisationScore]
                          ) -> CompositeIndex[Participant]:
    """The composite index of the participants in `scores` (docs/assessments.md has the rule)."""
    tree = index_tree(method=cycle_instrument(cycle=cycle).method)
    known = {node.code for node in tree.indicators}
    values = {p: {code: v for code, v in index_values(score=s).items() if code in known}
              for p, s in scores.items()}
    return composite_index(tree=tree, values=values, min_coverage=INDEX_MIN_COVERAGE,
                           min_unit_coverage=INDEX_MIN_UNIT_COVERAGE)


def composite_index_rule() -> dict[str, str]:
    """The composite index's method in the words its JSON twin and the API give it."""
    return {"indicators": "each scored question's share of its maximum",
            "standardised": "z-score, population standard deviation",
            "aggregation": "unweighted mean: questions → sections → index",
            "min_coverage": format_exact(INDEX_MIN_COVERAGE),
            "min_unit_coverage": format_exact(INDEX_MIN_UNIT_COVERAGE)}


def composite_index_rows(*, index: CompositeIndex[Participant]) -> list[dict]:
    """
    The index's rows as its page lists them: ranked organisations by rank (then name), then
    those without a rank by name. Each row: `participant`, `rank`, `value` (the index),
    `coverage` (share of sections with a value) and `sections` ((title, value) pairs).
    """
    return sorted(
        ({"participant": p, "rank": index.ranks.get(p), "value": index.index.get(p),
          "coverage": index.coverage["index"].get(p),
          "sections": [(node.title, index.values[node.code].get(p))
                       for node in index.tree.children]} for p in index.units),
        key=lambda r: (r["rank"] is None, r["rank"] or 0, r["participant"].organisation.name))


# --- cohort statistics (anonymised publication) -----------------------------------------------


def _band_label(low: int, high: int) -> str:
    if low == 0:
        return _("under %(high)s%%") % {"high": high}
    if high > 100:
        return _("%(low)s%% or more") % {"low": low}
    return _("%(low)s%% to under %(high)s%%") % {"low": low, "high": high}


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def quantile(values: list[Fraction], share: Fraction) -> Fraction:
    """The `share` quantile of sorted `values`, interpolating linearly between the two nearest
    values at position (n − 1) × share (numpy's default, Excel's QUARTILE.INC), exactly."""
    position = (len(values) - 1) * share
    below = int(position)
    if below + 1 >= len(values):
        return values[-1]
    return values[below] + (values[below + 1] - values[below]) * (position - below)


@dataclass(frozen=True)
class CohortStatistics:
    """Statistics of a cohort's published weighted totals, or `suppressed` when too small."""

    label: str
    count: int
    suppressed: bool
    minimum: Decimal | None = None
    lower_quartile: Decimal | None = None
    median: Decimal | None = None
    upper_quartile: Decimal | None = None
    maximum: Decimal | None = None
    bands: tuple[tuple[str, int], ...] = ()
    levels: tuple[tuple[str, int], ...] = ()


def cohort_statistics(*, label: str, scores: Iterable[m.OrganisationScore],
                      level_names: Iterable[str] = ()) -> CohortStatistics:
    """
    Median, quartiles, range and distribution of published weighted totals, in bands of 20
    percentage points and by overall maturity level. Suppressed (counts only) when fewer than
    MIN_COHORT organisations have a total, so that no one organisation's figure can be inferred.
    """
    scores = list(scores)
    values = sorted(Fraction(s.published_weighted_percent) for s in scores
                    if s.published_weighted_percent is not None)
    if len(values) < MIN_COHORT:
        return CohortStatistics(label=label, count=len(values), suppressed=True)
    bands = tuple((_band_label(low, high), sum(1 for v in values if low <= v < high))
                  for low, high in DISTRIBUTION_BANDS)
    level_counts = Counter(s.maturity.level.name for s in scores
                           if s.maturity is not None and s.maturity.level is not None)
    names = list(level_names)
    levels = tuple((name, level_counts.get(name, 0)) for name in names) if names else ()
    return CohortStatistics(
        label=label, count=len(values), suppressed=False,
        minimum=_decimal(values[0]),
        lower_quartile=_decimal(quantile(values, Fraction(1, 4))),
        median=_decimal(quantile(values, Fraction(1, 2))),
        upper_quartile=_decimal(quantile(values, Fraction(3, 4))),
        maximum=_decimal(values[-1]), bands=bands, levels=levels,
    )


# --- the published results ---------------------------------------------------------------------


@dataclass
class CycleResults:
    """Everything the public pages of a cycle show, for its published participants only."""

    cycle: Cycle
    participants: list[Participant]
    scores: dict[Participant, m.OrganisationScore]
    changes: dict[Participant, Change]
    league: list[LeagueGroup]

    @property
    def entries(self) -> dict[Participant, LeagueEntry]:
        return {entry.participant: entry for group in self.league for entry in group.entries}

    def participant(self, slug: str) -> Participant | None:
        return next((p for p in self.participants if p.organisation.slug == slug), None)

    def group(self, slug: str) -> LeagueGroup | None:
        return next((g for g in self.league if g.slug == slug), None)


def cycle_results(*, cycle: Cycle) -> CycleResults:
    """The published results of a public cycle (none for an unpublished or private one)."""
    participants = list(public_participants(cycle=cycle))
    scores = cycle_scores(cycle=cycle, participants=participants) if participants else {}
    changes = cycle_changes(cycle=cycle, scores=scores, public=True) if scores else {}
    return CycleResults(cycle=cycle, participants=participants, scores=scores, changes=changes,
                        league=cycle_league(cycle=cycle, scores=scores, changes=changes))


def cycle_cohorts(*, results: CycleResults) -> list[CohortStatistics]:
    """
    Cohort statistics of a cycle's published results, as its anonymised page shows them: all
    organisations first, then each peer group in the league's order.
    """
    names = [lv.name for lv in cycle_instrument(cycle=results.cycle).instrument
             .maturity_levels.all()]
    cohorts = [cohort_statistics(label=_("All organisations"), scores=results.scores.values(),
                                 level_names=names)]
    for group in results.league:
        cohorts.append(cohort_statistics(label=group.label,
                                         scores=[e.score for e in group.entries],
                                         level_names=names))
    return cohorts


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
