"""
Writes for assessment cycles: opening a cycle, adding participants, assigning reviewers, moving
participants through the stages, recording replies, and publishing. Answers are written by
`answers.py`.

Every function is atomic: it writes everything or, raising ValidationError, nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartplace.assessments.models import (
    STAGE_ORDER,
    Cycle,
    Participant,
    Reply,
    ReviewAssignment,
    Stage,
)
from smartplace.assessments.selectors import (
    changed_answers,
    cycle_instrument,
    user_organisation_ids,
)
from smartplace.instruments.models import Instrument, Question
from smartplace.organisations.models import Organisation

#: Allowed moves between stages: forward one stage, or back for more work.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.SELF_ASSESSMENT: (Stage.REVIEW,),
    Stage.REVIEW: (Stage.RIGHT_OF_REPLY, Stage.SELF_ASSESSMENT),
    Stage.RIGHT_OF_REPLY: (Stage.AUDIT,),
    Stage.AUDIT: (Stage.PUBLISHED, Stage.REVIEW),
    Stage.PUBLISHED: (),
}


# --- cycles and participants --------------------------------------------------------------------


@transaction.atomic
def cycle_open(
    *,
    instrument: Instrument,
    name: str,
    slug: str,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    previous: Cycle | None = None,
    policy: str = Cycle.Policy.NAMED,
    group_basis: str = Cycle.GroupBasis.PLACE_TYPE,
    description: str = "",
    coordinators: Iterable = (),
    is_demo: bool = False,
) -> Cycle:
    """Open a cycle of `instrument`. Raises ValidationError for a bad slug, dates or choices."""
    cycle = Cycle(instrument=instrument, name=name, slug=slug, opens_on=opens_on,
                  closes_on=closes_on, previous=previous, policy=policy,
                  group_basis=group_basis, description=description, is_demo=is_demo)
    cycle.full_clean()
    cycle.save()
    cycle.coordinators.set(list(coordinators))
    return cycle


def peer_group_for(*, cycle: Cycle, organisation: Organisation, custom: str = "") -> str:
    """
    The peer group of `organisation` in `cycle`: its place's type name or region (by the
    cycle's group basis), or `custom` for a custom grouping. Blank: in no peer group.
    """
    if cycle.group_basis == Cycle.GroupBasis.CUSTOM:
        return custom.strip()
    place = organisation.place
    if place is None:
        return ""
    if cycle.group_basis == Cycle.GroupBasis.REGION:
        return place.region
    return place.place_type_name


def _scoring_group_problem(cycle: Cycle, group: str) -> str | None:
    groups = cycle_instrument(cycle=cycle).method.groups
    if groups and group not in groups:
        return _("The group must be one of the instrument’s groups: %(groups)s") % {
            "groups": ", ".join(groups)}
    if group and not groups:
        return _("The instrument has no groups; leave the group blank")
    return None


@transaction.atomic
def participant_add(*, cycle: Cycle, organisation: Organisation, scoring_group: str = "",
                    peer_group: str = "", respondents: Iterable = ()) -> Participant:
    """
    Add `organisation` to `cycle` at the self-assessment stage. `scoring_group` is its group in
    the instrument (required when the instrument has groups); its peer group is derived from its
    place unless the cycle groups by a custom label (`peer_group`). Raises ValidationError if it
    already takes part, the group is wrong, or the cycle is published.
    """
    if cycle.status == Cycle.Status.PUBLISHED:
        raise ValidationError(_("The cycle is published; no one can join it now."))
    if Participant.objects.filter(cycle=cycle, organisation=organisation).exists():
        raise ValidationError(_("%(organisation)s already takes part in %(cycle)s.")
                              % {"organisation": organisation, "cycle": cycle})
    problem = _scoring_group_problem(cycle, scoring_group)
    if problem:
        raise ValidationError({"scoring_group": problem})
    participant = Participant.objects.create(
        cycle=cycle, organisation=organisation, scoring_group=scoring_group,
        peer_group=peer_group_for(cycle=cycle, organisation=organisation, custom=peer_group),
    )
    participant.respondents.set(list(respondents))
    return participant


# --- reviewers -------------------------------------------------------------------------------


@dataclass
class AssignSummary:
    created: int = 0
    existing: int = 0


@transaction.atomic
def reviewers_assign_bulk(*, cycle: Cycle, assignments: Iterable[tuple[object, Participant]],
                          assigned_by=None) -> AssignSummary:
    """
    Assign reviewers to participants: `assignments` are (user, participant) pairs. A reviewer
    never reviews an organisation they belong to (a coalition membership with that
    organisation, or answering for it in any cycle). All or nothing: if any pair is refused,
    ValidationError names every refusal and nothing is assigned. Pairs already assigned are
    counted as existing.
    """
    pairs = list(assignments)
    refusals: list[str] = []
    organisations_of: dict[int, set[int]] = {}
    for user, participant in pairs:
        who = user.get_full_name() or user.get_username()
        if participant.cycle_id != cycle.pk:
            refusals.append(_("%(organisation)s does not take part in %(cycle)s.")
                            % {"organisation": participant.organisation, "cycle": cycle})
            continue
        if user.pk not in organisations_of:
            organisations_of[user.pk] = user_organisation_ids(user)
        if participant.organisation_id in organisations_of[user.pk]:
            refusals.append(_("%(reviewer)s cannot review %(organisation)s: it is their own "
                              "organisation.") % {"reviewer": who,
                                                  "organisation": participant.organisation})
    if refusals:
        raise ValidationError(refusals)
    summary = AssignSummary()
    for user, participant in pairs:
        own = sorted(organisations_of[user.pk])
        _assignment, created = ReviewAssignment.objects.get_or_create(
            participant=participant, reviewer=user,
            defaults={"organisation_id": participant.organisation_id,
                      "reviewer_organisation_id": own[0] if own else None,
                      "assigned_by": assigned_by},
        )
        if created:
            summary.created += 1
        else:
            summary.existing += 1
    return summary


# --- stages ------------------------------------------------------------------------------------


@transaction.atomic
def stage_advance(*, participant: Participant, to: str, user=None) -> Participant:
    """
    Move a participant to stage `to`. Allowed: forward one stage (self-assessment → review →
    right of reply → audit → published), review back to self-assessment, and audit back to
    review. Moving to review needs a reviewer assigned; publishing needs the cycle's
    publication (`cycle_publish`) or a published cycle. Raises ValidationError otherwise.
    Permissions are checked by the caller (`rules.stage_permission`).
    """
    participant = Participant.objects.select_for_update().select_related("cycle").get(
        pk=participant.pk)
    if to not in STAGE_ORDER:
        raise ValidationError(_("There is no stage %(stage)s.") % {"stage": to})
    if to not in TRANSITIONS[participant.stage]:
        raise ValidationError(
            _("%(organisation)s cannot move from %(from)s to %(to)s.") % {
                "organisation": participant.organisation, "from": Stage(
                    participant.stage).label.lower(), "to": Stage(to).label.lower()})
    if to == Stage.REVIEW and not participant.review_assignments.exists():
        raise ValidationError(_("Assign a reviewer to %(organisation)s before it moves to "
                                "review.") % {"organisation": participant.organisation})
    participant.stage = to
    participant.save(update_fields=["stage", "updated_at"])
    return participant


@transaction.atomic
def cycle_publish(*, cycle: Cycle, user=None) -> Cycle:
    """
    Publish a cycle: every participant at the audit stage moves to published and the cycle's
    status becomes published (its public pages then follow its policy). Raises ValidationError
    naming every participant not yet through review and reply (before the audit stage).
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == Cycle.Status.PUBLISHED:
        return cycle
    early = [p for p in cycle.participants.select_related("organisation")
             if STAGE_ORDER.index(p.stage) < STAGE_ORDER.index(Stage.AUDIT)]
    if early:
        raise ValidationError([
            _("%(organisation)s is still at the %(stage)s stage.") % {
                "organisation": p.organisation, "stage": Stage(p.stage).label.lower()}
            for p in early])
    cycle.participants.filter(stage=Stage.AUDIT).update(stage=Stage.PUBLISHED,
                                                        updated_at=timezone.now())
    cycle.status = Cycle.Status.PUBLISHED
    cycle.published_at = timezone.now()
    cycle.save(update_fields=["status", "published_at", "updated_at"])
    return cycle


# --- replies ---------------------------------------------------------------------------------


@transaction.atomic
def reply_record(*, participant: Participant, question: Question, agrees: bool, text: str = "",
                 evidence_url: str = "", evidence_page: str = "", evidence_quote: str = "",
                 user=None) -> Reply:
    """
    Record (or change) the organisation's reply to an answer changed in review. A participant
    replies only at the right-of-reply stage, only to changed answers; disagreeing needs a
    reason or evidence. Raises ValidationError otherwise.
    """
    participant = Participant.objects.select_related("cycle").get(pk=participant.pk)
    if participant.stage != Stage.RIGHT_OF_REPLY:
        raise ValidationError(_("Replies are recorded at the right-of-reply stage."))
    if question.pk not in {c.question.pk for c in changed_answers(participant=participant)}:
        raise ValidationError(_("Question %(code)s was not changed in review.")
                              % {"code": question.code})
    text, evidence_url = text.strip(), evidence_url.strip()
    evidence_page, evidence_quote = evidence_page.strip(), evidence_quote.strip()
    if not agrees and not (text or evidence_url or evidence_quote):
        raise ValidationError({"text": _("Say why you disagree, or give evidence")})
    reply, _created = Reply.objects.update_or_create(
        participant=participant, question=question,
        defaults={"agrees": agrees, "text": text, "evidence_url": evidence_url,
                  "evidence_page": evidence_page, "evidence_quote": evidence_quote,
                  "replied_by": user, "updated_at": timezone.now()},
    )
    reply.full_clean()
    return reply
