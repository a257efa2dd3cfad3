"""The evidence card: what it shows, members' forms to add to it, and reuse privacy."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from smartplace.core.models import Visibility
from smartplace.initiatives.models import Evidence
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.evidence import evidence_card_get, lifetime_net_benefit
from smartplace.insights.models_evidence import (
    ChannelShift,
    Lesson,
    OutcomeMeasure,
    ReusableAsset,
    Reuse,
)
from smartplace.people.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    """A signed-in member of the coalition of an initiative."""
    membership = MembershipFactory()
    client.force_login(membership.person.user)
    return membership


def _url(name, initiative, **kwargs):
    return reverse(f"insights:{name}", kwargs={"slug": initiative.coalition.slug,
                                               "initiative": initiative.slug, **kwargs})


def test_lifetime_net_benefit():
    """10 years × (£5,000 − £1,000) − £12,000 = £28,000; none without savings or lifetime."""
    evidence = Evidence(capital_cost=Decimal("12000"), annual_cost=Decimal("1000"),
                        annual_savings=Decimal("5000"), lifetime_years=Decimal("10"))
    assert lifetime_net_benefit(evidence) == Decimal("28000.00")
    assert lifetime_net_benefit(Evidence(annual_savings=Decimal(1))) is None
    assert lifetime_net_benefit(None) is None


def test_card_shows_everything_recorded(client):
    """Costs, outcomes, lessons, assets with licence, reuse and channel shift all appear."""
    initiative = InitiativeFactory(title="Library renewals online")
    Evidence.objects.create(initiative=initiative, capital_cost=Decimal("12000"),
                            annual_savings=Decimal("5000"), lifetime_years=Decimal("10"))
    OutcomeMeasure.objects.create(initiative=initiative, name="Renewals online",
                                  unit="per cent", baseline=Decimal("12.5"),
                                  result=Decimal("48"))
    Lesson.objects.create(initiative=initiative, text="Ask the librarians first.")
    ReusableAsset.objects.create(initiative=initiative, name="Renewal form code",
                                 url="https://code.ambridge.example/renew", licence="MIT")
    elsewhere = InitiativeFactory(title="Felpersham renewals")
    Reuse.objects.create(original=initiative, adopted_by=elsewhere, note="The form")
    ChannelShift.objects.create(initiative=initiative, face_to_face_to_web=1000)
    html = client.get(initiative.get_absolute_url()).content.decode()
    for text in ("£12,000", "£5,000", "10 years", "£38,000", "Renewals online", "12.5", "48",
                 "+35.5", "Ask the librarians first.", "Renewal form code", "licence: MIT",
                 "Felpersham renewals", elsewhere.coalition.name, "£8,470", "1,000"):
        assert text in html, text


def test_card_without_evidence_says_so(client):
    """An initiative with nothing recorded says what evidence could be added."""
    initiative = InitiativeFactory(description="")
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "No evidence has been recorded yet" in html


def test_private_adopters_are_not_named_to_the_public(client):
    """A private initiative that reused this one is left out for visitors, shown to members."""
    initiative = InitiativeFactory()
    secret = InitiativeFactory(title="Secret reuse", visibility=Visibility.PRIVATE)
    Reuse.objects.create(original=initiative, adopted_by=secret)
    assert "Secret reuse" not in client.get(initiative.get_absolute_url()).content.decode()
    client.force_login(MembershipFactory(coalition=secret.coalition).person.user)
    assert "Secret reuse" in client.get(initiative.get_absolute_url()).content.decode()
    card = evidence_card_get(initiative=initiative, user=PersonFactory().user)
    assert card.reused_by == []


def test_reuse_links_either_way_name_only_initiatives_the_reader_may_see():
    """A private initiative that reused this one, or that this one reused, is left out for
    visitors and for members of other coalitions, and shown to its own coalition's members."""
    initiative = InitiativeFactory(title="Borsetshire library renewals")
    adopter = InitiativeFactory(title="Felpersham private adopter", visibility=Visibility.PRIVATE)
    source = InitiativeFactory(title="Felpersham private source", coalition=adopter.coalition,
                               visibility=Visibility.PRIVATE)
    public = InitiativeFactory(title="Loxley Barrett renewals")
    Reuse.objects.create(original=initiative, adopted_by=adopter)
    Reuse.objects.create(original=initiative, adopted_by=public)
    Reuse.objects.create(original=source, adopted_by=initiative)
    outsider = MembershipFactory(coalition=initiative.coalition).person.user
    for user in (AnonymousUser(), outsider):
        card = evidence_card_get(initiative=initiative, user=user)
        assert [r.adopted_by for r in card.reused_by] == [public]
        assert card.reused_from == []
    insider = MembershipFactory(coalition=adopter.coalition).person.user
    card = evidence_card_get(initiative=initiative, user=insider)
    assert {r.adopted_by for r in card.reused_by} == {adopter, public}
    assert [r.original for r in card.reused_from] == [source]


def test_member_adds_an_outcome(client, member):
    """A valid outcome is saved; the evidence page lists it."""
    initiative = InitiativeFactory(coalition=member.coalition)
    response = client.post(_url("evidence_add", initiative, kind="outcome"), {
        "name": "Calls to the contact centre", "unit": "a month", "baseline": "1200",
        "baseline_date-day": "1", "baseline_date-month": "4", "baseline_date-year": "2024",
        "result": "800",
        "result_date-day": "1", "result_date-month": "4", "result_date-year": "2025"})
    assert response.status_code == 302
    outcome = OutcomeMeasure.objects.get(initiative=initiative)
    assert outcome.baseline == 1200 and outcome.result_date.year == 2025
    assert "Calls to the contact centre" in client.get(response["Location"]).content.decode()


def test_outcome_form_errors_name_the_field(client, member):
    """Bad input gets GOV.UK messages naming the field; nothing is saved."""
    initiative = InitiativeFactory(coalition=member.coalition)
    response = client.post(_url("evidence_add", initiative, kind="outcome"), {
        "name": "", "baseline": "lots",
        "baseline_date-day": "1", "baseline_date-month": "4", "baseline_date-year": "2025",
        "result_date-day": "1", "result_date-month": "4", "result_date-year": "2024"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter what was measured" in html
    assert "Baseline (optional) must be a number" in html
    assert "Result date must be the same as or after the baseline date" in html
    assert not OutcomeMeasure.objects.exists()


def test_member_adds_a_lesson_and_an_asset_and_removes_them(client, member):
    """Lessons and assets are added, then removed with a POST."""
    initiative = InitiativeFactory(coalition=member.coalition)
    long_welsh = "Gwers: siaradwch â’r llyfrgellwyr yn gyntaf. " * 100
    assert client.post(_url("evidence_add", initiative, kind="lesson"),
                       {"text": long_welsh}).status_code == 302
    assert client.post(_url("evidence_add", initiative, kind="asset"),
                       {"name": "Form", "licence": ""}).status_code == 400
    assert client.post(_url("evidence_add", initiative, kind="asset"),
                       {"name": "Form", "licence": "OGL-UK-3.0",
                        "url": "code.ambridge.example"}).status_code == 302
    asset = ReusableAsset.objects.get()
    assert asset.url == "https://code.ambridge.example"
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert long_welsh.strip() in html
    lesson = Lesson.objects.get()
    assert client.post(_url("evidence_remove", initiative, kind="lesson",
                            pk=lesson.pk)).status_code == 302
    assert not Lesson.objects.exists()


def test_removing_another_initiatives_item_is_not_found(client, member):
    """An item of another initiative cannot be removed through this one."""
    initiative = InitiativeFactory(coalition=member.coalition)
    other = Lesson.objects.create(initiative=InitiativeFactory(), text="Not yours")
    response = client.post(_url("evidence_remove", initiative, kind="lesson", pk=other.pk))
    assert response.status_code == 404
    assert Lesson.objects.filter(pk=other.pk).exists()


def test_member_records_a_reuse_by_address(client, member):
    """A reuse is recorded from the other initiative's address (English or Welsh), either way."""
    initiative = InitiativeFactory(coalition=member.coalition)
    other = InitiativeFactory(title="Felpersham bus times")
    response = client.post(_url("evidence_add", initiative, kind="reuse"), {
        "direction": "original", "note": "The timetable feed",
        "address": f"https://smartplace.example{other.get_absolute_url()}"})
    assert response.status_code == 302
    reuse = Reuse.objects.get()
    assert (reuse.original, reuse.adopted_by) == (initiative, other)
    again = client.post(_url("evidence_add", initiative, kind="reuse"), {
        "direction": "adopter", "address": "/cy" + other.get_absolute_url()})
    assert again.status_code == 302
    assert Reuse.objects.filter(original=other, adopted_by=initiative).exists()
    twice = client.post(_url("evidence_add", initiative, kind="reuse"), {
        "direction": "original", "address": other.get_absolute_url()})
    assert "already recorded" in twice.content.decode()


@pytest.mark.parametrize("address, message", [
    ("https://smartplace.example/coalitions/", "Enter the address of an initiative"),
    ("/coalitions/nowhere/initiatives/nothing/", "There is no initiative you can see"),
    ("", "Enter the address of the other initiative"),
])
def test_reuse_address_errors(client, member, address, message):
    """Addresses that are not a visible initiative's page are refused with a message."""
    initiative = InitiativeFactory(coalition=member.coalition)
    response = client.post(_url("evidence_add", initiative, kind="reuse"),
                           {"direction": "original", "address": address})
    assert response.status_code == 400 and message in response.content.decode()


def test_reuse_of_itself_or_of_a_private_initiative_is_refused(client, member):
    """An initiative cannot reuse itself, nor name a private one its user may not see."""
    initiative = InitiativeFactory(coalition=member.coalition)
    secret = InitiativeFactory(visibility=Visibility.PRIVATE)
    for target, message in ((initiative, "cannot reuse itself"),
                            (secret, "There is no initiative you can see")):
        response = client.post(_url("evidence_add", initiative, kind="reuse"), {
            "direction": "adopter", "address": target.get_absolute_url()})
        assert message in response.content.decode()
    assert not Reuse.objects.exists()


def test_member_records_a_channel_shift_with_default_and_edited_costs(client, member):
    """The form starts at the seed's costs; saved moves and edited costs give the saving."""
    initiative = InitiativeFactory(coalition=member.coalition)
    page = client.get(_url("evidence_channel_shift", initiative)).content.decode()
    assert 'value="8.62"' in page and 'value="2.83"' in page and 'value="0.15"' in page
    response = client.post(_url("evidence_channel_shift", initiative), {
        "face_to_face_to_web": "100", "face_to_face_to_phone": "0", "phone_to_web": "50",
        "cost_face_to_face": "10.00", "cost_phone": "2.83", "cost_web": "0.15"})
    assert response.status_code == 302
    card = evidence_card_get(initiative=initiative, user=member.person.user)
    assert card.estimate.annual_saving == Decimal("100") * Decimal("9.85") + 50 * Decimal(
        "2.68")
    bad = client.post(_url("evidence_channel_shift", initiative), {
        "face_to_face_to_web": "-3", "face_to_face_to_phone": "1.5", "phone_to_web": "",
        "cost_face_to_face": "abc", "cost_phone": "2.83", "cost_web": "0.15"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Contacts moved must be 0 or more" in html
    assert "Contacts moved must be a whole number" in html
    assert "Enter the contacts a year moved from the phone to the web, or 0" in html
    assert "must be a number" in html
    assert ChannelShift.objects.get().cost_face_to_face == Decimal("10.00")


def test_evidence_pages_are_for_members(client):
    """Visitors sign in; non-members get 403; private initiatives are not found."""
    initiative = InitiativeFactory()
    assert client.get(_url("evidence_edit", initiative)).status_code == 302
    client.force_login(PersonFactory().user)
    assert client.get(_url("evidence_edit", initiative)).status_code == 403
    assert client.post(_url("evidence_add", initiative, kind="lesson"),
                       {"text": "x"}).status_code == 403
    private = InitiativeFactory(visibility=Visibility.PRIVATE)
    assert client.get(_url("evidence_edit", private)).status_code == 404
    assert client.get(_url("evidence_add", initiative, kind="nonsense")).status_code == 404
    assert not Lesson.objects.exists()


def test_member_sees_the_evidence_page(client, member):
    """The evidence page lists each kind, with links to add."""
    initiative = InitiativeFactory(coalition=member.coalition)
    html = client.get(_url("evidence_edit", initiative)).content.decode()
    for text in ("Add an outcome measure", "Add a lesson", "Add a reusable asset",
                 "Record a reuse", "Record contacts moved between channels"):
        assert text in html
    detail = client.get(initiative.get_absolute_url()).content.decode()
    assert "Add or change evidence" in detail


def test_member_records_costs_and_savings(client, member):
    """The figures form creates the evidence, then changes it; bad numbers are named."""
    initiative = InitiativeFactory(coalition=member.coalition)
    address = _url("evidence_figures", initiative)
    bad = client.post(address, {"capital_cost": "-5", "lifetime_years": "ten"})
    assert bad.status_code == 400
    assert "Capital cost (£, optional) must be 0 or more" in bad.content.decode()
    assert "Lifetime in years (optional) must be a number" in bad.content.decode()
    assert client.post(address, {"capital_cost": "12000", "annual_savings": "5000",
                                 "lifetime_years": "10"}).status_code == 302
    assert client.post(address, {"capital_cost": "15000", "annual_savings": "5000",
                                 "lifetime_years": "10"}).status_code == 302
    evidence = Evidence.objects.get(initiative=initiative)
    assert evidence.capital_cost == Decimal("15000")
    assert "£35,000" in client.get(initiative.get_absolute_url()).content.decode()
    assert 'value="15000.00"' in client.get(address).content.decode()
