"""
Writes for the smart questions journey: members propose questions for a domain, others
support them, and the domain's lead or a coordinator agrees or declines them (docs/frameworks.md).
The views check the permissions (frameworks/rules.py); these functions check what must hold
whoever calls them, and refuse with a ValidationError saying why.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smartplace.frameworks.models import Domain, SmartQuestion, SmartQuestionSupport
from smartplace.people.models import Membership, Person

#: The longest question, in characters, after white space is tidied.
QUESTION_MAX = 300


def smart_question_clean_text(text: str) -> str:
    """
    A question as stored: on one line, every run of white space (line breaks, tabs,
    non-breaking spaces) made one space, invisible and control characters (such as
    right-to-left overrides) dropped. Pages escape it like all user text.
    """
    kept = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(kept.split())


def _key(text: str) -> str:
    return smart_question_clean_text(text).casefold()


def _active_person(*, user, coalition, doing: str) -> Person:
    """The user's Person, when they are an active member of `coalition`; else refused."""
    person = Person.objects.filter(user=user).first() if user is not None else None
    if person is None or coalition is None or not Membership.objects.filter(
            person=person, coalition=coalition, status=Membership.Status.ACTIVE).exists():
        raise ValidationError(_("Only active members of the coalition can %(doing)s.")
                              % {"doing": doing}, code="not_member")
    return person


def smart_question_propose(*, domain: Domain, user, text: str) -> SmartQuestion:
    """
    Propose a smart question for `domain` (a domain of a coalition's framework), as `user`,
    who must be an active member of that coalition. The text is tidied
    (`smart_question_clean_text`); it must not be empty, longer than QUESTION_MAX, or the same
    (ignoring case and spacing) as another question of the domain, declined ones included.
    The question comes last in the domain's order, with status "proposed"; the audit history
    records it as the user's.
    """
    coalition = domain.framework.coalition
    person = _active_person(user=user, coalition=coalition,
                            doing=_("propose smart questions"))
    cleaned = smart_question_clean_text(text)
    if not cleaned:
        raise ValidationError({"text": ValidationError(_("Enter your question"),
                                                       code="required")})
    if len(cleaned) > QUESTION_MAX:
        raise ValidationError({"text": ValidationError(
            _("Your question must be %(max)s characters or fewer"), params={"max": QUESTION_MAX},
            code="max_length")})
    with transaction.atomic():
        # Lock the domain's row, so two members proposing at once get distinct positions
        # and the same text is never stored twice.
        Domain.objects.select_for_update().filter(pk=domain.pk).first()
        existing = domain.questions.all()
        if any(_key(q.text) == _key(cleaned) for q in existing):
            raise ValidationError({"text": ValidationError(
                _("This question has already been proposed for %(domain)s"),
                params={"domain": domain.name}, code="duplicate")})
        last = existing.aggregate(last=Max("position"))["last"]
        question = SmartQuestion(domain=domain, text=cleaned, proposed_by=person,
                                 status=SmartQuestion.Status.PROPOSED,
                                 position=0 if last is None else last + 1)
        question._history_user = user
        question.save()
    return question


def _proposed_or_refuse(question: SmartQuestion) -> None:
    """Refuse unless the question is still proposed (as stored now, not as first read)."""
    question.status = (SmartQuestion.objects.filter(pk=question.pk)
                       .values_list("status", flat=True).first() or question.status)
    if question.status != SmartQuestion.Status.PROPOSED:
        raise ValidationError(
            _("This question has been %(status)s, so its support can no longer change.")
            % {"status": question.get_status_display().lower()}, code="decided")


def smart_question_support(*, question: SmartQuestion, user) -> SmartQuestionSupport:
    """
    Record `user`'s support for a proposed question of their coalition. Once per person:
    supporting again changes nothing. Refused for a question that is no longer proposed, for
    the person who proposed it (proposing is their support) and for anyone who is not an
    active member of the question's coalition.
    """
    person = _active_person(user=user, coalition=question.domain.framework.coalition,
                            doing=_("support smart questions"))
    _proposed_or_refuse(question)
    if question.proposed_by_id == person.pk:
        raise ValidationError(_("You proposed this question, so you cannot also support it."),
                              code="own_question")
    existing = SmartQuestionSupport.objects.filter(question=question, person=person).first()
    if existing is not None:
        return existing
    support = SmartQuestionSupport(question=question, person=person)
    support._history_user = user
    try:
        with transaction.atomic():
            support.save()
    except IntegrityError:  # the same person's second request, at the same moment
        return SmartQuestionSupport.objects.get(question=question, person=person)
    return support


def smart_question_support_withdraw(*, question: SmartQuestion, user) -> bool:
    """
    Withdraw `user`'s support for a proposed question; True if there was support to withdraw.
    Refused once the question has been agreed or declined (its support is then a record of
    the decision).
    """
    person = Person.objects.filter(user=user).first() if user is not None else None
    if person is None:
        return False
    _proposed_or_refuse(question)
    support = SmartQuestionSupport.objects.filter(question=question, person=person).first()
    if support is None:
        return False
    support._history_user = user
    support.delete()
    return True


def smart_question_decide(*, question: SmartQuestion, user, agree: bool) -> SmartQuestion:
    """
    Agree (`agree=True`) or decline a proposed question, as `user`: the lead of its domain, a
    coordinator of its coalition, or a superuser (`frameworks.agree_question`; anyone else
    gets PermissionDenied). A declined question is kept, with the status "declined". Records
    who decided (their Person, if they have one) and when; the audit history records the
    change as theirs. A question already agreed or declined is refused, so two people deciding
    at once cannot both succeed.
    """
    if user is None or not user.has_perm("frameworks.agree_question", question):
        if question.status == SmartQuestion.Status.PROPOSED:
            raise PermissionDenied(_("Only the domain’s lead or a coordinator can agree or "
                                     "decline this question."))
    with transaction.atomic():
        locked = SmartQuestion.objects.select_for_update().get(pk=question.pk)
        if locked.status != SmartQuestion.Status.PROPOSED:
            raise ValidationError(_("This question has already been %(status)s.")
                                  % {"status": locked.get_status_display().lower()},
                                  code="decided")
        locked.status = (SmartQuestion.Status.AGREED if agree
                         else SmartQuestion.Status.DECLINED)
        locked.decided_by = Person.objects.filter(user=user).first()
        locked.decided_at = timezone.now()
        locked._history_user = user
        locked.save()
    return locked
