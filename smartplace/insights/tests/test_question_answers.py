"""
Saying which smart questions an initiative helps to answer: the initiative's form, its page,
the domain page, the gaps page and the API, each through the initiative and question gates.
"""

import json

import pytest
from django.urls import reverse

from smartplace.api.services import api_token_create
from smartplace.core.models import Visibility
from smartplace.frameworks.models import SmartQuestion
from smartplace.frameworks.tests.factories import (
    DomainFactory,
    SmartQuestionFactory,
    SubDomainFactory,
)
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.gaps import gaps_for_coalition
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.people.tests.factories import MembershipFactory

FORM = {"title": "Ambridge village wi-fi", "description": "Free wi-fi on the green.",
        "status": "active", "visibility": "public", "links": "",
        "start_date-day": "", "start_date-month": "", "start_date-year": "",
        "end_date-day": "", "end_date-month": "", "end_date-year": ""}


@pytest.fixture
def place(db):
    """A member of a coalition with one domain holding agreed, proposed and declined questions."""
    member = MembershipFactory()
    coalition = member.coalition
    domain = DomainFactory(framework=coalition.framework, slug="economy", name="Economy",
                           name_cy="Economi")
    SubDomainFactory(domain=domain, slug="start-ups", name="Start-ups")
    agreed = SmartQuestionFactory(domain=domain, status="agreed",
                                  text="How do more Borsetshire start-ups scale up?",
                                  text_cy="Sut mae mwy o fusnesau newydd yn tyfu?")
    proposed = SmartQuestionFactory(domain=domain, status="proposed",
                                    text="Where can Felpersham makers find space?")
    declined = SmartQuestionFactory(domain=domain, status="declined",
                                    text="Should Ambridge host a casino?")
    elsewhere = SmartQuestionFactory(text="A question of another framework?", status="agreed")
    return member, coalition, domain, agreed, proposed, declined, elsewhere


def edit_url(initiative):
    return reverse("coalitions:initiative_edit", kwargs={"slug": initiative.coalition.slug,
                                                         "initiative": initiative.slug})


def domain_url(coalition, domain, fmt=""):
    url = reverse("coalitions:domain_detail", kwargs={"slug": coalition.slug,
                                                       "domain": domain.slug})
    return url.rstrip("/") + f".{fmt}" if fmt else url


def test_the_form_offers_the_frameworks_questions_but_not_declined_ones(client, place):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    client.force_login(member.person.user)
    html = client.get(reverse("coalitions:initiative_create",
                              kwargs={"slug": coalition.slug})).content.decode()
    assert "Smart questions it helps to answer" in html
    assert f'name="smart_questions" type="checkbox" value="{agreed.pk}"' in html
    assert f'value="{proposed.pk}"' in html
    assert agreed.text in html and proposed.text in html
    assert declined.text not in html and elsewhere.text not in html


def test_adding_and_changing_an_initiative_records_the_questions_it_answers(client, place):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    client.force_login(member.person.user)
    response = client.post(reverse("coalitions:initiative_create",
                                   kwargs={"slug": coalition.slug}),
                           {**FORM, "smart_questions": [agreed.pk, proposed.pk]})
    assert response.status_code == 302
    initiative = coalition.initiatives.get()
    assert set(initiative.question_answers.values_list("question_id", flat=True)) == {
        agreed.pk, proposed.pk}

    form = client.get(edit_url(initiative)).content.decode()
    assert f'value="{agreed.pk}" checked' in form
    response = client.post(edit_url(initiative), {**FORM, "smart_questions": [proposed.pk]})
    assert response.status_code == 302
    assert list(initiative.question_answers.values_list("question_id", flat=True)) == [
        proposed.pk]
    response = client.post(edit_url(initiative), FORM)
    assert response.status_code == 302
    assert not initiative.question_answers.exists()


@pytest.mark.parametrize("which", ["declined", "elsewhere"])
def test_a_declined_or_foreign_question_is_refused_and_nothing_changes(client, place, which):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    initiative = InitiativeFactory(coalition=coalition, title="Ambridge repair café")
    QuestionAnswer.objects.create(initiative=initiative, question=agreed)
    client.force_login(member.person.user)
    wrong = {"declined": declined, "elsewhere": elsewhere}[which]
    response = client.post(edit_url(initiative), {**FORM, "title": "Renamed",
                                                  "smart_questions": [wrong.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select smart questions from the list" in html
    assert 'href="#smart_questions"' in html or "#id_smart_questions" in html
    initiative.refresh_from_db()
    assert initiative.title == "Ambridge repair café"
    assert list(initiative.question_answers.values_list("question_id", flat=True)) == [agreed.pk]


def test_a_question_declined_after_it_was_chosen_stays_with_the_initiative(client, place):
    """The editor is not made to drop it: it stays ticked and on offer until they untick it."""
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    initiative = InitiativeFactory(coalition=coalition)
    QuestionAnswer.objects.create(initiative=initiative, question=declined)
    client.force_login(member.person.user)
    form = client.get(edit_url(initiative)).content.decode()
    assert f'value="{declined.pk}" checked' in form
    response = client.post(edit_url(initiative), {**FORM, "smart_questions": [declined.pk,
                                                                            agreed.pk]})
    assert response.status_code == 302
    assert initiative.question_answers.count() == 2


def test_the_initiative_page_lists_the_questions_the_viewer_may_see(client, place):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    initiative = InitiativeFactory(coalition=coalition)
    for question in (agreed, declined):
        QuestionAnswer.objects.create(initiative=initiative, question=question)
    public = client.get(initiative.get_absolute_url()).content.decode()
    assert "Smart questions it helps to answer" in public
    assert f'{domain_url(coalition, domain)}#question-{agreed.pk}' in public
    assert agreed.text in public and declined.text not in public
    twin = client.get(initiative.get_absolute_url().rstrip("/") + ".json").json()
    assert twin["rows"][0]["smart_questions"] == [agreed.text]

    client.force_login(member.person.user)
    assert declined.text in client.get(initiative.get_absolute_url()).content.decode()
    welsh = client.get("/cy" + initiative.get_absolute_url()).content.decode()
    assert agreed.text_cy in welsh


def test_the_domain_page_names_the_initiatives_answering_each_question(client, place):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    shown = InitiativeFactory(coalition=coalition, title="Felpersham start-up hub")
    hidden = InitiativeFactory(coalition=coalition, title="Secret accelerator plan",
                               visibility=Visibility.PRIVATE)
    QuestionAnswer.objects.create(initiative=shown, question=agreed)
    QuestionAnswer.objects.create(initiative=hidden, question=agreed)
    QuestionAnswer.objects.create(initiative=hidden, question=proposed)

    html = client.get(domain_url(coalition, domain)).content.decode()
    assert shown.title in html and hidden.title not in html
    assert "No initiative helps to answer it yet" in html  # the proposed one, to the public
    data = client.get(domain_url(coalition, domain, "json")).json()
    answered = {q["id"]: q["answered_by"] for q in data["smart_questions"]}
    assert answered[agreed.pk] == ["http://testserver" + shown.get_absolute_url()]
    assert answered[proposed.pk] == []

    client.force_login(member.person.user)
    html = client.get(domain_url(coalition, domain)).content.decode()
    assert hidden.title in html
    assert "No initiative helps to answer it yet" not in html


def test_the_gaps_page_counts_a_question_as_answered_once_an_initiative_says_so(client, place):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    client.force_login(member.person.user)

    def unanswered():
        report = gaps_for_coalition(coalition=coalition, user=member.person.user)
        return {row.subdomain.slug: row.unanswered for row in report.rows}["start-ups"]

    assert unanswered() == 2  # agreed and proposed; declined is not counted
    page = client.get(reverse("insights:gaps", kwargs={"slug": coalition.slug})).content.decode()
    assert f'href="{domain_url(coalition, domain)}#smart-questions">2 of 2' in page
    client.post(reverse("coalitions:initiative_create", kwargs={"slug": coalition.slug}),
                {**FORM, "smart_questions": [agreed.pk]})
    assert unanswered() == 1


def api(client, method, path, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1{path}", **headers)
    return call(f"/api/v1{path}", data=json.dumps(body), content_type="application/json",
                **headers)


def test_the_api_reads_and_writes_the_questions_by_id(client, place):
    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    _token, secret = api_token_create(user=member.person.user, name="council CRM")
    framework = api(client, "get", f"/coalitions/{coalition.slug}/framework").json()
    ids = {q["text"]: q["id"] for d in framework["domains"] for q in d["questions"]}
    assert ids == {agreed.text: agreed.pk, proposed.text: proposed.pk}

    created = api(client, "post", f"/coalitions/{coalition.slug}/initiatives", secret,
                  {"title": "Borsetshire scale-up fund", "smart_questions": [agreed.pk]})
    assert created.status_code == 201, created.content
    assert created.json()["smart_questions"] == [agreed.pk]
    slug = created.json()["slug"]
    path = f"/coalitions/{coalition.slug}/initiatives/{slug}"

    changed = api(client, "patch", path, secret, {"smart_questions": [proposed.pk, agreed.pk]})
    assert changed.status_code == 200
    assert sorted(changed.json()["smart_questions"]) == sorted([agreed.pk, proposed.pk])
    listed = api(client, "get", f"/coalitions/{coalition.slug}/initiatives").json()
    assert sorted(listed["items"][0]["smart_questions"]) == sorted([agreed.pk, proposed.pk])

    refused = api(client, "patch", path, secret,
                  {"title": "Changed", "smart_questions": [agreed.pk, declined.pk, 999999]})
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"smart_questions.1", "smart_questions.2"}
    initiative = coalition.initiatives.get(slug=slug)
    assert initiative.title == "Borsetshire scale-up fund"
    assert initiative.question_answers.count() == 2

    assert SmartQuestion.objects.filter(pk=declined.pk).exists()
    public = api(client, "get", path).json()
    assert sorted(public["smart_questions"]) == sorted([agreed.pk, proposed.pk])


def test_choosing_and_dropping_a_question_is_in_the_audit_history(client, place):
    """Coordinators' audit history shows who said an initiative answers a question, and who
    took it back, named by the initiative and the question."""
    from smartplace.accounts.audit import audit_entries

    member, coalition, domain, agreed, proposed, declined, elsewhere = place
    client.force_login(member.person.user)
    client.post(reverse("coalitions:initiative_create", kwargs={"slug": coalition.slug}),
                {**FORM, "smart_questions": [agreed.pk]})
    initiative = coalition.initiatives.get()
    client.post(edit_url(initiative), FORM)

    entries = [e for e in audit_entries(coalition=coalition)
               if e.kind == "initiative answering a smart question"]
    assert [(e.action, e.object, e.who) for e in entries] == [
        ("deleted", f"{initiative.title} → {agreed.text}", member.person.name),
        ("created", f"{initiative.title} → {agreed.text}", member.person.name),
    ]
