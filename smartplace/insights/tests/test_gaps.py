"""The gaps page: the heat-map figures, the opportunities rule, twins, privacy and edge cases."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from smartplace.core.models import Visibility
from smartplace.core.tests.client import body_bytes
from smartplace.frameworks.tests.factories import SmartQuestionFactory
from smartplace.initiatives.models import Evidence
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.gaps import (
    FEW_SECTORS,
    FLAGS,
    LITTLE_ACTIVITY,
    LOW_FITNESS,
    UNANSWERED_QUESTIONS,
    GapRule,
    gaps_for_coalition,
)
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.organisations.models import Sector
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.rounds.services import Answer, rating_submit, round_close
from smartplace.rounds.tests.conftest import world  # noqa: F401 (the rounds' Ambridge world)


def _rate(world, round_, levels):  # noqa: F811
    membership = world.member()
    rating_submit(round_=round_, person=membership.person, answers=[
        Answer(sub.pk, level, "medium") for sub, level in levels.items()])


@pytest.fixture
def ambridge(world):  # noqa: F811
    """
    Skills: two active initiatives (public lead, business partner), rated Emerging by three,
    its domain's question answered. Connectivity: one voluntary-sector initiative. Housing and
    health: nothing, and Living's question unanswered.
    """
    council = OrganisationFactory(sector=Sector.PUBLIC, name="Borsetshire County Council")
    firm = OrganisationFactory(sector=Sector.BUSINESS, name="Ambridge Digital Ltd")
    club = OrganisationFactory(sector=Sector.VOLUNTARY, name="Ambridge Computer Club")
    first = InitiativeFactory(coalition=world.coalition, lead_organisation=council,
                              subdomains=[world.skills])
    first.partners.add(firm)
    InitiativeFactory(coalition=world.coalition, lead_organisation=firm,
                      subdomains=[world.skills])
    Evidence.objects.create(initiative=first, annual_cost=1000)
    InitiativeFactory(coalition=world.coalition, lead_organisation=club,
                      subdomains=[world.connectivity])
    economy_question = SmartQuestionFactory(domain=world.economy)
    SmartQuestionFactory(domain=world.living)
    QuestionAnswer.objects.create(initiative=first, question=economy_question)
    round_ = world.round(name="Spring", slug="spring", min_raters=3)
    for _ in range(3):
        _rate(world, round_, {world.skills: 1, world.connectivity: 3})
    round_close(round_=round_)
    return world


@pytest.mark.django_db
def test_each_part_of_the_rule_flags_the_right_subdomains(ambridge):
    """Low fitness, little activity, few sectors and unanswered questions each flag as defined."""
    report = gaps_for_coalition(coalition=ambridge.coalition, user=None)
    flags = {row.subdomain.slug: row.flags for row in report.rows}
    assert flags["skills"] == [LOW_FITNESS]
    assert flags["connectivity"] == [LITTLE_ACTIVITY, FEW_SECTORS]
    assert flags["housing"] == [LITTLE_ACTIVITY, FEW_SECTORS, UNANSWERED_QUESTIONS]
    skills = next(row for row in report.rows if row.subdomain.slug == "skills")
    assert (skills.active, skills.organisations, skills.sectors, skills.evidence) == (2, 2, 2, 1)
    assert skills.by_sector[Sector.PUBLIC] == 1 and skills.by_sector[Sector.BUSINESS] == 2
    assert skills.fitness == 1 and skills.fitness_name == "Emerging"
    assert [row.subdomain.slug for row in report.opportunities][:2] in (
        ["housing", "health"], ["health", "housing"])


@pytest.mark.django_db
def test_private_initiatives_count_only_for_members(ambridge):
    """A private initiative is left out of the public counts and counted for a member."""
    InitiativeFactory(coalition=ambridge.coalition, subdomains=[ambridge.housing],
                      visibility=Visibility.PRIVATE,
                      lead_organisation=OrganisationFactory(sector=Sector.ACADEMIC))
    housing = lambda report: next(r for r in report.rows if r.subdomain.slug == "housing")  # noqa: E731
    assert housing(gaps_for_coalition(coalition=ambridge.coalition, user=None)).active == 0
    member = ambridge.member().person.user
    assert housing(gaps_for_coalition(coalition=ambridge.coalition, user=member)).active == 1


@pytest.mark.django_db
def test_page_shows_the_rule_numbers_and_flags(client, ambridge):
    """The page states the rule, writes the numbers in the heat-map and lists opportunities."""
    response = client.get(reverse("insights:gaps", kwargs={"slug": ambridge.coalition.slug}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Low fitness: the latest closed round" in page
    assert "fewer than 2 active initiatives" in page
    assert "Active initiatives by sub-domain and sector" in page
    assert "Unanswered questions" in page
    assert 'href="/coalitions/ambridge/gaps.csv"' in page


@pytest.mark.django_db
def test_the_rule_names_the_threshold_level_by_the_scale(client, ambridge):
    """The low-fitness part says "the lowest level" only when the threshold is level 1, and
    names the level as the coalition's scale does, on the page, in the JSON twin and in
    Welsh when the scale has a Welsh name."""
    page = client.get(reverse("insights:gaps", kwargs={"slug": ambridge.coalition.slug}))
    assert ("median is level 1 (Emerging), the lowest level of the scale."
            in page.content.decode())
    report = gaps_for_coalition(coalition=ambridge.coalition, user=None)
    higher = dict(GapRule(low_fitness_up_to=2).describe(
        [level.name for level in report.levels]))[LOW_FITNESS]
    assert higher.endswith("median is level 2 (Developing) or below.")
    assert "lowest" not in higher
    assert "lowest" not in dict(GapRule(low_fitness_up_to=2).describe())[LOW_FITNESS]
    assert dict(GapRule().describe())[LOW_FITNESS].endswith(
        "level 1, the lowest level of the scale.")
    base = reverse("insights:gaps", kwargs={"slug": ambridge.coalition.slug}).rstrip("/")
    document = client.get(f"{base}.json").json()
    assert "level 1 (Emerging)" in document["rule"][0]["text"]
    report.levels[0].name_cy = "Yn dod i'r amlwg"
    with translation.override("cy"):
        assert "Yn dod i'r amlwg" in dict(report.describe_rule())[LOW_FITNESS]


@pytest.mark.django_db
def test_twins_have_one_row_per_subdomain_with_its_flags(client, ambridge):
    """The CSV and JSON twins carry the same rows, the rule and the opportunities."""
    base = reverse("insights:gaps", kwargs={"slug": ambridge.coalition.slug}).rstrip("/")
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(f"{base}.csv")).decode())))
    document = json.loads(body_bytes(client.get(f"{base}.json")))
    assert [r["subdomain_slug"] for r in rows] == [r["subdomain_slug"] for r in document["rows"]]
    assert len(rows) == 4
    skills = next(r for r in rows if r["subdomain_slug"] == "skills")
    assert skills["flags"] == LOW_FITNESS and skills["active_business"] == "2"
    assert [part["flag"] for part in document["rule"]] == FLAGS
    assert document["opportunities"][-1] == "economy/skills"
    assert document["fitness_round"]["name"] == "Spring"


@pytest.mark.django_db
def test_page_query_count_does_not_grow_with_initiatives(client, ambridge,
                                                         django_assert_max_num_queries):
    """The page runs a fixed number of queries whatever the number of initiatives."""
    for _ in range(20):
        InitiativeFactory(coalition=ambridge.coalition, subdomains=[ambridge.health],
                          lead_organisation=OrganisationFactory())
    with django_assert_max_num_queries(20):
        client.get(reverse("insights:gaps", kwargs={"slug": ambridge.coalition.slug}))


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["/", ".json", ".csv"])
def test_a_coalition_without_a_framework_renders_with_a_message(client, suffix):
    """A coalition without a domain model gets a page saying so, and empty twins."""
    from smartplace.coalitions.tests.factories import CoalitionFactory

    coalition = CoalitionFactory(framework=None, slug="empty-borsetshire")
    response = client.get(f"/coalitions/{coalition.slug}/gaps{suffix}")
    assert response.status_code == 200
    if suffix == "/":
        assert "has no domain model yet" in response.content.decode()


@pytest.mark.django_db
def test_a_coalition_with_one_domain_and_no_initiatives_flags_everything_but_fitness(client):
    """One domain, no initiatives, no round: every sub-domain has little activity, few sectors."""
    from smartplace.coalitions.tests.factories import CoalitionFactory
    from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory

    coalition = CoalitionFactory(slug="west-borsetshire")
    domain = DomainFactory(framework=coalition.framework)
    SubDomainFactory(domain=domain)
    report = gaps_for_coalition(coalition=coalition, user=None)
    assert [row.flags for row in report.rows] == [[LITTLE_ACTIVITY, FEW_SECTORS]]
    response = client.get(f"/coalitions/{coalition.slug}/gaps/")
    assert "No fitness round has closed yet" in response.content.decode()


@pytest.mark.django_db
def test_fitness_says_why_a_subdomain_has_no_figure(client, world):  # noqa: F811
    """
    "No round yet" before any round; "Not published yet" while a round is open; "Not
    published: too few ratings" for a closed round's withheld item; "Not in the latest round"
    for a domain the latest closed round left out. The same for everyone (rounds are public).
    """
    def statuses():
        report = gaps_for_coalition(coalition=world.coalition, user=AnonymousUser())
        return {row.subdomain.slug: (row.fitness_status, row.fitness_label)
                for row in report.rows}

    assert statuses()["skills"] == ("no_round", "No round yet")
    html = client.get(reverse("insights:gaps", kwargs={"slug": "ambridge"})).content.decode()
    assert "No round yet" in html and "Not published yet" not in html
    open_round = world.round(name="Spring", slug="spring", min_raters=3,
                             domains=[world.economy])
    found = statuses()
    assert found["skills"] == ("pending", "Not published yet")
    assert found["housing"] == ("no_round", "No round yet")
    html = client.get(reverse("insights:gaps", kwargs={"slug": "ambridge"})).content.decode()
    assert "Not published yet" in html and "No round yet" in html
    for _ in range(3):
        _rate(world, open_round, {world.skills: 2})
    _rate(world, open_round, {world.connectivity: 2})
    round_close(round_=open_round)
    world.round(name="Summer", slug="summer", domains=[world.living])
    found = statuses()
    assert found["skills"] == ("published", "")
    assert found["connectivity"] == ("withheld", "Not published: too few ratings")
    assert found["housing"] == ("pending", "Not published yet")
    data = client.get(reverse("insights:gaps", kwargs={"slug": "ambridge",
                                                       "fmt": "json"})).json()
    assert {r["subdomain_slug"]: r["fitness_status"] for r in data["rows"]} == {
        "skills": "published", "connectivity": "withheld", "housing": "pending",
        "health": "pending"}


@pytest.mark.django_db
def test_a_domain_left_out_of_the_latest_round_says_so(world):  # noqa: F811
    """A domain rated before but not in the latest closed round is "Not in the latest round"."""
    first = world.round(name="Spring", slug="spring", min_raters=1, domains=[world.living])
    _rate(world, first, {world.housing: 2})
    round_close(round_=first)
    second = world.round(name="Summer", slug="summer", min_raters=1, domains=[world.economy])
    _rate(world, second, {world.skills: 2})
    round_close(round_=second)
    report = gaps_for_coalition(coalition=world.coalition, user=AnonymousUser())
    found = {row.subdomain.slug: row.fitness_label for row in report.rows}
    assert found["housing"] == "Not in the latest round"
    assert found["skills"] == ""
