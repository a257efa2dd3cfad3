"""
The download holds every record linked to the person, by construction: every relation to the
user and person models is either exported (`selectors.EXPORT_COVERS`) or left out with a
reason (`selectors.EXPORT_LEAVES_OUT`), and erasure keeps those records without the name.
"""

import json
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from smartplace.accounts.models import AUDITED, Invitation
from smartplace.accounts.selectors import EXPORT_COVERS, EXPORT_LEAVES_OUT
from smartplace.accounts.services import FORMER_MEMBER
from smartplace.api.models import ApiToken
from smartplace.assessments.models import Answer, AnswerHistory, Reply, ReviewAssignment, Stage
from smartplace.assessments.tests.factories import ParticipantFactory
from smartplace.frameworks.models import SmartQuestion, SmartQuestionSupport
from smartplace.frameworks.tests.factories import (
    DomainFactory,
    SmartQuestionFactory,
    SubDomainFactory,
)
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.models_curation import InitiativeConfirmation
from smartplace.insights.models_overlaps import OverlapDismissal
from smartplace.opendata.models import DataRelease
from smartplace.people.models import Person
from smartplace.people.tests.factories import MembershipFactory, UserFactory
from smartplace.rounds.models import RatingHistory, Round
from smartplace.rounds.tests.factories import RatingFactory, RoundFactory

pytestmark = pytest.mark.django_db

HISTORICAL = "accounts.Historical*"


def relations(model) -> dict[str, object]:
    """
    Every relation to `model` from any model, and its own relations, keyed as EXPORT_COVERS
    is: "<app>.<Model>.<field>" (historical models as "accounts.Historical*.<field>").
    Many-to-many relations are keyed by their field; their join tables are not counted twice.
    """
    found = {}
    for rel in model._meta.get_fields(include_hidden=True):
        if not rel.is_relation:
            continue
        if rel.auto_created and not rel.concrete:  # pointing at `model`
            other = rel.related_model
            if other._meta.auto_created:  # a many-to-many's join table
                continue
            label = (HISTORICAL if other.__name__.startswith("Historical")
                     and other._meta.app_label == "accounts" else other._meta.label)
            found[f"{label}.{rel.field.name}"] = rel
        elif rel.concrete or rel.many_to_many:  # the model's own
            found[f"{model._meta.label}.{rel.name}"] = rel
    return found


def all_relations() -> dict[str, object]:
    return {**relations(get_user_model()), **relations(Person)}


def at(data: dict, path: str):
    for part in path.split("."):
        data = data[part]
    return data


def test_every_relation_to_a_person_is_exported_or_left_out_with_a_reason():
    """A new model pointing at a user or person fails here until the download covers it or
    EXPORT_LEAVES_OUT says why not; the lists name no relation that does not exist."""
    found = set(all_relations())
    assert found  # the walk sees relations at all
    missing = found - set(EXPORT_COVERS) - set(EXPORT_LEAVES_OUT)
    assert not missing, f"not in the download nor left out with a reason: {sorted(missing)}"
    assert not set(EXPORT_COVERS) & set(EXPORT_LEAVES_OUT)
    assert not (set(EXPORT_COVERS) | set(EXPORT_LEAVES_OUT)) - found
    assert all(reason.strip() for reason in EXPORT_LEAVES_OUT.values())
    # The walk finds the relations hidden by related_name="+" too.
    assert {"assessments.Reply.replied_by", "insights.OverlapDismissal.dismissed_by",
            "accounts.Historical*.history_user"} <= found


@pytest.fixture
def everything():
    """Shula Hebden Lloyd, with at least one record through every relation to her user and
    person."""
    membership = MembershipFactory(person__name="Shula Hebden Lloyd")
    person, coalition = membership.person, membership.coalition
    user = person.user
    user.groups.add(Group.objects.create(name="Borsetshire editors"))
    user.user_permissions.add(Permission.objects.get(codename="view_initiative"))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    SocialAccount.objects.create(user=user, provider="entra", uid="shula-1",
                                 extra_data={"name": "Shula Hebden Lloyd"})
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                 data={"secret": "TOTPSECRETAMBRIDGE"})
    ApiToken.objects.create(user=user, name="Stables dashboard", prefix="sp_abc",
                            token_hash="f" * 64)
    LogEntry.objects.create(user=user, content_type=ContentType.objects.get_for_model(Person),
                            object_id="1", object_repr="Tom Archer", action_flag=CHANGE,
                            change_message="")
    now = timezone.now()
    Invitation.objects.create(coalition=coalition, email="old-address@example.org",
                              token_hash="a" * 64, expires_at=now, accepted_at=now,
                              accepted_by=person)
    Invitation.objects.create(coalition=coalition, email="eddie.grundy@example.org",
                              token_hash="b" * 64, expires_at=now + timedelta(days=1),
                              invited_by=user, message="Come and help with the cider map")
    DataRelease.objects.create(kind="initiatives", key=coalition.slug,
                               release_date=date(2026, 3, 1), version="2026-03-01",
                               archive=b"", created_by=user)

    domain = DomainFactory(framework=coalition.framework)
    person.domains.add(domain)
    initiative = InitiativeFactory(coalition=coalition, created_by=person, title="Stables wifi")
    other = InitiativeFactory(coalition=coalition, title="Village hall wifi")
    other.people.add(person)
    Initiative.history.filter(id=initiative.pk).update(history_user=user)
    round_ = RoundFactory(coalition=coalition, created_by=person, name="Spring fitness round")
    rating = RatingFactory(round=round_, person=person, subdomain=SubDomainFactory(domain=domain))
    RatingHistory.objects.create(rating=rating, change="created", level=2, reason="First go")
    question = SmartQuestionFactory(domain=domain, proposed_by=person, decided_by=person,
                                    text="How might Ambridge share its mobile masts?")
    SmartQuestionSupport.objects.create(question=SmartQuestionFactory(domain=domain),
                                        person=person)
    InitiativeConfirmation.objects.create(initiative=initiative, confirmed_by=person)
    a, b = sorted([initiative, other], key=lambda i: i.pk)
    OverlapDismissal.objects.create(a=a, b=b, dismissed_by=person,
                                    note="Different villages")

    participant = ParticipantFactory()
    participant.cycle.coordinators.add(user)
    participant.respondents.add(user)
    q = participant.cycle.instrument.questions.first()
    Answer.objects.create(participant=participant, question=q, value="Yes",
                          stage=Stage.SELF_ASSESSMENT, answered_by=user, updated_at=now)
    AnswerHistory.objects.create(participant=participant, question=q,
                                 stage=Stage.SELF_ASSESSMENT, via="form", changed_by=user,
                                 changed_at=now, new_value="Yes")
    Reply.objects.create(participant=participant, question=q, agrees=False,
                         text="Our open data page says so", replied_by=user, updated_at=now)
    ReviewAssignment.objects.create(participant=participant, reviewer=user,
                                    organisation=participant.organisation)
    ReviewAssignment.objects.create(participant=participant, reviewer=UserFactory(),
                                    organisation=participant.organisation, assigned_by=user)
    return {"user": user, "person": person, "question": question}


def rows_through(key: str, rel, *, user, person) -> bool:
    """Whether the fixture made a record through the relation `key`."""
    if key.startswith(HISTORICAL):
        name = key.rsplit(".", 1)[1]
        target = user if name == "history_user" else person
        return any(model.history.filter(**{name: target}).exists() for model in AUDITED
                   if any(f.name == name for f in model.history.model._meta.fields))
    if key == "people.Person.user":
        return Person.objects.filter(user=user).exists()
    if key in ("auth.User.groups", "auth.User.user_permissions", "people.Person.domains"):
        owner = person if key.startswith("people.") else user
        return getattr(owner, rel.name).exists()
    target = user if rel.field.related_model is get_user_model() else person
    return rel.related_model._default_manager.filter(**{rel.field.name: target}).exists()


def test_the_download_has_a_record_through_every_relation(client, everything):
    """With a record through every exported relation, its place in data.json is not empty."""
    user, person = everything["user"], everything["person"]
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:data_download")).content)
    for key, rel in all_relations().items():
        if key in EXPORT_LEAVES_OUT:
            continue
        assert rows_through(key, rel, user=user, person=person), f"no test data for {key}"
        assert at(data, EXPORT_COVERS[key]), f"{key}: {EXPORT_COVERS[key]} is empty"


def test_the_download_holds_the_new_sections_content(client, everything):
    """Replies, reviews, confirmations, dismissals, decisions, rounds and releases are there
    with their content; secrets and other people's addresses are not."""
    client.force_login(everything["user"])
    response = client.get(reverse("accounts:data_download"))
    data, text = json.loads(response.content), response.content.decode()
    assessments = data["assessments"]
    assert assessments["replies"][0]["text"] == "Our open data page says so"
    assert assessments["replies"][0]["agrees"] is False
    assert len(assessments["reviews_assigned_to_you"]) == 1
    assert len(assessments["reviews_you_assigned"]) == 1
    assert assessments["answers_last_changed_by_you"][0]["value"] == "Yes"
    assert data["initiative_confirmations"][0]["title"] == "Stables wifi"
    assert data["overlap_dismissals"][0]["note"] == "Different villages"
    decided = [q for q in data["smart_questions"] if q["decided_by_you"]]
    assert [q["text"] for q in decided] == ["How might Ambridge share its mobile masts?"]
    assert data["rounds_created"][0]["name"] == "Spring fitness round"
    assert data["data_releases_made"][0]["version"] == "2026-03-01"
    assert data["admin_actions"][0]["object"] == "Tom Archer"
    assert data["invitations_sent"][0]["message"] == "Come and help with the cider map"
    assert {i["coalition"] for i in data["invitations"]}  # accepted under an old address
    assert {"created_by", "proposed_by", "decided_by", "person"} <= {
        row["as"] for row in data["history_naming_you"]}
    assert data["account"]["groups"] == ["Borsetshire editors"]
    assert "TOTPSECRETAMBRIDGE" not in text and "f" * 64 not in text
    assert "eddie.grundy@example.org" not in text


def test_erasure_keeps_the_records_without_the_name(client, everything):
    """After erasure, the reply, review, confirmation, dismissal, decision, round and release
    stay but point at a user and person who are "A former member", with no address; the
    person no longer coordinates a cycle, answers for a participant or is in a group."""
    user, person = everything["user"], everything["person"]
    email = user.email
    client.force_login(user)
    assert client.post(reverse("accounts:erase"), {"confirm": "on"}).status_code == 302
    user.refresh_from_db()
    person.refresh_from_db()
    assert person.name == FORMER_MEMBER and user.get_full_name() == FORMER_MEMBER
    assert user.email == "" and "Shula" not in user.get_username()
    assert Reply.objects.get().replied_by == user
    assert ReviewAssignment.objects.filter(reviewer=user).exists()
    assert InitiativeConfirmation.objects.get().confirmed_by == person
    assert OverlapDismissal.objects.get().dismissed_by == person
    assert SmartQuestion.objects.get(pk=everything["question"].pk).decided_by == person
    assert Round.objects.get().created_by == person
    assert DataRelease.objects.get().created_by == user
    assert AnswerHistory.objects.get().changed_by == user
    assert not user.coordinated_cycles.exists() and not user.assessment_participations.exists()
    assert not user.groups.exists() and not user.user_permissions.exists()
    # The person's pages and lists show the former member, never the name or address.
    for obj in (user, person):
        assert "Shula" not in str(obj) and email not in str(obj)
