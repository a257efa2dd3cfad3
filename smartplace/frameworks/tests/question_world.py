"""
The world of the smart questions tests: the Ambridge coalition with two domains, a member of
each role of the permission table, and an example, a proposed and a declined question.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.tests.client import StreamingClient as Client
from smartplace.frameworks.models import SmartQuestion
from smartplace.frameworks.questions import smart_question_propose
from smartplace.frameworks.tests.factories import DomainFactory, SmartQuestionFactory
from smartplace.people.models import Membership
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PersonFactory,
    RequestedMembershipFactory,
    UserFactory,
)

AGREED, DECLINED, PROPOSED = (SmartQuestion.Status.AGREED, SmartQuestion.Status.DECLINED,
                              SmartQuestion.Status.PROPOSED)


class Ambridge:
    """A coalition with two domains, the people of the permission table, and questions."""

    def __init__(self):
        self.coalition = CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition")
        framework = self.coalition.framework
        self.economy = DomainFactory(framework=framework, slug="economy", name="Economy")
        self.living = DomainFactory(framework=framework, slug="living", name="Living")
        self.member = MembershipFactory(coalition=self.coalition,
                                        person__name="Private Pip").person.user
        self.public_member = MembershipFactory(coalition=self.coalition,
                                               person__name="Public Jill",
                                               person__public_profile=True).person.user
        lead = MembershipFactory(coalition=self.coalition, role=Membership.Role.DOMAIN_LEAD,
                                 person__name="Lead Lynda")
        lead.lead_domains.add(self.economy)
        self.lead = lead.person.user
        living_lead = MembershipFactory(coalition=self.coalition,
                                        role=Membership.Role.DOMAIN_LEAD)
        living_lead.lead_domains.add(self.living)
        self.living_lead = living_lead.person.user
        self.steering = MembershipFactory(coalition=self.coalition,
                                          role=Membership.Role.STEERING).person.user
        self.coordinator = CoordinatorFactory(coalition=self.coalition).person.user
        self.left = MembershipFactory(coalition=self.coalition,
                                      status=Membership.Status.LEFT).person.user
        self.requested = RequestedMembershipFactory(coalition=self.coalition).person.user
        self.outsider = PersonFactory(name="Outsider Olly").user
        self.other_coordinator = CoordinatorFactory().person.user
        self.superuser = UserFactory(is_superuser=True, is_staff=True)
        self.example = SmartQuestionFactory(domain=self.economy, status="example", position=0,
                                            text="How do we get more start-ups to scale up?")
        self.proposed = smart_question_propose(
            domain=self.economy, user=self.member,
            text="How can village shops sell online?")
        self.declined = SmartQuestionFactory(domain=self.economy, status=DECLINED, position=5,
                                             text="SECRET declined question?")

    @property
    def everyone(self) -> dict:
        return {"anonymous": AnonymousUser(), "member": self.member,
                "public member": self.public_member, "lead": self.lead,
                "living lead": self.living_lead, "steering": self.steering,
                "coordinator": self.coordinator, "left": self.left,
                "requested": self.requested, "outsider": self.outsider,
                "other coordinator": self.other_coordinator, "superuser": self.superuser}

    def url(self, name: str = "", question: SmartQuestion | None = None,
            domain: str = "economy") -> str:
        base = f"/coalitions/ambridge/domains/{domain}/"
        if name == "propose":
            return base + "questions/propose/"
        if name:
            return base + f"questions/{(question or self.proposed).pk}/{name}/"
        return base


def client_as(user=None, **kwargs) -> Client:
    """A test client signed in as `user` (anonymous without one)."""
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client
