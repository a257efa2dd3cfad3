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
