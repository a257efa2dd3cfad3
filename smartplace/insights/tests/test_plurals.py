"""Counts in the insights pages take the plural form of their number (ngettext)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.evidence import tonnes_text, years_text
from smartplace.insights.gaps import FEW_SECTORS, LITTLE_ACTIVITY, GapRule
from smartplace.insights.network import network_picture, network_summary
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _coalition(count: int):
    """`count` public initiatives, each led by its own organisation and worked on by one
    public person, with no partner; one domain."""
    coalition = CoalitionFactory(name="Ambridge Digital", slug="ambridge")
    sub = SubDomainFactory(domain=DomainFactory(framework=coalition.framework))
    for n in range(count):
        initiative = InitiativeFactory(coalition=coalition, subdomains=[sub],
                                       lead_organisation=OrganisationFactory())
        initiative.people.add(PersonFactory(name=f"Person {n}", public_profile=True))
    return coalition


@pytest.mark.parametrize("count, expected, wrong", [
    (1, ["1 public initiative of Ambridge Digital.", "1 organisation and 1 person who",
         "0 organisations connect", "0 initiatives have"],
     ["1 public initiatives", "1 organisations", "1 people"]),
    (2, ["2 public initiatives of Ambridge Digital.", "2 organisations and 2 people who"],
     ["2 public initiative ", "2 organisation ", "2 person"]),
])
def test_network_picture_description_agrees_with_its_counts(count, expected, wrong):
    """The picture's description says "1 organisation" and "2 organisations"."""
    coalition = _coalition(count)
    summary = network_summary(coalition=coalition)
    svg = network_picture(summary=summary, coalition=coalition)
    description = svg.split("<desc")[1].split("</desc>")[0]
    for text in expected:
        assert text in description
    for text in wrong:
        assert text not in description


@pytest.mark.parametrize("count, expected, wrong", [
    (1, ["1 organisation works on 1 public initiative.",
         "0 initiatives have no partner and no named person."],
     ["1 organisations", "1 public initiatives", "1 initiatives"]),
    (2, ["2 organisations work on 2 public initiatives.",
         "0 organisations connect two or more domains."],
     ["2 organisation ", "2 public initiative."]),
])
def test_story_network_in_brief_agrees_with_its_counts(client, count, expected, wrong):
    """The story's "Who works with whom" says "1 organisation works" and "2 organisations
    work"."""
    coalition = _coalition(count)
    html = client.get(reverse("insights:story", kwargs={"slug": coalition.slug})).content
    section = html.decode().split('id="network"')[1]
    for text in expected:
        assert text in section
    for text in wrong:
        assert text not in section


def test_isolated_count_is_singular_for_one():
    """One isolated initiative "has" no partner; two "have"."""
    coalition = CoalitionFactory()
    sub = SubDomainFactory(domain=DomainFactory(framework=coalition.framework))
    InitiativeFactory(coalition=coalition, subdomains=[sub])
    summary = network_summary(coalition=coalition)
    svg = network_picture(summary=summary, coalition=coalition)
    assert "1 initiative has no partner and no named person." in svg


@pytest.mark.parametrize("value, text", [
    (Decimal("1"), "1 year"), (Decimal("2"), "2 years"), (Decimal("1.5"), "1.5 years"),
    (Decimal("15.00"), "15 years"),
])
def test_lifetime_takes_the_plural_of_its_number(value, text):
    """A lifetime of 1 is "1 year"; 2, 15 and 1.5 are "years"."""
    assert years_text(value) == text


@pytest.mark.parametrize("value, text", [
    (Decimal("1.000"), "1 tonne CO2e a year"), (Decimal("2"), "2 tonnes CO2e a year"),
    (Decimal("120.5"), "120.5 tonnes CO2e a year"),
])
def test_emission_savings_take_the_plural_of_their_number(value, text):
    """Emission savings of 1 are "1 tonne"; 2 and 120.5 are "tonnes"."""
    assert tonnes_text(value) == text


@pytest.mark.parametrize("threshold, initiatives, sectors", [
    (1, "fewer than 1 active initiative.", "fewer than 1 sector,"),
    (2, "fewer than 2 active initiatives.", "fewer than 2 sectors,"),
])
def test_gaps_rule_words_agree_with_the_thresholds(threshold, initiatives, sectors):
    """The rule says "fewer than 1 active initiative" and "fewer than 2 active initiatives"."""
    words = dict(GapRule(active_below=threshold, sectors_below=threshold).describe())
    assert words[LITTLE_ACTIVITY].endswith(initiatives)
    assert sectors in words[FEW_SECTORS]
