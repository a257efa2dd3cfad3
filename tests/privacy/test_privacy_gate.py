"""
The privacy gate (issue 6, part 3): with private initiatives, unpublished and private
assessment cycles, unconsented people, unshared rating reasons, draft answers and reviewers'
notes present, no public address of the site shows any of them — every route in the URL
configuration is requested (a route added later without coverage fails the test), the pages in
Welsh too (`crawl.welsh`).
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


def _crawl(client: Client, world, *, only=None, welsh=True) -> tuple[dict, set, list]:
    """
    Request every route (in Welsh too unless `welsh` is false); returns (leaks by address,
    routes requested, bad statuses). Each English address is asked for as it is and with
    `?q=SENTINEL` (search pages and forms that repeat the query); a Welsh one only as it is:
    searching does not depend on the language.
    """
    context = crawl.contexts(world)
    found: dict[str, list[str]] = defaultdict(list)
    requested: set[str] = set()
    problems: list[str] = []
    for route in crawl.routes():
        if crawl.excluded(route) or (only and not only(route)):
            continue
        for url, private in (crawl.addresses if welsh else crawl.urls_for)(route, context):
            requested.add(route.route)
            welsh_address = url.startswith(crawl.WELSH + "/")
            for address in (url,) if welsh_address else (url, url + "?q=SENTINEL"):
                response = client.get(address)
                markers = crawl.leaks(crawl.body_text(response), address)
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
                    location = response.headers["Location"].removeprefix(crawl.WELSH)
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
    page = f"/coalitions/{world.coalition.slug}/initiatives/{world.public_initiative.slug}/"
    for path in [page, f"/coalitions/{world.coalition.slug}/initiatives/",
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
    assert seen[w.PUBLIC_ASSET] == [page]  # the evidence card of the public initiative


@pytest.mark.django_db
def test_removing_the_initiative_gate_is_caught(world, monkeypatch):
    """With Initiative.objects.public() letting private ones through, the crawl finds a leak."""
    from smartplace.initiatives.models import InitiativeQuerySet

    monkeypatch.setattr(InitiativeQuerySet, "public", lambda self: self.all())
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith(("coalitions/<slug:slug>/initiatives",
                                                            "data/")))
    assert any(w.PRIVATE_INITIATIVE_TITLE in markers for markers in found.values())
    # The Welsh pages are crawled through the same gate.
    assert any(url.startswith("/cy/") and w.PRIVATE_INITIATIVE_TITLE in markers
               for url, markers in found.items()), _describe(found)


@pytest.mark.django_db
def test_a_link_to_a_private_initiative_is_caught(world, monkeypatch):
    """A private initiative's address alone is a leak: with the gate removed, the sitemap
    (addresses only, no titles) shows the private initiative's slug, in English and Welsh."""
    from smartplace.initiatives.models import InitiativeQuerySet

    monkeypatch.setattr(InitiativeQuerySet, "public", lambda self: self.all())
    found, _requested, _problems = _crawl(Client(), world,
                                          only=lambda r: r.route == "sitemap.xml")
    assert found["/sitemap.xml"] == [w.PRIVATE_INITIATIVE_SLUG.upper()]
    text = crawl.body_text(Client().get("/sitemap.xml"))
    assert f"/cy/coalitions/{world.coalition.slug}/initiatives/{w.PRIVATE_INITIATIVE_SLUG}/" in text


def test_a_private_slug_in_the_address_asked_for_is_not_a_leak():
    """The 404 page of a private initiative repeats its own address (the Welsh link, sign in
    with `next`): that says nothing the request did not. Anywhere else the slug is a leak."""
    slug = w.PRIVATE_INITIATIVE_SLUG
    page = f'<a href="/cy/coalitions/ambridge/initiatives/{slug}/">Cymraeg</a>'
    assert crawl.leaks(page, f"/coalitions/ambridge/initiatives/{slug}/") == []
    assert crawl.leaks(page, "/coalitions/ambridge/initiatives/") == [slug.upper()]
    assert crawl.leaks(page + w.PRIVATE_INITIATIVE_TITLE,
                       f"/coalitions/ambridge/initiatives/{slug}/") == [
        w.PRIVATE_INITIATIVE_TITLE]


@pytest.mark.django_db
def test_removing_the_people_gate_is_caught(world, monkeypatch):
    """With Person.objects.public() letting everyone through, the crawl finds the unconsented
    member's name on every surface that names people: the people list and its twins, the
    public initiative's page and twins, the network, a shared rating reason's author (round
    page and API), a smart question's proposer and supporters (domain page) and the site's
    SQLite download."""
    from smartplace.people.models import PersonQuerySet
    from smartplace.rounds.models import Rating

    Rating.objects.filter(reason=w.RATING_REASON).update(share_reason_publicly=True)
    monkeypatch.setattr(PersonQuerySet, "public", lambda self: self.all())
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith((
            "coalitions/<slug:slug>/people", "coalitions/<slug:slug>/initiatives/<slug:",
            "coalitions/<slug:slug>/network", "coalitions/<slug:slug>/rounds/<slug:round>",
            "coalitions/<slug:slug>/domains/<slug:domain>/",
            "api/v1/coalitions/<slug>/rounds/<round>", "data/smartplace.sqlite")), welsh=False)
    named = {url.split("?")[0] for url, markers in found.items() if w.UNCONSENTED_NAME in markers}
    c, i, r = world.coalition.slug, world.public_initiative.slug, world.closed_round.slug
    d = world.proposed_question.domain.slug
    assert {f"/coalitions/{c}/people/", f"/coalitions/{c}/people.json",
            f"/coalitions/{c}/people.csv", f"/coalitions/{c}/initiatives/{i}/",
            f"/coalitions/{c}/initiatives/{i}.json", f"/coalitions/{c}/network/",
            f"/coalitions/{c}/rounds/{r}/", f"/api/v1/coalitions/{c}/rounds/{r}",
            f"/coalitions/{c}/domains/{d}/", "/data/smartplace.sqlite"} <= named, sorted(named)


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


def _read_counts(client: Client, world, urls) -> dict[str, str]:
    """Each address as `crawl.comparable` text, the closed round's results recomputed first (they
    count active public initiatives per sub-domain when stored; its times kept) and the cache
    empty."""
    from smartplace.rounds.models import Round
    from smartplace.rounds.services import round_result_snapshot

    rounds = Round.objects.filter(pk=world.closed_round.pk)
    times = rounds.values("result_computed_at", "updated_at").get()
    rounds.update(result=None)
    round_result_snapshot(round_=world.closed_round)
    rounds.update(**times)
    cache.clear()
    return {url: crawl.comparable(client.get(url)) for url in urls}


@pytest.mark.django_db
def test_private_initiatives_change_no_count_or_picture(world):
    """Counts are numbers, which no marker catches: every address that counts or draws
    initiatives (crawl.COUNT_ROUTES: the network, gaps, domain pages, coalition and
    organisation lists and pages, round results, the story, the API's counts, ...) reads
    exactly the same with the private initiatives present as with them deleted."""
    from smartplace.core.models import Visibility
    from smartplace.initiatives.models import Initiative

    surfaces = crawl.count_surfaces(world)
    assert set(surfaces.values()) == crawl.COUNT_ROUTES
    present = _read_counts(Client(), world, surfaces)
    with transaction.atomic():
        Initiative.objects.filter(visibility=Visibility.PRIVATE).delete()
        absent = _read_counts(Client(), world, surfaces)
        transaction.set_rollback(True)
    changed = sorted(url for url in surfaces if present[url] != absent[url])
    assert not changed, "Private initiatives change these public addresses:\n" + "\n".join(
        changed)


@pytest.mark.django_db
def test_removing_the_initiative_gate_changes_the_counts(world, monkeypatch):
    """With Initiative.objects.public() letting private ones through, the private initiative
    changes at least one address of every route in crawl.DEPENDS: the comparison above is made
    where the sentinel would show."""
    from smartplace.initiatives.models import InitiativeQuerySet

    surfaces = crawl.count_surfaces(world)
    present = _read_counts(Client(), world, surfaces)
    monkeypatch.setattr(InitiativeQuerySet, "public", lambda self: self.all())
    gateless = _read_counts(Client(), world, surfaces)
    changed = {name for url, name in surfaces.items() if present[url] != gateless[url]}
    assert crawl.DEPENDS <= changed, sorted(crawl.DEPENDS - changed)


@pytest.mark.django_db
def test_removing_the_reuse_gate_is_caught(world, monkeypatch):
    """With every reuse link counted as visible to all (`insights.evidence.reuse_visible`), the
    public initiative's evidence card names the private initiative that reused it ("reused
    by") and the one it reused ("reused from"), on its page in English and in Welsh, and the
    story's count of reuses changes: each of those reads goes through that one gate."""
    from django.db.models import Q

    from smartplace.insights import evidence

    c, i = world.coalition.slug, world.public_initiative.slug
    surfaces = {url: name for url, name in crawl.count_surfaces(world).items()
                if name in ("insights:story", "insights:story_pdf")}
    present = _read_counts(Client(), world, surfaces)
    monkeypatch.setattr(evidence, "reuse_visible", lambda *, user: Q())
    page = "coalitions/<slug:slug>/initiatives/<slug:initiative>"
    found, _requested, _problems = _crawl(Client(), world,
                                          only=lambda r: r.route.startswith(page))
    for marker in (w.PRIVATE_REUSE_NOTE, w.PRIVATE_REUSED_FROM_NOTE, w.PRIVATE_INITIATIVE_TITLE):
        where = {url.split("?")[0] for url, markers in found.items() if marker in markers}
        assert {f"/coalitions/{c}/initiatives/{i}/", f"/cy/coalitions/{c}/initiatives/{i}/"
                } <= where, (marker, _describe(found))
    gateless = _read_counts(Client(), world, surfaces)
    changed = sorted(url for url in surfaces if present[url] != gateless[url])
    assert changed == sorted(surfaces) and len(changed) == 4, changed


@pytest.mark.django_db
def test_removing_the_cycle_gate_is_caught(world, monkeypatch):
    """With every cycle counted as published and public, the crawl finds the sentinel cycles."""
    from smartplace.assessments.models import Cycle

    monkeypatch.setattr(Cycle, "is_public", property(lambda self: True))
    found, _requested, _problems = _crawl(
        Client(), world, only=lambda r: r.route.startswith("assessments"), welsh=False)
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
