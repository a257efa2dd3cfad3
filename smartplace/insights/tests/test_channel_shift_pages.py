"""A channel shift that costs more than it saves is shown as an added cost, never "-£"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.models_evidence import ChannelShift

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambridge():
    coalition = CoalitionFactory(name="Ambridge Digital", slug="ambridge")
    return coalition, InitiativeFactory(coalition=coalition, title="Phone line to web form")


def _pages(client, coalition, initiative):
    page = client.get(initiative.get_absolute_url()).content.decode()
    story = client.get(reverse("insights:story", kwargs={"slug": coalition.slug})).content
    data = client.get(reverse("insights:story", kwargs={"slug": coalition.slug,
                                                        "fmt": "json"})).json()
    csv_text = b"".join(client.get(reverse(
        "insights:story", kwargs={"slug": coalition.slug, "fmt": "csv"})).streaming_content)
    figures = {row["figure"]: row["value"] for row in data["rows"]}
    return page, story.decode(), figures, csv_text.decode()


def test_a_saving_is_shown_as_a_saving(client, ambridge):
    """10 calls moved to the web at the default costs save £26.80 a year."""
    coalition, initiative = ambridge
    ChannelShift.objects.create(initiative=initiative, phone_to_web=10)
    page, story, figures, csv_text = _pages(client, coalition, initiative)
    assert "£26.80" in page and "Added cost" not in page
    assert "saving an estimated £26.80 a year" in story
    assert figures["channel_shift_annual_saving_gbp"] == "26.80"
    assert figures["channel_shift_outcome"] == "saving"
    assert "channel_shift_outcome,saving" in csv_text


def test_costs_set_so_the_new_channel_costs_more_show_an_added_cost(client, ambridge):
    """With web contacts dearer than calls, the card and story say "added cost", not "-£"."""
    coalition, initiative = ambridge
    ChannelShift.objects.create(initiative=initiative, phone_to_web=10,
                                cost_phone=Decimal("2.00"), cost_web=Decimal("3.50"))
    page, story, figures, csv_text = _pages(client, coalition, initiative)
    for html in (page, story):
        assert "-£" not in html and "£-" not in html
    assert "Added cost £1.50" in page and "Added cost £15" in page
    assert "1 initiative" in story
    assert "10 contacts a year moved between channels, adding an estimated £15 a year to costs" \
        in story
    assert figures["channel_shift_annual_saving_gbp"] == "-15.00"
    assert figures["channel_shift_outcome"] == "added_cost"
    assert "channel_shift_annual_saving_gbp,-15.00" in csv_text
    assert "channel_shift_outcome,added_cost" in csv_text
