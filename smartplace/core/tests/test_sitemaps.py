"""/sitemap.xml lists the public pages in both languages, and nothing the privacy gate hides."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from smartplace.assessments.models import Cycle
from smartplace.assessments.tests.factories import CycleFactory
from smartplace.core.models import Visibility
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.people.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    public = InitiativeFactory(slug="village-hall-wifi")
    private = InitiativeFactory(coalition=public.coalition, slug="hidden-bypass-plan",
                                visibility=Visibility.PRIVATE)
    published = CycleFactory(slug="open-cycle", status=Cycle.Status.PUBLISHED)
    hidden = [CycleFactory(slug="draft-cycle", status=Cycle.Status.OPEN),
              CycleFactory(slug="private-cycle", status=Cycle.Status.PUBLISHED,
                           policy=Cycle.Policy.PRIVATE)]
    MembershipFactory(coalition=public.coalition, person__name="Lilian Bellamy")
    return public, private, published, hidden


def test_the_sitemap_lists_public_pages_in_english_and_welsh(client, world):
    """The lists, the coalition, the public initiative and the published cycle, each with its
    Welsh address as an alternate."""
    public, _private, published, _hidden = world
    with translation.override("en-gb"):
        paths = ["/", "/coalitions/", public.coalition.get_absolute_url(),
                 public.get_absolute_url(), published.get_absolute_url(),
                 reverse("core:accessibility")]
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/xml")
    xml = response.content.decode()
    for path in paths:
        assert f"<loc>http://testserver{path}</loc>" in xml, path
        assert f'hreflang="cy" href="http://testserver/cy{path}"' in xml, path


def test_the_sitemap_lists_the_open_data_pages_but_not_the_downloads(client, world):
    """/data/ and each dataset's page (the coalition's and the published cycle's), with their
    Welsh addresses; not the files, zips or catalogue, which are not pages."""
    public, _private, published, hidden = world
    xml = client.get("/sitemap.xml").content.decode()
    for path in ["/data/", f"/data/coalitions/{public.coalition.slug}/",
                 f"/data/cycles/{published.slug}/"]:
        assert f"<loc>http://testserver{path}</loc>" in xml, path
        assert f'hreflang="cy" href="http://testserver/cy{path}"' in xml, path
    assert not re.search(r"<loc>[^<]*/data/[^<]*(\.zip|\.jsonld|\.sqlite|/latest/)", xml)
    assert all(f"/data/cycles/{cycle.slug}/" not in xml for cycle in hidden)


def test_the_sitemap_names_nothing_private(client, world):
    """No private initiative, no unpublished or private cycle, no person."""
    _public, private, _published, hidden = world
    xml = client.get("/sitemap.xml").content.decode()
    assert private.slug not in xml
    assert all(cycle.slug not in xml for cycle in hidden)
    assert "Lilian" not in xml and "/people/" not in xml


def test_the_sitemap_goes_through_the_initiative_gate(client, world, monkeypatch):
    """With the gate (Initiative.objects.public()) removed, the private initiative appears:
    the sitemap has no filter of its own that could drift from the lists'."""
    from smartplace.initiatives.models import InitiativeQuerySet

    monkeypatch.setattr(InitiativeQuerySet, "public", lambda self: self.all())
    assert world[1].slug in client.get("/sitemap.xml").content.decode()
