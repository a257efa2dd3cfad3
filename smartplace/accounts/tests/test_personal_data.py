"""A person downloads everything held about them, and may have it erased when they leave."""

import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from smartplace.accounts.services import FORMER_MEMBER
from smartplace.api.models import ApiToken
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.people.models import Membership
from smartplace.people.services import membership_approve
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    RequestedMembershipFactory,
)
from smartplace.rounds.models import RatingHistory
from smartplace.rounds.tests.factories import RatingFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    """Shula, a member with an initiative, a rating with history and an API token."""
    membership = MembershipFactory(person__name="Shula Hebden Lloyd",
                                   person__job_title="Vicar's warden")
    person = membership.person
    domain = DomainFactory(framework=membership.coalition.framework)
    person.domains.add(domain)
    InitiativeFactory(coalition=membership.coalition, created_by=person, title="Stables wifi")
    round_ = RoundFactory(coalition=membership.coalition)
    rating = RatingFactory(round=round_, person=person,
                           subdomain=SubDomainFactory(domain=domain), reason="Patchy signal")
    RatingHistory.objects.create(rating=rating, change="created", level=2, reason="First go")
    ApiToken.objects.create(user=person.user, name="Stables dashboard", prefix="sp_abc",
                            token_hash="f" * 64)
    return membership


def test_the_download_has_everything_about_the_person(client, member):
    """data.json holds account, person, membership, initiative, rating history and tokens."""
    client.force_login(member.person.user)
    response = client.get(reverse("accounts:data_download"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == member.person.user.email
    assert data["person"]["name"] == "Shula Hebden Lloyd"
    assert data["memberships"][0]["coalition_slug"] == member.coalition.slug
    assert data["initiatives"][0]["title"] == "Stables wifi"
    assert data["initiatives"][0]["created_by_you"] is True
    assert data["ratings"][0]["reason"] == "Patchy signal"
    assert data["ratings"][0]["history"][0]["reason"] == "First go"
    assert data["api_tokens"][0]["name"] == "Stables dashboard"
    assert "token_hash" not in json.dumps(data["api_tokens"])
    assert "f" * 64 not in response.content.decode()


def test_the_download_needs_sign_in_and_shows_only_your_own_data(client, member):
    """Anonymous visitors are sent to sign in; another member's download is about them."""
    assert client.get(reverse("accounts:data_download")).status_code == 302
    other = MembershipFactory(coalition=member.coalition)
    client.force_login(other.person.user)
    data = client.get(reverse("accounts:data_download")).json()
    assert data["person"]["name"] == other.person.name
    assert "Stables wifi" not in json.dumps(data)


def test_erasing_anonymises_and_keeps_contributions(client, member):
    """Erasure: name (now "A former member"), email, job, domains and account gone;
    initiative and rating stay."""
    user = member.person.user
    client.force_login(user)
    response = client.post(reverse("accounts:erase"), {"confirm": "on"})
    assert response.status_code == 302
    member.person.refresh_from_db()
    user.refresh_from_db()
    assert member.person.name == FORMER_MEMBER and member.person.job_title == ""
    assert not member.person.public_profile and not member.person.domains.exists()
    assert (user.email, user.first_name, user.is_active) == ("", FORMER_MEMBER, False)
    assert not user.has_usable_password() and not ApiToken.objects.filter(user=user).exists()
    membership = Membership.objects.get(pk=member.pk)
    assert membership.status == "left"
    assert member.coalition.initiatives.get().created_by == member.person
    assert member.person.fitness_ratings.count() == 1
    assert "_auth_user_id" not in client.session


def test_erasure_needs_the_confirmation(client, member):
    """Without the tick box: 400 with the message, nothing changed."""
    client.force_login(member.person.user)
    response = client.post(reverse("accounts:erase"), {})
    assert response.status_code == 400
    assert "Confirm that you want your personal data erased" in response.content.decode()
    member.person.refresh_from_db()
    assert member.person.name == "Shula Hebden Lloyd"


def test_the_only_coordinator_cannot_erase_until_someone_else_coordinates(client):
    """The last coordinator gets 400 and the reason, and nothing is erased."""
    coordinator = CoordinatorFactory(person__name="Jill Archer")
    client.force_login(coordinator.person.user)
    response = client.post(reverse("accounts:erase"), {"confirm": "on"})
    assert response.status_code == 400 and "only coordinator" in response.content.decode()
    coordinator.person.refresh_from_db()
    assert coordinator.person.name == "Jill Archer"


def test_admin_history_no_longer_names_the_person(client):
    """The admin log entry of an approved request no longer carries the person's name."""
    coordinator = CoordinatorFactory()
    request = RequestedMembershipFactory(coalition=coordinator.coalition,
                                         person__name="Fallon Rogers")
    membership_approve(membership=request, approved_by=coordinator.person.user)
    assert "Fallon Rogers" in LogEntry.objects.get().object_repr
    client.force_login(request.person.user)
    client.post(reverse("accounts:erase"), {"confirm": "on"})
    assert "Fallon Rogers" not in LogEntry.objects.get().object_repr


def test_the_leave_page_offers_erasure(client, member):
    """Leaving a coalition links to erasing your personal data."""
    client.force_login(member.person.user)
    html = client.get(reverse("coalitions:leave", kwargs={"slug": member.coalition.slug})
                      ).content.decode()
    assert reverse("accounts:erase") in html


def test_the_erasure_confirmation_is_a_tick_box(client, member):
    """The confirmation is a checkbox with its label (also after an error), not a text box."""
    client.force_login(member.person.user)
    for response in (client.get(reverse("accounts:erase")),
                     client.post(reverse("accounts:erase"), {})):
        html = response.content.decode()
        field = re.search(r'<input[^>]*name="confirm"[^>]*>', html).group(0)
        assert 'type="checkbox"' in field and 'id="id_confirm"' in field
        assert 'for="id_confirm"' in html
    assert 'href="#id_confirm"' in html and "govuk-checkboxes__input" in field


def test_no_record_keeps_the_erased_persons_email_address(client, member):
    """Invitations to the address (accepted ones too) go, and problem reports sent from it
    keep their text without the address; both were in the download before."""
    from smartplace.accounts.services import invitation_accept, invitation_create
    from smartplace.opendata.models import DataProblemReport

    user = member.person.user
    email = user.email
    other = CoordinatorFactory()
    sent = invitation_create(coalition=other.coalition, email=email,
                             invited_by=other.person.user, base_url="http://testserver")
    invitation_accept(invitation=sent.invitation, user=user)
    DataProblemReport.objects.create(dataset="initiatives", message="A typo in a title",
                                     email=email.upper())
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:data_download")).content)
    assert data["invitations"][0]["coalition"] == other.coalition.name
    assert data["problem_reports"][0]["message"] == "A typo in a title"
    assert client.post(reverse("accounts:erase"), {"confirm": "on"}).status_code == 302
    from smartplace.accounts.models import Invitation

    assert not Invitation.objects.filter(email__iexact=email).exists()
    report = DataProblemReport.objects.get()
    assert report.email == "" and report.message == "A typo in a title"
