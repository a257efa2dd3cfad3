"""
The smart questions journey's services and selectors: members propose and support questions,
the domain's lead or a coordinator agrees or declines them; declined ones are seen by members
only.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from smartplace.frameworks.models import SmartQuestion, SmartQuestionSupport
from smartplace.frameworks.questions import (
    QUESTION_MAX,
    smart_question_decide,
    smart_question_propose,
    smart_question_support,
    smart_question_support_withdraw,
)
from smartplace.frameworks.selectors import (
    smart_question_list_for_domain,
    smart_question_list_visible,
)
from smartplace.frameworks.tests.factories import SmartQuestionFactory
from smartplace.frameworks.tests.question_world import AGREED, DECLINED, PROPOSED
from smartplace.people.models import Membership

# ---------------------------------------------------------------------------------------------
# Services


def test_a_member_proposes_a_question(world):
    """A proposed question is stored tidied, last in its domain, with its proposer, and the
    audit history records it as theirs."""
    question = smart_question_propose(domain=world.economy, user=world.public_member,
                                      text="  How can  farms\nshare\u00a0data?\u202e  ")
    assert question.text == "How can farms share data?"
    assert question.status == PROPOSED
    assert question.proposed_by == world.public_member.person
    assert question.position > world.declined.position
    record = question.history.get()
    assert record.history_type == "+" and record.history_user == world.public_member


@pytest.mark.parametrize(("text", "message"), [
    ("", "Enter your question"),
    (" \n\t ", "Enter your question"),
    ("x" * (QUESTION_MAX + 1), f"Your question must be {QUESTION_MAX} characters or fewer"),
    ("how can VILLAGE shops   sell online?", "This question has already been proposed for "
                                              "Economy"),
    ("secret declined QUESTION?", "This question has already been proposed for Economy"),
])
def test_proposals_are_checked(world, text, message):
    """Empty, too long and repeated questions (declined ones too) are refused, saying why."""
    with pytest.raises(ValidationError) as error:
        smart_question_propose(domain=world.economy, user=world.member, text=text)
    assert error.value.message_dict["text"] == [message]


def test_a_question_of_the_maximum_length_is_accepted(world):
    """QUESTION_MAX characters is allowed."""
    question = smart_question_propose(domain=world.living, user=world.member,
                                      text="q" * QUESTION_MAX)
    assert len(question.text) == QUESTION_MAX


@pytest.mark.parametrize("who", ["left", "requested", "outsider", "other coordinator",
                                 "superuser"])
def test_only_active_members_propose(world, who):
    """Someone who is not an active member of the coalition cannot propose (nor can a
    superuser without a membership: a question needs its proposer)."""
    with pytest.raises(ValidationError) as error:
        smart_question_propose(domain=world.economy, user=world.everyone[who],
                               text="Why not?")
    assert error.value.code == "not_member"


def test_support_is_once_per_person_and_can_be_withdrawn(world):
    """Supporting twice keeps one support; withdrawing removes it; both are in the history."""
    first = smart_question_support(question=world.proposed, user=world.lead)
    again = smart_question_support(question=world.proposed, user=world.lead)
    assert first.pk == again.pk
    assert world.proposed.supports.count() == 1
    assert smart_question_support_withdraw(question=world.proposed, user=world.lead) is True
    assert smart_question_support_withdraw(question=world.proposed, user=world.lead) is False
    assert world.proposed.supports.count() == 0
    history = SmartQuestionSupport.history.filter(question_id=world.proposed.pk)
    assert sorted(history.values_list("history_type", "history_user")) == [
        ("+", world.lead.pk), ("-", world.lead.pk)]


def test_support_is_refused_when_it_cannot_count(world):
    """The proposer cannot also support; nobody outside the coalition can; and a decided
    question's support no longer changes."""
    with pytest.raises(ValidationError) as error:
        smart_question_support(question=world.proposed, user=world.member)
    assert error.value.code == "own_question"
    for who in ("left", "outsider", "requested"):
        with pytest.raises(ValidationError):
            smart_question_support(question=world.proposed, user=world.everyone[who])
    smart_question_support(question=world.proposed, user=world.steering)
    smart_question_decide(question=world.proposed, user=world.lead, agree=True)
    for action in (smart_question_support, smart_question_support_withdraw):
        with pytest.raises(ValidationError) as error:
            action(question=world.proposed, user=world.steering)
        assert error.value.code == "decided"
    assert world.proposed.supports.count() == 1


@pytest.mark.parametrize(("who", "agree"), [("lead", True), ("coordinator", False),
                                            ("superuser", True)])
def test_the_lead_or_a_coordinator_decides(world, who, agree):
    """Agreeing or declining records the status, who decided and when, in the history too;
    a declined question is kept."""
    user = world.everyone[who]
    question = smart_question_decide(question=world.proposed, user=user, agree=agree)
    question.refresh_from_db()
    assert question.status == (AGREED if agree else DECLINED)
    assert question.decided_by == getattr(user, "person", None)
    assert question.decided_at is not None
    latest = question.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == user and latest.status == question.status


@pytest.mark.parametrize("who", ["member", "living lead", "steering", "left", "outsider",
                                 "other coordinator"])
def test_nobody_else_decides(world, who):
    """Members, the steering group and the lead of another domain cannot decide."""
    with pytest.raises(PermissionDenied):
        smart_question_decide(question=world.proposed, user=world.everyone[who], agree=True)
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED


def test_a_decided_question_is_not_decided_again(world):
    """The second decision is refused (two people deciding at once: one wins)."""
    stale = SmartQuestion.objects.get(pk=world.proposed.pk)
    smart_question_decide(question=world.proposed, user=world.lead, agree=True)
    with pytest.raises(ValidationError) as error:
        smart_question_decide(question=stale, user=world.coordinator, agree=False)
    assert error.value.code == "decided"
    stale.refresh_from_db()
    assert stale.status == AGREED


def test_a_domain_lead_who_left_decides_nothing(world):
    """A domain lead's right goes with their active membership."""
    Membership.objects.filter(person__user=world.lead).update(status=Membership.Status.LEFT)
    with pytest.raises(PermissionDenied):
        smart_question_decide(question=world.proposed, user=world.lead, agree=True)


# ---------------------------------------------------------------------------------------------
# Selectors: one rule for who sees declined questions


def test_the_visibility_filter_is_the_view_permission(world):
    """smart_question_visible gives, for every person, the questions view_question allows."""
    questions = [world.example, world.proposed, world.declined]
    for name, user in world.everyone.items():
        visible = set(smart_question_list_visible(user=user).filter(
            pk__in=[q.pk for q in questions]))
        allowed = {q for q in questions if user.has_perm("frameworks.view_question", q)}
        assert visible == allowed, name


def test_declined_questions_of_shared_frameworks_are_hidden(world):
    """A built-in framework's declined question is seen by no member of anything."""
    shared = SmartQuestionFactory(status=DECLINED)
    assert not smart_question_list_visible(user=world.coordinator).filter(pk=shared.pk).exists()


def test_the_domain_list_names_only_people_the_reader_may_see(world):
    """Counts include everyone; names only people with a public profile (for visitors), or
    fellow members (for members)."""
    for user in (world.public_member, world.lead):
        smart_question_support(question=world.proposed, user=user)
    anonymous = {q.pk: q for q in smart_question_list_for_domain(domain=world.economy,
                                                                 user=AnonymousUser())}
    question = anonymous[world.proposed.pk]
    assert world.declined.pk not in anonymous
    assert question.supporter_count == 2
    assert [s.supporter_name for s in question.supporter_list] == ["Public Jill"]
    assert question.proposer_name is None and question.supported_by_me is False
    mine = {q.pk: q for q in smart_question_list_for_domain(domain=world.economy,
                                                            user=world.lead)}
    assert [s.supporter_name for s in mine[world.proposed.pk].supporter_list] == [
        "Public Jill", "Lead Lynda"]
    assert mine[world.proposed.pk].supported_by_me is True
    assert mine[world.proposed.pk].proposer_name == "Private Pip"
    assert world.declined.pk in mine
    by_proposer = {q.pk: q for q in smart_question_list_for_domain(domain=world.economy,
                                                                   user=world.member)}
    assert by_proposer[world.proposed.pk].is_mine is True
