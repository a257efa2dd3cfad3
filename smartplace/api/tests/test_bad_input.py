"""
Bad input is a 4xx with a JSON error body, never a 5xx, and changes nothing (issue 7).

The operations are read from the OpenAPI schema, so a list, an address or a write body added
later is covered by these tests without naming it here.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from smartplace.api.api import api
from smartplace.assessments.models import Answer, AnswerHistory
from smartplace.initiatives.models import Initiative, InitiativeLink
from smartplace.rounds.models import Rating, RatingHistory

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")
LISTS = sorted(path for path, operations in SCHEMA["paths"].items()
               if any(p["name"] == "cursor" for p in operations.get("get", {})
                      .get("parameters", ())))
SEARCHABLE = sorted(path for path in LISTS
                    if any(p["name"] == "q" for p in SCHEMA["paths"][path]["get"]["parameters"]))
GET_WITH_PATH_PARAMETERS = sorted(
    (path, p["name"]) for path, operations in SCHEMA["paths"].items() if "get" in operations
    for p in operations["get"].get("parameters", ()) if p["in"] == "path")
NOT_ALLOWED = sorted((path, method) for path, operations in SCHEMA["paths"].items()
                     for method in METHODS if method not in operations)
#: A lone surrogate: JSON can write it ("\ud800"), UTF-8 cannot encode it.
SURROGATE = "\ud800"


def cursor(data: dict) -> str:
    raw = json.dumps(data).encode("ascii")  # ASCII: the surrogate stays a JSON escape
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def real_path(path: str, world: dict, method: str = "get") -> str:
    """`path` with each parameter set to an object of the test world that exists."""
    real = {"slug": "ambridge", "initiative": "village-wifi", "code": "B900",
            **world["rounds"]["real"], **world["assessments"]["real"]}
    if path.startswith("/api/v1/frameworks/"):
        real |= {"slug": world["world"]["coalition"].framework.slug,
                 "version": world["world"]["coalition"].framework.version}
    elif path.startswith("/api/v1/organisations/"):
        real["slug"] = "ambridge-cafe"
    elif "/participants/" in path:
        real["cycle"] = real["answers_cycle"]
    elif path.endswith("/ratings") and method == "put":
        real["round"] = real["open_round"]
    for name, value in real.items():
        path = path.replace(f"{{{name}}}", str(value))
    assert "{" not in path, path
    return path


@pytest.fixture
def everything(world, rounds_world, assessments_world):
    """The API tests' worlds together, and a place with register code B900."""
    from smartplace.places.tests.factories import PlaceFactory

    PlaceFactory(register_code="B900", gss_code="E09000900")
    return {"world": world, "rounds": rounds_world, "assessments": assessments_world}


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    if code:
        assert code in [error["code"] for error in body["errors"]], body
    return body


def state() -> dict:
    """Every row the API writes, to show that a refused write changed nothing."""
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Initiative, InitiativeLink, Rating, RatingHistory, Answer,
                          AnswerHistory)}


def test_the_schema_has_lists_with_text_keys_to_check():
    """The parametrised tests below see the lists (a guard against reading no paths)."""
    assert {"/api/v1/places", "/api/v1/coalitions", "/api/v1/organisations",
            "/api/v1/cycles/{cycle}/scores"} <= set(LISTS)
    assert SEARCHABLE and NOT_ALLOWED and GET_WITH_PATH_PARAMETERS


@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_holding_a_lone_surrogate_is_a_400(client, everything, path):
    """
    A crafted cursor whose text cannot be encoded as UTF-8 is refused as `invalid_cursor`
    whatever the number of keys the list orders by; so is a real `next` cursor of the list
    with each of its texts replaced by a lone surrogate, and percent-encoded bytes that are
    not UTF-8.
    """
    url = real_path(path, everything)
    first = client.get(url, {"limit": 1})
    assert first.status_code == 200, first.content
    assert_error(client.get(f"{url}?cursor=%ED%A0%80"), 400, "invalid_cursor")
    for keys in range(1, 5):
        response = client.get(url, {"cursor": cursor(
            {"after": [SURROGATE] * (keys - 1) + [1]})})
        assert_error(response, 400, "invalid_cursor")
    if first.json()["next"]:
        given = first.json()["next"].split("cursor=")[1]
        data = json.loads(base64.urlsafe_b64decode(given + "=" * (-len(given) % 4)))
        if "after" in data and any(isinstance(value, str) for value in data["after"]):
            data["after"] = [SURROGATE if isinstance(value, str) else value
                             for value in data["after"]]
            assert_error(client.get(url, {"cursor": cursor(data)}), 400, "invalid_cursor")


@pytest.mark.parametrize("path", SEARCHABLE)
def test_search_words_that_are_not_utf8_are_read_with_replacement(client, everything, path):
    """Django reads invalid UTF-8 in a query as U+FFFD, so a search finds nothing but works."""
    response = client.get(f"{real_path(path, everything)}?q=%ED%A0%80")
    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


@pytest.mark.parametrize(("path", "name"), GET_WITH_PATH_PARAMETERS)
def test_a_path_value_that_is_not_utf8_is_a_4xx(client, everything, path, name):
    """A path parameter of bytes that are not UTF-8 is a JSON 400 or 404, never a 5xx."""
    url = real_path(path.replace(f"{{{name}}}", "%ED%A0%80"), everything)
    response = client.get(url, **everything["world"]["member_auth"])
    assert response.status_code in (400, 404), response.content
    assert_error(response, response.status_code)


@pytest.mark.parametrize(("path", "method"), NOT_ALLOWED)
def test_a_method_an_address_does_not_take_is_a_json_405(client, db, path, method):
    """Every address answers a method it has no operation for with a JSON 405 whose `Allow`
    header lists the methods the schema gives it (whether or not its objects exist: the
    method is checked first)."""
    response = getattr(client, method)(re.sub(r"\{[a-z_]+\}", "borsetshire", path))
    assert_error(response, 405, "method_not_allowed")
    allowed = {m.strip() for m in response["Allow"].split(",")}
    assert allowed == {m.upper() for m in SCHEMA["paths"][path]}


def test_the_schema_takes_only_get_and_head(client, db):
    """The OpenAPI schema is read, not written to: a JSON 405 naming GET and HEAD."""
    response = client.post("/api/v1/openapi.json")
    assert_error(response, 405, "method_not_allowed")
    assert {m.strip() for m in response["Allow"].split(",")} == {"GET", "HEAD"}


@pytest.mark.parametrize("url", ["/api/v1/nope", "/api/v1/", "/api/v1/places/",
                                 "/api/v1/coalitions/ambridge/initiatives/a/b", "/api/v2/places",
                                 "/api/"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_address_is_a_json_404(db, url, method):
    """Any address under /api/ without an operation is the API's JSON 404, whatever the
    method and without a CSRF token, never the site's HTML page."""
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    body = assert_error(response, 404, "unknown_address")
    assert "/api/v1/docs" in body["errors"][0]["message"]


def test_an_oversized_api_request_is_a_json_413(client, world, settings):
    """A body over the size limit is refused before it is read, in the API's error format."""
    settings.SMARTPLACE_MAX_REQUEST_BYTES = 100
    before = state()
    response = client.post("/api/v1/coalitions/ambridge/initiatives",
                           json.dumps({"title": "Ambridge " * 50}),
                           content_type="application/json", **world["member_auth"])
    assert_error(response, 413, "too_large")
    assert state() == before


def _request_bodies(schema: dict) -> list[str]:
    """The names of the component schemas request bodies use, with those they contain."""
    components = schema["components"]["schemas"]
    seen: list[str] = []

    def visit(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.append(name)
                    visit(components[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for operations in schema["paths"].values():
        for operation in operations.values():
            visit(operation.get("requestBody", {}))
    return seen


def test_every_write_body_refuses_unknown_fields_in_the_schema():
    """Each object a request body holds, at any depth, says `additionalProperties: false`."""
    names = _request_bodies(SCHEMA)
    assert {"InitiativeIn", "InitiativePatch", "Link", "RatingsIn", "RatingIn", "AnswersIn",
            "AnswerIn"} <= set(names)
    components = SCHEMA["components"]["schemas"]
    objects = [name for name in names if components[name].get("type") == "object"]
    assert objects == names
    assert [name for name in objects if components[name].get("additionalProperties")
            is not False] == []


RATING = {"subdomain": "economy/start-ups", "level": 2, "confidence": "low"}
MISSPELT = [
    ("post", "/api/v1/coalitions/{slug}/initiatives",
     {"title": "Ambridge repair café", "titel": "Ambridge"}, "titel"),
    ("post", "/api/v1/coalitions/{slug}/initiatives",
     {"title": "Ambridge repair café",
      "links": [{"url": "https://ambridge.example/repair", "titel": "Repair"}]},
     "links.0.titel"),
    ("patch", "/api/v1/coalitions/{slug}/initiatives/{initiative}", {"titel": "renamed"},
     "titel"),
    ("patch", "/api/v1/coalitions/{slug}/initiatives/{initiative}",
     {"title": "Village broadband", "links": [{"url": "https://ambridge.example/wifi",
                                               "titel": "Wi-fi"}]}, "links.0.titel"),
    ("put", "/api/v1/coalitions/{slug}/rounds/{round}/ratings",
     {"ratings": [{**RATING, "reasn": "The Bull has fibre"}]}, "ratings.0.reasn"),
    ("put", "/api/v1/coalitions/{slug}/rounds/{round}/ratings",
     {"ratings": [RATING], "comment": "Borsetshire"}, "comment"),
    ("put", "/api/v1/cycles/{cycle}/participants/{organisation}/answers",
     {"answers": [{"question": "L1", "value": "yes", "evidence": "Strategy"}]},
     "answers.0.evidence"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), MISSPELT)
def test_a_misspelt_field_is_a_422_naming_it_and_changes_nothing(client, everything, method,
                                                                 path, body, field):
    """A field a write body does not have is refused with `extra_forbidden` where it is;
    nothing is written, though the body is otherwise one the operation would take."""
    url = real_path(path, everything, method)
    auth = everything["world"]["member_auth"]
    before = state()
    response = getattr(client, method)(url, json.dumps(body), content_type="application/json",
                                       **auth)
    errors = assert_error(response, 422, "extra_forbidden")["errors"]
    assert [error["field"] for error in errors if error["code"] == "extra_forbidden"] == [field]
    assert state() == before


@pytest.mark.parametrize(("method", "path", "body", "field"), MISSPELT)
def test_the_same_bodies_spelt_right_are_taken(client, everything, method, path, body, field):
    """Without the misspelt field each body above is written: the 422 was for the field."""
    url = real_path(path, everything, method)
    auth = everything["world"]["member_auth"]
    parts = field.split(".")
    target = body = json.loads(json.dumps(body))
    for part in parts[:-1]:
        target = target[int(part) if part.isdigit() else part]
    del target[parts[-1]]
    before = state()
    response = getattr(client, method)(url, json.dumps(body), content_type="application/json",
                                       **auth)
    assert response.status_code in (200, 201), response.content
    assert state() != before


def test_an_answer_value_with_a_lone_surrogate_is_a_422(client, everything):
    """An answer's value is checked as other text is: a lone surrogate is refused, nothing
    is written."""
    url = real_path("/api/v1/cycles/{cycle}/participants/{organisation}/answers", everything,
                    "put")
    before = state()
    for value in (SURROGATE, ["spending", SURROGATE]):
        response = client.put(url, json.dumps({"answers": [{"question": "D2", "value": value}]}),
                              content_type="application/json",
                              **everything["world"]["member_auth"])
        errors = assert_error(response, 422)["errors"]
        assert [error["field"] for error in errors] == ["answers.0.value"]
        assert "surrogate" in errors[0]["message"]
    assert state() == before
