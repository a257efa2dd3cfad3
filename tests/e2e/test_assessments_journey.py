"""An organisation answers a questionnaire section; the form and the results pages pass axe."""

import pytest

from smartplace.assessments.answers import answers_import
from smartplace.assessments.models import Answer, Cycle
from smartplace.assessments.tests.factories import WORKED_EXAMPLE, CycleFactory
from smartplace.assessments.tests.helpers import published_cycle
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import MembershipFactory
from tests.e2e.conftest import assert_accessible, sign_in_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user):
    sign_in_by_code(page, user.email)


def test_a_member_answers_a_section_of_the_questionnaire(page, axe):
    """The questionnaire form passes axe, with and without errors, and saves the answers."""
    cycle = CycleFactory(slug="borsetshire-2026")
    ambridge = OrganisationFactory(slug="ambridge", name="Ambridge District Council")
    OrganisationFactory(slug="borsetshire", name="Borsetshire County Council")
    answers_import(cycle=cycle, path=WORKED_EXAMPLE / "answers.csv",
                   organisations_path=WORKED_EXAMPLE / "organisations.csv")
    member = MembershipFactory(organisation=ambridge).person.user
    _sign_in(page, member)
    page.goto("/assessments/borsetshire-2026/ambridge/assessment/")
    assert page.locator("h1").inner_text() == "Ambridge District Council"
    assert_accessible(axe, page)

    page.get_by_role("link", name="Data", exact=True).click()
    assert page.locator("h1").inner_text() == "Data"
    assert_accessible(axe, page)
    page.get_by_label("Waste collections").uncheck()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "Services"
    assert_accessible(axe, page)
    answer = Answer.objects.get(participant__organisation=ambridge, question__code="D2")
    assert answer.value == "spending;planning"

    page.get_by_label("S3. Median working days to answer an FOI request?").fill("twelve")
    page.get_by_role("button", name="Save and continue").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "Enter a number" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(axe, page)


def test_the_published_results_and_scorecard_pass_axe(page, axe):
    """The results page (league tables, links) and a scorecard pass axe."""
    full = {"L1": "yes", "L2": "yes", "L3": "quarterly", "D1": "yes", "D2": "spending",
            "D3": "no", "S1": "over-75", "S2": "yes", "S3": "8", "S5": "yes"}
    cycle = published_cycle(
        answers={"ambridge": full, "borchester": {**full, "L2": "no"},
                 "churchford": {**full, "S1": "under-25"}},
        peer={"ambridge": "Metropolitan district", "borchester": "Metropolitan district",
              "churchford": "Non-metropolitan district"},
        policy=Cycle.Policy.NAMED, slug="borsetshire-2026", name="Borsetshire 2026")
    page.goto(f"/assessments/{cycle.slug}/")
    assert page.locator("h1").inner_text() == "Borsetshire 2026"
    assert page.get_by_role("link", name="Ambridge Council").first.is_visible()
    assert_accessible(axe, page)
    page.get_by_role("link", name="Ambridge Council").first.click()
    assert page.locator("h1").inner_text() == "Ambridge Council"
    assert_accessible(axe, page)
    page.goto(f"/assessments/{cycle.slug}/index/")
    assert_accessible(axe, page)
