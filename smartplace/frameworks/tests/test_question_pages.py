"""
The smart questions journey's pages: the domain page, and proposing, supporting, agreeing and
declining from it, without JavaScript; who may, and what others are told.
"""

from __future__ import annotations

import pytest

from smartplace.frameworks.models import SmartQuestion
from smartplace.frameworks.questions import (
    QUESTION_MAX,
    smart_question_propose,
    smart_question_support,
)
from smartplace.frameworks.tests.factories import SmartQuestionFactory
from smartplace.frameworks.tests.question_world import AGREED, DECLINED, PROPOSED, client_as

# ---------------------------------------------------------------------------------------------
# The domain page


def test_visitors_see_proposals_with_their_status_but_not_declined_ones(world):
    """The page shows agreed and proposed questions (status, count, consenting supporters'
    names), no forms, and no declined question or unconsented name."""
    smart_question_support(question=world.proposed, user=world.public_member)
    smart_question_support(question=world.proposed, user=world.lead)
    page = client_as().get(world.url()).content.decode()
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
    page = client_as(world.steering).get(world.url()).content.decode()
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
        assert world.url("decide") in client_as(user).get(world.url()).content.decode()
    assert world.url("decide") not in client_as(world.living_lead).get(
        world.url()).content.decode()


def test_the_proposer_is_told_it_is_theirs(world):
    """The proposer gets no support button for their own question."""
    page = client_as(world.member).get(world.url()).content.decode()
    assert "You proposed this question." in page


def test_the_domain_json_twin_follows_the_same_rule(world):
    """The twin lists questions with their supporters; declined ones only for members."""
    smart_question_support(question=world.proposed, user=world.lead)
    rows = client_as().get(world.url().rstrip("/") + ".json").json()["smart_questions"]
    assert {r["text"]: (r["status"], r["supporters"]) for r in rows} == {
        "How do we get more start-ups to scale up?": ("example", 0),
        "How can village shops sell online?": ("proposed", 1)}
    member_rows = client_as(world.member).get(world.url().rstrip("/") + ".json").json()
    assert "SECRET declined question?" in {r["text"] for r in member_rows["smart_questions"]}


def test_the_coalition_home_hides_declined_questions_from_visitors(world):
    """The domain grid on the coalition's home shows declined questions to members only."""
    assert "SECRET declined" not in client_as().get("/coalitions/ambridge/").content.decode()
    member_page = client_as(world.member).get("/coalitions/ambridge/").content.decode()
    assert "SECRET declined" in member_page


def test_the_domain_page_query_budget(world, django_assert_max_num_queries):
    """The page runs as many queries for ten questions with many supporters as for three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    budgets = {}
    for name, user in (("anonymous", None), ("member", world.steering), ("lead", world.lead)):
        with CaptureQueriesContext(connection) as queries:
            assert client_as(user).get(world.url()).status_code == 200
        budgets[name] = len(queries)
    for n in range(8):
        question = smart_question_propose(domain=world.economy, user=world.public_member,
                                          text=f"Question number {n}?")
        for user in (world.member, world.coordinator, world.lead, world.steering):
            smart_question_support(question=question, user=user)
    for name, user in (("anonymous", None), ("member", world.steering), ("lead", world.lead)):
        with django_assert_max_num_queries(budgets[name]):
            assert client_as(user).get(world.url()).status_code == 200


# ---------------------------------------------------------------------------------------------
# Proposing


def test_proposing_from_the_domain_page(world):
    """A valid proposal goes back to the domain page at the question, with a message."""
    response = client_as(world.steering).post(world.url("propose"),
                                            {"text": "How do we fill empty shops?"})
    question = SmartQuestion.objects.get(text="How do we fill empty shops?")
    assert response.status_code == 302
    assert response["Location"] == f"{world.url()}#question-{question.pk}"
    page = client_as(world.steering).get(world.url()).content.decode()
    assert "How do we fill empty shops?" in page


def test_the_propose_page_without_errors(world):
    """GET shows the form on its own page."""
    response = client_as(world.member).get(world.url("propose"))
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
    response = client_as(world.member).post(world.url("propose"), {"text": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page
    assert "govuk-error-summary" in page and 'href="#id_text"' in page
    assert page.count(message) >= 2  # in the summary and beside the field
    assert SmartQuestion.objects.filter(domain=world.economy).count() == 3


def test_user_text_is_escaped(world):
    """Markup in a question is shown as text."""
    client_as(world.steering).post(world.url("propose"),
                                 {"text": "<script>alert('x')</script> Why?"})
    page = client_as().get(world.url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Why?" in page


@pytest.mark.parametrize("name", ["propose", "support", "decide"])
def test_anonymous_people_are_sent_to_sign_in(world, name):
    """Anonymous posts change nothing and go to sign in."""
    response = client_as().post(world.url(name), {"text": "Why?", "support": "yes",
                                                "decision": "agree"})
    assert response.status_code == 302 and "sign-in" in response["Location"]
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED and world.proposed.supports.count() == 0


@pytest.mark.parametrize("who", ["outsider", "left", "requested", "other coordinator"])
def test_non_members_get_a_403_that_says_how_to_join(world, who):
    """Signed in but not an active member: 403 for proposing, supporting and deciding."""
    client = client_as(world.everyone[who])
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
    client = client_as(world.coordinator, enforce_csrf_checks=True)
    response = client.post(world.url(name), {"text": "Why?", "support": "yes",
                                             "decision": "agree"})
    assert response.status_code == 403
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED and world.proposed.supports.count() == 0


# ---------------------------------------------------------------------------------------------
# Supporting


def test_supporting_and_withdrawing(world):
    """Support, then withdraw, each back to the question with a message."""
    client = client_as(world.steering)
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
    client = client_as(world.steering)
    assert client.get(world.url("support")).status_code == 405
    for value in ("", "maybe"):
        assert client.post(world.url("support"), {"support": value}).status_code == 400
    assert world.proposed.supports.count() == 0


def test_supporting_your_own_or_a_decided_question_explains_why_not(world):
    """The proposer and supporters of decided questions are told why nothing changed."""
    page = client_as(world.member).post(world.url("support"), {"support": "yes"},
                                      follow=True).content.decode()
    assert "You proposed this question, so you cannot also support it." in page
    agreed = SmartQuestionFactory(domain=world.economy, status=AGREED)
    page = client_as(world.steering).post(world.url("support", agreed), {"support": "yes"},
                                        follow=True).content.decode()
    assert "This question has been agreed by the domain group, so its support" in page
    assert agreed.supports.count() == 0


def test_declined_questions_are_not_found_outside_the_coalition(world):
    """A declined question's addresses are 404 for anyone but members."""
    for user in (None, world.outsider, world.other_coordinator):
        client = client_as(user)
        for name in ("support", "decide"):
            assert client.post(world.url(name, world.declined),
                               {"support": "yes"}).status_code == 404
        assert client.get(world.url("decide", world.declined)).status_code == 404


def test_questions_are_found_only_under_their_domain(world):
    """A question's address under another domain, or an unknown one, is 404."""
    client = client_as(world.coordinator)
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
    client = client_as(world.lead)
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
    client_as(world.coordinator).post(world.url("decide"), {"decision": "decline"})
    world.proposed.refresh_from_db()
    assert world.proposed.status == DECLINED
    assert "village shops" not in client_as().get(world.url()).content.decode()
    assert "village shops" in client_as(world.member).get(world.url()).content.decode()


@pytest.mark.parametrize("value", ["", "maybe"])
def test_a_decision_must_be_chosen(world, value):
    """No choice: 400 with the error summary linking to the radios."""
    response = client_as(world.lead).post(world.url("decide"), {"decision": value})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page and 'href="#id_decision"' in page
    assert "Select whether to agree or decline the question" in page
    world.proposed.refresh_from_db()
    assert world.proposed.status == PROPOSED


@pytest.mark.parametrize("who", ["member", "steering", "living lead"])
def test_members_who_do_not_lead_the_domain_may_not_decide(world, who):
    """Members, the steering group and another domain's lead get a 403 saying who may."""
    client = client_as(world.everyone[who])
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
    response = client_as(world.lead).get(world.url("decide", agreed), follow=True)
    assert "This question has already been agreed by the domain group." in \
        response.content.decode()
