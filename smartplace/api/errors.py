"""
Errors the API returns: always JSON, always with a status, a summary and what is wrong where.

    {"status": 400, "detail": "The query has parameters this endpoint does not know.",
     "errors": [{"location": "query", "field": "colour", "message": "…", "code": "unknown"}]}

Query, path and header problems are 400; a request body that breaks validation is 422; no
token or a bad one 401 (also a good one whose user must use multi-factor authentication and
has not set it up: `MFARequired`); a token whose user may not do this 403; anything missing,
or private to others, 404 (an address with no operation too: `json_not_found`); a method the
address does not take 405, with `Allow` (`json_not_allowed`). `install_error_handlers` puts
these on a `NinjaAPI`; `api.api_urlpatterns` on its URL patterns.
"""

from __future__ import annotations

from functools import wraps
from inspect import iscoroutinefunction
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorItem(Schema):
    """One thing wrong with the request."""

    location: str  # "query", "path", "header", "body"
    field: str | None = None
    message: str
    code: str


class ErrorOut(Schema):
    """The body of every 4xx response."""

    status: int
    detail: str
    errors: list[ErrorItem] = []


#: Responses every operation may give, for the OpenAPI schema.
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MFARequired(AuthenticationError):
    """
    A valid token whose user must use multi-factor authentication and has not set it up
    (`smartplace.accounts.middleware.mfa_missing`): 401 on every endpoint, as the web stops
    them on every page until they have.
    """


class ApiError(Exception):
    """Stop and answer `status` with `detail` and a list of `errors` (dicts of ErrorItem)."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []


def field_errors(location: str, errors: dict[str, list[str]], code: str = "invalid") -> list:
    """`{"field": ["message", …]}` (a form's errors) as ErrorItem dicts."""
    return [{"location": location, "field": None if name == "__all__" else name,
             "message": str(message), "code": code}
            for name, messages in errors.items() for message in messages]


def _from_pydantic(error: dict[str, Any]) -> dict[str, Any]:
    loc = [str(part) for part in error.get("loc", ())]
    location = loc[0] if loc else "body"
    rest = loc[1:]
    if location in ("query", "path", "header") and len(rest) > 1:
        rest = rest[1:]  # ninja adds the name of the parameter model
    elif location == "body" and rest and rest[0] in ("payload", "data"):
        rest = rest[1:]
    return {
        "location": location,
        "field": ".".join(rest) or None,
        "message": str(error.get("msg", _("Invalid value"))),
        "code": str(error.get("type", "invalid")),
    }


def error_response(api: NinjaAPI, request: HttpRequest, status: int, detail: str,
                   errors: list) -> HttpResponse:
    """An `ErrorOut` body with `status`, rendered by `api` as its other answers are."""
    return api.create_response(request, {"status": status, "detail": detail, "errors": errors},
                               status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every error of `api` a JSON `ErrorOut`."""

    def respond(request: HttpRequest, status: int, detail: str, errors: list) -> HttpResponse:
        return error_response(api, request, status, detail, errors)

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.detail, exc.errors)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [_from_pydantic(error) for error in exc.errors]
        if errors and all(error["location"] == "body" for error in errors):
            return respond(request, 422, _("The request body is not valid."), errors)
        return respond(request, 400, _("The request is not valid."), errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        response = respond(request, 401, _("Send a valid API token: “Authorization: Bearer "
                                           "<token>”."),
                           [{"location": "header", "field": "Authorization",
                             "message": _("Missing, unknown or revoked token"),
                             "code": "unauthorised"}])
        response["WWW-Authenticate"] = 'Bearer realm="smartplace"'
        return response

    @api.exception_handler(MFARequired)
    def mfa_required(request, exc):
        url = request.build_absolute_uri(reverse("mfa_activate_totp"))
        response = respond(
            request, 401,
            _("This account must use multi-factor authentication and has not set it up. Sign "
              "in on the web and set up an authenticator app at %(url)s, then use the token "
              "again.") % {"url": url},
            [{"location": "header", "field": "Authorization",
              "message": _("Set up an authenticator app before using API tokens"),
              "code": "mfa_required"}])
        # RFC 9470: the token is good, the authentication behind it is not enough.
        response["WWW-Authenticate"] = ('Bearer realm="smartplace", '
                                        'error="insufficient_user_authentication", '
                                        'error_description="Set up multi-factor '
                                        'authentication first"')
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        location = "body" if exc.status_code in (400, 422) else "request"
        return respond(request, exc.status_code, str(exc),
                       [{"location": location, "field": None, "message": str(exc),
                         "code": "invalid"}] if exc.status_code < 500 else [])

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, str(exc) or _("Not found."), [])


def json_not_allowed(api: NinjaAPI, view):
    """
    `view` (a synchronous view of `api`'s URL patterns), with its 405 answer for a method
    the address does not take made an `ErrorOut` (code `method_not_allowed`) that keeps the
    `Allow` header. Other answers pass unchanged; attributes such as `csrf_exempt` are kept.
    """
    if iscoroutinefunction(view):  # no async operations yet: wrap them when there are
        raise TypeError("json_not_allowed wraps synchronous views only")

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        answer = error_response(
            api, request, 405,
            _("This address does not take %(method)s requests.") % {"method": request.method},
            [{"location": "request", "field": None,
              "message": _("Use one of: %(allowed)s") % {"allowed": allowed},
              "code": "method_not_allowed"}])
        answer["Allow"] = allowed
        return answer

    return wrapped


def json_not_found(api: NinjaAPI):
    """A view for any address under /api/ that has no operation: an `ErrorOut` 404 (code
    `unknown_address`) whatever the method, pointing at the documentation."""

    @csrf_exempt
    def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        docs = request.build_absolute_uri(reverse("api:docs"))
        return error_response(
            api, request, 404, _("There is nothing at this address in the API."),
            [{"location": "path", "field": None,
              "message": _("No operation has this address; the operations are listed at "
                           "%(docs)s") % {"docs": docs},
              "code": "unknown_address"}])

    return not_found
