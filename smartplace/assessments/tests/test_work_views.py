"""Pages for the people doing an assessment: answering, reviewing, replying, history, progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from smartplace.assessments.answers import answers_import
from smartplace.assessments.models import Answer, AnswerHistory, Reply, ReviewAssignment, Stage
from smartplace.assessments.tests.factories import WORKED_EXAMPLE, CouncilFactory, CycleFactory
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def world(db):
    cycle = CycleFactory()
    ambridge = OrganisationFactory(slug="ambridge", name="Ambridge District Council")
    OrganisationFactory(slug="borsetshire", name="Borsetshire County Council")
    answers_import(cycle=cycle, path=WORKED_EXAMPLE / "answers.csv",
                   organisations_path=WORKED_EXAMPLE / "organisations.csv")
    participant = cycle.participants.get(organisation=ambridge)
    member = MembershipFactory(organisation=ambridge).person.user
    reviewer = MembershipFactory(organisation=CouncilFactory()).person.user
    coordinator = UserFactory()
    cycle.coordinators.add(coordinator)
    return {"cycle": cycle, "participant": participant, "member": member,
            "reviewer": reviewer, "coordinator": coordinator, "outsider": UserFactory()}


def url(name, participant, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"cycle": participant.cycle.slug,
                                                  "organisation": participant.organisation.slug,
                                                  **kwargs})


L1_EVIDENCE = {"L1-evidence_url": "https://ambridge.example/digital-strategy",
               "L1-evidence_page": "3", "L1-evidence_quote": "Our digital strategy 2026–2029"}


def section_post(**values) -> dict:
    data = {}
    for code in ("L1", "L2", "L3"):
        data[f"{code}-answer"] = values.get(code, "")
        for field in ("evidence_url", "evidence_page", "evidence_quote", "note"):
            data[f"{code}-{field}"] = values.get(f"{code}-{field}", "")
    return data


@pytest.mark.django_db
class TestAnswering:
    def test_a_member_answers_a_section(self, client, world):
        """The member's form saves changed answers with evidence and records their history."""
        participant = world["participant"]
        client.force_login(world["member"])
        page = client.get(url("answer_section", participant, section="L"))
        assert page.status_code == 200
        assert 'name="L3-answer"' in page.content.decode()
        response = client.post(url("answer_section", participant, section="L"),
                               section_post(L1="yes", L2="no", L3="quarterly", **L1_EVIDENCE,
                                            **{"L3-evidence_url": "https://ambridge.example/m"}))
        assert response.status_code == 302
        l3 = Answer.objects.get(participant=participant, question__code="L3")
        assert (l3.value, l3.evidence_url) == ("quarterly", "https://ambridge.example/m")
        changed = AnswerHistory.objects.filter(participant=participant, via="form")
        assert sorted(changed.values_list("question__code", flat=True)) == ["L2", "L3"]
        assert set(changed.values_list("changed_by", flat=True)) == {world["member"].pk}

    def test_a_bad_value_shows_an_error_and_saves_nothing(self, client, world):
        """An unknown option is refused with a GOV.UK error; no answer changes."""
        participant = world["participant"]
        client.force_login(world["member"])
        before = AnswerHistory.objects.count()
        response = client.post(url("answer_section", participant, section="L"),
                               section_post(L1="yes", L2="yes", L3="weekly"))
        assert response.status_code == 400
        assert "govuk-error-summary" in response.content.decode()
        assert AnswerHistory.objects.count() == before

    @pytest.mark.parametrize("who", ["outsider", "reviewer"])
    def test_people_not_involved_get_not_found(self, client, world, who):
        """Someone who may not see the assessment gets 404 on every page of it."""
        participant = world["participant"]
        client.force_login(world[who])
        for name, kwargs in (("participant_home", {}), ("answer_section", {"section": "L"}),
                             ("history", {}), ("reply", {})):
            assert client.get(url(name, participant, **kwargs)).status_code == 404, name

    def test_signing_in_is_required(self, client, world):
        """Anonymous visitors are sent to sign in."""
        response = client.get(url("participant_home", world["participant"]))
        assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.mark.django_db
def test_review_reply_and_history_journey(client, world):
    """The member submits, the reviewer sees the self-assessment and changes an answer with a
    note, the member disagrees with evidence, and the history shows it all to those involved."""
    participant, cycle = world["participant"], world["cycle"]
    client.force_login(world["coordinator"])
    response = client.post(reverse("assessments:progress", kwargs={"cycle": cycle.slug}),
                           {"reviewers": world["reviewer"].email,
                            "participants": [str(participant.pk)]})
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(participant=participant).count() == 1

    client.force_login(world["member"])
    assert client.post(url("move", participant), {"to": Stage.REVIEW}).status_code == 302
    participant.refresh_from_db()
    assert participant.stage == Stage.REVIEW

    client.force_login(world["reviewer"])
    page = client.get(url("answer_section", participant, section="L")).content.decode()
    assert "Self-assessment" in page and "https://ambridge.example/digital-strategy" in page
    response = client.post(url("answer_section", participant, section="L"), section_post(
        L1="no", L2="yes", L3="annually",
        **{"L1-evidence_url": "https://ambridge.example/digital-strategy",
           "L1-evidence_page": "3", "L1-evidence_quote": "Our digital strategy 2026–2029",
           "L1-note": "The strategy was never approved."}))
    assert response.status_code == 302
    client.post(url("move", participant), {"to": Stage.RIGHT_OF_REPLY})

    client.force_login(world["member"])
    page = client.get(url("reply", participant)).content.decode()
    assert "The strategy was never approved." in page
    response = client.post(url("reply", participant), {"L1-agrees": "no", "L1-text": ""})
    assert response.status_code == 400
    assert "Say why you disagree, or give evidence" in response.content.decode()
    response = client.post(url("reply", participant), {
        "L1-agrees": "no", "L1-text": "Approved by cabinet in May.",
        "L1-evidence_url": "https://ambridge.example/cabinet-may"})
    assert response.status_code == 302
    assert Reply.objects.get().agrees is False

    for who in ("member", "reviewer", "coordinator"):
        client.force_login(world[who])
        page = client.get(url("history", participant)).content.decode()
        assert "The strategy was never approved." in page, who
        assert "Approved by cabinet in May." in page, who
    client.force_login(world["outsider"])
    assert client.get(url("history", participant)).status_code == 404


@pytest.mark.django_db
def test_bulk_assignment_refuses_a_self_review_on_the_page(client, world):
    """Assigning a member to review their own organisation shows the refusal; none is made."""
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("assessments:progress", kwargs={"cycle": world["cycle"].slug}),
        {"reviewers": f"{world['member'].email}\n{world['reviewer'].email}",
         "participants": [str(world["participant"].pk)]})
    assert response.status_code == 400
    assert "it is their own organisation" in response.content.decode()
    assert ReviewAssignment.objects.count() == 0


@pytest.mark.django_db
def test_progress_counts_each_stage_for_coordinators_only(client, world):
    """The progress page counts organisations per stage; only coordinators see it."""
    progress = reverse("assessments:progress", kwargs={"cycle": world["cycle"].slug})
    client.force_login(world["member"])
    assert client.get(progress).status_code == 404
    client.force_login(world["coordinator"])
    page = client.get(progress)
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 organisations have no reviewer." in text
    counts = text.split("Organisations at each stage")[1].split("</tbody>")[0]
    assert [c.split(">")[-1] for c in counts.split("</td>")[:-1]] == ["2", "0", "0", "0", "0"]
