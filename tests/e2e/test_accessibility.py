"""
axe (WCAG 2.0, 2.1 and 2.2 A and AA rules) on every public HTML page of the site, found from
the URL configuration, and on the main forms signed in: the demo world is loaded once.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from smartplace.assessments.models import Cycle
from smartplace.people.models import Membership
from smartplace.people.tests.factories import MembershipFactory
from tests.e2e.conftest import assert_accessible
from tests.privacy import crawl
from tests.privacy import world as w

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: File downloads and machine-readable addresses among the routes without a format parameter.
NOT_PAGES = (".svg", ".csv", ".json", ".jsonld", ".zip", ".sqlite", ".pdf", ".xml", ".atom")

#: Public routes that are not HTML pages for a visitor, with the reason.
NOT_HTML = {
    "core:healthcheck": "plain-text status for load balancers",
    "opendata-files:package_file": "one file of a data package (CSV, JSON, Markdown)",
    "api-v1:api-root": "the API itself (JSON); its documentation page is api:docs",
}


def public_html_routes() -> list[crawl.Route]:
    """Every route a visitor may open as a page: not excluded, no sign-in, not a download."""
    chosen = []
    for route in crawl.routes():
        if (crawl.excluded(route) or route.name in crawl.NEEDS_SIGN_IN or "fmt" in route.params
                or route.route.endswith(NOT_PAGES) or route.name in NOT_HTML):
            continue
        if route.route.lstrip("^").startswith("api/") and route.name != "api:docs":
            continue  # the API's JSON, including its 404 for any other /api/ address
        if route.route.startswith("accounts/"):
            continue  # allauth's own addresses: each redirects to the pages under /sign-in/
        chosen.append(route)
    return chosen


def _sign_in(page, live_server, user) -> None:
    """A session made with force_login, handed to the browser (no sign-in by email)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                               "url": live_server.url}])


def test_every_public_page_passes_axe(page, axe, live_server):
    """Each public HTML route gives at least one page, and no page has an axe violation."""
    world = w.build_world()
    context = crawl.contexts(world)
    context["invitations"].append(({"token": world.invitation_token}, False))
    checked, unchecked, failures = [], [], []
    seen_paths = set()
    for route in public_html_routes():
        urls = [url for url, private in crawl.urls_for(route, context) if not private]
        done = False
        for url in urls:
            if url in seen_paths:
                done = True
                break
            response = page.goto(url)
            if response.status != 200 or "text/html" not in response.headers.get(
                    "content-type", ""):
                continue
            seen_paths.add(url)
            try:
                assert_accessible(axe, page)
            except AssertionError as error:
                failures.append(str(error))
            checked.append(url)
            done = True
            break
        if not done:
            unchecked.append(f"{route.name} {route.route}: {urls}")
    assert not unchecked, "Public routes that gave no page:\n" + "\n".join(unchecked)
    assert not failures, "\n\n".join(failures)
    assert len(checked) >= 30
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert_accessible(axe, page)

    # The main forms, signed in.
    coordinator = Membership.objects.filter(coalition=world.coalition, role="coordinator",
                                            status="active").first().person.user
    _sign_in(page, live_server, coordinator)
    slug = world.coalition.slug
    page.goto(f"/coalitions/{slug}/initiatives/add/")
    assert_accessible(axe, page)
    page.locator("form button[type=submit], form .govuk-button").last.click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(axe, page)

    # The import form: empty, then with a file whose rows have problems (the problems table).
    page.goto(f"/coalitions/{slug}/initiatives/import/")
    page.locator("details.govuk-details summary").click()
    assert_accessible(axe, page)
    page.set_input_files("#id_file", files=[{
        "name": "initiatives.csv", "mimeType": "text/csv",
        "buffer": b"title,start_date\nAmbridge solar roofs,2023-02-30\n"}])
    page.locator("form .govuk-button").first.click()
    page.locator("#problems").wait_for()
    assert_accessible(axe, page)

    page.context.clear_cookies()
    _sign_in(page, live_server, world.member_user)
    domain = world.private_initiative.subdomains.first().domain
    response = page.goto(f"/coalitions/{slug}/rounds/{world.open_round.slug}/rate/"
                         f"{domain.slug}/")
    assert response.status == 200
    assert_accessible(axe, page)

    cycle = Cycle.objects.filter(status=Cycle.Status.OPEN, is_demo=True).first() or \
        Cycle.objects.filter(status=Cycle.Status.OPEN).first()
    participant = cycle.participants.select_related("organisation").first()
    respondent = MembershipFactory(organisation=participant.organisation).person.user
    page.context.clear_cookies()
    _sign_in(page, live_server, respondent)
    section = cycle.instrument.sections.order_by("position").first()
    response = page.goto(f"/assessments/{cycle.slug}/{participant.organisation.slug}/"
                         f"assessment/{section.code}/")
    assert response.status == 200, response.url
    assert_accessible(axe, page)
