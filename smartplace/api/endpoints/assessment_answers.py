"""
An organisation's live answers in an assessment cycle: read them, and record a batch of them,
with a token and the web's permissions.

Reading needs `assessments.view_participant` (the organisation's members, its reviewers, the
cycle's coordinators); anyone else gets 404, so the assessment's existence is not revealed.
Writing is the questionnaire page's: the organisation's members at the self-assessment stage,
its assigned reviewers at review and the coordinators at audit (`answer_participant`,
`review_participant`, `audit_participant`). Someone who may see the assessment but not change
its answers at its present stage gets 409. Every answer goes through
`assessments.answers.answer_record`, so each change is kept in the history; a batch is all
or nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from pydantic import PlainValidator, WithJsonSchema

from smartplace.api.auth import TokenAuth
from smartplace.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from smartplace.api.params import check_query, slug_path
from smartplace.api.schemas import WriteSchema
from smartplace.assessments.answers import AnswerInput, answers_record_many
from smartplace.assessments.models import Participant, Stage

router = Router(tags=["assessments"])

#: The most answers one request may record.
MAX_ANSWERS = 2000
PATH = "/cycles/{cycle}/participants/{organisation}/answers"

#: Who changes answers at each stage, for the 409's message.
WHO_ANSWERS = {
    Stage.SELF_ASSESSMENT: gettext_lazy("the organisation’s members answer"),
    Stage.REVIEW: gettext_lazy("its reviewers record reviewed answers"),
    Stage.RIGHT_OF_REPLY: gettext_lazy("answers cannot change; the organisation replies"),
    Stage.AUDIT: gettext_lazy("the cycle’s coordinators audit the answers"),
    Stage.PUBLISHED: gettext_lazy("answers cannot change any more"),
}


def _answer_value(value: Any) -> Any:
    """An answer's value as JSON may give it: text, true/false, a number, a list of texts or
    null; anything else is one error (rather than one for each kind it is not). Text must be
    Unicode that UTF-8 can encode (JSON's escapes can write a lone surrogate, "\\ud800", which
    no database stores), as pydantic requires of every other text field."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(text, str) and not _encodable(text) for text in texts):
        raise ValueError("text cannot contain a lone surrogate (not valid Unicode)")
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return value
    raise ValueError("give the value as text, true or false, a number, a list of texts or null")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


AnswerValue = Annotated[Any, PlainValidator(_answer_value), WithJsonSchema({
    "anyOf": [{"type": "string"}, {"type": "boolean"}, {"type": "number"},
              {"type": "array", "items": {"type": "string"}}, {"type": "null"}]})]


class LiveAnswer(Schema):
    """A live answer: `value` in the answers-file grammar, in normal form (option codes joined
    by ";" in the options' order, numbers exact), blank when "not applicable"; `stage` is the
    stage it last changed in."""

    question: str
    value: str
    not_applicable: bool
    evidence_url: str
    evidence_page: str
    evidence_quote: str
    stage: str
    updated_at: datetime


class AnswersOut(Schema):
    cycle: str
    organisation: str
    stage: str
    answers: list[LiveAnswer]


class AnswersWritten(AnswersOut):
    """The live answers after the write; `changed` lists the questions whose answer changed
    (an answer sent unchanged writes nothing and adds no history)."""

    changed: list[str]


class AnswerIn(WriteSchema):
    """
    One answer. `value`: text as in an answers file (an option's code or label, `yes`/`no`,
    a number such as "0.5" or "1/3", `n/a`; "" or null is blank), or true/false for a yes/no
    question, a JSON number for a number question, a list of option codes or labels for a
    multiple-choice question. `not_applicable` where the question allows it (then give no
    value). `note` says why an answer changed, in review and audit only.
    """

    question: str = Field(..., min_length=1, max_length=50, description="The question's code.")
    value: AnswerValue = None
    not_applicable: bool = False
    evidence_url: str = Field("", max_length=500)
    evidence_page: str = Field("", max_length=50)
    evidence_quote: str = Field("", max_length=2000)
    note: str = Field("", max_length=2000)


class AnswersIn(WriteSchema):
    answers: list[AnswerIn] = Field(..., max_length=MAX_ANSWERS)


def _participant_or_404(user, cycle: str, organisation: str, *, lock: bool = False
                        ) -> Participant:
    queryset = Participant.objects.select_related("cycle", "organisation")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    participant = queryset.filter(cycle__slug=cycle, organisation__slug=organisation).first()
    if participant is None or not user.has_perm("assessments.view_participant", participant):
        raise Http404(_("There is no such assessment."))
    return participant


def _answers_out(participant: Participant) -> dict:
    answers = participant.answers.select_related("question").order_by("question__position")
    return {"cycle": participant.cycle.slug, "organisation": participant.organisation.slug,
            "stage": participant.stage,
            "answers": [{"question": a.question.code, "value": a.value,
                         "not_applicable": a.not_applicable, "evidence_url": a.evidence_url,
                         "evidence_page": a.evidence_page, "evidence_quote": a.evidence_quote,
                         "stage": a.stage, "updated_at": a.updated_at} for a in answers]}


def _wrong_stage(participant: Participant) -> ApiError:
    stage = Stage(participant.stage)
    return ApiError(409, _("The assessment is at the %(stage)s stage: %(who)s.") % {
        "stage": stage.label.lower(), "who": WHO_ANSWERS[stage]}, [
        {"location": "request", "field": None, "code": "wrong_stage",
         "message": _("You cannot change answers at the %(stage)s stage.")
         % {"stage": stage.label.lower()}}])


def _invalid(error: DjangoValidationError) -> ApiError:
    return ApiError(422, _("The answers are not valid; nothing was recorded."), [
        {"location": "body", "field": f"answers.{key}", "message": item.messages[0],
         "code": item.code or "invalid"}
        for key, items in error.error_dict.items() for item in items])


@router.get(PATH, auth=TokenAuth(), response={200: AnswersOut, **READ_ERRORS},
            operation_id="participant_answers_get", summary="Get an organisation's answers")
def participant_answers_get(request, cycle: str = slug_path("The cycle's slug"),
                            organisation: str = slug_path("The organisation's slug")):
    """
    The live answers of an organisation in a cycle, at whatever stage it is, with their
    evidence: for those who may see its assessment on the web (its members, its reviewers, the
    cycle's coordinators). 404 for anyone else. Notes and the history are not included.
    """
    check_query(request, ())
    return _answers_out(_participant_or_404(request.auth, cycle, organisation))


@router.put(PATH, auth=TokenAuth(), response={200: AnswersWritten, 409: ErrorOut,
                                              **WRITE_ERRORS},
            operation_id="participant_answers_put", summary="Record an organisation's answers")
def participant_answers_put(request, payload: AnswersIn,
                            cycle: str = slug_path("The cycle's slug"),
                            organisation: str = slug_path("The organisation's slug")):
    """
    Record a batch of answers, as the questionnaire page does: each answer (with its evidence)
    replaces the live one and is kept in the history; questions not sent keep their answers.
    Members answer at the self-assessment stage, assigned reviewers at review and coordinators
    at audit (with a `note` saying why an answer changed). 404 when the caller may not see the
    assessment; 409 when they may not change answers at its present stage; 422 naming each
    item that is not valid (`answers.3.value`): an unknown or repeated question, a value that
    is not an answer to it, too long, NUL characters. All or nothing.
    """
    check_query(request, ())
    user = request.auth
    items = [AnswerInput(**item.dict()) for item in payload.answers]
    with transaction.atomic():
        participant = _participant_or_404(user, cycle, organisation, lock=True)
        if not any(user.has_perm(f"assessments.{mode}_participant", participant)
                   for mode in ("answer", "review", "audit")):
            raise _wrong_stage(participant)
        try:
            changed = answers_record_many(participant=participant, answers=items, user=user)
        except DjangoValidationError as error:
            if not hasattr(error, "error_dict"):
                raise _wrong_stage(participant) from error
            raise _invalid(error) from error
    participant.refresh_from_db()
    return {**_answers_out(participant), "changed": changed}
