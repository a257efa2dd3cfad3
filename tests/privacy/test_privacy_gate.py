"""
The privacy gate (issue 6, part 3): with private initiatives, unpublished and private
assessment cycles, unconsented people, unshared rating reasons, draft answers and reviewers'
notes present, no public address of the site shows any of them — every route in the URL
configuration is requested (a route added later without coverage fails the test).
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from tests.privacy import crawl
from tests.privacy import world as w

OK_STATUSES = {200, 301, 302, 303, 400, 401, 403, 404, 405}


class _StubPDF:
    """weasyprint.HTML stand-in: the "PDF" is the HTML it was given, so it can be read."""

    def __init__(self, *, string, **kwargs):
        self.string = string

    def write_pdf(self, **kwargs):
        return b"%PDF-stub\n" + self.string.encode()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo plus the sentinels, loaded once and rolled back after the module."""
    import weasyprint

    patch = pytest.MonkeyPatch()
    patch.setattr(weasyprint, "HTML", _StubPDF)
    with django_db_blocker.unblock(), transaction.atomic():
        yield w.build_world()
        transaction.set_rollback(True)
    patch.undo()
    cache.clear()


def _crawl(client: Client, world, *, only=None) -> tuple[dict, set, list]:
    """Request every route; returns (leaks by address, routes requested, bad statuses)."""
    context = crawl.contexts(world)
    found: dict[str, list[str]] = defaultdict(list)
    requested: set[str] = set()
    problems: list[str] = []
    for route in crawl.routes():
        if crawl.excluded(route) or (only and not only(route)):
            continue
        for url, private in crawl.urls_for(route, context):
            requested.add(route.route)
            for address in (url, url + "?q=SENTINEL"):
                response = client.get(address)
                markers = crawl.leaks(crawl.body_text(response))
                if markers:
                    found[address] = markers
                if response.status_code not in OK_STATUSES:
                    problems.append(f"{address}: {response.status_code}")
                elif private and response.status_code == 200:
                    problems.append(f"{address}: 200 for a private object")
                elif (route.name in crawl.NEEDS_SIGN_IN and response.status_code == 200
                      and not client.session.get("_auth_user_id")):
                    problems.append(f"{address}: a page for someone not signed in")
                elif response.status_code in (301, 302, 303) and not client.session.get(
                        "_auth_user_id") and route.name in crawl.NEEDS_SIGN_IN:
                    location = response.headers["Location"]
                    if not location.startswith(("/sign-in/", "/accounts/", "http://testserver/"
                                                "sign-in/")) and "sign-in" not in location:
                        problems.append(f"{address}: redirects to {location}, not to sign in")
    return found, requested, problems


def _describe(found: dict) -> str:
    return "\n".join(f"{url}: {', '.join(markers)}" for url, markers in sorted(found.items()))


@pytest.mark.django_db
def test_no_public_address_shows_private_data(world):
    """Anonymous: no route shows a sentinel; private objects and sign-in pages give no page."""
    found, requested, problems = _crawl(Client(), world)
    assert not found, "Private data on public addresses:\n" + _describe(found)
    assert not problems, "\n".join(problems)
    missing = {r.route for r in crawl.routes() if not crawl.excluded(r)} - requested
    assert not missing, ("Routes the privacy test does not request (give their parameters in "
                         "tests/privacy/crawl.py contexts(), or exclude them with a reason):\n"
                         + "\n".join(sorted(missing)))


@pytest.mark.django_db
def test_signed_in_outsider_sees_no_private_data(world):
    """Signed in but a member of nothing: no route shows a sentinel or a private object."""
    client = Client()
    client.force_login(world.outsider_user)
    found, requested, problems = _crawl(client, world)
    assert not found, "Private data shown to a non-member:\n" + _describe(found)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_public_controls_are_found(world):
    """The crawl reaches real content: the public initiative and consenting person appear."""
    client = Client()
    seen = {control: [] for control in w.CONTROLS}
    domain = world.proposed_question.domain.slug
    for path in [f"/coalitions/{world.coalition.slug}/initiatives/",
                 f"/coalitions/{world.coalition.slug}/people/",
                 f"/coalitions/{world.coalition.slug}/domains/{domain}/",
                 f"/coalitions/{world.coalition.slug}/initiatives.csv",
                 "/data/smartplace.sqlite"]:
        text = crawl.body_text(client.get(path)).upper()
        for control in w.CONTROLS:
            if control in text:
                seen[control].append(path)
    assert seen[w.PUBLIC_INITIATIVE_TITLE] and seen[w.PUBLIC_PERSON_NAME], seen
    assert f"/coalitions/{world.coalition.slug}/domains/{domain}/" in seen[w.PUBLIC_QUESTION]
    assert "/data/smartplace.sqlite" in seen[w.PUBLIC_QUESTION]


@pytest.mark.django_db
def test_removing_the_initiative_gate_is_caught(world, monkeypatch):
    """With Initiative.objects.public() letting private ones through, the crawl finds a leak."""
    from smartplace.initiatives.models import InitiativeQuerySet

    monkeypatch.setattr(InitiativeQuerySet, "public", lambda self: self.all())
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith(("coalitions/<slug:slug>/initiatives",
                                                            "data/")))
    assert any(w.PRIVATE_INITIATIVE_TITLE in markers for markers in found.values())


@pytest.mark.django_db
def test_removing_the_people_gate_is_caught(world, monkeypatch):
    """With Person.objects.public() letting everyone through, the crawl finds the unconsented
    member's name on every surface that names people: the people list and its twins, the
    public initiative's page and twins, the network, a shared rating reason's author (round
    page and API) and the site's SQLite download."""
    from smartplace.people.models import PersonQuerySet
    from smartplace.rounds.models import Rating

    Rating.objects.filter(reason=w.RATING_REASON).update(share_reason_publicly=True)
    monkeypatch.setattr(PersonQuerySet, "public", lambda self: self.all())
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith((
            "coalitions/<slug:slug>/people", "coalitions/<slug:slug>/initiatives/<slug:",
            "coalitions/<slug:slug>/network", "coalitions/<slug:slug>/rounds/<slug:round>",
            "api/v1/coalitions/<slug>/rounds/<round>", "data/smartplace.sqlite")))
    named = {url.split("?")[0] for url, markers in found.items() if w.UNCONSENTED_NAME in markers}
    c, i, r = world.coalition.slug, world.public_initiative.slug, world.closed_round.slug
    assert {f"/coalitions/{c}/people/", f"/coalitions/{c}/people.json",
            f"/coalitions/{c}/people.csv", f"/coalitions/{c}/initiatives/{i}/",
            f"/coalitions/{c}/initiatives/{i}.json", f"/coalitions/{c}/network/",
            f"/coalitions/{c}/rounds/{r}/", f"/api/v1/coalitions/{c}/rounds/{r}",
            "/data/smartplace.sqlite"} <= named, sorted(named)


@pytest.mark.django_db
def test_removing_the_smart_question_gate_is_caught(world, monkeypatch):
    """With every smart question counted as visible to all, the crawl of the domain pages, the
    API and the downloads finds the declined one (which only members may see)."""
    from django.db.models import Q

    from smartplace.frameworks import selectors

    monkeypatch.setattr(selectors, "smart_question_visible", lambda *, user: Q())
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith((
            "coalitions/<slug:slug>/domains", "api/v1/coalitions", "data/")))
    where = {url for url, markers in found.items() if w.DECLINED_QUESTION in markers}
    domain = world.declined_question.domain.slug
    assert {f"/coalitions/{world.coalition.slug}/domains/{domain}/",
            f"/api/v1/coalitions/{world.coalition.slug}/framework",
            "/data/smartplace.sqlite"} <= where, _describe(found)


@pytest.mark.django_db
def test_removing_the_cycle_gate_is_caught(world, monkeypatch):
    """With every cycle counted as published and public, the crawl finds the sentinel cycles."""
    from smartplace.assessments.models import Cycle

    monkeypatch.setattr(Cycle, "is_public", property(lambda self: True))
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith("assessments"))
    assert any({w.UNPUBLISHED_CYCLE, w.PRIVATE_CYCLE} & set(markers) for markers in found.values())


@pytest.mark.django_db
def test_the_crawl_reaches_the_rounds_api_with_its_sentinels(world):
    """Were the sentinel rating's reason shared, the crawl of the API's round routes would
    find it in the closed round's results: those routes are requested with the rounds that
    hold the sentinels."""
    from smartplace.rounds.models import Rating

    Rating.objects.filter(reason=w.RATING_REASON).update(share_reason_publicly=True)
    found, requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith("api/v1/coalitions/<slug>/rounds"))
    assert len(requested) == 4
    assert [url for url, markers in found.items() if w.RATING_REASON in markers] == [
        f"/api/v1/coalitions/{world.coalition.slug}/rounds/{world.closed_round.slug}"]


@pytest.mark.django_db
def test_removing_the_cycle_gate_is_caught_in_the_api(world, monkeypatch):
    """With every cycle counted as published and public, the crawl of the API's cycle routes
    finds the sentinel cycles: those routes are requested with them."""
    from smartplace.assessments.models import Cycle

    monkeypatch.setattr(Cycle, "is_public", property(lambda self: True))
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith("api/v1/cycles"))
    assert any({w.UNPUBLISHED_CYCLE, w.PRIVATE_CYCLE} & set(markers) for markers in found.values())


@pytest.mark.django_db
def test_admin_needs_staff(world):
    """The admin, excluded from the crawl, sends anonymous people and non-staff to sign in."""
    client = Client()
    for path in ("/admin/", "/admin/initiatives/initiative/"):
        assert client.get(path).status_code == 302
    client.force_login(world.outsider_user)
    assert client.get("/admin/initiatives/initiative/").status_code == 302


def test_every_exclusion_names_registered_routes():
    """Each excluded prefix matches at least one registered route (no stale exclusions)."""
    registered = [r.route for r in crawl.routes()]
    for prefix in crawl.EXCLUDED_PREFIXES:
        assert any(route.startswith(prefix) for route in registered), prefix
