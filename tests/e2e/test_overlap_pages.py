"""In a browser, with axe: the overlap report's pages of groups, the pairs a member marked as
not the same with their undo button (without JavaScript), and the method page."""

import pytest

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights import views_overlaps
from smartplace.insights.models_overlaps import OverlapDismissal
from smartplace.insights.overlap_dismissal import overlap_dismiss
from smartplace.insights.overlaps import overlaps_recompute
from smartplace.people.tests.factories import MembershipFactory
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_accessibility import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "LED street lighting": "Replacing sodium street lamps with LED lanterns to cut the energy "
                           "the council uses.",
    "Food waste collections": "Weekly food waste collections in green caddies for every "
                              "household, taken to the anaerobic digester.",
    "Real-time bus times": "Live bus departure boards at the busiest stops, fed by the buses' "
                           "own locations.",
}


@pytest.fixture
def ambridge():
    coalition = CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition")
    items = []
    for title, text in TEXTS.items():
        items.append(InitiativeFactory(coalition=coalition, title=title, description=text))
        items.append(InitiativeFactory(coalition=coalition, title=f"{title} (phase two)",
                                       description=text + " Phase two."))
    overlaps_recompute()
    return coalition, items


def test_paged_report_dismissed_pairs_and_method_pass_axe(page, axe, live_server, ambridge,
                                                          monkeypatch):
    """A member sees a page of groups with GOV.UK pagination and the pairs marked as not the
    same, and every page passes axe."""
    coalition, items = ambridge
    monkeypatch.setattr(views_overlaps, "PAIRS_PER_PAGE", 1)
    member = MembershipFactory(coalition=coalition, status="active").person.user
    overlap_dismiss(user=member, a=items[0], b=items[1], note="Different streets")
    _sign_in(page, live_server, member)
    page.goto("/coalitions/ambridge/overlaps/")
    assert page.locator(".govuk-pagination").count() == 1
    assert page.get_by_role("heading", name="Marked as not the same").count() == 1
    assert_accessible(axe, page)
    page.goto("/coalitions/ambridge/overlaps/?page=2")
    assert_accessible(axe, page)
    page.goto("/coalitions/ambridge/overlaps/method/")
    assert page.locator("h1").inner_text() == "How overlaps are found"
    assert_accessible(axe, page)


def test_undo_works_without_javascript(page_without_js, live_server, ambridge, monkeypatch):
    """With JavaScript off, the undo button posts the form and comes back to the same page of
    the report with a banner; the pair is no longer marked."""
    coalition, items = ambridge
    monkeypatch.setattr(views_overlaps, "PAIRS_PER_PAGE", 1)
    member = MembershipFactory(coalition=coalition, status="active").person.user
    overlap_dismiss(user=member, a=items[0], b=items[1])
    page = page_without_js
    _sign_in(page, live_server, member)
    page.goto("/coalitions/ambridge/overlaps/?page=2")
    page.get_by_role("button", name="Undo “not the same” for LED street lighting").click()
    page.locator(".govuk-notification-banner").wait_for()
    assert page.url.endswith("/coalitions/ambridge/overlaps/?page=2")
    assert not OverlapDismissal.objects.exists()
