"""
The overlap pages beside the computation: the method page the twins point to, the report's
pages of groups, and the pairs marked as not the same with their undo (members only).
"""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.tests.client import body_bytes
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights import views_overlaps
from smartplace.insights.models_overlaps import OverlapDismissal
from smartplace.insights.overlap_dismissal import DismissError, overlap_dismiss
from smartplace.insights.overlap_pages import (
    overlap_dismissal_list,
    overlap_group_pages,
    overlap_undismiss,
)
from smartplace.insights.overlaps import overlaps_recompute
from smartplace.insights.tests.test_overlaps import LED, ambridge  # noqa: F401 (fixture)
from smartplace.people.tests.factories import MembershipFactory, PersonFactory, UserFactory

REPORT = "/coalitions/ambridge/overlaps"


def _member(coalition, **person):
    return MembershipFactory(coalition=coalition, status="active",
                             person=PersonFactory(**person)).person.user


@pytest.fixture
def three_groups(db):
    """A coalition with three pairs of near-identical initiatives: three groups."""
    coalition = CoalitionFactory(slug="ambridge", name="Ambridge Digital Coalition")
    texts = {
        "LED street lighting": LED,
        "Food waste collections": "Weekly food waste collections in green caddies for every "
                                  "household, taken to the anaerobic digester.",
        "Real-time bus times": "Live bus departure boards at the busiest stops, fed by the "
                               "buses' own locations.",
    }
    for title, text in texts.items():
        InitiativeFactory(coalition=coalition, title=title, description=text)
        InitiativeFactory(coalition=coalition, title=f"{title} (phase two)",
                          description=text + " Phase two.")
    overlaps_recompute()
    return coalition


# --- The method page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_method_page_explains_the_method_with_its_threshold(client, ambridge):  # noqa: F811
    """The method page, in GOV.UK markup with a breadcrumb back to the overlaps, states the
    threshold, the method version and when the state was fitted."""
    response = client.get(reverse("insights:overlaps_method", kwargs={"slug": "ambridge"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "How overlaps are found" in page and 'class="govuk-breadcrumbs' in page
    assert 'href="/coalitions/ambridge/overlaps/"' in page
    assert "at least 32%" in page and "tfidf-hash-1" in page
    assert "over 5 initiatives on this site" in page
    assert "How overlaps are found" in client.get(f"{REPORT}/").content.decode()


@pytest.mark.django_db
def test_the_method_page_and_twins_follow_the_sites_method(client, ambridge, settings):  # noqa: F811
    """With the semantic method chosen, the method page explains it with its own threshold,
    and the twins give its version and threshold."""
    from smartplace.insights.overlaps import SEMANTIC

    settings.SMARTPLACE_SIMILARITY_METHOD = "semantic"
    page = client.get(reverse("insights:overlaps_method", kwargs={"slug": "ambridge"}))
    text = page.content.decode()
    assert "all-MiniLM-L6-v2" in text and f"at least {SEMANTIC.percent}%" in text
    assert "pieces of three to five letters" not in text and "Not yet" in text
    document = client.get(f"{REPORT}.json").json()
    assert (document["method"], document["threshold"]) == (SEMANTIC.version, SEMANTIC.threshold)


@pytest.mark.django_db
def test_the_twins_point_to_the_method_page_not_a_repository_path(client, ambridge):  # noqa: F811
    """The report's and an initiative's similar list's JSON twins name the method page of the
    site (an absolute address), with the threshold; the CSV names it in its Link header."""
    _a, _f, items = ambridge
    method = "http://testserver/coalitions/ambridge/overlaps/method/"
    for address in (f"{REPORT}.json",
                    items["led"].get_absolute_url().rstrip("/") + "/similar.json"):
        document = client.get(address).json()
        assert document["documentation"] == method, address
        assert document["threshold"] == 0.32
        assert "docs/methods" not in str(document)
    assert client.get(method).status_code == 200
    csv_response = client.get(f"{REPORT}.csv")
    assert f'<{method}>; rel="describedby"' in csv_response["Link"]
    assert 'rel="license"' in csv_response["Link"]


# --- Pages of groups ------------------------------------------------------------------------


def test_pages_hold_whole_groups_up_to_a_number_of_pairs():
    """Groups are never split: a page takes groups up to the budget of pairs, and a larger
    group has a page of its own."""
    groups = [SimpleNamespace(number=n, pairs=[None] * size)
              for n, size in enumerate([5, 3, 1, 1, 1, 0], start=1)]
    pages = overlap_group_pages(groups, pairs=4)
    assert [[g.number for g in page] for page in pages] == [[1], [2, 3], [4, 5, 6]]
    assert overlap_group_pages([], pairs=4) == []


@pytest.mark.django_db
def test_a_large_coalitions_report_is_paged_by_weight(client, monkeypatch, three_groups):
    """With a budget of one pair a page, each of the three groups is a page."""
    monkeypatch.setattr(views_overlaps, "PAIRS_PER_PAGE", 1)
    assert "Showing group 2." in client.get(f"{REPORT}/?page=2").content.decode()
    assert client.get(f"{REPORT}/?page=3").status_code == 200
    past_the_end = client.get(f"{REPORT}/?page=4")
    assert past_the_end.status_code == 302 and past_the_end["Location"] == f"{REPORT}/?page=3"
    assert client.get(f"{REPORT}.json?page=4").status_code == 404


@pytest.mark.django_db
def test_the_report_pages_its_groups(client, three_groups, monkeypatch):
    """Groups come a page at a time with GOV.UK pagination; a page past the end goes to the
    last one (as after marking its last pair "not the same"); a page that is not a number is
    not found."""
    monkeypatch.setattr(views_overlaps, "PAIRS_PER_PAGE", 2)
    first = client.get(f"{REPORT}/").content.decode()
    assert first.count("govuk-table__caption--m") == 2
    assert 'class="govuk-pagination' in first and 'href="?page=2"' in first
    assert "3 pairs in 3 groups." in first and "Showing groups 1 to 2." in first
    second = client.get(f"{REPORT}/?page=2").content.decode()
    assert second.count("govuk-table__caption--m") == 1 and "Group 3:" in second
    assert client.get(f"{REPORT}/?page=3")["Location"] == f"{REPORT}/?page=2"
    assert client.get(f"{REPORT}/?page=x").status_code == 404


@pytest.mark.django_db
def test_the_twins_give_every_pair_unless_a_page_is_asked_for(client, three_groups,
                                                              monkeypatch):
    """Without ?page= the twins give every pair; with ?page=N the pairs of that page."""
    monkeypatch.setattr(views_overlaps, "PAIRS_PER_PAGE", 2)
    assert client.get(f"{REPORT}.json").json()["count"] == 3
    paged = client.get(f"{REPORT}.json?page=2").json()
    assert [row["group"] for row in paged["rows"]] == [3] and paged["groups"] == 3
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(f"{REPORT}.csv?page=1"))
                                           .decode())))
    assert sorted({row["group"] for row in rows}) == ["1", "2"]
    assert client.get(f"{REPORT}.csv?page=9").status_code == 404


@pytest.mark.django_db
def test_a_small_report_has_no_pagination(client, ambridge):  # noqa: F811
    """One page of groups: no pagination, no "showing" line."""
    page = client.get(f"{REPORT}/").content.decode()
    assert "govuk-pagination" not in page and "Showing groups" not in page


# --- Not the same, and undo -----------------------------------------------------------------


@pytest.mark.django_db
def test_members_see_the_dismissed_pairs_and_others_never_do(client, ambridge):  # noqa: F811
    """The coalition's members see each pair marked as not the same, when and why, with an
    undo button; the public, a signed-in outsider and a member of the other coalition do not
    see the list."""
    ambridge_coalition, felpersham, items = ambridge
    member = _member(ambridge_coalition, name="Eddie Grundy", public_profile=False)
    overlap_dismiss(user=member, a=items["led"], b=items["led2"], note="Different phases")
    client.force_login(member)
    page = client.get(f"{REPORT}/").content.decode()
    listed = page.split('id="not-the-same"')[1]
    assert "Street lighting LED upgrade" in listed and "Different phases" in listed
    assert 'by <span dir="auto">Eddie Grundy</span>' in listed  # a name keeps its direction
    assert reverse("insights:overlap_undismiss", kwargs={"slug": "ambridge"}) in listed
    assert "csrfmiddlewaretoken" in listed
    for viewer in (None, UserFactory(), _member(felpersham)):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        page = client.get(f"{REPORT}/").content.decode()
        assert "Marked as not the same" not in page and "Different phases" not in page
        assert "Different phases" not in body_bytes(client.get(f"{REPORT}.json")).decode()


@pytest.mark.django_db
def test_another_coalitions_member_who_dismissed_is_named_only_with_consent(ambridge):  # noqa: F811
    """A pair marked by a member of the other coalition is listed without their name unless
    their profile is public."""
    ambridge_coalition, felpersham, items = ambridge
    hidden = _member(felpersham, name="Private Person", public_profile=False)
    overlap_dismiss(user=hidden, a=items["led"], b=items["led3"])
    viewer = _member(ambridge_coalition)
    [pair] = overlap_dismissal_list(coalition=ambridge_coalition, user=viewer)
    assert pair.by is None and pair.percent is not None
    hidden.person.public_profile = True
    hidden.person.save()
    [pair] = overlap_dismissal_list(coalition=ambridge_coalition, user=viewer)
    assert pair.by == "Private Person"


@pytest.mark.django_db
def test_undo_through_the_button_shows_the_pair_again(client, ambridge):  # noqa: F811
    """A member's POST from the undo button (no JavaScript) deletes the mark, returns to the
    page with a banner, and the pair is in the report again."""
    ambridge_coalition, _f, items = ambridge
    member = _member(ambridge_coalition)
    overlap_dismiss(user=member, a=items["led"], b=items["led2"])
    client.force_login(member)
    undo = reverse("insights:overlap_undismiss", kwargs={"slug": "ambridge"})
    assert client.get(undo).status_code == 405
    response = client.post(undo, {"a": items["led2"].pk, "b": items["led"].pk,
                                  "next": f"{REPORT}/"}, follow=True)
    assert response.redirect_chain == [(f"{REPORT}/", 302)]
    page = response.content.decode()
    assert "are no longer marked as not the same" in page
    assert "Marked as not the same" not in page
    assert not OverlapDismissal.objects.exists()
    assert client.get(f"{REPORT}.json").json()["count"] == 3
    # Undoing again is harmless; a bad id is 404.
    assert client.post(undo, {"a": items["led"].pk, "b": items["led2"].pk}).status_code == 302
    assert client.post(undo, {"a": "x", "b": items["led"].pk}).status_code == 404


@pytest.mark.django_db
def test_only_members_may_undo(client, ambridge):  # noqa: F811
    """The public is sent to sign in and an outsider is refused: the mark stays."""
    ambridge_coalition, _f, items = ambridge
    overlap_dismiss(user=_member(ambridge_coalition), a=items["led"], b=items["led2"])
    undo = reverse("insights:overlap_undismiss", kwargs={"slug": "ambridge"})
    response = client.post(undo, {"a": items["led"].pk, "b": items["led2"].pk})
    assert response.status_code == 302 and "sign-in" in response["Location"]
    outsider = UserFactory()
    client.force_login(outsider)
    client.post(undo, {"a": items["led"].pk, "b": items["led2"].pk})
    with pytest.raises(DismissError):
        overlap_undismiss(user=outsider, a=items["led"], b=items["led2"])
    assert OverlapDismissal.objects.count() == 1


@pytest.mark.django_db
def test_every_pair_is_shown_even_across_groups(client, three_groups):
    """Pairs between initiatives of different groups, or with one initiative in none, are each
    listed once, in the first of their groups, on the page and in the twins."""
    from smartplace.insights.models_overlaps import SimilarPair
    from smartplace.insights.overlap_reads import overlap_report
    from smartplace.insights.overlaps import overlap_method

    SimilarPair.objects.all().delete()
    hubs = [InitiativeFactory(coalition=three_groups, title=f"Borsetshire hub {n}")
            for n in range(9)]
    method = overlap_method().version
    # Two stars, centres 1 and 4; 2–3 joins them; 6 is like 5 only, which 4 has taken.
    links = [(0, 1), (1, 2), (1, 7), (3, 4), (4, 5), (4, 8), (2, 3), (5, 6)]
    for a, b in links:
        SimilarPair.objects.create(a=hubs[a], b=hubs[b], score=0.5, method=method)
    report = overlap_report(coalition=three_groups, user=None)
    assert [len(g.members) for g in report.groups] == [4, 4]
    in_groups = [(p.a.pk, p.b.pk) for g in report.groups for p in g.pairs]
    assert sorted(in_groups) == sorted((hubs[a].pk, hubs[b].pk) for a, b in links)
    page = client.get(REPORT + "/").content.decode()
    assert page.count("50%</td>") == len(links)
    body = b"".join(client.get(REPORT + ".csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(links) and all(row["group"] in ("1", "2") for row in rows)
