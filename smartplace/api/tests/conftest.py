"""Fixtures for the API tests: a small Borsetshire coalition with a private initiative."""

from __future__ import annotations

import pytest

from smartplace.api.services import api_token_create
from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.models import Visibility
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import MembershipFactory, PersonFactory, UserFactory


@pytest.fixture
def world(db):
    """
    Coalition "ambridge" (framework with domain "economy" → sub-domain "start-ups"), a member
    with a token, an outsider with a token, two public initiatives and one private one.
    """
    coalition = CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition")
    domain = DomainFactory(framework=coalition.framework, slug="economy", name="Economy")
    subdomain = SubDomainFactory(domain=domain, slug="start-ups", name="Start-ups")
    council = OrganisationFactory(slug="borsetshire-council", name="Borsetshire Council",
                                  sector=Sector.PUBLIC)
    cafe = OrganisationFactory(slug="ambridge-cafe", name="Ambridge Café",
                               sector=Sector.BUSINESS)
    wifi = InitiativeFactory(coalition=coalition, slug="village-wifi", title="Village wi-fi",
                             lead_organisation=council, subdomains=[subdomain])
    wifi.partners.set([cafe])
    hub = InitiativeFactory(coalition=coalition, slug="digital-hub", title="Digital hub",
                            status="planned")
    secret = InitiativeFactory(coalition=coalition, slug="secret-pilot", title="Secret pilot",
                               visibility=Visibility.PRIVATE, lead_organisation=cafe)
    member = MembershipFactory(coalition=coalition, person=PersonFactory(name="Jill Archer"))
    outsider = UserFactory()
    _t, member_token = api_token_create(user=member.person.user, name="member")
    _t, outsider_token = api_token_create(user=outsider, name="outsider")
    return {
        "coalition": coalition, "domain": domain, "subdomain": subdomain, "council": council,
        "cafe": cafe, "wifi": wifi, "hub": hub, "secret": secret,
        "member": member.person.user, "outsider": outsider,
        "member_auth": {"HTTP_AUTHORIZATION": f"Bearer {member_token}"},
        "outsider_auth": {"HTTP_AUTHORIZATION": f"Bearer {outsider_token}"},
        "member_token": member_token, "outsider_token": outsider_token,
    }


from smartplace.api.tests.world_assessments import assessments_world  # noqa: E402,F401
from smartplace.api.tests.world_rounds import rounds_world  # noqa: E402,F401
