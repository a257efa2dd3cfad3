"""
Smart questions in the browser: the domain page with its forms (propose, support, agree or
decline) passes axe in English and Welsh, as do the decision page and both forms' errors; a
member proposes and supports, and the domain lead agrees, all without JavaScript. (axe itself
needs JavaScript, so the pages are checked in a browser with it and walked in one without.)
"""

import pytest
from django.conf import settings
from django.test import Client

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.models import SmartQuestion
from smartplace.frameworks.questions import smart_question_propose, smart_question_support
from smartplace.frameworks.tests.factories import (
    DomainFactory,
    SmartQuestionFactory,
    SubDomainFactory,
)
from smartplace.people.models import Membership
from smartplace.people.tests.factories import MembershipFactory
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAIN = "/coalitions/ambridge/domains/economy/"


def _sign_in(page, live_server, user) -> None:
    """A session made with force_login, handed to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


@pytest.fixture
def ambridge():
    """Economy, led by Lynda, with an agreed, a proposed (supported) and a declined question."""
    coalition = CoalitionFactory(name="Ambridge Digital Coalition", slug="ambridge")
    economy = DomainFactory(framework=coalition.framework, slug="economy", name="Economy",
                            description="How Ambridge earns its living.")
    SubDomainFactory(domain=economy, slug="skills", name="Skills")
    lead = MembershipFactory(coalition=coalition, role=Membership.Role.DOMAIN_LEAD,
                             person__name="Lynda Snell", person__public_profile=True)
    lead.lead_domains.add(economy)
    member = MembershipFactory(coalition=coalition, person__name="Jazzer McCreary")
    proposer = MembershipFactory(coalition=coalition, person__name="Fallon Rogers",
                                 person__public_profile=True)
    SmartQuestionFactory(domain=economy, text="How do we keep the village shop open?",
                         status=SmartQuestion.Status.AGREED, position=0)
    proposed = smart_question_propose(domain=economy, user=proposer.person.user,
                                      text="How can farms sell direct to Borchester?")
    smart_question_support(question=proposed, user=lead.person.user)
    SmartQuestionFactory(domain=economy, text="Should Ambridge have its own currency?",
                         status=SmartQuestion.Status.DECLINED, position=9)
    return {"lead": lead.person.user, "member": member.person.user, "proposed": proposed}


def test_the_domain_page_with_its_forms_passes_axe(page, axe, live_server, ambridge):
    """Visitors, members and the domain lead: the page with every form passes axe, in English
    and Welsh."""
    page.goto(DOMAIN)
    assert page.get_by_text("How can farms sell direct to Borchester?").count() == 1
    assert_accessible(axe, page)
    _sign_in(page, live_server, ambridge["lead"])
    for address in (DOMAIN, "/cy" + DOMAIN):
        page.goto(address)
        assert page.get_by_role("button", name="Propose question").count() == 1
        assert page.get_by_role("link", name="Agree or decline").count() == 1
        assert page.get_by_text("Should Ambridge have its own currency?").count() == 1
        assert_accessible(axe, page)


def test_the_forms_errors_and_the_decision_page_pass_axe(page, axe, live_server, ambridge):
    """The proposal's error page, the decision page and its error pass axe; the error
    summary's link moves focus to the field."""
    _sign_in(page, live_server, ambridge["lead"])
    page.goto(DOMAIN)
    page.get_by_role("button", name="Propose question").click()
    assert page.title().startswith("Error:")
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter your question").click()
    assert page.evaluate("document.activeElement.name") == "text"
    assert_accessible(axe, page)
    page.goto(DOMAIN)
    page.get_by_role("link", name="Agree or decline").click()
    assert page.locator("h1").inner_text() == "Agree or decline a smart question"
    assert_accessible(axe, page)
    page.get_by_role("button", name="Save decision").click()
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-summary").get_by_role(
        "link", name="Select whether to agree or decline the question").count() == 1
    assert_accessible(axe, page)


def test_a_member_proposes_and_supports_without_javascript(page_without_js, live_server,
                                                           ambridge):
    """No JavaScript: an empty proposal gets the error summary; a real one is added;
    supporting and withdrawing work with plain form posts."""
    page = page_without_js
    _sign_in(page, live_server, ambridge["member"])
    page.goto(DOMAIN)
    page.get_by_role("button", name="Propose question").click()
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter your question").count() == 1
    page.get_by_label("Your question").fill("How do we get a bus to Felpersham on Sundays?")
    page.get_by_role("button", name="Propose question").click()
    page.wait_for_url(f"**{DOMAIN}#question-*")
    assert page.get_by_text("Your question has been proposed.").count() == 1
    assert page.get_by_text("How do we get a bus to Felpersham on Sundays?").count() == 1

    page.get_by_role("button", name="Support this question").click()
    assert page.get_by_text("You support this question.").count() == 1
    assert page.get_by_text("2 supporters").count() == 1
    page.get_by_role("button", name="Withdraw your support").click()
    assert page.get_by_text("1 supporter", exact=False).count() >= 1
    assert ambridge["proposed"].supports.count() == 1


def test_the_domain_lead_agrees_without_javascript(page_without_js, live_server, ambridge):
    """No JavaScript: a decision must be chosen; agreeing moves the question to the agreed
    list."""
    page = page_without_js
    _sign_in(page, live_server, ambridge["lead"])
    page.goto(DOMAIN)
    page.get_by_role("link", name="Agree or decline").click()
    assert page.locator("h1").inner_text() == "Agree or decline a smart question"
    page.get_by_role("button", name="Save decision").click()
    assert page.title().startswith("Error:")
    page.get_by_label("Yes, agree it").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url(f"**{DOMAIN}#question-*")
    assert page.get_by_text("You agreed “How can farms sell direct to Borchester?”").count() == 1
    assert page.get_by_text("No questions are waiting to be agreed.").count() == 1
    ambridge["proposed"].refresh_from_db()
    assert ambridge["proposed"].status == SmartQuestion.Status.AGREED
