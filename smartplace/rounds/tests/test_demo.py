"""The demo rounds: about thirty raters across sectors, two closed rounds and one open."""

import re

import pytest
from django.db import transaction

from smartplace.coalitions.models import Coalition
from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.demo.services import demo_load
from smartplace.rounds.demo import RoundsDemoError, rounds_load_demo
from smartplace.rounds.models import Rating, RatingHistory, Round
from smartplace.rounds.selectors import round_follow_up_change


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo coalition with its rounds, loaded once and rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        coalition = demo_load().coalition
        yield coalition, rounds_load_demo(coalition=coalition)
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    coalition, summary = loaded
    return Coalition.objects.get(pk=coalition.pk), summary


def test_two_closed_rounds_and_one_open(demo):
    """The demo coalition has a closed round, its closed follow-up (both with a stored result)
    and an open follow-up of the second."""
    coalition, summary = demo
    rounds = {r.slug: r for r in Round.objects.filter(coalition=coalition)}
    assert len(rounds) == 3
    closed, second, opened = (rounds["winter-2018"], rounds["winter-2018-second-round"],
                              rounds["winter-2018-follow-up"])
    assert closed.is_closed() and closed.result is not None
    assert second.is_closed() and second.result is not None
    assert second.follow_up_of_id == closed.pk and closed.closes_at < second.opens_at
    assert opened.is_open() and opened.follow_up_of_id == second.pk
    assert 6 == Rating.objects.filter(round=opened).values("person").distinct().count()
    assert (summary.closed_round, summary.second_round, summary.open_round) == (
        closed, second, opened)


def test_the_second_round_moves_towards_consensus(demo, client):
    """In the closed follow-up, the first round's raters rate again: consensus rises in most
    sub-domains, three medians move (as rounds.json's shifts say), and the round's page shows
    the change in consensus."""
    coalition, summary = demo
    second = Round.objects.get(coalition=coalition, slug="winter-2018-second-round")
    changes, change_summary = round_follow_up_change(round_=second,
                                                     document=second.result["document"])
    assert change_summary["rose"] > 2 * change_summary["fell"]
    assert change_summary["mean_after"] > change_summary["mean_before"]
    moved = {c.item: (c.median_before, c.median_after) for c in changes
             if c.median_before != c.median_after}
    assert moved == {"infrastructure/full-fibre-broadband": (2, 3),
                     "mobility/shared-and-electric-vehicles": (1, 2),
                     "people/digital-inclusion": (3, 2)}
    assert summary.raters_second == second.result["document"]["round"]["raters"]
    assert Rating.objects.filter(round=second, share_reason_publicly=True).exclude(
        reason="").exists()
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Change in consensus since “Winter 2018 fitness round”" in page


def test_the_demo_shows_what_changed_since_the_last_round(demo, client):
    """The story compares the two closed rounds (the medians that moved and the initiatives
    recorded in between), the trends page has both rounds and the home page's wheel is the
    latest closed round's."""
    coalition, _summary = demo
    story = client.get(f"/coalitions/{coalition.slug}/story/").content.decode()
    # Round names keep their own direction (<span dir="auto">); the sentence is read as text.
    text = re.sub(r'<span dir="auto">([^<]*)</span>', r"\1", story)
    assert ("Comparing “Winter 2018 second (Delphi) round” with “Winter 2018 fitness round”"
            in text)
    assert "Sub-domains whose median level changed" in story
    assert "Full-fibre broadband" in story.split('id="changes"')[1].split('id="gaps"')[0]
    added = text.split("Initiatives added since “Winter 2018 fitness round” closed")[1]
    added = added.split("</ul>")[0]
    assert added.count("<li>") == 3 and "Open journey planning data" in added
    trends = client.get(f"/coalitions/{coalition.slug}/rounds/trends.json").json()
    assert list(dict.fromkeys(row["round"] for row in trends["rows"])) == [
        "winter-2018", "winter-2018-second-round"]
    home = client.get(f"/coalitions/{coalition.slug}/").content.decode()
    assert "Domain wheel: Winter 2018 second (Delphi) round" in home


def test_about_thirty_raters_across_every_sector(demo):
    """25 to 35 people rated the closed round, from at least four sectors."""
    coalition, summary = demo
    document = Round.objects.get(coalition=coalition, slug="winter-2018").result["document"]
    assert 25 <= document["round"]["raters"] <= 35
    assert len(document["round"]["sectors"]) >= 4
    assert summary.raters_closed == document["round"]["raters"]


def test_the_ratings_are_varied_and_sometimes_contested(demo):
    """Some sub-domains are contested, some not published, medians span the scale, and
    there are “don't know” answers and shared reasons."""
    coalition, _summary = demo
    closed = Round.objects.get(coalition=coalition, slug="winter-2018")
    document = closed.result["document"]
    items = document["items"]
    assert 3 <= sum(1 for i in items if i["contested"]) <= len(items) // 2
    assert any(not i["published"] for i in items)
    medians = {i["statistics"]["median"] for i in items if i["published"]}
    assert medians == {1, 2, 3, 4}
    assert document["round"]["dont_know"] > 0
    assert Rating.objects.filter(round=closed, share_reason_publicly=True).exists()
    assert Rating.objects.filter(round=closed, share_reason_publicly=False).exclude(
        reason="").exists()
    assert RatingHistory.objects.filter(rating__round=closed, change="changed").exists()


def test_the_wheel_renders_for_the_demo(client, demo):
    """The demo's wheel is on the round page and as SVG, described domain by domain."""
    coalition, _summary = demo
    svg = client.get(f"/coalitions/{coalition.slug}/wheel.svg").content.decode()
    for domain in coalition.framework.domains.all():
        assert f"{domain.name}: median" in svg or f"{domain.name}: no published" in svg
    page = client.get(f"/coalitions/{coalition.slug}/rounds/winter-2018/").content.decode()
    assert "The wheel’s figures by domain" in page


def test_the_demo_story_pdf_keeps_each_heading_with_what_follows(client, demo, monkeypatch):
    """In the demo's story PDF, "How fit is each domain?" is on the same page as the wheel,
    and no section heading is left at the foot of a page without its first lines."""
    import weasyprint

    made = []
    real = weasyprint.HTML

    def recording(*args, **kwargs):
        made.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    coalition, _summary = demo
    assert client.get(f"/coalitions/{coalition.slug}/story.pdf").status_code == 200
    document = real(string=made[-1], base_url="http://testserver/").render()
    pages: dict[str, set[int]] = {}
    last_on_page = []
    for number, page in enumerate(document.pages, start=1):
        blocks = []
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or box.element_tag in ("html", "body", "main"):
                continue
            key = element.get("id") or element.get("class") or box.element_tag
            pages.setdefault(key, set()).add(number)
            if box.element_tag in ("h2", "h3", "p", "table", "figure", "ul", "dl", "div"):
                blocks.append(box.element_tag)
        last_on_page.append(blocks[-1] if blocks else None)
    assert pages["wheel"] == pages["sp-print-figure"], pages["wheel"]
    assert "h2" not in last_on_page and "h3" not in last_on_page


def test_loading_again_gives_the_same_rounds(demo):
    """A second load replaces the three demo rounds with identical figures and ratings."""
    coalition, _summary = demo

    def state():
        rounds = Round.objects.filter(coalition=coalition).order_by("slug")
        return ([(r.slug, r.follow_up_of.slug if r.follow_up_of else None,
                  r.result["document"] if r.result else None) for r in rounds],
                sorted(Rating.objects.filter(round__coalition=coalition).values_list(
                    "round__slug", "person__name", "subdomain__slug", "level", "reason")))

    before = state()
    people = Rating.objects.values("person").distinct().count()
    rounds_load_demo(coalition=coalition)
    assert Round.objects.filter(coalition=coalition).count() == 3
    assert state() == before
    assert Rating.objects.values("person").distinct().count() == people


@pytest.mark.django_db
def test_only_demo_coalitions_get_demo_rounds():
    """A real coalition is refused."""
    with pytest.raises(RoundsDemoError, match="not demo data"):
        rounds_load_demo(coalition=CoalitionFactory(is_demo=False))
