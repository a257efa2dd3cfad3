"""
Who may see, propose, support, and agree or decline smart questions (django-rules predicates).

Imported at start-up by `rules.apps.AutodiscoverRulesConfig`. `frameworks.propose_question`
takes the coalition; the others take the question. A question belongs to the coalition that owns
its framework; questions of shared (built-in) frameworks belong to no coalition, so nobody but a
superuser may do anything with them here. Active superusers pass every check (Django's
`User.has_perm`). The table in docs/permissions.md lists them and
`smartplace/initiatives/tests/test_rules.py` checks every cell.

`selectors.smart_question_visible` is the same rule as `frameworks.view_question`, as a filter
(`smartplace/frameworks/tests/test_questions.py` keeps the two in step).
"""

from __future__ import annotations

import rules

from smartplace.frameworks.models import SmartQuestion
from smartplace.people.models import Membership
from smartplace.people.rules import is_active_member, is_coordinator


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def question_coalition(question: SmartQuestion | None):
    """The coalition that owns the question's framework, or None (shared frameworks)."""
    if question is None:
        return None
    return question.domain.framework.coalition


@rules.predicate
def is_not_declined(user, question) -> bool:
    """The question has not been declined (proposed, agreed and example questions are open)."""
    return question is not None and question.status != SmartQuestion.Status.DECLINED


@rules.predicate
def is_proposed(user, question) -> bool:
    """The question is waiting for its domain group: proposed, not yet agreed or declined."""
    return question is not None and question.status == SmartQuestion.Status.PROPOSED


@rules.predicate
def is_member_of_its_coalition(user, question) -> bool:
    """The user is an active member (any role) of the coalition that owns the question."""
    return is_active_member(user, question_coalition(question))


@rules.predicate
def is_coordinator_of_its_coalition(user, question) -> bool:
    """The user is an active coordinator of the coalition that owns the question."""
    return is_coordinator(user, question_coalition(question))


@rules.predicate
def leads_its_domain(user, question) -> bool:
    """
    The user is an active domain lead of the question's coalition whose `lead_domains`
    include the question's domain. (A domain lead leads only the domains listed.)
    """
    coalition = question_coalition(question)
    if coalition is None or not _signed_in(user):
        return False
    return Membership.objects.filter(
        person__user=user, coalition=coalition, status=Membership.Status.ACTIVE,
        role=Membership.Role.DOMAIN_LEAD, lead_domains=question.domain_id,
    ).exists()


rules.add_perm("frameworks.view_question", is_not_declined | is_member_of_its_coalition)
rules.add_perm("frameworks.propose_question", is_active_member)
rules.add_perm("frameworks.support_question", is_proposed & is_member_of_its_coalition)
rules.add_perm("frameworks.agree_question",
               is_proposed & (leads_its_domain | is_coordinator_of_its_coalition))
