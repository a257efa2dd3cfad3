"""
In a browser, under the site's content security policy: the gaps heat-map is coloured, and very
long titles and the embed snippet never make an insights page wider than the window.
"""

import pytest

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORD = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 4


@pytest.fixture
def ambridge():
    coalition = CoalitionFactory(name="Ambridge Digital", slug="ambridge")
    economy = DomainFactory(framework=coalition.framework, name="Economy", slug="economy")
    skills = SubDomainFactory(domain=economy, name="Skills", slug="skills")
    council = OrganisationFactory(name="Borsetshire Council", sector=Sector.PUBLIC)
    InitiativeFactory(coalition=coalition, title="Library renewals online", slug="library",
                      subdomains=[skills], lead_organisation=council)
    InitiativeFactory(coalition=coalition, title=LONG_WORD, slug="long", subdomains=[skills],
                      description=LONG_WORD * 5, lead_organisation=council)
    return coalition


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_heat_map_cells_are_coloured(page, ambridge):
    """A cell with one initiative has the pale yellow of its band, not the page's white."""
    page.goto("/coalitions/ambridge/gaps/")
    cell = page.locator("td.sp-heat--2").first
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(199, 233, 180)"


@pytest.mark.parametrize("path", [
    "/coalitions/ambridge/gaps/",
    "/coalitions/ambridge/network/",
    "/coalitions/ambridge/story/",
    "/coalitions/ambridge/initiatives/long/",
    "/coalitions/ambridge/initiatives/long/similar/",
])
def test_long_words_do_not_widen_the_page(page, ambridge, path):
    """A 236-letter word in a title wraps; the page is no wider than a 1024-pixel window."""
    page.set_viewport_size({"width": 1024, "height": 800})
    assert page.goto(path).status == 200
    assert _overflow(page) <= 0


def test_gaps_page_with_its_scrolling_heat_map_passes_axe(page, axe, ambridge):
    """The heat-map's scrolling region is focusable and named; the page passes axe."""
    page.set_viewport_size({"width": 640, "height": 800})
    page.goto("/coalitions/ambridge/gaps/")
    assert_accessible(axe, page)
