"""The fitness rounds part of the API tests' world (see conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.models import Membership
from smartplace.people.tests.factories import MembershipFactory
from smartplace.rounds.services import Answer, rating_submit, round_close
from smartplace.rounds.tests.factories import RoundFactory

SECRET_REASON = "Secret reason from Ambridge"
SHARED_REASON = "The Bull has fibre broadband now"


@pytest.fixture
def rounds_world(world):
    """
    Rounds in the "ambridge" coalition, whose framework gains the domain "living" →
    "housing" beside "economy" → "start-ups". Jill (the member with a token) knows economy.

    - "winter-2025", closed (minimum 3 raters): start-ups rated by five people (levels
      1, 2, 3, 4, 4; three in business, two in the public sector, so the public sector's
      breakdown is hidden; Jill's level 3 comes with a reason she did not share); housing by
      two (unpublished), one sharing a reason publicly under a public name, one not;
    - "spring-2026", open (minimum 3): one other member has rated start-ups with an unshared
      reason, so there are too few raters to say how many;
    - "summer-2026", not open yet.

    `real` maps path parameter names to values that exist, for the contract tests' steering
    (`open_round`: the round writes go to).
    """
    coalition, economy, startups = world["coalition"], world["domain"], world["subdomain"]
    living = DomainFactory(framework=coalition.framework, slug="living", name="Living")
    housing = SubDomainFactory(domain=living, slug="housing", name="Housing")
    jill = world["member"].person
    jill.domains.add(economy)

    def member(sector: str, *, name: str | None = None, public: bool = False):
        person = MembershipFactory(
            coalition=coalition, organisation=OrganisationFactory(sector=sector),
            person__domains=[economy, living], person__public_profile=public,
            **({"person__name": name} if name else {})).person
        return person

    now = timezone.now()
    closed = RoundFactory(coalition=coalition, slug="winter-2025", name="Winter 2025",
                          min_raters=3, opens_at=now - datetime.timedelta(days=30))
    raters = [member(Sector.BUSINESS), member(Sector.BUSINESS), member(Sector.PUBLIC),
              member(Sector.PUBLIC, name="Eddie Grundy", public=True)]
    for person, level in zip(raters, (1, 4, 4, 2), strict=True):
        rating_submit(round_=closed, person=person, answers=[Answer(startups.pk, level,
                                                                    "medium")])
    Membership.objects.filter(person=jill, coalition=coalition).update(
        organisation=OrganisationFactory(sector=Sector.BUSINESS))
    rating_submit(round_=closed, person=jill, answers=[
        Answer(startups.pk, 3, "high", reason=SECRET_REASON,
               evidence_links=("https://ambridge.example/report",))])
    rating_submit(round_=closed, person=raters[3], answers=[
        Answer(housing.pk, 2, "low", reason=SHARED_REASON, share_reason_publicly=True)])
    rating_submit(round_=closed, person=raters[0], answers=[
        Answer(housing.pk, 3, "low", reason=SECRET_REASON)])
    round_close(round_=closed)

    spring = RoundFactory(coalition=coalition, slug="spring-2026", name="Spring 2026",
                          min_raters=3)
    rating_submit(round_=spring, person=raters[1], answers=[
        Answer(startups.pk, 2, "medium", reason=SECRET_REASON)])
    summer = RoundFactory(coalition=coalition, slug="summer-2026", name="Summer 2026",
                          opens_at=now + datetime.timedelta(days=10),
                          closes_at=now + datetime.timedelta(days=40))
    return {
        "real": {"round": closed.slug, "open_round": spring.slug},
        "closed": closed, "open": spring, "scheduled": summer,
        "living": living, "housing": housing, "raters": raters,
    }
