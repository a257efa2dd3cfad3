"""Fixtures shared by the initiatives tests."""

import pytest

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.places.tests.factories import PlaceFactory


@pytest.fixture
def coalition(db):
    """Borsetshire's coalition, its framework, a council in the register, three organisations."""
    coalition = CoalitionFactory(slug="borsetshire", name="Borsetshire Digital Coalition")
    framework = coalition.framework
    economy = DomainFactory(framework=framework, slug="economy", name="Economy")
    resources = DomainFactory(framework=framework, slug="resources", name="Resources")
    people = DomainFactory(framework=framework, slug="people", name="People")
    SubDomainFactory(domain=economy, slug="start-ups", name="Start-ups")
    SubDomainFactory(domain=resources, slug="energy", name="Energy")
    SubDomainFactory(domain=people, slug="skills", name="Skills")
    PlaceFactory(register_code="BOR", gss_code="E10000099", name="Borsetshire County Council",
                 short_name="Borsetshire", place_type="CTY", place_type_name="County")
    OrganisationFactory(name="Ambridge Community Energy", slug="ambridge-community-energy",
                        sector=Sector.VOLUNTARY, alt_names="ACE Ambridge\nACE")
    OrganisationFactory(name="Grundy & Sons Ltd", slug="grundy-sons",
                        companies_house_number="01234567")
    OrganisationFactory(name="Felpersham University", slug="felpersham-university",
                        sector=Sector.ACADEMIC, charity_number="1150000")
    return coalition
