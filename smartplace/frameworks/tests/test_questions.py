"""
The smart questions journey: members propose and support questions, the domain's lead or a
coordinator agrees or declines them; declined ones are seen by members only, everywhere.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from smartplace.api.services import api_token_create
from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.models import SmartQuestion, SmartQuestionSupport
from smartplace.frameworks.selectors import (
    smart_question_list_for_domain,
    smart_question_list_visible,
)
from smartplace.frameworks.services import (
    QUESTION_MAX,
    smart_question_decide,
    smart_question_propose,
    smart_question_support,
    smart_question_support_withdraw,
)
from smartplace.frameworks.tests.factories import DomainFactory, SmartQuestionFactory
from smartplace.people.models import Membership
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PersonFactory,
    RequestedMembershipFactory,
    UserFactory,
)

AGREED, DECLINED, PROPOSED = (SmartQuestion.Status.AGREED, SmartQuestion.Status.DECLINED,
                              SmartQuestion.Status.PROPOSED)


class Ambridge:
    """A coalition with two domains, the people of the permission table, and questions."""

    def __init__(self):
        self.coalition = CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition")
        framework = self.coalition.framework
        self.economy = DomainFactory(framework=framework, slug="economy", name="Economy")
        self.living = DomainFactory(framework=framework, slug="living", name="Living")
        self.member = MembershipFactory(coalition=self.coalition,
                                        person__name="Private Pip").person.user
        self.public_member = MembershipFactory(coalition=self.coalition,
                                               person__name="Public Jill",
                                               person__public_profile=True).person.user
        lead = MembershipFactory(coalition=self.coalition, role=Membership.Role.DOMAIN_LEAD,
                                 person__name="Lead Lynda")
        lead.lead_domains.add(self.economy)
        self.lead = lead.person.user
        living_lead = MembershipFactory(coalition=self.coalition,
                                        role=Membership.Role.DOMAIN_LEAD)
        living_lead.lead_domains.add(self.living)
        self.living_lead = living_lead.person.user
        self.steering = MembershipFactory(coalition=self.coalition,
                                          role=Membership.Role.STEERING).person.user
        self.coordinator = CoordinatorFactory(coalition=self.coalition).person.user
        self.left = MembershipFactory(coalition=self.coalition,
                                      status=Membership.Status.LEFT).person.user
        self.requested = RequestedMembershipFactory(coalition=self.coalition).person.user
        self.outsider = PersonFactory(name="Outsider Olly").user
        self.other_coordinator = CoordinatorFactory().person.user
        self.superuser = UserFactory(is_superuser=True, is_staff=True)
        self.example = SmartQuestionFactory(domain=self.economy, status="example", position=0,
                                            text="How do we get more start-ups to scale up?")
        self.proposed = smart_question_propose(
            domain=self.economy, user=self.member,
            text="How can village shops sell online?")
        self.declined = SmartQuestionFactory(domain=self.economy, status=DECLINED, position=5,
                                             text="SECRET declined question?")

    @property
    def everyone(self) -> dict:
        return {"anonymous": AnonymousUser(), "member": self.member,
                "public member": self.public_member, "lead": self.lead,
                "living lead": self.living_lead, "steering": self.steering,
                "coordinator": self.coordinator, "left": self.left,
                "requested": self.requested, "outsider": self.outsider,
                "other coordinator": self.other_coordinator, "superuser": self.superuser}

    def url(self, name: str = "", question: SmartQuestion | None = None,
            domain: str = "economy") -> str:
        base = f"/coalitions/ambridge/domains/{domain}/"
        if name == "propose":
            return base + "questions/propose/"
        if name:
            return base + f"questions/{(question or self.proposed).pk}/{name}/"
        return base


@pytest.fixture
def world(db) -> Ambridge:
    return Ambridge()


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------
# Services


def test_a_member_proposes_a_question(world):
    """A proposed question is stored tidied, last in its domain, with its proposer, and the
    audit history records it as theirs."""
    question = smart_question_propose(domain=world.economy, user=world.public_member,
                                      text="  How can  farms\nshare\u00a0data?\u202e  ")
    assert question.text == "How can farms share data?"
    assert question.status == PROPOSED
    assert question.proposed_by == world.public_member.person
    assert question.position > world.declined.position
    record = question.history.get()
    assert record.history_type == "+" and record.history_user == world.public_member


@pytest.mark.parametrize(("text", "message"), [
    ("", "Enter your question"),
    (" \n\t ", "Enter your question"),
    ("x" * (QUESTION_MAX + 1), f"Your question must be {QUESTION_MAX} characters or fewer"),
    ("how can VILLAGE shops   sell online?", "This question has already been proposed for "
                                              "Economy"),
    ("secret declined QUESTION?", "This question has already been proposed for Economy"),
])
def test_proposals_are_checked(world, text, message):
    """Empty, too long and repeated questions (declined ones too) are refused, saying why."""
    with pytest.raises(ValidationError) as error:
        smart_question_propose(domain=world.economy, user=world.member, text=text)
    assert error.value.message_dict["text"] == [message]


def test_a_question_of_the_maximum_length_is_accepted(world):
    """QUESTION_MAX characters is allowed."""
    question = smart_question_propose(domain=world.living, user=world.member,
                                      text="q" * QUESTION_MAX)
    assert len(question.text) == QUESTION_MAX


@pytest.mark.parametrize("who", ["left", "requested", "outsider", "other coordinator",
                                 "superuser"])
def test_only_active_members_propose(world, who):
    """Someone who is not an active member of the coalition cannot propose (nor can a
    superuser without a membership: a question needs its proposer)."""
    with pytest.raises(ValidationError) as error:
        smart_question_propose(domain=world.economy, user=world.everyone[who],
                               text="Why not?")
    assert error.value.code == "not_member"


def test_support_is_once_per_person_and_can_be_withdrawn(world):
    """Supporting twice keeps one support; withdrawing removes it; both are in the history."""
    first = smart_question_support(question=world.proposed, user=world.lead)
    again = smart_question_support(question=world.proposed, user=world.lead)
    assert first.pk == again.pk
    assert world.proposed.supports.count() == 1
    assert smart_question_support_withdraw(question=world.proposed, user=world.lead) is True
    assert smart_question_support_withdraw(question=world.proposed, user=world.lead) is False
    assert world.proposed.supports.count() == 0
    history = SmartQuestionSupport.history.filter(question_id=world.proposed.pk)
    assert sorted(history.values_list("history_type", "history_user")) == [
        ("+", world.lead.pk), ("-", world.lead.pk)]


def test_support_is_refused_when_it_cannot_count(world):
    """The proposer cannot also support; nobody outside the coalition can; and a decided
    question's support no longer changes."""
    with pytest.raises(ValidationError) as error:
        smart_question_support(question=world.proposed, user=world.member)
    assert error.value.code == "own_question"
    for who in ("left", "outsider", "requested"):
        with pytest.raises(ValidationError):
            smart_question_support(question=world.proposed, user=world.everyone[who])
    smart_question_support(question=world.proposed, user=world.steering)
    smart_question_decide(question=world.proposed, user=world.lead, agree=True)
    for action in (smart_question_support, smart_question_support_withdraw):
        with pytest.raises(ValidationError) as error:
            action(question=world.proposed, user=world.steering)
        assert error.value.code == "decided"
    assert world.proposed.supports.count() == 1


@pytest.mark.parametrize(("who", "agree"), [("lead", True), ("coordinator", False),
                                            ("superuser", True)])
def test_the_lead_or_a_coordinator_decides(world, who, agree):
    """Agreeing or declining records the status, who decided and when, in the history too;
    a declined question is kept."""
    user = world.everyone[who]
    question = smart_question_decide(question=world.proposed, user=user, agree=agree)
    question.refresh_from_db()
    assert question.status == (AGREED if agree else DECLINED)
    assert question.decided_by == getattr(user, "person", None)
    assert question.decided_at is not None
    latest = question.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == user and latest.status == question.status


@pytest.mark.parametrize("who", ["member", "living lead", "steering", "left", "outsider",
                                 "other coordinator"])
def test_nobody_else_decides(world, who):
    """Members, the steering group and the lead of another domain cannot decide."""
    with pytest.raises(PermissionDenied):
        smart_question_decide(question=world.proposed, user=world.everyone[who], agree=True)
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED


def test_a_decided_question_is_not_decided_again(world):
    """The second decision is refused (two people deciding at once: one wins)."""
    stale = SmartQuestion.objects.get(pk=world.proposed.pk)
    smart_question_decide(question=world.proposed, user=world.lead, agree=True)
    with pytest.raises(ValidationError) as error:
        smart_question_decide(question=stale, user=world.coordinator, agree=False)
    assert error.value.code == "decided"
    stale.refresh_from_db()
    assert stale.status == AGREED


def test_a_domain_lead_who_left_decides_nothing(world):
    """A domain lead's right goes with their active membership."""
    Membership.objects.filter(person__user=world.lead).update(status=Membership.Status.LEFT)
    with pytest.raises(PermissionDenied):
        smart_question_decide(question=world.proposed, user=world.lead, agree=True)


# ---------------------------------------------------------------------------------------------
# Selectors: one rule for who sees declined questions


def test_the_visibility_filter_is_the_view_permission(world):
    """smart_question_visible gives, for every person, the questions view_question allows."""
    questions = [world.example, world.proposed, world.declined]
    for name, user in world.everyone.items():
        visible = set(smart_question_list_visible(user=user).filter(
            pk__in=[q.pk for q in questions]))
        allowed = {q for q in questions if user.has_perm("frameworks.view_question", q)}
        assert visible == allowed, name


def test_declined_questions_of_shared_frameworks_are_hidden(world):
    """A built-in framework's declined question is seen by no member of anything."""
    shared = SmartQuestionFactory(status=DECLINED)
    assert not smart_question_list_visible(user=world.coordinator).filter(pk=shared.pk).exists()


def test_the_domain_list_names_only_people_the_reader_may_see(world):
    """Counts include everyone; names only people with a public profile (for visitors), or
    fellow members (for members)."""
    for user in (world.public_member, world.lead):
        smart_question_support(question=world.proposed, user=user)
    anonymous = {q.pk: q for q in smart_question_list_for_domain(domain=world.economy,
                                                                 user=AnonymousUser())}
    question = anonymous[world.proposed.pk]
    assert world.declined.pk not in anonymous
    assert question.supporter_count == 2
    assert [s.supporter_name for s in question.supporter_list] == ["Public Jill"]
    assert question.proposer_name is None and question.supported_by_me is False
    mine = {q.pk: q for q in smart_question_list_for_domain(domain=world.economy,
                                                            user=world.lead)}
    assert [s.supporter_name for s in mine[world.proposed.pk].supporter_list] == [
        "Public Jill", "Lead Lynda"]
    assert mine[world.proposed.pk].supported_by_me is True
    assert mine[world.proposed.pk].proposer_name == "Private Pip"
    assert world.declined.pk in mine
    by_proposer = {q.pk: q for q in smart_question_list_for_domain(domain=world.economy,
                                                                   user=world.member)}
    assert by_proposer[world.proposed.pk].is_mine is True


# ---------------------------------------------------------------------------------------------
# The domain page


def test_visitors_see_proposals_with_their_status_but_not_declined_ones(world):
    """The page shows agreed and proposed questions (status, count, consenting supporters'
    names), no forms, and no declined question or unconsented name."""
    smart_question_support(question=world.proposed, user=world.public_member)
    smart_question_support(question=world.proposed, user=world.lead)
    page = _client().get(world.url()).content.decode()
    assert "How can village shops sell online?" in page
    assert "Proposed" in page and "2 supporters" in page and "Public Jill" in page
    assert "including Public Jill" in page
    assert "SECRET declined" not in page
    assert "Private Pip" not in page and "Lead Lynda" not in page
    assert "Proposed by</dt>" in page and "a member" in page
    assert "<form" not in page.split('id="smart-questions"')[1].split("Sub-domains")[0]
    assert "Sign in to take part" in page


def test_members_see_declined_questions_and_the_forms(world):
    """A member sees the declined question (marked), the form to propose, and support
    buttons that post with a CSRF token; no link to decide."""
    page = _client(world.steering).get(world.url()).content.decode()
    assert "SECRET declined question?" in page and "Only members of" in page
    assert 'action="/coalitions/ambridge/domains/economy/questions/propose/"' in page
    assert f'action="{world.url("support")}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Support this question" in page
    assert "Agree or decline" not in page


def test_the_domain_lead_and_coordinators_see_the_decision_link(world):
    """The lead of this domain and coordinators get "Agree or decline"; the lead of another
    domain does not."""
    for user in (world.lead, world.coordinator):
        assert world.url("decide") in _client(user).get(world.url()).content.decode()
    assert world.url("decide") not in _client(world.living_lead).get(
        world.url()).content.decode()


def test_the_proposer_is_told_it_is_theirs(world):
    """The proposer gets no support button for their own question."""
    page = _client(world.member).get(world.url()).content.decode()
    assert "You proposed this question." in page


def test_the_domain_json_twin_follows_the_same_rule(world):
    """The twin lists questions with their supporters; declined ones only for members."""
    smart_question_support(question=world.proposed, user=world.lead)
    rows = _client().get(world.url().rstrip("/") + ".json").json()["smart_questions"]
    assert {r["text"]: (r["status"], r["supporters"]) for r in rows} == {
        "How do we get more start-ups to scale up?": ("example", 0),
        "How can village shops sell online?": ("proposed", 1)}
    member_rows = _client(world.member).get(world.url().rstrip("/") + ".json").json()
    assert "SECRET declined question?" in {r["text"] for r in member_rows["smart_questions"]}


def test_the_coalition_home_hides_declined_questions_from_visitors(world):
    """The domain grid on the coalition's home shows declined questions to members only."""
    assert "SECRET declined" not in _client().get("/coalitions/ambridge/").content.decode()
    assert "SECRET declined" in _client(world.member).get("/coalitions/ambridge/").content.decode()


def test_the_domain_page_query_budget(world, django_assert_max_num_queries):
    """The page runs as many queries for ten questions with many supporters as for three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    budgets = {}
    for name, user in (("anonymous", None), ("member", world.steering), ("lead", world.lead)):
        with CaptureQueriesContext(connection) as queries:
            assert _client(user).get(world.url()).status_code == 200
        budgets[name] = len(queries)
    for n in range(8):
        question = smart_question_propose(domain=world.economy, user=world.public_member,
                                          text=f"Question number {n}?")
        for user in (world.member, world.coordinator, world.lead, world.steering):
            smart_question_support(question=question, user=user)
    for name, user in (("anonymous", None), ("member", world.steering), ("lead", world.lead)):
        with django_assert_max_num_queries(budgets[name]):
            assert _client(user).get(world.url()).status_code == 200


# ---------------------------------------------------------------------------------------------
# Proposing


def test_proposing_from_the_domain_page(world):
    """A valid proposal goes back to the domain page at the question, with a message."""
    response = _client(world.steering).post(world.url("propose"),
                                            {"text": "How do we fill empty shops?"})
    question = SmartQuestion.objects.get(text="How do we fill empty shops?")
    assert response.status_code == 302
    assert response["Location"] == f"{world.url()}#question-{question.pk}"
    page = _client(world.steering).get(world.url()).content.decode()
    assert "How do we fill empty shops?" in page


def test_the_propose_page_without_errors(world):
    """GET shows the form on its own page."""
    response = _client(world.member).get(world.url("propose"))
    assert response.status_code == 200
    assert 'name="text"' in response.content.decode()


@pytest.mark.parametrize(("text", "message"), [
    ("", "Enter your question"),
    ("   ", "Enter your question"),
    ("y" * (QUESTION_MAX + 1), f"Your question must be {QUESTION_MAX} characters or fewer"),
    ("How can village shops sell online?", "This question has already been proposed for "
                                           "Economy"),
])
def test_bad_proposals_get_the_error_summary(world, text, message):
    """Bad input: 400, "Error:" in the title, the GOV.UK error summary linking to the field,
    the message beside the field, and what was typed kept."""
    response = _client(world.member).post(world.url("propose"), {"text": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page
    assert "govuk-error-summary" in page and 'href="#id_text"' in page
    assert page.count(message) >= 2  # in the summary and beside the field
    assert SmartQuestion.objects.filter(domain=world.economy).count() == 3


def test_user_text_is_escaped(world):
    """Markup in a question is shown as text."""
    _client(world.steering).post(world.url("propose"),
                                 {"text": "<script>alert('x')</script> Why?"})
    page = _client().get(world.url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Why?" in page


@pytest.mark.parametrize("name", ["propose", "support", "decide"])
def test_anonymous_people_are_sent_to_sign_in(world, name):
    """Anonymous posts change nothing and go to sign in."""
    response = _client().post(world.url(name), {"text": "Why?", "support": "yes",
                                                "decision": "agree"})
    assert response.status_code == 302 and "sign-in" in response["Location"]
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED and world.proposed.supports.count() == 0


@pytest.mark.parametrize("who", ["outsider", "left", "requested", "other coordinator"])
def test_non_members_get_a_403_that_says_how_to_join(world, who):
    """Signed in but not an active member: 403 for proposing, supporting and deciding."""
    client = _client(world.everyone[who])
    for name in ("propose", "support", "decide"):
        response = client.post(world.url(name), {"text": "Why?", "support": "yes",
                                                 "decision": "agree"})
        assert response.status_code == 403, name
        assert "Only members can do this" in response.content.decode()
    assert SmartQuestion.objects.filter(domain=world.economy).count() == 3
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED and world.proposed.supports.count() == 0


@pytest.mark.parametrize("name", ["propose", "support", "decide"])
def test_posts_need_the_csrf_token(world, name):
    """Without the CSRF token a post is refused (403) and changes nothing."""
    client = _client(world.coordinator, enforce_csrf_checks=True)
    response = client.post(world.url(name), {"text": "Why?", "support": "yes",
                                             "decision": "agree"})
    assert response.status_code == 403
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED and world.proposed.supports.count() == 0


# ---------------------------------------------------------------------------------------------
# Supporting


def test_supporting_and_withdrawing(world):
    """Support, then withdraw, each back to the question with a message."""
    client = _client(world.steering)
    response = client.post(world.url("support"), {"support": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{world.url()}#question-{world.proposed.pk}"
    page = response.content.decode()
    assert "You support “How can village shops sell online?”" in page
    assert "Withdraw your support" in page and "1 supporter" in page
    assert world.proposed.supports.count() == 1
    page = client.post(world.url("support"), {"support": "no"}, follow=True).content.decode()
    assert "You no longer support" in page and "0 supporters" in page
    assert world.proposed.supports.count() == 0


def test_support_needs_a_post_and_a_yes_or_no(world):
    """GET is not allowed (405); anything but yes or no is a bad request (400)."""
    client = _client(world.steering)
    assert client.get(world.url("support")).status_code == 405
    for value in ("", "maybe"):
        assert client.post(world.url("support"), {"support": value}).status_code == 400
    assert world.proposed.supports.count() == 0


def test_supporting_your_own_or_a_decided_question_explains_why_not(world):
    """The proposer and supporters of decided questions are told why nothing changed."""
    page = _client(world.member).post(world.url("support"), {"support": "yes"},
                                      follow=True).content.decode()
    assert "You proposed this question, so you cannot also support it." in page
    agreed = SmartQuestionFactory(domain=world.economy, status=AGREED)
    page = _client(world.steering).post(world.url("support", agreed), {"support": "yes"},
                                        follow=True).content.decode()
    assert "This question has been agreed by the domain group, so its support" in page
    assert agreed.supports.count() == 0


def test_declined_questions_are_not_found_outside_the_coalition(world):
    """A declined question's addresses are 404 for anyone but members."""
    for user in (None, world.outsider, world.other_coordinator):
        client = _client(user)
        for name in ("support", "decide"):
            assert client.post(world.url(name, world.declined),
                               {"support": "yes"}).status_code == 404
        assert client.get(world.url("decide", world.declined)).status_code == 404


def test_questions_are_found_only_under_their_domain(world):
    """A question's address under another domain, or an unknown one, is 404."""
    client = _client(world.coordinator)
    assert client.get(world.url("decide", domain="living")).status_code == 404
    assert client.get(world.url().replace(
        "economy/", "economy/questions/99999/decide/")).status_code == 404
    assert client.get("/coalitions/ambridge/domains/nowhere/questions/propose/"
                      ).status_code == 404


# ---------------------------------------------------------------------------------------------
# Agreeing and declining


def test_the_lead_agrees_a_question(world):
    """The decision page shows the question and its support; agreeing goes back to the
    domain page, where the question is now agreed."""
    client = _client(world.lead)
    page = client.get(world.url("decide")).content.decode()
    assert "How can village shops sell online?" in page and 'name="decision"' in page
    response = client.post(world.url("decide"), {"decision": "agree"}, follow=True)
    page = response.content.decode()
    assert "You agreed “How can village shops sell online?”" in page
    world.proposed.refresh_from_db()
    assert world.proposed.status == AGREED
    assert world.proposed.decided_by.user == world.lead


def test_a_coordinator_declines_a_question(world):
    """Declined: kept, shown to members with its status, gone from the public page."""
    _client(world.coordinator).post(world.url("decide"), {"decision": "decline"})
    world.proposed.refresh_from_db()
    assert world.proposed.status == DECLINED
    assert "village shops" not in _client().get(world.url()).content.decode()
    assert "village shops" in _client(world.member).get(world.url()).content.decode()


@pytest.mark.parametrize("value", ["", "maybe"])
def test_a_decision_must_be_chosen(world, value):
    """No choice: 400 with the error summary linking to the radios."""
    response = _client(world.lead).post(world.url("decide"), {"decision": value})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page and 'href="#id_decision"' in page
    assert "Select whether to agree or decline the question" in page
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED


@pytest.mark.parametrize("who", ["member", "steering", "living lead"])
def test_members_who_do_not_lead_the_domain_may_not_decide(world, who):
    """Members, the steering group and another domain's lead get a 403 saying who may."""
    client = _client(world.everyone[who])
    for response in (client.get(world.url("decide")),
                     client.post(world.url("decide"), {"decision": "agree"})):
        assert response.status_code == 403
        assert "Only the domain’s lead or a coordinator can do this" in \
            response.content.decode()
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED


def test_a_decided_question_goes_back_to_the_domain_page(world):
    """Opening the decision page of a decided question says it is decided."""
    agreed = SmartQuestionFactory(domain=world.economy, status=AGREED)
    response = _client(world.lead).get(world.url("decide", agreed), follow=True)
    assert "This question has already been agreed by the domain group." in \
        response.content.decode()


# ---------------------------------------------------------------------------------------------
# Everywhere else the questions are published: one rule


def test_the_api_framework_hides_declined_questions_from_anonymous_callers(world):
    """/api/v1/coalitions/<slug>/framework: declined questions only with a member's token."""
    def texts(**headers):
        body = Client().get("/api/v1/coalitions/ambridge/framework", **headers).json()
        return {q["text"] for d in body["domains"] for q in d["questions"]}

    assert "SECRET declined question?" not in texts()
    assert "How can village shops sell online?" in texts()
    _token, secret = api_token_create(user=world.member, name="test")
    assert "SECRET declined question?" in texts(HTTP_AUTHORIZATION=f"Bearer {secret}")
    _token, secret = api_token_create(user=world.outsider, name="test")
    assert "SECRET declined question?" not in texts(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_open_data_and_the_sqlite_export_have_no_declined_questions(world):
    """The coalition's domains.csv and the site's SQLite file list only questions anyone may
    see, whoever downloads them."""
    client = _client(world.coordinator)
    table = client.get("/data/coalitions/ambridge/latest/domains.csv")
    text = b"".join(table.streaming_content).decode() if table.streaming else \
        table.content.decode()
    rows = {r["slug"]: r["smart_questions"] for r in csv.DictReader(io.StringIO(text))}
    assert "How can village shops sell online?" in rows["economy"]
    assert "SECRET" not in text
    response = client.get("/data/smartplace.sqlite")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as handle:
        handle.write(content)
        handle.flush()
        db = sqlite3.connect(handle.name)
        stored = dict(db.execute("SELECT text, status FROM smart_questions").fetchall())
        db.close()
    assert stored["How can village shops sell online?"] == "proposed"
    assert "SECRET declined question?" not in stored


# ---------------------------------------------------------------------------------------------
# Audit history and personal data


def test_the_audit_history_records_the_journey(world):
    """Proposing, supporting, withdrawing and deciding are on the coordinators' audit page,
    each with who did it; support is named by its question."""
    from smartplace.accounts.selectors import audit_entries

    smart_question_support(question=world.proposed, user=world.lead)
    smart_question_support_withdraw(question=world.proposed, user=world.lead)
    smart_question_decide(question=world.proposed, user=world.coordinator, agree=False)
    entries = [e for e in audit_entries(coalition=world.coalition)
               if e.object == "How can village shops sell online?"]
    coordinator = world.coordinator.person.name
    assert sorted((e.kind, e.action, e.who) for e in entries) == [
        ("smart question", "changed", coordinator),
        ("smart question", "created", "Private Pip"),
        ("support for a smart question", "created", "Lead Lynda"),
        ("support for a smart question", "deleted", "Lead Lynda")]
    decision = next(e for e in entries if e.kind == "smart question" and e.action == "changed")
    assert {(c.field, c.old, c.new) for c in decision.changes} >= {
        ("status", "Proposed", "Declined"),
        ("agreed or declined by", "", coordinator)}


def test_personal_data_lists_questions_proposed_and_supported(world):
    """The personal data download lists the questions a person proposed and supports."""
    from smartplace.accounts.selectors import person_export

    smart_question_support(question=world.proposed, user=world.lead)
    mine = person_export(user=world.member)["smart_questions"]
    assert [(q["text"], q["proposed_by_you"], q["supported_on"]) for q in mine] == [
        ("How can village shops sell online?", True, None)]
    theirs = person_export(user=world.lead)["smart_questions"]
    assert theirs[0]["proposed_by_you"] is False and theirs[0]["supported_on"]


def test_the_gaps_page_does_not_count_declined_questions(world):
    """A declined question is nobody's challenge: the gaps count the other questions only,
    for members too."""
    from smartplace.frameworks.tests.factories import SubDomainFactory
    from smartplace.insights.gaps import gaps_for_coalition

    SubDomainFactory(domain=world.economy, slug="shops", name="Shops")
    for user in (AnonymousUser(), world.member):
        row = gaps_for_coalition(coalition=world.coalition, user=user).rows[0]
        assert (row.questions, row.unanswered) == (2, 2)  # the example and the proposal
