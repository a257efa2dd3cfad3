"""The Atom feed of a coalition's new public initiatives."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from smartplace.core.models import Visibility
from smartplace.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(coalition) -> str:
    """The English address (whatever language an earlier request left active)."""
    with translation.override("en-gb"):
        return reverse("coalitions:initiative_feed", kwargs={"slug": coalition.slug})


def test_the_feed_lists_public_initiatives_newest_first(client):
    """Atom, newest first, each entry linking to the initiative; private ones never appear."""
    older = InitiativeFactory(title="Ambridge village hall wifi")
    newer = InitiativeFactory(coalition=older.coalition, title="Borchester bus times")
    InitiativeFactory(coalition=older.coalition, title="Secret bypass plan",
                      visibility=Visibility.PRIVATE)
    response = client.get(feed_url(older.coalition))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == [newer.title, older.title]
    assert b"Secret bypass plan" not in response.content
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert links[0] == f"http://testserver{newer.get_absolute_url()}"


def test_the_feed_goes_through_the_initiative_gate(client, monkeypatch):
    """With Initiative.objects.public() letting everything through, the private one shows:
    the feed uses the shared gate, not a filter of its own."""
    from smartplace.initiatives.models import InitiativeQuerySet

    private = InitiativeFactory(title="Secret bypass plan", visibility=Visibility.PRIVATE)
    monkeypatch.setattr(InitiativeQuerySet, "public", lambda self: self.all())
    assert b"Secret bypass plan" in client.get(feed_url(private.coalition)).content


def test_the_welsh_feed_says_it_is_welsh_and_coalition_pages_link_to_it(client):
    """Under /cy/ the feed is xml:lang="cy" with Welsh addresses; coalition pages advertise
    the feed; an unknown coalition is 404."""
    initiative = InitiativeFactory()
    with translation.override("en-gb"):
        english_url, coalition_url = (initiative.get_absolute_url(),
                                      initiative.coalition.get_absolute_url())
    english_feed = feed_url(initiative.coalition)
    page = client.get(coalition_url).content.decode()
    assert f'type="application/atom+xml" href="{english_feed}"' in page
    response = client.get("/cy" + english_feed)
    assert response.status_code == 200 and b'xml:lang="cy"' in response.content
    assert f"http://testserver/cy{english_url}".encode() in response.content
    assert client.get("/coalitions/no-such-coalition/initiatives/feed.atom").status_code == 404
