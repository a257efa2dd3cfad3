"""
Pages around the API: its documentation and people's own API tokens.

The tokens page lists a signed-in person's tokens and lets them make and revoke them; a new
token's secret is shown once, on the page that made it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartplace.api.api import api
from smartplace.api.forms import ApiTokenForm
from smartplace.api.selectors import api_operations, api_token_list_for_user
from smartplace.api.services import api_token_create, api_token_revoke


def _crumbs(*extra: dict) -> list[dict]:
    return [{"text": _("Home"), "href": reverse("core:home")}, *extra]


def api_docs(request: HttpRequest) -> HttpResponse:
    """
    The API's documentation, from its OpenAPI schema: every operation with its parameters,
    body and responses. No JavaScript.

    Template: api/docs.html
    Context: schema_url, groups, info, breadcrumbs
    """
    schema = api.get_openapi_schema(path_prefix=reverse("api-v1:api-root"))
    return render(request, "api/docs.html", {
        "schema_url": reverse("api-v1:openapi-json"),
        "info": schema["info"],
        "groups": api_operations(schema=schema),
        "breadcrumbs": _crumbs(),
    })


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """
    The signed-in person's API tokens, and a form to make one. POST makes a token and shows
    its secret once.

    Template: api/token_list.html
    Context: tokens, form, secret (only just after making one), breadcrumbs
    """
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = api_token_create(user=request.user,
                                                  name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error(None, error)
        if secret is None:
            status = 400
        else:
            form = ApiTokenForm()
    response = render(request, "api/token_list.html", {
        "tokens": api_token_list_for_user(user=request.user),
        "form": form,
        "secret": secret,
        "docs_url": reverse("api:docs"),
        "breadcrumbs": _crumbs({"text": _("Your account"), "href": reverse("people:account")}),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the signed-in person's tokens (POST), then back to the list."""
    token = api_token_list_for_user(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("You have no token with this number."))
    api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” has been revoked") % {"name": token.name})
    return redirect("api-tokens:token_list")
