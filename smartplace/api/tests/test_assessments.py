"""
API v1 for instruments, assessment cycles and answers: visibility by publication policy,
figures equal to the public pages' JSON twins, answers written with the web's permissions,
validation, history and atomicity, pagination and errors.
"""

from __future__ import annotations

import json

import pytest

from smartplace.api.services import api_token_create
from smartplace.api.tests.world_assessments import ANSWERS_2026, PEERS
from smartplace.assessments import services
from smartplace.assessments.models import Answer, AnswerHistory, Cycle, Participant, Stage
from smartplace.assessments.tests.helpers import published_cycle
from smartplace.core.tests.client import body_bytes
from smartplace.people.tests.factories import UserFactory

API = "/api/v1"
NAMED = "borsetshire-digital-2026"
ORGANISATIONS = ["ambridge", "borchester", "churchford", "darrington", "edgeley"]
READS = ["", "/scores", "/scores/ambridge", "/league", "/index"]
ANSWERS = f"{API}/cycles/borsetshire-digital-2027/participants/ambridge/answers"


def twin(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, path
    return json.loads(body_bytes(response))


def put(client, answers, auth=None, url=ANSWERS):
    return client.put(url, json.dumps({"answers": answers}), content_type="application/json",
                      **(auth or {}))


def token_for(user) -> dict:
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def errors(response) -> dict[str, str]:
    return {e["field"]: e["code"] for e in response.json()["errors"]}


# --- visibility -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["private", "unpublished"])
def test_private_and_unpublished_cycles_do_not_exist(client, world, assessments_world, state):
    """A private or unpublished cycle is 404 at every read and absent from the list, with any
    token."""
    published_cycle(answers=ANSWERS_2026, peer=PEERS, slug="hidden", name="Hidden",
                    policy=Cycle.Policy.PRIVATE if state == "private" else Cycle.Policy.NAMED,
                    publish=state == "private")
    for auth in ({}, world["member_auth"]):
        listed = [c["slug"] for c in client.get(f"{API}/cycles", **auth).json()["items"]]
        assert "hidden" not in listed and NAMED in listed
        for suffix in READS:
            response = client.get(f"{API}/cycles/hidden{suffix}", **auth)
            assert response.status_code == 404, suffix
            assert "Ambridge" not in response.content.decode()


def test_anonymised_cycle_names_no_organisation_anywhere(client, world, assessments_world):
    """An anonymised cycle gives its cohort statistics only: no organisation's name, slug or
    figure in any response, and its per-organisation endpoints are 404."""
    published_cycle(answers=ANSWERS_2026, peer=PEERS, slug="cohort-2026", name="Cohort 2026",
                    policy=Cycle.Policy.ANONYMISED, instrument=assessments_world["instrument"])
    bodies = [client.get(f"{API}/cycles").content.decode()]
    detail = client.get(f"{API}/cycles/cohort-2026")
    assert detail.status_code == 200
    assert detail.json()["policy"] == "anonymised"
    bodies.append(detail.content.decode())
    for suffix in READS[1:] + ["/scores?group=metropolitan-district"]:
        response = client.get(f"{API}/cycles/cohort-2026{suffix}")
        assert response.status_code == 404, suffix
        bodies.append(response.content.decode())
    for body in bodies:
        for slug in ORGANISATIONS:
            assert slug not in body and slug.title() not in body


def test_anonymised_cohort_statistics_equal_the_pages(client, world, assessments_world):
    """The cycle's cohort statistics are those of its anonymised page's JSON twin."""
    published_cycle(answers=ANSWERS_2026, peer=PEERS, slug="cohort-2026", name="Cohort 2026",
                    policy=Cycle.Policy.ANONYMISED, instrument=assessments_world["instrument"])
    rows = twin(client, "/assessments/cohort-2026.json")["rows"]
    cohorts = client.get(f"{API}/cycles/cohort-2026").json()["cohorts"]
    assert [{"cohort": c["label"], "organisations": c["organisations"],
             "suppressed": c["suppressed"],
             **{k: c[k] for k in ("minimum", "lower_quartile", "median", "upper_quartile",
                                  "maximum")}} for c in cohorts] == rows
    assert cohorts[0]["organisations"] == 5 and not cohorts[0]["suppressed"]
    assert sum(band["organisations"] for band in cohorts[0]["bands"]) == 5


def test_previous_cycle_is_named_only_when_public(client, world, assessments_world):
    """`previous` names the earlier cycle only while it is public."""
    assert client.get(f"{API}/cycles/{NAMED}").json()["previous"] == "borsetshire-digital-2025"
    Cycle.objects.filter(slug="borsetshire-digital-2025").update(policy=Cycle.Policy.PRIVATE)
    body = client.get(f"{API}/cycles/{NAMED}").json()
    assert body["previous"] is None
    assert all(item["change"] is None
               for item in client.get(f"{API}/cycles/{NAMED}/scores").json()["items"])


# --- the same figures as the pages ------------------------------------------------------------


def _level(value) -> str:
    return value["name"] if value else ""


def test_league_equals_the_results_twin(client, world, assessments_world):
    """League rows (tie-aware ranks, sizes, percentiles, levels, change) are the twin's."""
    rows = twin(client, f"/assessments/{NAMED}.json")["rows"]
    league = client.get(f"{API}/cycles/{NAMED}/league").json()
    mine = [{"group": g["label"], "rank": e["rank"], "group_size": e["group_size"],
             "organisation": e["organisation"], "name": e["name"],
             "weighted_percent": e["weighted_percent"], "percentile": e["percentile"],
             "level": _level(e["level"]), "change_points": e["change_points"], "url": e["url"]}
            for g in league["groups"] for e in g["entries"]]
    assert mine == rows
    ranks = [e["rank"] for e in league["groups"][0]["entries"]]
    assert ranks == [1, 1, 3]  # Ambridge and Borchester tie


def test_league_and_scores_filter_by_peer_group_as_the_group_page(client, world,
                                                                  assessments_world):
    """`group` keeps one peer group, as /assessments/<cycle>/groups/<group>/; an unknown one
    is a 400 naming `group`."""
    rows = twin(client, f"/assessments/{NAMED}/groups/non-metropolitan-district.json")["rows"]
    league = client.get(f"{API}/cycles/{NAMED}/league?group=non-metropolitan-district").json()
    assert [g["slug"] for g in league["groups"]] == ["non-metropolitan-district"]
    assert [e["organisation"] for e in league["groups"][0]["entries"]] == [
        r["organisation"] for r in rows]
    scores = client.get(f"{API}/cycles/{NAMED}/scores?group=non-metropolitan-district").json()
    assert [i["organisation"] for i in scores["items"]] == ["darrington", "edgeley"]
    for path in ("league", "scores"):
        response = client.get(f"{API}/cycles/{NAMED}/{path}?group=rural")
        assert response.status_code == 400
        assert errors(response) == {"group": "invalid"}


@pytest.mark.parametrize("organisation", ORGANISATIONS)
def test_scorecard_equals_the_scorecard_twin(client, world, assessments_world, organisation):
    """Every figure of a scorecard (sections, totals, level, rank, percentile, change,
    answers) is the one its page's JSON twin gives."""
    page = twin(client, f"/assessments/{NAMED}/{organisation}.json")
    card = client.get(f"{API}/cycles/{NAMED}/scores/{organisation}").json()
    assert [{"section": s["code"], "title": s["title"], "points": s["points"],
             "maximum": s["maximum"], "fraction": s["fraction"], "percent": s["percent"],
             "weight": s["weight"], "level": _level(s["level"])}
            for s in card["sections"]] == page["rows"]
    assert card["raw_percent"] == page["raw_percent"]
    assert card["weighted_percent"] == page["weighted_percent"]
    assert _level(card["level"]) == page["level"]
    assert card["rank_in_peer_group"] == page["rank_in_peer_group"]
    assert card["peer_group_size"] == page["peer_group_size"]
    assert card["percentile_in_peer_group"] == page["percentile_in_peer_group"]
    assert (card["change"] or {}).get("points") == page["change_points"]
    assert [{"question": a["question"], "answer": "n/a" if a["not_applicable"] else a["value"],
             "evidence_url": a["evidence_url"], "evidence_page": a["evidence_page"],
             "evidence_quote": a["evidence_quote"]} for a in card["answers"]] == page["answers"]
    listed = client.get(f"{API}/cycles/{NAMED}/scores").json()["items"]
    item = next(i for i in listed if i["organisation"] == organisation)
    assert item == {k: v for k, v in card.items() if k in item}


def test_change_and_not_applicable_are_shown(client, world, assessments_world):
    """Churchford's "not applicable" is published as such, and change is in points."""
    card = client.get(f"{API}/cycles/{NAMED}/scores/churchford").json()
    s5 = next(a for a in card["answers"] if a["question"] == "S5")
    assert s5["not_applicable"] is True and s5["value"] == "" and s5["points"] is None
    assert card["change"]["previous_cycle"] == "borsetshire-digital-2025"
    assert card["change"]["points"] == "-15"


def test_index_equals_the_index_twin(client, world, assessments_world):
    """The composite index's ranks, values, coverage, rule and exclusions are the twin's."""
    page = twin(client, f"/assessments/{NAMED}/index.json")
    index = client.get(f"{API}/cycles/{NAMED}/index").json()
    assert [{"rank": e["rank"], "organisation": e["organisation"], "name": e["name"],
             "index": e["index"], "coverage": e["coverage"]} for e in index["entries"]] \
        == page["rows"]
    assert index["rule"] == page["rule"]
    assert index["excluded"] == page["excluded"]


def test_cycles_equal_the_cycle_list_twin(client, world, assessments_world):
    """The cycle list has the list page's cycles, counts and instruments, in its order
    (newest first), also when read a page at a time."""
    rows = twin(client, "/assessments.json")["rows"]
    items = client.get(f"{API}/cycles").json()["items"]
    assert [(c["slug"], c["organisations"], c["instrument"]["slug"],
             c["instrument"]["version"], c["policy"]) for c in items] == [
        (r["cycle"], r["organisations"], r["instrument"], r["version"], r["policy"])
        for r in rows]
    assert len(items) > 1
    paged, url = [], f"{API}/cycles?limit=1"
    while url:
        body = client.get(url).json()
        paged += [c["slug"] for c in body["items"]]
        url = body["next"]
    assert paged == [c["slug"] for c in items]


def test_instrument_is_its_methodology_twin(client, world, assessments_world):
    """An instrument is the definition of its methodology twin, with each question's
    maximum and scoring as the methodology rows give them."""
    page = twin(client, "/instruments/borsetshire-digital/2026/methodology.json")
    body = client.get(f"{API}/instruments/borsetshire-digital/2026").json()
    definition = page["instrument"]
    for name in ("format", "slug", "version", "name", "groups", "rounding", "sections",
                 "maturity", "licence"):
        assert body[name] == definition[name], name
    rows = {r["question"]: r for r in page["rows"]}
    for question, expected in zip(body["questions"], definition["questions"], strict=True):
        assert {k: v for k, v in question.items() if k not in ("maximum", "scoring")} \
            == expected
        assert question["maximum"] == (rows[question["code"]]["maximum"] or None)
        assert question["scoring"] == rows[question["code"]]["points"]
    listed = client.get(f"{API}/instruments").json()["items"]
    assert [(i["slug"], i["version"], i["questions"]) for i in listed] == [
        ("borsetshire-digital", "2026", 11)]
    assert client.get(f"{API}/instruments/borsetshire-digital/2027").status_code == 404


# --- pages and errors -------------------------------------------------------------------------


def test_scores_come_in_cursor_pages(client, world, assessments_world):
    """Following `next` gives every organisation once, by name."""
    url, seen = f"{API}/cycles/{NAMED}/scores?limit=2", []
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 2
        seen += [i["organisation"] for i in body["items"]]
        url = body["next"]
    assert seen == ORGANISATIONS


@pytest.mark.parametrize("query, field, code", [
    ("colour=red", "colour", "unknown_parameter"),
    ("cursor=not-a-cursor", "cursor", "invalid_cursor"),
    ("limit=0", "limit", "greater_than_equal"),
    ("limit=501", "limit", "less_than_equal"),
    ("limit=many", "limit", "int_parsing"),
    ("group=Not%20a%20slug", "group", "string_pattern_mismatch"),
])
def test_bad_queries_are_400_naming_the_parameter(client, world, assessments_world, query,
                                                  field, code):
    """Unknown parameters, malformed cursors and wrong types are 400s naming the field."""
    response = client.get(f"{API}/cycles/{NAMED}/scores?{query}")
    assert response.status_code == 400
    assert errors(response) == {field: code}
    for path in (f"{API}/instruments?colour=red", f"{API}/cycles/{NAMED}/index?colour=red"):
        assert errors(client.get(path)) == {"colour": "unknown_parameter"}
    unknown = {"HTTP_AUTHORIZATION": "Bearer sp_not-a-token"}
    assert client.get(f"{API}/cycles/{NAMED}/league", **unknown).status_code == 401


# --- answers ----------------------------------------------------------------------------------


def test_a_member_records_answers_kept_in_the_history(client, world, assessments_world):
    """A respondent's batch is stored in normal form, each change in the history; sending
    the same answers again changes nothing."""
    batch = [{"question": "L1", "value": True, "evidence_url": "https://ambridge.example/s",
              "evidence_page": "4", "evidence_quote": "Our strategy"},
             {"question": "L3", "value": "Quarterly"},
             {"question": "D2", "value": ["Spending over £500", "planning"]},
             {"question": "S3", "value": 12.5},
             {"question": "S5", "not_applicable": True},
             {"question": "S4", "value": "Ambridge has a parish app."}]
    response = put(client, batch, world["member_auth"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == ["L1", "L3", "D2", "S3", "S5", "S4"]
    stored = {a["question"]: (a["value"], a["not_applicable"]) for a in body["answers"]}
    assert stored == {"L1": ("yes", False), "L3": ("quarterly", False),
                      "D2": ("spending;planning", False), "S3": ("12.5", False),
                      "S4": ("Ambridge has a parish app.", False), "S5": ("", True)}
    participant = assessments_world["ambridge"]
    history = AnswerHistory.objects.filter(participant=participant)
    assert history.count() == 6
    assert {h.via for h in history} == {AnswerHistory.Via.FORM}
    assert {h.changed_by for h in history} == {world["member"]}
    assert Answer.objects.get(participant=participant, question__code="L1").evidence_page == "4"

    again = put(client, batch, world["member_auth"])
    assert again.json()["changed"] == []
    assert history.count() == 6
    changed = put(client, [{"question": "L1", "value": "no"}], world["member_auth"])
    assert changed.json()["changed"] == ["L1"]
    row = history.filter(question__code="L1").order_by("-id").first()
    assert (row.old_value, row.new_value) == ("yes", "no")
    assert client.get(ANSWERS, **world["member_auth"]).json()["answers"] == \
        changed.json()["answers"]


def test_answers_need_a_token_and_the_webs_permission(client, world, assessments_world):
    """No token: 401. A token of someone who may not see the assessment: 404, as on the web.
    Nothing is written."""
    assert put(client, [{"question": "L1", "value": "yes"}]).status_code == 401
    assert client.get(ANSWERS).status_code == 401
    assert put(client, [{"question": "L1", "value": "yes"}],
               world["outsider_auth"]).status_code == 404
    assert client.get(ANSWERS, **world["outsider_auth"]).status_code == 404
    other = f"{API}/cycles/borsetshire-digital-2027/participants/borchester/answers"
    assert put(client, [], world["member_auth"], url=other).status_code == 404
    assert not Answer.objects.filter(participant=assessments_world["ambridge"]).exists()


def test_answers_at_the_wrong_stage_are_409(client, world, assessments_world):
    """A member at review, a reviewer at self-assessment, anyone once published: 409."""
    participant = assessments_world["ambridge"]
    reviewer = UserFactory()
    services.reviewers_assign_bulk(cycle=assessments_world["open"],
                                   assignments=[(reviewer, participant)])
    reviewer_auth = token_for(reviewer)
    response = put(client, [{"question": "L1", "value": "yes"}], reviewer_auth)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "wrong_stage"
    services.stage_advance(participant=participant, to=Stage.REVIEW)
    assert put(client, [{"question": "L1", "value": "yes"}],
               world["member_auth"]).status_code == 409
    assert client.get(ANSWERS, **world["member_auth"]).status_code == 200
    Participant.objects.filter(pk=participant.pk).update(stage=Stage.PUBLISHED)
    assert put(client, [], reviewer_auth).status_code == 409
    assert not Answer.objects.filter(participant=participant).exists()


def test_reviewers_and_coordinators_answer_at_their_stages_with_notes(client, world,
                                                                     assessments_world):
    """As on the questionnaire page: a reviewer records reviewed answers with a note at
    review, a coordinator audited answers at audit; a note at self-assessment is refused."""
    participant = assessments_world["ambridge"]
    response = put(client, [{"question": "L1", "value": "yes", "note": "Why"}],
                   world["member_auth"])
    assert response.status_code == 422
    assert errors(response) == {"answers.0.note": "not_allowed"}
    put(client, [{"question": "L1", "value": "yes"}], world["member_auth"])
    reviewer, coordinator = UserFactory(), UserFactory()
    services.reviewers_assign_bulk(cycle=assessments_world["open"],
                                   assignments=[(reviewer, participant)])
    services.stage_advance(participant=participant, to=Stage.REVIEW)
    response = put(client, [{"question": "L1", "value": "no", "note": "The strategy expired."}],
                   token_for(reviewer))
    assert response.status_code == 200, response.content
    row = AnswerHistory.objects.filter(participant=participant).order_by("-id").first()
    assert (row.via, row.stage, row.note, row.changed_by) == (
        AnswerHistory.Via.REVIEW, Stage.REVIEW, "The strategy expired.", reviewer)
    assessments_world["open"].coordinators.add(coordinator)
    Participant.objects.filter(pk=participant.pk).update(stage=Stage.AUDIT)
    response = put(client, [{"question": "L1", "value": "yes", "note": "Renewed."}],
                   token_for(coordinator))
    assert response.status_code == 200
    assert AnswerHistory.objects.filter(participant=participant).order_by(
        "-id").first().via == AnswerHistory.Via.AUDIT


def test_invalid_answers_are_422_naming_each_item_and_nothing_is_written(client, world,
                                                                         assessments_world):
    """Unknown and repeated questions, values of the wrong kind, not-applicable where it is
    not allowed, bad addresses, NUL characters and text too long: one 422 naming every
    item, and the valid items in the batch are not written either."""
    response = put(client, [
        {"question": "L1", "value": "yes"},
        {"question": "Z9", "value": "yes"},
        {"question": "L3", "value": "weekly"},
        {"question": "S3", "value": "a dozen"},
        {"question": "L2", "value": 3},
        {"question": "D1", "not_applicable": True},
        {"question": "L1", "value": "no"},
        {"question": "S4", "value": "x" * 5001},
        {"question": "S4", "value": "nul\x00here"},
        {"question": "D2", "value": ["spending", "weekly"], "evidence_url": "not a web address"},
    ], world["member_auth"])
    assert response.status_code == 422
    assert errors(response) == {
        "answers.1.question": "unknown", "answers.2.value": "invalid",
        "answers.3.value": "invalid", "answers.4.value": "invalid",
        "answers.5.not_applicable": "not_allowed", "answers.6.question": "duplicate",
        "answers.7.value": "too_long", "answers.8.value": "nul",
        "answers.8.question": "duplicate", "answers.9.value": "invalid",
        "answers.9.evidence_url": "invalid"}
    assert not Answer.objects.filter(participant=assessments_world["ambridge"]).exists()
    assert not AnswerHistory.objects.filter(participant=assessments_world["ambridge"]).exists()


@pytest.mark.parametrize("body, field", [
    ({"answers": [{"question": "L1", "value": {"yes": True}}]}, "answers.0.value"),
    ({"answers": [{"question": "L1", "colour": "red"}]}, "answers.0.colour"),
    ({"answers": [{"value": "yes"}]}, "answers.0.question"),
    ({"answers": [{"question": "L1", "evidence_quote": "q" * 2001}]},
     "answers.0.evidence_quote"),
    ({"answers": [{"question": "L1", "not_applicable": "perhaps"}]},
     "answers.0.not_applicable"),
    ({"answers": "L1=yes"}, "answers"),
    ({}, "answers"),
])
def test_bodies_of_the_wrong_shape_are_422(client, world, assessments_world, body, field):
    """Wrong types, unknown fields and oversized text are 422s naming the path."""
    response = client.put(ANSWERS, json.dumps(body), content_type="application/json",
                          **world["member_auth"])
    assert response.status_code == 422
    assert field in errors(response)


def test_a_failure_while_writing_undoes_the_whole_batch(client, world, assessments_world,
                                                        monkeypatch):
    """If recording a later answer fails, the answers recorded before it are undone."""
    from smartplace.assessments import answers as answer_writes

    real = answer_writes.answer_record
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            from django.core.exceptions import ValidationError
            raise ValidationError({"evidence_url": ["Refused by the database"]})
        return real(**kwargs)

    monkeypatch.setattr(answer_writes, "answer_record", failing)
    response = put(client, [{"question": "L1", "value": "yes"},
                            {"question": "L2", "value": "yes"}], world["member_auth"])
    assert response.status_code == 422
    assert errors(response) == {"answers.1.evidence_url": "invalid"}
    assert not Answer.objects.filter(participant=assessments_world["ambridge"]).exists()
    assert not AnswerHistory.objects.filter(participant=assessments_world["ambridge"]).exists()


def test_the_batch_has_a_size_limit(client, world, assessments_world):
    """More answers than a request may carry is a 422 on `answers`."""
    response = put(client, [{"question": "L1"}] * 2001, world["member_auth"])
    assert response.status_code == 422
    assert "answers" in errors(response)
