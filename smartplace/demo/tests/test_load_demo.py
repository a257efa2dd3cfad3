"""The demo Sheffield coalition as `demo_load` leaves it (loaded once for this module)."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q

from smartplace.coalitions.models import Coalition
from smartplace.demo.services import (
    COORDINATOR_EMAIL,
    DATA_DIR,
    DEMO_PREFIX,
    DEMO_SOURCE,
    demo_load,
)
from smartplace.frameworks.models import Framework, SmartQuestion, SmartQuestionSupport
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink
from smartplace.organisations.models import Organisation, Sector
from smartplace.people.models import Membership, Person


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once in a transaction that is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def coalition(demo, db) -> Coalition:
    return Coalition.objects.get(pk=demo.coalition.pk)


def _counts() -> dict[str, int]:
    User = get_user_model()
    return {
        "coalitions": Coalition.objects.count(),
        "frameworks": Framework.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
        "initiatives": Initiative.objects.count(),
        "evidence": Evidence.objects.count(),
        "links": InitiativeLink.objects.count(),
        "partners": Initiative.partners.through.objects.count(),
        "subdomain_links": Initiative.subdomains.through.objects.count(),
        "initiative_people": Initiative.people.through.objects.count(),
        "person_domains": Person.domains.through.objects.count(),
        "lead_domains": Membership.lead_domains.through.objects.count(),
        "smart_questions": SmartQuestion.objects.count(),
        "question_supports": SmartQuestionSupport.objects.count(),
    }


def test_demo_coalition_is_sheffield_with_seven_domains(coalition):
    """The demo coalition is marked demo, is for Sheffield and has its own 7-domain framework."""
    assert coalition.is_demo is True
    assert coalition.place.register_code == "SHF"
    assert coalition.place.gss_code == "E08000019"
    framework = coalition.framework
    assert framework.coalition_id == coalition.pk
    assert framework.copied_from.is_builtin is True
    assert framework.copied_from.slug == "sheffield-2017"
    assert framework.domains.count() == 7


def test_every_domain_has_a_public_initiative(coalition):
    """Each of the seven domains has at least one public initiative in one of its sub-domains."""
    public = Initiative.objects.filter(coalition=coalition).public()
    for domain in coalition.framework.domains.all():
        assert public.filter(subdomains__domain=domain).exists(), domain.name


def test_most_subdomains_have_initiatives_and_some_none(coalition):
    """Most sub-domains have initiatives, a few have none (gaps), and some initiatives none."""
    initiatives = Initiative.objects.filter(coalition=coalition)
    subdomains = [s for d in coalition.framework.domains.all() for s in d.subdomains.all()]
    covered = [s for s in subdomains if initiatives.filter(subdomains=s).exists()]
    assert len(covered) > len(subdomains) * 3 / 4
    assert len(covered) < len(subdomains)
    assert initiatives.filter(subdomains__isnull=True).exists()


def test_every_sector_is_represented(coalition):
    """Organisations of every sector lead, partner or have members in the coalition."""
    organisations = Organisation.objects.filter(
        Q(led_initiatives__coalition=coalition) | Q(partner_initiatives__coalition=coalition)
        | Q(memberships__coalition=coalition)
    )
    assert set(organisations.values_list("sector", flat=True)) == set(Sector.values)


def test_every_status_is_used(coalition):
    """The demo's initiatives are in every status, so every filter shows something."""
    statuses = set(Initiative.objects.filter(coalition=coalition)
                   .values_list("status", flat=True))
    assert statuses == set(Initiative.Status.values)


def test_private_initiatives_are_private(coalition):
    """A few initiatives are private: hidden from the public, shown to the coordinator."""
    initiatives = Initiative.objects.filter(coalition=coalition)
    private = initiatives.filter(visibility="private")
    assert 2 <= private.count() < initiatives.count() / 10
    assert not initiatives.visible_to(AnonymousUser()).filter(pk__in=private).exists()
    coordinator = get_user_model().objects.get(username=COORDINATOR_EMAIL)
    assert initiatives.visible_to(coordinator).filter(pk__in=private).count() == private.count()


def test_evidence_and_links(coalition):
    """Some initiatives have evidence with costs and savings, some have links."""
    initiatives = Initiative.objects.filter(coalition=coalition)
    assert initiatives.filter(evidence__annual_savings__gt=0).count() >= 3
    assert initiatives.filter(evidence__capital_cost__gt=0).count() >= 3
    assert initiatives.filter(evidence__measurement__icontains="channel shift").exists()
    assert initiatives.filter(links__isnull=False).distinct().count() >= 3


def test_near_duplicate_digital_skills_programmes(coalition):
    """Two similar digital-skills programmes, led by different organisations, share a sub-domain."""
    first = Initiative.objects.get(coalition=coalition, external_id="demo-digital-skills-for-all")
    second = Initiative.objects.get(coalition=coalition, external_id="demo-get-online-sheffield")
    assert first.lead_organisation_id != second.lead_organisation_id
    shared = set(first.subdomains.values_list("pk", flat=True)) & set(
        second.subdomains.values_list("pk", flat=True))
    assert shared


def test_people_consent_and_memberships(coalition):
    """About half consent to a public profile; roles, a pending request and a leaver exist."""
    memberships = Membership.objects.filter(coalition=coalition).select_related("person")
    consent = [m.person.public_profile for m in memberships]
    assert 0.3 < sum(consent) / len(consent) < 0.7
    roles = set(memberships.filter(status="active").values_list("role", flat=True))
    assert roles == set(Membership.Role.values)
    assert memberships.filter(status="requested").count() == 1
    leaver = memberships.get(status="left")
    assert leaver.left_on is not None and leaver.joined_on < leaver.left_on
    assert all(m.person.domains.exists() for m in memberships)


def test_every_domain_has_a_lead(coalition):
    """Every domain of the coalition is led by an active domain lead."""
    led = set(coalition.framework.domains.filter(
        leads__status="active", leads__role="domain_lead").values_list("slug", flat=True))
    assert led == set(coalition.framework.domains.values_list("slug", flat=True))


def test_no_demo_user_has_a_password(coalition):
    """Demo users sign in by emailed code (ADR 0003): none has a usable password."""
    users = get_user_model().objects.filter(person__memberships__coalition=coalition)
    assert users.filter(username=COORDINATOR_EMAIL).exists()
    assert not any(user.has_usable_password() for user in users)
    assert all(user.username.endswith("@demo.invalid") for user in users)


def test_invented_things_say_they_are_demo_data(coalition):
    """Invented organisations and initiatives start their description with “Demo data:”."""
    entries = json.loads((DATA_DIR / "organisations.json").read_text())["organisations"]
    for entry in entries:
        description = Organisation.objects.get(slug=entry["slug"]).description
        if entry["origin"] == "seed":
            assert not description.startswith(DEMO_PREFIX), entry["slug"]
        else:
            assert description.startswith(DEMO_PREFIX), entry["slug"]
    for initiative in Initiative.objects.filter(coalition=coalition, source=DEMO_SOURCE):
        invented = not initiative.external_id.startswith("seed-")
        assert initiative.description.startswith(DEMO_PREFIX) is invented, initiative.title
    assert coalition.description.startswith(DEMO_PREFIX)


def test_rerun_changes_no_counts(coalition):
    """Loading the demo again leaves the same number of every kind of row."""
    before = _counts()
    demo_load()
    assert _counts() == before


def test_the_summary_counts_the_demo_peoples_memberships_on_every_run(coalition, demo):
    """The summary counts the memberships of people.json's people, so another member of the
    coalition (a rounds demo rater, say) does not change what a second run reports."""
    from smartplace.people.tests.factories import MembershipFactory

    assert demo.memberships == {"active": 23, "left": 1, "requested": 1}
    MembershipFactory(coalition=coalition)
    again = demo_load()
    assert again.memberships == demo.memberships
    assert "  people: 25 (memberships: 23 active, 1 left, 1 requested)" in again.lines()


def test_rerun_restores_demo_rows_and_keeps_others(coalition):
    """A re-run restores an edited demo initiative and keeps an initiative added by hand."""
    edited = Initiative.objects.get(coalition=coalition, external_id="demo-open-data-portal")
    slug = edited.slug
    edited.title, edited.status = "Renamed by hand", "stopped"
    edited.save()
    added = Initiative.objects.create(coalition=coalition, slug="added-by-hand",
                                      title="Added by hand")
    demo_load()
    edited.refresh_from_db()
    assert (edited.title, edited.status, edited.slug) == (
        "Sheffield open data portal", "active", slug)
    assert Initiative.objects.filter(pk=added.pk).exists()


def test_initiatives_are_recorded_in_early_2018(coalition):
    """Demo initiatives are dated as recorded in early 2018, three of them between the first
    fitness round and its follow-up; a re-run keeps the dates."""
    recorded = json.loads((DATA_DIR / "coalition.json").read_text())["initiatives_recorded"]
    later = set(recorded["later"])

    def dates():
        return dict(Initiative.objects.filter(coalition=coalition, source=DEMO_SOURCE)
                    .values_list("external_id", "created_at"))

    before = dates()
    assert {key for key, when in before.items() if when.year != 2018} == set()
    assert {key for key, when in before.items()
            if when > datetime.datetime(2018, 2, 16, tzinfo=datetime.UTC)} == later
    assert len(later) == 3
    demo_load()
    assert dates() == before


def test_coalition_home_page(coalition, client):
    """The coalition's home page is served, with the demo banner."""
    response = client.get("/coalitions/sheffield/")
    assert response.status_code == 200
    assert "Demo data" in response.content.decode()


def test_smart_questions_proposed_supported_agreed_and_declined(coalition, client):
    """Infrastructure has a question its lead agreed, one waiting with three supporters and
    one declined; the domain page shows the first two to visitors (a private proposer as "a
    member"), the declined one to members only; a re-run restores them."""
    questions = {q.status: q for q in SmartQuestion.objects.filter(
        domain__framework=coalition.framework, proposed_by__isnull=False)}
    assert set(questions) == {"agreed", "proposed", "declined"}
    assert {q.domain.slug for q in questions.values()} == {"infrastructure"}
    lead = Membership.objects.get(coalition=coalition, role="domain_lead",
                                  lead_domains__slug="infrastructure").person
    assert questions["agreed"].decided_by == lead == questions["declined"].decided_by
    assert questions["proposed"].supports.count() == 3
    assert questions["proposed"].created_at.year == 2018
    page = client.get("/coalitions/sheffield/domains/infrastructure/").content.decode()
    assert "3 supporters" in page and "a member" in page
    assert "ducts, lampposts and rooftops" in page and "full-fibre broadband" in page
    assert "mobile phone network" not in page
    client.force_login(lead.user)
    page = client.get("/coalitions/sheffield/domains/infrastructure/").content.decode()
    assert "mobile phone network" in page and "Agree or decline" in page
    questions["proposed"].supports.all().delete()
    SmartQuestion.objects.filter(pk=questions["declined"].pk).update(status="proposed")
    demo_load()
    assert questions["proposed"].supports.count() == 3
    questions["declined"].refresh_from_db()
    assert questions["declined"].status == "declined"


def test_the_audit_history_ends_where_each_initiative_is(coalition):
    """Every demo initiative has an "added" row in the audit history, and its latest row holds
    its partners, people, sub-domains and links as they are (people are linked after the
    import, and that is recorded too); a re-run that changes nothing records nothing."""
    from smartplace.initiatives.history import related_snapshots

    demo = Initiative.objects.filter(coalition=coalition, source=DEMO_SOURCE)
    now = related_snapshots(initiative_ids=demo.values_list("pk", flat=True))
    assert any(snapshot["people"] for snapshot in now.values())
    for initiative in demo:
        rows = list(Initiative.history.filter(id=initiative.pk))
        assert rows[-1].history_type == "+", initiative.title
        assert rows[0].related == now[initiative.pk], initiative.title
    before = Initiative.history.count()
    demo_load()
    assert Initiative.history.count() == before
