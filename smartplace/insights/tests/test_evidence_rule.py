""""With evidence" means one thing on the gaps page, the story's highlights and its figures."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.models import Evidence, Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.evidence_rule import initiative_has_evidence
from smartplace.insights.gaps import gaps_for_coalition
from smartplace.insights.models_evidence import (
    ChannelShift,
    Lesson,
    OutcomeMeasure,
    ReusableAsset,
)
from smartplace.insights.story import story_get, story_highlights

pytestmark = pytest.mark.django_db

#: Title → whether it has evidence under the rule.
EXPECTED = {
    "Savings recorded": True,
    "Emissions only": True,
    "Outcome with a result": True,
    "Contacts moved": True,
    "A lesson": True,
    "Funding source only": False,
    "Baseline only": False,
    "No contacts moved": False,
    "Reusable asset only": False,
    "Nothing": False,
}


@pytest.fixture
def ambridge():
    """One sub-domain; ten active public initiatives, each with one kind of record."""
    coalition = CoalitionFactory(name="Ambridge Digital", slug="ambridge")
    sub = SubDomainFactory(domain=DomainFactory(framework=coalition.framework))
    made = {title: InitiativeFactory(coalition=coalition, title=title, subdomains=[sub],
                                     status=Initiative.Status.ACTIVE) for title in EXPECTED}
    Evidence.objects.create(initiative=made["Savings recorded"], annual_savings=Decimal("10"))
    Evidence.objects.create(initiative=made["Emissions only"],
                            emission_savings_tco2e=Decimal("2"))
    OutcomeMeasure.objects.create(initiative=made["Outcome with a result"], name="Visits",
                                  baseline=Decimal("10"), result=Decimal("20"))
    ChannelShift.objects.create(initiative=made["Contacts moved"], phone_to_web=5)
    Lesson.objects.create(initiative=made["A lesson"], text="Start small.")
    Evidence.objects.create(initiative=made["Funding source only"], funding_source="Lottery")
    OutcomeMeasure.objects.create(initiative=made["Baseline only"], name="Visits",
                                  baseline=Decimal("10"))
    ChannelShift.objects.create(initiative=made["No contacts moved"])
    ReusableAsset.objects.create(initiative=made["Reusable asset only"], name="Code",
                                 licence="MIT")
    return coalition


def test_the_rule_picks_the_initiatives_with_evidence(ambridge):
    """Figures, results, contacts moved and lessons count; the rest does not."""
    found = set(Initiative.objects.filter(initiative_has_evidence())
                .values_list("title", flat=True))
    assert found == {title for title, has in EXPECTED.items() if has}


def test_gaps_story_and_highlights_agree(client, ambridge):
    """The gaps page, the story's figure and its highlights count the same initiatives."""
    expected = sum(EXPECTED.values())
    report = gaps_for_coalition(coalition=ambridge, user=AnonymousUser())
    assert [row.evidence for row in report.rows] == [expected]
    story = story_get(coalition=ambridge)
    assert story.worked.initiatives_with_evidence == expected
    highlights = story_highlights(coalition=ambridge, limit=100)
    assert {i.title for i in highlights} == {t for t, has in EXPECTED.items() if has}
    gaps_json = client.get(reverse("insights:gaps", kwargs={"slug": "ambridge",
                                                            "fmt": "json"})).json()
    assert gaps_json["rows"][0]["evidence_recorded"] == expected
    story_json = client.get(reverse("insights:story", kwargs={"slug": "ambridge",
                                                              "fmt": "json"})).json()
    figures = {row["figure"]: row["value"] for row in story_json["rows"]}
    assert figures["initiatives_with_evidence"] == expected
