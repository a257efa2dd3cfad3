"""
The audit history of an initiative's partners, people, sub-domains and links: one historical
row per write, with who made it, and the audit page saying what was added and removed.
"""

import pytest
from django.urls import reverse

from smartplace.accounts.audit import audit_entries
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.history import related_snapshots
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.initiatives.tests.test_edit_views import form_data
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import CoordinatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambridge():
    """A coordinator and a member of one coalition, two organisations, two sub-domains."""
    coordinator = CoordinatorFactory(person__name="Lynda Snell")
    coalition = coordinator.coalition
    domain = DomainFactory(framework=coalition.framework, name="Economy")
    return {
        "coalition": coalition, "coordinator": coordinator,
        "member": MembershipFactory(coalition=coalition, person__name="Tom Archer"),
        "council": OrganisationFactory(name="Borsetshire Council"),
        "cafe": OrganisationFactory(name="Ambridge Café"),
        "start_ups": SubDomainFactory(domain=domain, name="Start-ups"),
        "skills": SubDomainFactory(domain=domain, name="Skills"),
    }


def edit_url(initiative):
    return reverse("coalitions:initiative_edit", kwargs={"slug": initiative.coalition.slug,
                                                         "initiative": initiative.slug})


def changes_of(entry) -> dict[str, tuple[str, str]]:
    return {c.field: (c.old, c.new) for c in entry.changes}


def test_adding_with_the_form_makes_one_row_with_everything_it_is_linked_to(client, ambridge):
    """The members' form adds an initiative with partners, people, a sub-domain and a link:
    one "+" row, by the member, whose relations the audit lists by name."""
    member = ambridge["member"]
    client.force_login(member.person.user)
    response = client.post(
        reverse("coalitions:initiative_create", kwargs={"slug": ambridge["coalition"].slug}),
        form_data(partners=[str(ambridge["council"].pk), str(ambridge["cafe"].pk)],
                  people=[str(member.person.pk)], subdomains=[str(ambridge["skills"].pk)],
                  links="https://ambridge.example/wifi Project page"))
    assert response.status_code == 302, response.content.decode()[:2000]
    initiative = Initiative.objects.get(title="Ambridge village wi-fi")
    rows = list(Initiative.history.filter(id=initiative.pk))
    assert [(r.history_type, r.history_user) for r in rows] == [("+", member.person.user)]
    assert rows[0].related == related_snapshots(initiative_ids=[initiative.pk])[initiative.pk]
    entry = next(e for e in audit_entries(coalition=ambridge["coalition"])
                 if e.kind == "initiative")
    assert entry.action == "created" and entry.who == "Tom Archer"
    changes = changes_of(entry)
    assert changes["partners"] == ("", "Ambridge Café; Borsetshire Council")
    assert changes["people"] == ("", "Tom Archer")
    assert changes["sub-domains"] == ("", "Skills")
    assert changes["links"] == ("", "Project page (https://ambridge.example/wifi)")


def test_changing_relations_with_the_form_shows_before_and_after(client, ambridge):
    """Swapping a partner and a sub-domain and dropping the link: one "~" row; the audit
    shows each relation's old and new members and leaves unchanged ones out."""
    initiative = InitiativeFactory(coalition=ambridge["coalition"], title="Village wi-fi",
                                   subdomains=[ambridge["start_ups"]])
    initiative.partners.set([ambridge["council"]])
    initiative.people.set([ambridge["member"].person])
    initiative.links.create(url="https://old.example", title="Old page")
    initiative.save()  # a plain save records the relations as they are
    before = Initiative.history.filter(id=initiative.pk).count()
    client.force_login(ambridge["member"].person.user)
    response = client.post(edit_url(initiative), form_data(
        title="Village wi-fi", partners=[str(ambridge["cafe"].pk)],
        people=[str(ambridge["member"].person.pk)], subdomains=[str(ambridge["skills"].pk)],
        links=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Initiative.history.filter(id=initiative.pk).count() == before + 1
    entry = audit_entries(coalition=ambridge["coalition"])[0]
    assert entry.action == "changed" and entry.who == "Tom Archer"
    changes = changes_of(entry)
    assert changes["partners"] == ("Borsetshire Council", "Ambridge Café")
    assert changes["sub-domains"] == ("Start-ups", "Skills")
    assert changes["links"] == ("Old page (https://old.example)", "—")
    assert "people" not in changes and "title" not in changes
    client.force_login(ambridge["coordinator"].person.user)
    html = client.get(reverse("accounts:audit", kwargs={
        "slug": ambridge["coalition"].slug})).content.decode()
    assert "<del>Borsetshire Council</del> → <ins>Ambridge Café</ins>" in html


def test_saving_the_same_relations_again_records_no_relation_change(client, ambridge):
    """Re-saving the form unchanged makes a row with no changes; links are not rewritten."""
    initiative = InitiativeFactory(coalition=ambridge["coalition"], title="Village wi-fi",
                                   description="Free wi-fi on the green.", status="planned",
                                   start_date=None, end_date=None, lead_organisation=None)
    link = initiative.links.create(url="https://ambridge.example", title="Home")
    initiative.save()
    client.force_login(ambridge["member"].person.user)
    client.post(edit_url(initiative), form_data(title="Village wi-fi",
                                                links="https://ambridge.example Home"))
    assert initiative.links.get().pk == link.pk
    latest = audit_entries(coalition=ambridge["coalition"])[0]
    assert latest.action == "changed" and latest.changes == []


def test_rows_from_before_relations_were_kept_are_not_compared(ambridge):
    """A historical row without relations (older than this feature) shows no relation change
    against a newer one: "unknown" is not "none"."""
    initiative = InitiativeFactory(coalition=ambridge["coalition"])
    initiative.partners.set([ambridge["council"]])
    Initiative.history.filter(id=initiative.pk).update(related={})
    initiative.title = "Renamed"
    initiative.save()
    changed = audit_entries(coalition=ambridge["coalition"])[0]
    assert [c.field for c in changed.changes] == ["title"]


def test_a_change_in_the_admin_is_one_row_by_the_admin_user(admin_client, ambridge):
    """The admin saves the initiative, then its relations and links: one row, by its user,
    with the relations after the save."""
    initiative = InitiativeFactory(coalition=ambridge["coalition"], title="Village wi-fi")
    change = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    form = {"coalition": str(ambridge["coalition"].pk), "title": "Village wi-fi",
            "slug": initiative.slug, "description": "", "status": "active",
            "visibility": "public", "partners": [str(ambridge["cafe"].pk)],
            "subdomains": [str(ambridge["start_ups"].pk)],
            "links-TOTAL_FORMS": "1", "links-INITIAL_FORMS": "0",
            "links-0-url": "https://ambridge.example/admin", "links-0-title": "",
            "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"}
    before = Initiative.history.filter(id=initiative.pk).count()
    response = admin_client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = Initiative.history.filter(id=initiative.pk)
    assert rows.count() == before + 1
    latest = rows.first()
    assert latest.history_user.is_superuser
    assert latest.related["partners"] == [ambridge["cafe"].pk]
    assert latest.related["links"] == [["https://ambridge.example/admin", ""]]


def test_deleting_an_organisation_records_the_initiatives_it_leaves(admin_client, ambridge):
    """Deleting an organisation (here in the admin) drops it from initiatives' partners and
    empties their lead organisation without saving them: each is recorded once, by the
    admin's user, and the deleted organisation shows as its number."""
    gone = OrganisationFactory(name="Gone Ltd")
    partnered = InitiativeFactory(coalition=ambridge["coalition"], lead_organisation=None)
    partnered.partners.set([gone, ambridge["cafe"]])
    partnered.save()
    led = InitiativeFactory(coalition=ambridge["coalition"], lead_organisation=gone)
    untouched = InitiativeFactory(coalition=ambridge["coalition"])
    before = {i.pk: Initiative.history.filter(id=i.pk).count()
              for i in (partnered, led, untouched)}
    gone_pk = gone.pk
    response = admin_client.post(reverse("admin:organisations_organisation_delete",
                                         args=[gone_pk]), {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    after = {pk: Initiative.history.filter(id=pk).count() for pk in before}
    assert after == {partnered.pk: before[partnered.pk] + 1, led.pk: before[led.pk] + 1,
                     untouched.pk: before[untouched.pk]}
    assert Initiative.history.filter(id=partnered.pk).first().history_user.is_superuser
    entries = {}  # the newest change of each initiative
    for entry in audit_entries(coalition=ambridge["coalition"]):
        if entry.action == "changed":
            entries.setdefault(entry.object, entry)
    assert changes_of(entries[partnered.title])["partners"] == (
        f"#{gone_pk}; Ambridge Café", "Ambridge Café")
    assert changes_of(entries[led.title])["lead organisation"] == (f"#{gone_pk}", "—")


def test_deleting_a_sub_domain_records_the_initiatives_in_it(ambridge):
    """A sub-domain deleted from the framework leaves the initiatives in it recorded without
    it; no one's name when no one is signed in (a command)."""
    initiative = InitiativeFactory(coalition=ambridge["coalition"],
                                   subdomains=[ambridge["skills"], ambridge["start_ups"]])
    initiative.save()
    ambridge["skills"].delete()
    latest = Initiative.history.filter(id=initiative.pk).first()
    assert latest.history_user is None
    assert latest.related["subdomains"] == [ambridge["start_ups"].pk]


def test_relation_changes_cost_a_fixed_number_of_queries(client, ambridge,
                                                         django_assert_max_num_queries):
    """Forty initiatives whose partners and people changed cost no more queries than one."""
    for number in range(40):
        initiative = InitiativeFactory(coalition=ambridge["coalition"])
        initiative.partners.set([ambridge["council"] if number % 2 else ambridge["cafe"]])
        initiative.people.set([ambridge["member"].person])
        initiative.save()
    client.force_login(ambridge["coordinator"].person.user)
    with django_assert_max_num_queries(30):
        html = client.get(reverse("accounts:audit", kwargs={
            "slug": ambridge["coalition"].slug})).content.decode()
    assert "Borsetshire Council" in html and "Tom Archer" in html


def test_a_person_who_erased_their_data_is_a_former_member_in_the_history(client, ambridge):
    """The history keeps people by number, so after erasure the audit names them as the
    site does ("A former member"), never by the name they had."""
    from smartplace.accounts.services import FORMER_MEMBER, person_erase

    member = ambridge["member"]
    initiative = InitiativeFactory(coalition=ambridge["coalition"])
    initiative.people.set([member.person])
    initiative.save()
    person_erase(user=member.person.user)
    entry = next(e for e in audit_entries(coalition=ambridge["coalition"])
                 if e.kind == "initiative" and e.action == "changed")
    assert changes_of(entry)["people"] == ("", FORMER_MEMBER)
    client.force_login(ambridge["coordinator"].person.user)
    html = client.get(reverse("accounts:audit", kwargs={
        "slug": ambridge["coalition"].slug})).content.decode()
    assert "Tom Archer" not in html
