"""The audit history: who changed what and when, for coordinators only."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.initiatives.tests.test_edit_views import form_data
from smartplace.people.tests.factories import CoordinatorFactory, MembershipFactory
from smartplace.rounds.models import RatingHistory
from smartplace.rounds.tests.factories import RatingFactory, RoundFactory

pytestmark = pytest.mark.django_db


def audit_url(coalition):
    return reverse("accounts:audit", kwargs={"slug": coalition.slug})


def test_an_edit_through_the_site_is_recorded_with_who_and_the_diff(client):
    """Editing an initiative on its page records the editor; the audit shows old and new."""
    member = MembershipFactory(person__name="Tom Archer")
    initiative = InitiativeFactory(coalition=member.coalition, title="Ambridge wifi",
                                   created_by=member.person)
    client.force_login(member.person.user)
    edit = reverse("coalitions:initiative_edit", kwargs={"slug": member.coalition.slug,
                                                         "initiative": initiative.slug})
    response = client.post(edit, form_data(title="Ambridge village wifi"))
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = Initiative.history.filter(id=initiative.pk).first()
    assert latest.title == "Ambridge village wifi"
    assert latest.history_user == member.person.user
    coordinator = CoordinatorFactory(coalition=member.coalition)
    client.force_login(coordinator.person.user)
    html = client.get(audit_url(member.coalition)).content.decode()
    assert "Tom Archer" in html
    assert "<del>Ambridge wifi</del>" in html and "<ins>Ambridge village wifi</ins>" in html


def test_ratings_come_from_the_rounds_history():
    """Rating history (rounds.RatingHistory) appears in the audit list with the rater."""
    from smartplace.accounts.audit import audit_entries

    round_ = RoundFactory()
    membership = MembershipFactory(coalition=round_.coalition, person__name="Pat Archer")
    from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory

    subdomain = SubDomainFactory(domain=DomainFactory(framework=round_.framework))
    rating = RatingFactory(round=round_, person=membership.person, subdomain=subdomain)
    RatingHistory.objects.create(rating=rating, change="created", level=3)
    entries = audit_entries(coalition=round_.coalition)
    assert any(e.kind == "fitness rating" and e.who == "Pat Archer" for e in entries)


def test_a_rating_entry_says_what_changed_but_never_the_values(client):
    """A rating changed from 2 to 3 says who changed which rating and that the level changed,
    but shows no level or confidence, before or after: no one sees an individual rating."""
    from smartplace.accounts.audit import audit_entries
    from smartplace.frameworks.models import FitnessLevel
    from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory

    round_ = RoundFactory(name="Spring round")
    for position, name in enumerate(["Emerging", "Developing", "Strengthening"], start=1):
        FitnessLevel.objects.get_or_create(framework=round_.framework, position=position,
                                           defaults={"slug": name.lower(), "name": name})
    membership = MembershipFactory(coalition=round_.coalition, person__name="Pat Archer")
    subdomain = SubDomainFactory(domain=DomainFactory(framework=round_.framework),
                                 name="Rural broadband")
    rating = RatingFactory(round=round_, person=membership.person, subdomain=subdomain)
    RatingHistory.objects.create(rating=rating, change="created", level=2, confidence="low")
    RatingHistory.objects.create(rating=rating, change="changed", level=3, confidence="low")
    RatingHistory.objects.create(rating=rating, change="changed", level=3, confidence="high")
    confidence_changed, level_changed, created = [
        e for e in audit_entries(coalition=round_.coalition) if e.kind == "fitness rating"]
    assert (level_changed.who, level_changed.object, level_changed.action) == (
        "Pat Archer", "Rural broadband (Spring round)", "changed")
    assert [c.field for c in level_changed.changes] == ["level"]
    assert [c.field for c in confidence_changed.changes] == ["confidence"]
    assert created.action == "created" and created.changes == []

    coordinator = CoordinatorFactory(coalition=round_.coalition)
    client.force_login(coordinator.person.user)
    page = client.get(f"/coalitions/{round_.coalition.slug}/audit/").content.decode()
    assert "Rural broadband (Spring round)" in page and "Pat Archer" in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    for value in ("Developing", "Strengthening", "Emerging", "Low", "High"):
        assert value not in main, value


def test_changed_fields_are_named_as_people_read_them(client):
    """Fields show by their names and linked records by name, not "lead_organisation_id: 7"."""
    from smartplace.accounts.audit import audit_entries
    from smartplace.organisations.tests.factories import OrganisationFactory

    coordinator = CoordinatorFactory()
    initiative = InitiativeFactory(coalition=coordinator.coalition,
                                   lead_organisation=OrganisationFactory(name="Borchester Land"))
    initiative.lead_organisation = OrganisationFactory(name="Ambridge Parish Council")
    initiative.save()
    entry = next(e for e in audit_entries(coalition=coordinator.coalition)
                 if e.action == "changed")
    assert entry.kind == "initiative" and entry.object == initiative.title
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("lead organisation", "Borchester Land", "Ambridge Parish Council")]


def test_only_coordinators_see_the_audit(client):
    """Members get 403, visitors are sent to sign in, another coalition's coordinator 403."""
    member = MembershipFactory()
    assert client.get(audit_url(member.coalition)).status_code == 302
    client.force_login(member.person.user)
    assert client.get(audit_url(member.coalition)).status_code == 403
    client.force_login(CoordinatorFactory().person.user)
    assert client.get(audit_url(member.coalition)).status_code == 403


def test_the_audit_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Fifty changes cost no more queries than one."""
    coordinator = CoordinatorFactory()
    for number in range(50):
        initiative = InitiativeFactory(coalition=coordinator.coalition)
        initiative.title = f"Renamed {number}"
        initiative.save()
    client.force_login(coordinator.person.user)
    with django_assert_max_num_queries(30):
        assert client.get(audit_url(coordinator.coalition)).status_code == 200


def test_purge_expired_keeps_recent_history(capsys):
    """purge_expired deletes nothing recent and says what it did."""
    InitiativeFactory()
    call_command("purge_expired")
    assert Initiative.history.count() == 1
    assert "audit records" in capsys.readouterr().out


@pytest.fixture
def long_history():
    """A coalition with 120 changes, one a minute: 60 initiatives added (even minutes) and a
    rating changed 60 times (odd minutes), so the newest 100 are minutes 119 to 20."""
    from datetime import timedelta

    from django.utils import timezone

    from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory

    coordinator = CoordinatorFactory()
    coalition = coordinator.coalition
    start = timezone.now() - timedelta(days=1)
    for number in range(60):
        initiative = InitiativeFactory(coalition=coalition, title=f"Ambridge project {number:02}")
        Initiative.history.filter(id=initiative.pk).update(
            history_date=start + timedelta(minutes=2 * number))
    round_ = RoundFactory(coalition=coalition)
    rating = RatingFactory(round=round_, person=coordinator.person,
                           subdomain=SubDomainFactory(domain=DomainFactory(
                               framework=round_.framework)))
    for number in range(60):
        RatingHistory.objects.create(
            rating=rating, change="created" if number == 0 else "changed",
            level=number % 4 + 1, recorded_at=start + timedelta(minutes=2 * number + 1))
    from smartplace.accounts.models import AUDITED

    for model in AUDITED:  # the framework copy's own rows: not part of this history
        if model is not Initiative:
            model.history.all().delete()
    return {"coordinator": coordinator, "coalition": coalition, "start": start}


def test_the_second_page_has_the_older_changes_in_order(long_history):
    """Page 2 holds minutes 19 to 0, newest first, none of page 1's; each entry, rating or
    initiative, is the change of its minute."""
    from datetime import timedelta

    from django.core.paginator import Paginator

    from smartplace.accounts.audit import PAGE_SIZE, AuditHistory

    assert PAGE_SIZE == 100
    history = AuditHistory(coalition=long_history["coalition"])
    paginator = Paginator(history, PAGE_SIZE)
    assert paginator.count == 120 and paginator.num_pages == 2
    first, second = paginator.page(1).object_list, paginator.page(2).object_list
    minute = {long_history["start"] + timedelta(minutes=m): m for m in range(120)}
    assert [minute[e.when] for e in first] == list(range(119, 19, -1))
    assert [minute[e.when] for e in second] == list(range(19, -1, -1))
    kinds = {minute[e.when] % 2: e.kind for e in second}
    assert kinds == {0: "initiative", 1: "fitness rating"}
    assert second[-1].object == "Ambridge project 00" and second[-2].action == "created"
    assert "Ambridge project 10" not in {e.object for e in second}
    assert {e.object for e in first if e.kind == "initiative"} == {
        f"Ambridge project {n:02}" for n in range(10, 60)}


def test_the_audit_page_pages_and_filters(client, long_history):
    """?page=2 shows the older initiatives only, with GOV.UK pagination; ?kind=ratings only
    ratings, ?kind=initiatives only initiatives; a bad page is 404, a bad kind 400."""
    coalition = long_history["coalition"]
    client.force_login(long_history["coordinator"].person.user)
    url = audit_url(coalition)
    first = client.get(url).content.decode()
    assert "Ambridge project 59" in first and "Ambridge project 09" not in first
    assert "govuk-pagination" in first and "?page=2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Ambridge project 09" in second and "Ambridge project 10" not in second
    ratings = client.get(url, {"kind": "ratings"}).content.decode()
    assert "Ambridge project" not in ratings and ratings.count("fitness rating:") == 60
    assert "govuk-pagination" not in ratings
    initiatives = client.get(url, {"kind": "initiatives"}).content.decode()
    assert initiatives.count("initiative: Ambridge project") == 60
    assert "fitness rating:" not in initiatives
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(url, {"page": "two"}).status_code == 404
    wrong = client.get(url, {"kind": "gossip"})
    assert wrong.status_code == 400
    assert "Select a kind of record from the list" in wrong.content.decode()


def test_a_later_page_costs_a_fixed_number_of_queries(client, long_history,
                                                      django_assert_max_num_queries):
    """The second page, of ratings and initiatives, is read in a bounded number of queries."""
    client.force_login(long_history["coordinator"].person.user)
    with django_assert_max_num_queries(30):
        assert client.get(audit_url(long_history["coalition"]), {"page": 2}).status_code == 200
