"""
Writes of assessment answers: importing a cycle's answers from files, recording one answer and
recording a batch, each change kept in the history (`AnswerHistory`) with how it came
(`ANSWERING_STAGES`). The rest of a cycle's writes are in `services.py`.

Every function is atomic: it writes everything or, raising ValidationError (or
InstrumentFileError for files), nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartplace.assessments.models import (
    Answer,
    AnswerHistory,
    Cycle,
    Participant,
    Stage,
)
from smartplace.assessments.selectors import cycle_instrument
from smartplace.assessments.services import participant_add
from smartplace.assessments.values import value_normal, value_parse
from smartplace.instruments.answers import OrganisationRow, answers_read, organisations_read
from smartplace.instruments.files import InstrumentFileError, Problem
from smartplace.instruments.models import Question
from smartplace.methods import scoring as m
from smartplace.organisations.models import Organisation

#: The stages in which answers change, and how such a change is recorded.
ANSWERING_STAGES: dict[str, str] = {
    Stage.SELF_ASSESSMENT: AnswerHistory.Via.FORM,
    Stage.REVIEW: AnswerHistory.Via.REVIEW,
    Stage.AUDIT: AnswerHistory.Via.AUDIT,
}



@dataclass
class ImportSummary:
    """What `answers_import` did: answers created, changed and left as they were."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    participants_added: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"{self.created} answers created, {self.changed} changed, "
                 f"{self.unchanged} unchanged"]
        if self.participants_added:
            lines.append(f"participants added: {', '.join(self.participants_added)}")
        return lines


@dataclass(frozen=True)
class _Wanted:
    value: str
    not_applicable: bool
    evidence_url: str
    evidence_page: str
    evidence_quote: str

    @classmethod
    def of(cls, answer: Answer) -> _Wanted:
        return cls(answer.value, answer.not_applicable, answer.evidence_url,
                   answer.evidence_page, answer.evidence_quote)

    @property
    def is_empty(self) -> bool:
        return not (self.value or self.not_applicable or self.evidence_url
                    or self.evidence_page or self.evidence_quote)


def _history(answer: Answer, *, old: _Wanted | None, via: str, note: str = "") -> AnswerHistory:
    return AnswerHistory(
        participant_id=answer.participant_id, question_id=answer.question_id,
        stage=answer.stage, via=via, changed_by=answer.answered_by,
        changed_at=answer.updated_at, created=old is None,
        old_value=old.value if old else "", old_not_applicable=bool(old and old.not_applicable),
        new_value=answer.value, new_not_applicable=answer.not_applicable,
        evidence_url=answer.evidence_url, evidence_page=answer.evidence_page,
        evidence_quote=answer.evidence_quote, note=note,
    )


def _organisation_rows(cycle: Cycle, organisations_path, method, problems: list[Problem]
                       ) -> tuple[dict[str, OrganisationRow], dict[str, Organisation], bool]:
    """The organisations answers may name: from the file (checked against the database) or
    the cycle's participants. Returns (rows by code, organisations by code, from_file)."""
    if organisations_path is None:
        participants = Participant.objects.filter(cycle=cycle).select_related("organisation")
        rows = {p.organisation.slug: OrganisationRow(code=p.organisation.slug,
                                                     name=p.organisation.name,
                                                     group=p.scoring_group or None)
                for p in participants}
        return rows, {p.organisation.slug: p.organisation for p in participants}, False
    try:
        rows = organisations_read(path=organisations_path, instrument=method)
    except InstrumentFileError as error:
        problems.extend(error.problems)
        return {}, {}, True
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=list(rows))}
    for code, row in rows.items():
        if code not in found:
            problems.append(Problem(file=str(organisations_path), line=row.line,
                                    column="organisation",
                                    message=f"there is no organisation {code!r} (give the "
                                            f"organisation's slug, as in its address)"))
    return rows, found, True


@transaction.atomic
def answers_import(*, cycle: Cycle, path: Path | str, organisations_path: Path | str | None = None,
                   stage: str = Stage.SELF_ASSESSMENT, user=None) -> ImportSummary:
    """
    Import an answers file (docs/instruments.md) into `cycle` as answers of `stage`
    (self-assessment, review or audit). Organisations are named by slug. With an organisations
    file, each must exist; those not yet taking part join the cycle (they must then be answered
    at the self-assessment stage) and the group of those that do is updated. Without one, each
    must already take part. Every participant answered must be at `stage`.

    All or nothing: every problem is raised together as InstrumentFileError, each with its file,
    line and column. Answers that are the same as the live ones (value and evidence) are left
    alone, so importing the same file again changes nothing: no history, no new times.
    Questions not in the file keep their answers.
    """
    if stage not in ANSWERING_STAGES:
        raise ValidationError(_("Answers can be imported at the self-assessment, review or "
                                "audit stage, not %(stage)s.") % {"stage": stage})
    if cycle.status == Cycle.Status.PUBLISHED:
        raise ValidationError(_("The cycle is published; its answers can no longer change."))
    tree = cycle_instrument(cycle=cycle)
    method = tree.method
    problems: list[Problem] = []
    rows, organisations, from_file = _organisation_rows(cycle, organisations_path, method,
                                                        problems)
    name = str(path)
    sheet = None
    if not problems or from_file:
        try:
            sheet = answers_read(path=path, instrument=method,
                                 organisations=rows if rows or not from_file else None)
        except InstrumentFileError as error:
            for problem in error.problems:
                if not from_file and problem.message.endswith("(not in the organisations file)"):
                    problem = Problem(file=problem.file, line=problem.line,
                                      column=problem.column,
                                      message=problem.message.replace(
                                          "not in the organisations file",
                                          f"not taking part in {cycle.slug}"))
                problems.append(problem)
    if problems:
        raise InstrumentFileError(sorted(problems, key=lambda p: (p.file != str(
            organisations_path), p.line or 0)))
    assert sheet is not None

    participants = {p.organisation.slug: p for p in Participant.objects.filter(
        cycle=cycle, organisation__slug__in=list(sheet.organisations)).select_related(
        "organisation")}
    for code, answer_rows in sheet.answers.items():
        participant = participants.get(code)
        current = participant.stage if participant else Stage.SELF_ASSESSMENT
        if answer_rows and current != stage:
            problems.append(Problem(
                file=name, line=answer_rows[0].line, column="organisation",
                message=f"{code} is at the {Stage(current).label.lower()} stage; these "
                        f"answers are for the {Stage(stage).label.lower()} stage"))
    if problems:
        raise InstrumentFileError(problems)

    summary = ImportSummary()
    for code, row in sheet.organisations.items():
        participant = participants.get(code)
        group = row.group or ""
        if participant is None:
            participants[code] = participant_add(cycle=cycle, organisation=organisations[code],
                                                 scoring_group=group)
            summary.participants_added.append(code)
        elif from_file and participant.scoring_group != group:
            participant.scoring_group = group
            participant.save(update_fields=["scoring_group", "updated_at"])

    questions = {q.code: q for q in tree.instrument.questions.all()}
    method_questions = {q.code: q for q in method.questions}
    existing = {(a.participant_id, a.question_id): a for a in Answer.objects.filter(
        participant__in=list(participants.values()))}
    now = timezone.now()
    creates: list[Answer] = []
    updates: list[tuple[Answer, _Wanted]] = []
    for code, answer_rows in sheet.answers.items():
        participant = participants[code]
        for row in answer_rows:
            question = questions[row.answer.question]
            value, not_applicable = value_normal(question=method_questions[question.code],
                                                 answer=row.answer)
            wanted = _Wanted(value, not_applicable, row.evidence.url, row.evidence.page,
                             row.evidence.quote)
            answer = existing.get((participant.pk, question.pk))
            if answer is None:
                if wanted.is_empty:
                    summary.unchanged += 1
                    continue
                creates.append(Answer(participant=participant, question=question,
                                      stage=stage, answered_by=user, updated_at=now,
                                      **wanted.__dict__))
                continue
            if _Wanted.of(answer) == wanted:
                summary.unchanged += 1
                continue
            updates.append((answer, _Wanted.of(answer)))
            for key, item in wanted.__dict__.items():
                setattr(answer, key, item)
            answer.stage, answer.answered_by, answer.updated_at = stage, user, now
    via = AnswerHistory.Via.IMPORT
    Answer.objects.bulk_create(creates, batch_size=500)
    if updates:
        Answer.objects.bulk_update(
            [a for a, _old in updates],
            ["value", "not_applicable", "evidence_url", "evidence_page", "evidence_quote",
             "stage", "answered_by", "updated_at"], batch_size=500)
    AnswerHistory.objects.bulk_create(
        [_history(a, old=None, via=via) for a in creates]
        + [_history(a, old=old, via=via) for a, old in updates], batch_size=500)
    summary.created, summary.changed = len(creates), len(updates)
    return summary


@transaction.atomic
def answer_record(*, participant: Participant, question: Question, value: str = "",
                  not_applicable: bool = False, evidence_url: str = "", evidence_page: str = "",
                  evidence_quote: str = "", user=None, note: str = "") -> tuple[Answer | None,
                                                                                 bool]:
    """
    Record one answer on the form at the participant's stage (self-assessment, review or
    audit). `value` is written as in answers files (a code or label, a number, text; "" is
    blank). Returns (the live answer, whether anything changed); an unchanged answer is left
    alone, with no history. Raises ValidationError if the stage takes no answers, the question
    is not the cycle's, or the value is not an answer to it.
    """
    participant = Participant.objects.select_for_update().select_related("cycle").get(
        pk=participant.pk)
    via = ANSWERING_STAGES.get(participant.stage)
    if via is None:
        raise ValidationError(_("Answers cannot change at the %(stage)s stage.")
                              % {"stage": Stage(participant.stage).label.lower()})
    tree = cycle_instrument(cycle=participant.cycle)
    if question.instrument_id != tree.instrument.pk:
        raise ValidationError(_("Question %(code)s is not a question of this cycle.")
                              % {"code": question.code})
    method_question = next(q for q in tree.method.questions if q.code == question.code)
    if not_applicable:
        if not method_question.not_applicable_allowed:
            raise ValidationError(_("Question %(code)s cannot be answered “not applicable”.")
                                  % {"code": question.code})
        value = ""
    else:
        try:
            value, not_applicable = value_parse(question=method_question, text=value)
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from error
    wanted = _Wanted(value, not_applicable, evidence_url.strip(), evidence_page.strip(),
                     evidence_quote.strip())
    answer = Answer.objects.filter(participant=participant, question=question).first()
    if answer is None and wanted.is_empty:
        return None, False
    old = _Wanted.of(answer) if answer is not None else None
    if old == wanted:
        return answer, False
    if answer is None:
        answer = Answer(participant=participant, question=question)
    for key, item in wanted.__dict__.items():
        setattr(answer, key, item)
    answer.stage, answer.answered_by, answer.updated_at = participant.stage, user, timezone.now()
    answer.full_clean()
    answer.save()
    _history(answer, old=old, via=via, note=note.strip()).save()
    return answer, True


#: Longest answer the questionnaire form takes: text (and anything else), and numbers.
ANSWER_MAX_LENGTH = 5000
NUMBER_MAX_LENGTH = 50


@dataclass(frozen=True)
class AnswerInput:
    """
    One answer for `answers_record_many`. `value` is text in the answers-file grammar (a code or
    label, a number, text, "" or None for blank), or as JSON gives it: true/false for a yes/no
    question, a number for a number question, a list of option codes or labels for a
    multiple-choice question. `note` says why an answer changed (review and audit only).
    """

    question: str
    value: object = None
    not_applicable: bool = False
    evidence_url: str = ""
    evidence_page: str = ""
    evidence_quote: str = ""
    note: str = ""


def _answer_text(question: m.Question, value: object) -> str:
    """`value` as answers-file text for `question`; ValueError saying what is wrong."""
    kind = question.kind
    if value is None:
        return ""
    if isinstance(value, bool):
        if kind is not m.QuestionKind.YES_NO:
            raise ValueError(_("true or false answers a yes/no question only"))
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if kind is not m.QuestionKind.NUMBER:
            raise ValueError(_("a number answers a number question only"))
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(_("the number must be finite"))
            return format(Decimal(repr(value)), "f")
        return str(value)
    if isinstance(value, (list, tuple)):
        if kind is not m.QuestionKind.MULTIPLE_CHOICE:
            raise ValueError(_("a list answers a multiple-choice question only"))
        if not all(isinstance(part, str) and ";" not in part for part in value):
            raise ValueError(_("give each option as its code or label, without “;”"))
        return ";".join(value)
    if isinstance(value, str):
        return value
    raise ValueError(_("not an answer"))


def _answer_problems(index: int, item: AnswerInput, question: m.Question | None,
                     stage: str) -> tuple[dict[str, list[ValidationError]], str]:
    """Problems with one item, keyed "<index>.<field>", and its value as answers-file text."""
    problems: dict[str, list[ValidationError]] = {}

    def add(name: str, message: str, code: str = "invalid") -> None:
        problems.setdefault(f"{index}.{name}", []).append(ValidationError(message, code=code))

    texts = {"value": item.value if isinstance(item.value, str) else "",
             "evidence_url": item.evidence_url, "evidence_page": item.evidence_page,
             "evidence_quote": item.evidence_quote, "note": item.note}
    for name, text in texts.items():
        if "\x00" in text:
            add(name, _("Text cannot contain NUL characters"), "nul")
    if item.note.strip() and stage == Stage.SELF_ASSESSMENT:
        add("note", _("Notes are given with changes in review and audit, not in "
                      "self-assessment"), "not_allowed")
    if item.evidence_url.strip():
        try:
            URLValidator()(item.evidence_url.strip())
        except ValidationError:
            add("evidence_url", _("Enter a web address in the correct format, like "
                                  "https://www.example.org/strategy.pdf"))
    if question is None:
        return problems, ""
    try:
        text = _answer_text(question, item.value)
    except ValueError as error:
        add("value", str(error))
        return problems, ""
    limit = NUMBER_MAX_LENGTH if question.kind is m.QuestionKind.NUMBER else ANSWER_MAX_LENGTH
    if len(text) > limit:
        add("value", _("The answer must be %(limit)s characters or fewer") % {"limit": limit},
            "too_long")
    elif f"{index}.value" not in problems:
        if item.not_applicable:
            if not question.not_applicable_allowed:
                add("not_applicable", _("Question %(code)s cannot be answered “not "
                                        "applicable”") % {"code": question.code},
                    "not_allowed")
            elif text.strip():
                add("value", _("Either answer the question or say it is not applicable, not "
                               "both"))
        else:
            try:
                value_parse(question=question, text=text)
            except ValueError as error:
                add("value", str(error))
    return problems, text


@transaction.atomic
def answers_record_many(*, participant: Participant, answers: Sequence[AnswerInput],
                        user=None) -> list[str]:
    """
    Record several answers of one participant at its stage, each with `answer_record` (so each
    change is kept in the history), all or nothing. Every item is checked before anything is
    written: the question is the cycle's and named once, the value is an answer to it (as on
    the form: at most ANSWER_MAX_LENGTH characters, NUMBER_MAX_LENGTH for numbers), "not
    applicable" only where the question allows it, a valid evidence address, no NUL
    characters, notes only in review and audit. Permissions are checked by the caller
    (`assessments.answer_participant`, `review_participant`, `audit_participant`).

    Raises ValidationError with code "stage" when the participant's stage takes no answers;
    otherwise ValidationError whose `error_dict` keys are "<position>.<field>" (position in
    `answers`; field `question`, `value`, `not_applicable`, `evidence_url`, `evidence_page`,
    `evidence_quote` or `note`), each error with a code (`unknown`, `duplicate`, `invalid`,
    `too_long`, `nul`, `not_allowed`). Returns the codes of the questions whose answer
    changed, in the order given.
    """
    participant = Participant.objects.select_for_update().select_related("cycle").get(
        pk=participant.pk)
    if participant.stage not in ANSWERING_STAGES:
        raise ValidationError(_("Answers cannot change at the %(stage)s stage.")
                              % {"stage": Stage(participant.stage).label.lower()}, code="stage")
    tree = cycle_instrument(cycle=participant.cycle)
    rows = {q.code: q for q in tree.instrument.questions.all()}
    methods = {q.code: q for q in tree.method.questions}
    problems: dict[str, list[ValidationError]] = {}
    seen: dict[str, int] = {}
    texts: list[str] = []
    for index, item in enumerate(answers):
        question = methods.get(item.question)
        if question is None:
            problems[f"{index}.question"] = [ValidationError(
                _("There is no question “%(code)s” in this cycle’s instrument")
                % {"code": item.question}, code="unknown")]
        elif item.question in seen:
            problems[f"{index}.question"] = [ValidationError(
                _("Question %(code)s is answered more than once (first at position "
                  "%(first)s, counting from 0)")
                % {"code": item.question, "first": seen[item.question]}, code="duplicate")]
        else:
            seen[item.question] = index
        item_problems, text = _answer_problems(index, item, question, participant.stage)
        for key, errors in item_problems.items():
            problems.setdefault(key, []).extend(errors)
        texts.append(text)
    if problems:
        raise ValidationError(problems)
    changed = []
    for index, (item, text) in enumerate(zip(answers, texts, strict=True)):
        try:
            _answer, did_change = answer_record(
                participant=participant, question=rows[item.question],
                value="" if item.not_applicable else text,
                not_applicable=item.not_applicable, evidence_url=item.evidence_url,
                evidence_page=item.evidence_page, evidence_quote=item.evidence_quote,
                note=item.note, user=user)
        except ValidationError as error:
            detail = (error.error_dict if hasattr(error, "error_dict")
                      else {"value": error.error_list})
            raise ValidationError({f"{index}.{name}": errors
                                   for name, errors in detail.items()}) from error
        if did_change:
            changed.append(item.question)
    return changed
