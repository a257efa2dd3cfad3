"""
API v1 fitness rounds: the list and one round read through the web's publication gate (the
same figures as the JSON twins, nothing individual, nothing provisional), your own ratings,
and submitting ratings with the web's permissions, all or nothing.
"""

from __future__ import annotations

import base64
import json

import pytest

from smartplace.api.services import api_token_create
from smartplace.api.tests.world_rounds import SECRET_REASON, SHARED_REASON
from smartplace.people.models import Membership
from smartplace.people.tests.factories import CoordinatorFactory, MembershipFactory, UserFactory
from smartplace.rounds.models import Rating, RatingHistory, Round
from smartplace.rounds.services import Answer, rating_submit, round_close, round_open
from smartplace.rounds.tests.factories import RoundFactory

ROUNDS = "/api/v1/coalitions/ambridge/rounds"


def put(client, round_slug, ratings, auth=None):
    return client.put(f"{ROUNDS}/{round_slug}/ratings", json.dumps({"ratings": ratings}),
                      content_type="application/json", **(auth or {}))


def token_for(user) -> dict:
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def twin(client, path: str) -> dict:
    return client.get(f"/coalitions/ambridge/rounds{path}.json").json()


def _jill_ratings(world, round_):
    return Rating.objects.filter(round=round_, person__user=world["member"])


# --- Reads ----------------------------------------------------------------------------------


def test_the_list_gives_each_round_newest_first_with_the_twins_facts(client, world,
                                                                     rounds_world):
    """Rounds come newest first with the same public facts as the web's rounds.json."""
    body = client.get(ROUNDS).json()
    assert [r["slug"] for r in body["items"]] == ["summer-2026", "spring-2026", "winter-2025"]
    assert body["next"] is None
    rows = {row["slug"]: row for row in twin(client, "")["rows"]}
    for item in body["items"]:
        row = rows[item["slug"]]
        for name in ("name", "state", "follow_up_of", "min_raters", "raters",
                     "published_items", "contested_items", "alpha_ordinal", "url"):
            assert item[name] == row[name], name
    closed = body["items"][2]
    assert (closed["state"], closed["raters"], closed["published_items"],
            closed["contested_items"]) == ("closed", 5, 1, 1)
    assert closed["domains"] == ["economy", "living"]
    spring, summer = body["items"][1], body["items"][0]
    assert (spring["state"], spring["raters"], spring["alpha_ordinal"]) == ("open", None, None)
    assert summer["state"] == "scheduled"


def test_an_open_round_gives_its_raters_only_from_the_minimum(client, world, rounds_world):
    """One or two raters of an open round are not counted in public; three are."""
    spring, startups = rounds_world["open"], world["subdomain"]
    assert client.get(f"{ROUNDS}/spring-2026").json()["raters"] is None
    rating_submit(round_=spring, person=rounds_world["raters"][0],
                  answers=[Answer(startups.pk, 1, "low")])
    assert client.get(f"{ROUNDS}/spring-2026").json()["raters"] is None
    rating_submit(round_=spring, person=rounds_world["raters"][2],
                  answers=[Answer(startups.pk, 3, "low")])
    assert client.get(f"{ROUNDS}/spring-2026").json()["raters"] == 3
    assert client.get(ROUNDS).json()["items"][1]["raters"] == 3


def test_the_list_pages_with_a_cursor(client, world, rounds_world):
    """`limit=1` walks the three rounds one page each, newest first, without repeats."""
    seen, url = [], f"{ROUNDS}?limit=1"
    while url:
        body = client.get(url).json()
        assert len(body["items"]) == 1
        seen.append(body["items"][0]["slug"])
        url = body["next"]
    assert seen == ["summer-2026", "spring-2026", "winter-2025"]


@pytest.mark.parametrize("query, field, code", [
    ("cursor=not-a-cursor", "cursor", "invalid_cursor"),
    ("cursor=" + base64.urlsafe_b64encode(b'{"after": ["not a time", 1]}').decode(), "cursor",
     "invalid_cursor"),
    ("cursor=" + base64.urlsafe_b64encode(b'{"after": ["x", "y"]}').decode(), "cursor",
     "invalid_cursor"),
    ("limit=0", "limit", None),
    ("limit=501", "limit", None),
    ("limit=many", "limit", None),
    ("state=open", "state", "unknown_parameter"),
])
def test_bad_list_queries_are_400_naming_the_parameter(client, world, rounds_world, query,
                                                       field, code):
    """Malformed cursors, limits out of range and unknown filters are 400s, never 5xx."""
    response = client.get(f"{ROUNDS}?{query}")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    if code:
        assert errors[0]["code"] == code


@pytest.mark.parametrize("path, auth", [("/winter-2025", False), ("/winter-2025/ratings/mine",
                                                                  True)])
def test_the_other_reads_refuse_unknown_parameters(client, world, rounds_world, path, auth):
    """One round and your ratings take no query parameters."""
    response = client.get(f"{ROUNDS}{path}?verbose=1", **(world["member_auth"] if auth else {}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_parameter"


def test_a_closed_round_publishes_the_same_figures_as_the_web_twin(client, world,
                                                                    rounds_world):
    """Every figure of the API's results is the JSON twin's, from the stored result."""
    results = client.get(f"{ROUNDS}/winter-2025").json()["results"]
    document = twin(client, "/winter-2025")
    assert results["summary"] == document["round"]
    assert results["domains"] == document["domains"]
    assert results["method"] == document["method"]
    assert results["perception_thresholds"] == document["perception"]["thresholds"]
    assert len(results["subdomains"]) == len(document["items"]) == 2
    for item, entry in zip(results["subdomains"], document["items"], strict=True):
        assert item["subdomain"] == entry["item"]
        for name in ("name", "domain", "published", "note", "statistics", "contested",
                     "sectors", "active_initiatives", "perception_flag"):
            assert item[name] == entry[name], name
        assert item["public_reasons"] == document["public_reasons"].get(entry["item"], [])
    startups = results["subdomains"][0]
    assert startups["statistics"]["distribution"] == {"1": 1, "2": 1, "3": 1, "4": 2}
    assert (startups["statistics"]["median"], startups["contested"]) == (3, True)
    assert results["summary"]["alpha"]["value"] == pytest.approx(-0.0916442, abs=1e-6)


def test_unpublished_sub_domains_and_sectors_have_no_figures(client, world, rounds_world):
    """Housing (two raters) and every sector of start-ups (one below the minimum, the other
    hidden with it) are published without figures, as on the web."""
    subdomains = client.get(f"{ROUNDS}/winter-2025").json()["results"]["subdomains"]
    startups, housing = subdomains
    assert housing["published"] is False
    assert (housing["statistics"], housing["contested"], housing["sectors"]) == (None, None,
                                                                                  [])
    assert "Fewer than 3 raters" in housing["note"]
    assert [s["label"] for s in startups["sectors"]] == ["Business", "Public sector"]
    assert all(s["statistics"] is None and not s["published"] for s in startups["sectors"])


def test_rounds_not_closed_have_no_results_even_for_their_coordinator(client, world,
                                                                      rounds_world):
    """Open and scheduled rounds answer `results: null`, with a coordinator's token too, even
    when the open round has enough raters for provisional figures."""
    spring, startups = rounds_world["open"], world["subdomain"]
    for person in rounds_world["raters"][2:]:
        rating_submit(round_=spring, person=person, answers=[Answer(startups.pk, 4, "high")])
    coordinator = CoordinatorFactory(coalition=world["coalition"]).person.user
    for slug in ("spring-2026", "summer-2026"):
        for auth in ({}, token_for(coordinator)):
            body = client.get(f"{ROUNDS}/{slug}", **auth).json()
            assert body["results"] is None
            assert body["published_items"] is None and body["alpha_ordinal"] is None


def test_no_individual_rating_or_unshared_reason_is_read(client, world, rounds_world):
    """No public read gives an unshared reason, an evidence link, a rater's name (but the
    public one of a shared reason) or any list of ratings."""
    texts = []
    for auth in ({}, world["outsider_auth"], world["member_auth"]):
        texts.append(client.get(ROUNDS, **auth).content.decode())
        for slug in ("winter-2025", "spring-2026", "summer-2026"):
            texts.append(client.get(f"{ROUNDS}/{slug}", **auth).content.decode())
    names = [p.name for p in (r for r in rounds_world["raters"]) if not p.public_profile]
    for text in texts:
        assert SECRET_REASON not in text
        assert "ambridge.example/report" not in text
        assert "Jill Archer" not in text
        assert not [name for name in names if name in text]
        assert '"ratings"' not in text and '"level"' not in text
    assert SHARED_REASON in texts[1] and "Eddie Grundy" in texts[1]


def test_missing_coalitions_and_rounds_are_404(client, world, rounds_world):
    """An unknown coalition or round, or another coalition's round, is not found."""
    other = RoundFactory(slug="borchester-round")
    assert other.coalition.slug != "ambridge"
    for path in ("/api/v1/coalitions/nowhere/rounds", f"{ROUNDS}/no-such-round",
                 f"{ROUNDS}/borchester-round", f"{ROUNDS}/borchester-round/ratings/mine"):
        response = client.get(path, **world["member_auth"])
        assert response.status_code == 404, path
        assert response.json()["status"] == 404
    assert put(client, "borchester-round", [{"subdomain": "economy/start-ups", "level": None}],
               world["member_auth"]).status_code == 404


def test_a_follow_up_round_reports_the_change_in_consensus(client, world, rounds_world):
    """A closed Delphi round gives the same consensus change as its JSON twin."""
    follow_up = round_open(coalition=world["coalition"], name="Winter 2025 follow-up",
                           opens_at=rounds_world["open"].opens_at,
                           closes_at=rounds_world["open"].closes_at,
                           follow_up_of=rounds_world["closed"])
    for person in rounds_world["raters"][:3]:
        rating_submit(round_=follow_up, person=person,
                      answers=[Answer(world["subdomain"].pk, 3, "high")])
    round_close(round_=follow_up)
    body = client.get(f"{ROUNDS}/{follow_up.slug}").json()
    change = body["results"]["consensus_change"]
    document = twin(client, f"/{follow_up.slug}")["consensus_change"]
    assert body["follow_up_of"] == change["follow_up_of"] == "winter-2025"
    assert change["summary"] == document["summary"]
    assert change["summary"]["rose"] == 1
    renamed = [{("item" if k == "subdomain" else k): v for k, v in i.items()}
               for i in change["items"]]
    assert renamed == document["items"]


def test_the_list_runs_a_constant_number_of_queries(client, world, rounds_world,
                                                    django_assert_max_num_queries):
    """More closed rounds do not mean more queries."""
    for number in range(4):
        round_ = RoundFactory(coalition=world["coalition"])
        rating_submit(round_=round_, person=rounds_world["raters"][0],
                      answers=[Answer(world["subdomain"].pk, number % 4 + 1, "low")])
        round_close(round_=round_)
    client.get(ROUNDS)
    with django_assert_max_num_queries(4):
        assert len(client.get(ROUNDS).json()["items"]) == 7


# --- Your ratings ---------------------------------------------------------------------------


def test_your_ratings_need_a_token_and_are_only_yours(client, world, rounds_world):
    """With a token you read your own ratings (your unshared reason included); without one,
    401; an outsider has none and may rate nothing."""
    mine = f"{ROUNDS}/winter-2025/ratings/mine"
    response = client.get(mine)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = client.get(mine, **world["member_auth"]).json()
    assert body["ratings"] == [{
        "subdomain": "economy/start-ups", "level": 3, "level_name": "Strengthening",
        "confidence": "high", "reason": SECRET_REASON,
        "evidence_links": ["https://ambridge.example/report"], "share_reason_publicly": False,
        "updated_at": body["ratings"][0]["updated_at"]}]
    assert (body["state"], body["can_rate"], body["rateable"]) == ("closed", False,
                                                                   ["economy/start-ups"])
    spring = client.get(f"{ROUNDS}/spring-2026/ratings/mine", **world["member_auth"]).json()
    assert (spring["ratings"], spring["can_rate"]) == ([], True)
    outsider = client.get(f"{ROUNDS}/spring-2026/ratings/mine",
                          **world["outsider_auth"]).json()
    assert (outsider["ratings"], outsider["can_rate"], outsider["rateable"]) == ([], False, [])


# --- Writing ratings ------------------------------------------------------------------------


def test_a_member_rates_then_changes_and_the_history_is_kept(client, world, rounds_world):
    """A first PUT creates the rating, a different one changes it, the same one changes
    nothing; the history holds each value submitted."""
    spring = rounds_world["open"]
    first = {"subdomain": "economy/start-ups", "level": 2, "confidence": "medium"}
    response = put(client, "spring-2026", [first], world["member_auth"])
    assert response.status_code == 200, response.content
    assert response.json()["ratings"][0]["level"] == 2
    changed = {**first, "level": 4, "confidence": "high", "reason": "  New co-working space  ",
               "evidence_links": ["https://ambridge.example/cowork"],
               "share_reason_publicly": True}
    assert put(client, "spring-2026", [changed], world["member_auth"]).status_code == 200
    assert put(client, "spring-2026", [changed], world["member_auth"]).status_code == 200
    rating = _jill_ratings(world, spring).get()
    assert (rating.level, rating.confidence, rating.reason, rating.share_reason_publicly) == (
        4, "high", "New co-working space", True)
    assert rating.sector == "business"
    history = list(RatingHistory.objects.filter(rating=rating).values_list("change", "level"))
    assert history == [("created", 2), ("changed", 4)]
    mine = client.get(f"{ROUNDS}/spring-2026/ratings/mine", **world["member_auth"]).json()
    assert mine["ratings"][0]["evidence_links"] == ["https://ambridge.example/cowork"]


def test_dont_know_is_a_null_level_without_confidence(client, world, rounds_world):
    """`"level": null` records "I don't know"; a reason left unshared stays unshared."""
    response = put(client, "spring-2026", [{"subdomain": "economy/start-ups", "level": None,
                                            "reason": "New here"}], world["member_auth"])
    assert response.status_code == 200, response.content
    rating = _jill_ratings(world, rounds_world["open"]).get()
    assert (rating.level, rating.confidence, rating.share_reason_publicly) == (None, "", False)
    assert response.json()["ratings"][0]["confidence"] is None


def test_writes_need_a_token(client, world, rounds_world):
    """Without a token (or with a revoked one) a PUT is a 401 and saves nothing."""
    before = Rating.objects.count()
    body = [{"subdomain": "economy/start-ups", "level": 2, "confidence": "low"}]
    assert put(client, "spring-2026", body).status_code == 401
    assert put(client, "spring-2026", body,
               {"HTTP_AUTHORIZATION": "Bearer sp_not-a-token"}).status_code == 401
    assert Rating.objects.count() == before


@pytest.mark.parametrize("who", ["outsider", "requested", "left", "coordinator", "superuser"])
def test_people_who_may_not_rate_get_403(client, world, rounds_world, who):
    """Outsiders, applicants, former members, coordinators who know none of the round's
    domains and superusers without a membership may not rate; nothing is saved."""
    coalition = world["coalition"]
    if who == "outsider":
        user = world["outsider"]
    elif who == "superuser":
        user = UserFactory(is_superuser=True)
    else:
        status = {"requested": Membership.Status.REQUESTED, "left": Membership.Status.LEFT}
        factory = CoordinatorFactory if who == "coordinator" else MembershipFactory
        user = factory(coalition=coalition, status=status.get(who, Membership.Status.ACTIVE),
                       person__domains=[world["domain"]] if who != "coordinator" else []
                       ).person.user
    before = Rating.objects.count()
    response = put(client, "spring-2026", [{"subdomain": "economy/start-ups", "level": 2,
                                            "confidence": "low"}], token_for(user))
    assert response.status_code == 403, response.content
    field = "ratings.0.subdomain" if who == "superuser" else None  # passes has_perm only
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        (field, "not_eligible")]
    assert Rating.objects.count() == before


def test_a_domain_you_do_not_know_is_403_and_nothing_is_saved(client, world, rounds_world):
    """Jill knows economy only: rating housing as well refuses the whole request."""
    response = put(client, "spring-2026", [
        {"subdomain": "economy/start-ups", "level": 2, "confidence": "low"},
        {"subdomain": "living/housing", "level": 3, "confidence": "low"},
    ], world["member_auth"])
    assert response.status_code == 403
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("ratings.1.subdomain", "not_eligible")]
    assert not _jill_ratings(world, rounds_world["open"]).exists()


def test_a_round_open_to_all_members_takes_every_domain(client, world, rounds_world):
    """In a round open to all active members, Jill may rate housing too."""
    Round.objects.filter(pk=rounds_world["open"].pk).update(
        eligibility=Round.Eligibility.ALL_MEMBERS)
    response = put(client, "spring-2026", [
        {"subdomain": "economy/start-ups", "level": 2, "confidence": "low"},
        {"subdomain": "living/housing", "level": 3, "confidence": "low"},
    ], world["member_auth"])
    assert response.status_code == 200, response.content
    assert _jill_ratings(world, rounds_world["open"]).count() == 2


@pytest.mark.parametrize("slug, code", [("winter-2025", "round_closed"),
                                        ("summer-2026", "round_not_open_yet")])
def test_closed_and_not_yet_open_rounds_refuse_with_409(client, world, rounds_world, slug,
                                                        code):
    """A closed round, or one not open yet, is a 409 with its code; nothing changes."""
    before = list(Rating.objects.values_list("pk", "level", "updated_at"))
    response = put(client, slug, [{"subdomain": "economy/start-ups", "level": 1,
                                   "confidence": "low"}], world["member_auth"])
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == code
    assert list(Rating.objects.values_list("pk", "level", "updated_at")) == before


def test_a_round_closing_during_the_write_saves_nothing(client, world, rounds_world,
                                                        monkeypatch):
    """If the round closes between the checks and the save, the service's lock refuses it:
    409, and no rating."""
    from django.utils import timezone

    from smartplace.api.endpoints import rounds as endpoint

    stale = Round.objects.get(pk=rounds_world["open"].pk)
    Round.objects.filter(pk=stale.pk).update(closed_at=timezone.now())
    monkeypatch.setattr(endpoint, "round_or_404", lambda coalition, slug: stale)
    response = put(client, "spring-2026", [{"subdomain": "economy/start-ups", "level": 2,
                                            "confidence": "low"}], world["member_auth"])
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "round_closed"
    assert not _jill_ratings(world, stale).exists()


GOOD = {"subdomain": "economy/start-ups", "level": 2, "confidence": "medium"}


@pytest.mark.parametrize("ratings, field, code", [
    ([GOOD, {"subdomain": "economy/nothing", "level": 1, "confidence": "low"}],
     "ratings.1.subdomain", "unknown"),
    ([GOOD, {**GOOD, "level": 5}], "ratings.1.level", "out_of_scale"),
    ([{**GOOD, "level": 0}], "ratings.0.level", None),
    ([{**GOOD, "level": "2"}], "ratings.0.level", None),
    ([{**GOOD, "level": True}], "ratings.0.level", None),
    ([{"subdomain": "economy/start-ups", "confidence": "low"}], "ratings.0.level", None),
    ([GOOD, GOOD], "ratings.1.subdomain", "duplicate"),
    ([{**GOOD, "reason": "x" * 2001}], "ratings.0.reason", None),
    ([{**GOOD, "reason": "nul \x00 here"}], "ratings.0.reason", "nul"),
    ([{**GOOD, "subdomain": "economy/start-ups\x00"}], "ratings.0.subdomain", "nul"),
    ([{**GOOD, "confidence": None}], "ratings.0.confidence", "required"),
    ([{**GOOD, "confidence": "certain"}], "ratings.0.confidence", None),
    ([{**GOOD, "evidence_links": ["not a web address"]}], "ratings.0.evidence_links.0",
     "invalid_url"),
    ([{**GOOD, "evidence_links": ["https://a.example/x", "https://a.example/x"]}],
     "ratings.0.evidence_links.1", "duplicate"),
    ([{**GOOD, "evidence_links": ["https://a.example/" + "x" * 500]}],
     "ratings.0.evidence_links.0", None),
    ([{**GOOD, "share_reason_publicly": "yes"}], "ratings.0.share_reason_publicly", None),
    ([], "ratings", None),
])
def test_each_validation_error_names_its_field_and_saves_nothing(client, world, rounds_world,
                                                                 ratings, field, code):
    """A body that breaks a rule is a 422 naming the field by its path; nothing is saved,
    not even the valid ratings beside it."""
    history = RatingHistory.objects.count()
    response = put(client, "spring-2026", ratings, world["member_auth"])
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    if code:
        assert code in [e["code"] for e in errors if e["field"] == field]
    assert not _jill_ratings(world, rounds_world["open"]).exists()
    assert RatingHistory.objects.count() == history


def test_a_body_that_is_not_json_is_refused(client, world, rounds_world):
    """Malformed JSON or a body without `ratings` is a 4xx, never a 5xx."""
    url = f"{ROUNDS}/spring-2026/ratings"
    for body in ("{not json", json.dumps({"rating": []}), json.dumps([GOOD])):
        response = client.put(url, body, content_type="application/json",
                              **world["member_auth"])
        assert 400 <= response.status_code < 500, body
        assert response.json()["errors"]
    assert not _jill_ratings(world, rounds_world["open"]).exists()
