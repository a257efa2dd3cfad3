"""Curation: stale flags, the members' list, "still current", and the emailed digest."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from smartplace.core.models import Visibility
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.curation import (
    initiative_freshness,
    initiative_list_stale,
    stale_digest_list,
    stale_digests_send,
)
from smartplace.insights.models_curation import InitiativeConfirmation
from smartplace.insights.tasks import send_stale_digests
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.models import Membership
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def _age(initiative, days):
    """Make the initiative last changed `days` ago."""
    Initiative.objects.filter(pk=initiative.pk).update(
        updated_at=timezone.now() - timedelta(days=days))
    initiative.refresh_from_db()
    return initiative


def _sign_in(client, membership):
    client.force_login(membership.person.user)
    return membership


def test_an_initiative_not_changed_for_longer_than_the_limit_is_stale():
    """200 days without a change is stale at the default 180; 100 days is not."""
    old = _age(InitiativeFactory(title="Ambridge mesh"), 200)
    recent = _age(InitiativeFactory(coalition=old.coalition), 100)
    assert initiative_freshness(initiative=old).is_stale is True
    assert initiative_freshness(initiative=recent).is_stale is False
    assert list(initiative_list_stale(coalition=old.coalition)) == [old]


@override_settings(SMARTPLACE_STALE_AFTER_DAYS=30)
def test_the_limit_is_configurable():
    """With a 30-day limit, 40 days without a change is stale."""
    initiative = _age(InitiativeFactory(), 40)
    assert initiative_freshness(initiative=initiative).is_stale is True


def test_a_confirmation_makes_an_old_record_fresh():
    """Confirming "still current" counts as fresh, without changing the initiative."""
    initiative = _age(InitiativeFactory(), 400)
    changed = initiative.updated_at
    InitiativeConfirmation.objects.create(initiative=initiative)
    assert initiative_freshness(initiative=initiative).is_stale is False
    assert list(initiative_list_stale()) == []
    initiative.refresh_from_db()
    assert initiative.updated_at == changed


def test_an_old_confirmation_does_not_hide_staleness():
    """A confirmation older than the limit leaves the record stale."""
    initiative = _age(InitiativeFactory(), 400)
    InitiativeConfirmation.objects.create(
        initiative=initiative, confirmed_at=timezone.now() - timedelta(days=300))
    assert [i.pk for i in initiative_list_stale()] == [initiative.pk]


def test_finished_initiatives_are_never_stale():
    """Completed and stopped initiatives are a record of what happened."""
    for status in (Initiative.Status.COMPLETED, Initiative.Status.STOPPED):
        initiative = _age(InitiativeFactory(status=status), 999)
        assert initiative_freshness(initiative=initiative).is_stale is False
    assert list(initiative_list_stale()) == []


def test_curation_page_is_for_members(client):
    """Visitors sign in first; signed-in non-members get 403; members see the list."""
    membership = MembershipFactory()
    coalition = membership.coalition
    old = _age(InitiativeFactory(coalition=coalition, title="Village wifi"), 365)
    _age(InitiativeFactory(coalition=coalition, title="Private pilot",
                           visibility=Visibility.PRIVATE), 365)
    address = reverse("insights:curation", kwargs={"slug": coalition.slug})
    assert client.get(address).status_code == 302
    client.force_login(PersonFactory().user)
    assert client.get(address).status_code == 403
    _sign_in(client, membership)
    html = client.get(address).content.decode()
    assert old.title in html and "Private pilot" in html
    assert "2 initiatives may be out of date" in html


def test_curation_page_with_nothing_to_check(client):
    """A coalition whose records are all fresh says there is nothing to check."""
    membership = _sign_in(client, MembershipFactory())
    InitiativeFactory(coalition=membership.coalition, description="")
    html = client.get(reverse("insights:curation",
                              kwargs={"slug": membership.coalition.slug})).content.decode()
    assert "Nothing to check" in html
    assert "govuk-panel" not in html  # panels confirm a finished transaction


def test_coalition_home_leads_to_gaps_overlaps_and_for_members_curation(client):
    """The coalition's home links to gaps and overlaps; members also see what to check."""
    membership = MembershipFactory()
    coalition = membership.coalition
    home = coalition.get_absolute_url()
    gaps = reverse("insights:gaps", kwargs={"slug": coalition.slug})
    overlaps = reverse("insights:overlaps", kwargs={"slug": coalition.slug})
    curation = reverse("insights:curation", kwargs={"slug": coalition.slug})
    html = client.get(home).content.decode()
    assert f'href="{gaps}"' in html and f'href="{overlaps}"' in html
    assert f'href="{curation}"' not in html
    client.force_login(PersonFactory().user)
    assert f'href="{curation}"' not in client.get(home).content.decode()
    _sign_in(client, membership)
    assert f'href="{curation}"' in client.get(home).content.decode()


def test_still_current_records_a_confirmation(client):
    """A member's POST records who confirmed and goes back to the list."""
    membership = _sign_in(client, MembershipFactory())
    initiative = _age(InitiativeFactory(coalition=membership.coalition), 365)
    curation = reverse("insights:curation", kwargs={"slug": initiative.coalition.slug})
    response = client.post(reverse("insights:initiative_confirm", kwargs={
        "slug": initiative.coalition.slug, "initiative": initiative.slug}), {"next": curation})
    assert response.status_code == 302 and response["Location"] == curation
    confirmation = InitiativeConfirmation.objects.get(initiative=initiative)
    assert confirmation.confirmed_by == membership.person
    assert list(initiative_list_stale()) == []


def test_still_current_refuses_get_visitors_and_non_members(client):
    """GET is not allowed; visitors sign in; non-members get 403; private is not found."""
    initiative = _age(InitiativeFactory(), 365)
    private = InitiativeFactory(coalition=initiative.coalition, visibility=Visibility.PRIVATE)
    kwargs = {"slug": initiative.coalition.slug, "initiative": initiative.slug}
    address = reverse("insights:initiative_confirm", kwargs=kwargs)
    assert client.get(address).status_code == 405
    assert client.post(address).status_code == 302
    client.force_login(PersonFactory().user)
    assert client.post(address).status_code == 403
    assert client.post(reverse("insights:initiative_confirm", kwargs={
        **kwargs, "initiative": private.slug})).status_code == 404
    assert not InitiativeConfirmation.objects.exists()


def test_initiative_page_flags_a_stale_record(client):
    """The page warns of a stale record; members get the "Still current" button."""
    membership = MembershipFactory()
    initiative = _age(InitiativeFactory(coalition=membership.coalition), 365)
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "This record may be out of date" in html
    assert "still-current" not in html
    _sign_in(client, membership)
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "still-current" in html


def test_digest_goes_to_owners_and_coordinators():
    """The creator, the lead organisation's members and coordinators each get one email."""
    council = OrganisationFactory(name="Borsetshire Council")
    coordinator = CoordinatorFactory()
    coalition = coordinator.coalition
    creator = MembershipFactory(coalition=coalition).person
    colleague = MembershipFactory(coalition=coalition, organisation=council)
    MembershipFactory(coalition=coalition, organisation=council,
                      status=Membership.Status.LEFT)
    bystander = MembershipFactory(coalition=coalition)
    one = _age(InitiativeFactory(coalition=coalition, title="Ambridge mesh",
                                 created_by=creator), 365)
    two = _age(InitiativeFactory(coalition=coalition, title="Bus times",
                                 lead_organisation=council), 365)
    _age(InitiativeFactory(coalition=coalition, title="Fresh one", created_by=creator), 10)
    digests = {d.email: d for d in stale_digest_list()}
    assert set(digests) == {coordinator.person.user.email, creator.user.email,
                            colleague.person.user.email}
    assert bystander.person.user.email not in digests
    assert digests[coordinator.person.user.email].count == 2
    assert digests[creator.user.email].initiatives[coalition] == [one]
    assert digests[colleague.person.user.email].initiatives[coalition] == [two]

    sent = stale_digests_send(base_url="https://smartplace.example/")
    assert sent == 3 and len(mail.outbox) == 3
    message = next(m for m in mail.outbox if m.to == [coordinator.person.user.email])
    assert message.subject == "2 initiatives may be out of date"
    assert f"https://smartplace.example{one.get_absolute_url()}" in message.body
    assert f"https://smartplace.example/coalitions/{coalition.slug}/curation/" in message.body
    assert "Fresh one" not in message.body


def test_no_stale_initiatives_sends_nothing():
    """Nothing stale, no email."""
    CoordinatorFactory()
    assert stale_digests_send() == 0 and mail.outbox == []


def test_task_runs_with_the_immediate_backend():
    """Enqueuing the task (tests use the immediate backend) sends the digest."""
    coordinator = CoordinatorFactory()
    _age(InitiativeFactory(coalition=coordinator.coalition), 365)
    result = send_stale_digests.enqueue()
    assert result.return_value == 1
    assert mail.outbox[0].to == [coordinator.person.user.email]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                      "QUEUES": ["default"]}})
def test_command_queues_the_task_and_the_database_worker_sends_it():
    """`send_stale_digests` queues the task in the database; one worker batch sends it."""
    from django_tasks_db.models import DBTaskResult

    coordinator = CoordinatorFactory()
    _age(InitiativeFactory(coalition=coordinator.coalition), 365)
    call_command("send_stale_digests", "--base-url", "https://smartplace.example")
    queued = DBTaskResult.objects.get(task_path="smartplace.insights.tasks.send_stale_digests")
    assert queued.status == "READY" and mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == 1
    digests = [m for m in mail.outbox if "may be out of date" in m.subject]
    assert len(digests) == 1
    assert "https://smartplace.example/coalitions/" in digests[0].body

