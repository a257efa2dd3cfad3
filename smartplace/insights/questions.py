"""
Which initiatives answer which smart questions (docs/insights-gaps.md).

An initiative "answers" a smart question of its coalition's framework when it works towards
it: its editors tick the question on the initiative's form (or send `smart_questions` through
the API). The gaps page counts the questions nobody answers. Declined questions can no longer
be chosen; links made before a question was declined are kept but not counted or shown to
people who may not see the question.

Every read goes through both gates: the initiatives `user` may see
(`Initiative.objects.visible_to`) and the questions `user` may see
(`frameworks.selectors.smart_question_visible`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import SmartQuestion
from smartplace.frameworks.selectors import smart_question_visible
from smartplace.initiatives.models import Initiative
from smartplace.insights.models_gaps import QuestionAnswer

__all__ = [
    "initiatives_answering",
    "question_answers_check",
    "question_answers_set",
    "question_choices",
    "questions_answered_by",
]


def question_choices(*, coalition: Coalition,
                     initiative: Initiative | None = None) -> QuerySet[SmartQuestion]:
    """
    The smart questions an initiative of `coalition` may answer: those of the coalition's
    framework that have not been declined, and those `initiative` already answers. In the
    framework's order (domain, then question).
    """
    offered = (Q(domain__framework_id=coalition.framework_id) & ~Q(
        status=SmartQuestion.Status.DECLINED)) if coalition.framework_id else Q(pk__in=[])
    if initiative is not None and initiative.pk:
        offered |= Q(pk__in=initiative.question_answers.values("question_id"))
    return (SmartQuestion.objects.filter(offered).select_related("domain")
            .order_by("domain__position", "domain__name", "position", "id"))


def question_answers_check(*, coalition: Coalition, questions: Iterable[SmartQuestion],
                           initiative: Initiative | None) -> None:
    """Raise ValidationError (on `smart_questions`) unless every question is on offer."""
    allowed = set(question_choices(coalition=coalition, initiative=initiative)
                  .values_list("pk", flat=True))
    if any(question.pk not in allowed for question in questions):
        raise ValidationError({"smart_questions": _(
            "Select smart questions of the coalition's framework that have not been declined")})


def question_answers_set(*, initiative: Initiative, questions: Iterable[SmartQuestion],
                         user=None) -> None:
    """
    Make `questions` exactly the smart questions `initiative` answers. Each answer added or
    removed is recorded in the audit history with `user` (row by row: there are few).
    """
    wanted = {question.pk for question in questions}
    for answer in initiative.question_answers.exclude(question_id__in=wanted):
        answer._history_user = user if user is not None and user.is_authenticated else None
        answer.delete()
    have = set(initiative.question_answers.values_list("question_id", flat=True))
    for pk in sorted(wanted - have):
        answer = QuestionAnswer(initiative=initiative, question_id=pk)
        answer._history_user = user if user is not None and user.is_authenticated else None
        answer.save()


def questions_answered_by(*, initiative_ids: Sequence[int], user) -> dict[int, list[SmartQuestion]]:
    """
    For each initiative id, the smart questions it answers that `user` may see, in the
    framework's order, each with its domain. One query. The caller has already checked that
    `user` may see the initiatives.
    """
    found: dict[int, list[SmartQuestion]] = defaultdict(list)
    answers = (QuestionAnswer.objects.filter(initiative_id__in=list(initiative_ids))
               .filter(question__in=SmartQuestion.objects.filter(smart_question_visible(user=user)))
               .select_related("question__domain")
               .order_by("question__domain__position", "question__domain__name",
                         "question__position", "question_id"))
    for answer in answers:
        found[answer.initiative_id].append(answer.question)
    return found


def initiatives_answering(*, question_ids: Sequence[int], user) -> dict[int, list[Initiative]]:
    """
    For each smart question id, the initiatives answering it that `user` may see, by title.
    One query. The caller has already checked that `user` may see the questions.
    """
    found: dict[int, list[Initiative]] = defaultdict(list)
    visible = Initiative.objects.visible_to(user).values("pk")
    answers = (QuestionAnswer.objects.filter(question_id__in=list(question_ids),
                                             initiative__in=visible)
               .select_related("initiative__coalition")
               .order_by("initiative__title", "initiative_id"))
    for answer in answers:
        found[answer.question_id].append(answer.initiative)
    return found
