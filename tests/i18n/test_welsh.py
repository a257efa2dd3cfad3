"""Welsh: pages under /cy/ in Welsh, English addresses unchanged, a switch that round-trips."""

import re

import pytest

from smartplace.coalitions.tests.factories import CoalitionFactory

pytestmark = pytest.mark.django_db


def _switch(html: str) -> dict[str, str]:
    """hreflang → address of the language switch's links."""
    nav = re.search(r'<nav class="[^"]*sp-language-switch[^"]*".*?</nav>', html, re.S).group(0)
    return {m[1]: m[0] for m in re.findall(r'href="([^"]+)" hreflang="([\w-]+)"', nav)}


def test_welsh_pages_are_in_welsh(client):
    """/cy/coalitions/ says lang="cy" and has the Welsh heading and navigation."""
    CoalitionFactory(name="Ambridge Digital Coalition", slug="ambridge")
    html = client.get("/cy/coalitions/").content.decode()
    assert '<html lang="cy"' in html
    assert re.search(r"<h1[^>]*>\s*Clymbleidiau\s*</h1>", html)
    assert "Sefydliadau" in html and "Ambridge Digital Coalition" in html


def test_english_addresses_are_unchanged(client):
    """/coalitions/ stays English, and the language switch offers the Welsh page."""
    html = client.get("/coalitions/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Coalitions\s*</h1>", html)
    assert not html.startswith("<!DOCTYPE html>\n<html lang=\"cy\"")
    assert _switch(html) == {"cy": "/cy/coalitions/"}


def test_the_switch_round_trips_with_the_query(client):
    """English → Welsh → English keeps the page and its query string."""
    CoalitionFactory(slug="ambridge")
    welsh = _switch(client.get("/coalitions/ambridge/initiatives/?q=wifi").content.decode())["cy"]
    assert welsh == "/cy/coalitions/ambridge/initiatives/?q=wifi"
    english = _switch(client.get(welsh).content.decode())["en-gb"]
    assert english == "/coalitions/ambridge/initiatives/?q=wifi"


def test_api_and_downloads_have_no_language_prefix(client):
    """The API, its documentation page and the data downloads live only at their unprefixed
    addresses; the open data pages are in Welsh too (opendata/tests/test_welsh.py)."""
    assert client.get("/cy/api/v1/coalitions").status_code == 404
    assert client.get("/api/v1/coalitions").status_code == 200
    assert client.get("/cy/api/v1/docs").status_code == 404
    assert client.get("/cy/data/catalog.jsonld").status_code == 404
    assert client.get("/cy/data/").status_code == 200


@pytest.mark.parametrize("prefix", ["/en", "/en-gb"])
def test_english_pages_have_one_address(client, prefix):
    """English pages live only at unprefixed addresses: /en/… is not a second copy."""
    assert client.get("/frameworks/").status_code == 200
    assert client.get(f"{prefix}/frameworks/").status_code == 404


def test_pagination_and_times_are_in_welsh(client, settings):
    """A Welsh list's pagination says Blaenorol, Nesaf and Tudalen N (as GOV.UK Frontend's
    Welsh does), and a time is written "… am 3:05yh"; English pages are unchanged."""
    from datetime import UTC, datetime

    from smartplace.core.jinja2 import format_datetime
    from smartplace.initiatives.tests.factories import InitiativeFactory

    settings.SMARTPLACE_PAGE_SIZE = 2
    coalition = CoalitionFactory(slug="ambridge")
    for number in range(5):
        InitiativeFactory(coalition=coalition, title=f"Ambridge project {number}")
    welsh = client.get("/cy/coalitions/ambridge/initiatives/?page=2").content.decode()
    assert re.search(r"Blaenorol<span class=\"govuk-visually-hidden\"> tudalen</span>", welsh)
    assert re.search(r"Nesaf<span class=\"govuk-visually-hidden\"> tudalen</span>", welsh)
    assert 'aria-label="Tudalen 3"' in welsh
    english = client.get("/coalitions/ambridge/initiatives/?page=2").content.decode()
    assert "Previous<span" in english and 'aria-label="Page 3"' in english
    moment = datetime(2026, 12, 3, 15, 5, tzinfo=UTC)
    settings.TIME_ZONE = "UTC"
    from django.utils import translation

    with translation.override("cy"):
        assert format_datetime(moment) == "3 Rhagfyr 2026 am 3:05yh"
    with translation.override("en-gb"):
        assert format_datetime(moment) == "3 December 2026 at 3:05pm"
