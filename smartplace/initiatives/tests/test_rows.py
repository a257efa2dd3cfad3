"""
Rows of the initiative twins: a queryset is read as plain values in chunks, and gives exactly
the rows `initiative_row` gives for each model instance (the page's own path).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives import selectors
from smartplace.initiatives.models import Evidence, Initiative
from smartplace.initiatives.selectors import (
    InitiativeFilters,
    initiative_list_filtered,
    initiative_row,
    initiative_rows,
)
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def absolute(path: str) -> str:
    return f"https://borsetshire.example{path}"


@pytest.fixture
def coalition():
    """Ambridge: initiatives with and without leads, partners, sub-domains and evidence."""
    coalition = CoalitionFactory(slug="ambridge")
    economy = DomainFactory(framework=coalition.framework, slug="economy", position=1)
    living = DomainFactory(framework=coalition.framework, slug="living", position=2)
    skills = SubDomainFactory(domain=economy, slug="skills", position=2)
    startups = SubDomainFactory(domain=economy, slug="start-ups", position=1)
    housing = SubDomainFactory(domain=living, slug="housing", position=1)
    council = OrganisationFactory(name="Borsetshire Council", sector=Sector.PUBLIC)
    cafe = OrganisationFactory(name="Ambridge Café", sector=Sector.BUSINESS)
    college = OrganisationFactory(name="Felpersham College", sector=Sector.ACADEMIC)
    wifi = InitiativeFactory(coalition=coalition, title="Village wi-fi", lead_organisation=council,
                             start_date=date(2026, 4, 1), subdomains=[housing, skills, startups])
    wifi.partners.set([college, cafe])
    Evidence.objects.create(initiative=wifi, capital_cost=Decimal("1250.00"),
                            annual_savings=Decimal("99.50"), funding_source="Parish precept")
    bare = InitiativeFactory(coalition=coalition, title="Bare idea", description="",
                             status=Initiative.Status.IDEA)
    Evidence.objects.create(initiative=bare)
    InitiativeFactory(coalition=coalition, title="Digital hub", lead_organisation=cafe,
                      subdomains=[skills])
    InitiativeFactory(coalition=coalition, title="Secret pilot", visibility="private")
    return coalition


def _both(queryset):
    fast = list(initiative_rows(queryset, absolute=absolute))
    slow = [initiative_row(i, absolute=absolute) for i in queryset.all()]
    return fast, slow


def test_a_queryset_gives_the_rows_of_the_model_instances(coalition):
    """Every value, list order and key order is the same as from the instances."""
    fast, slow = _both(initiative_list_filtered(coalition=coalition, user=AnonymousUser()))
    assert fast == slow
    assert [list(row) for row in fast] == [list(row) for row in slow]
    wifi = next(row for row in fast if row["title"] == "Village wi-fi")
    assert wifi["partners"] == ["Ambridge Café", "Felpersham College"]
    assert wifi["subdomains"] == ["economy/start-ups", "economy/skills", "living/housing"]
    assert wifi["capital_cost"] == Decimal("1250.00")
    assert wifi["url"] == "https://borsetshire.example/coalitions/ambridge/initiatives/" \
        f"{wifi['slug']}/"
    bare = next(row for row in fast if row["title"] == "Bare idea")
    assert bare["funding_source"] == "" and bare["capital_cost"] is None
    hub = next(row for row in fast if row["title"] == "Digital hub")
    assert hub["funding_source"] is None
    assert "Secret pilot" not in {row["title"] for row in fast}


def test_filtered_and_searched_querysets_keep_their_rows_and_order(coalition):
    """Filters and relevance order are kept (search ranks on both databases)."""
    skills = coalition.framework.domains.get(slug="economy").subdomains.get(slug="skills")
    for filters in (InitiativeFilters(subdomain=skills), InitiativeFilters(q="wi-fi"),
                    InitiativeFilters(sector=Sector.BUSINESS)):
        fast, slow = _both(initiative_list_filtered(coalition=coalition, user=AnonymousUser(),
                                                    filters=filters))
        assert fast == slow and fast


def test_rows_span_chunks(coalition, monkeypatch):
    """With chunks smaller than the list, every row comes once, in order."""
    monkeypatch.setattr(selectors, "ROWS_CHUNK", 2)
    fast, slow = _both(initiative_list_filtered(coalition=coalition, user=AnonymousUser()))
    assert fast == slow and len(fast) == 3


def test_welsh_addresses_follow_the_language(coalition):
    """Under Welsh the address is the Welsh page's, as get_absolute_url gives it."""
    with translation.override("cy"):
        fast, slow = _both(initiative_list_filtered(coalition=coalition, user=AnonymousUser()))
    assert fast == slow
    assert fast[0]["url"].startswith("https://borsetshire.example/cy/")
