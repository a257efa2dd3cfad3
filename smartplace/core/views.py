"""The front page, about the data, the health check and error pages. (Sign-in pages are
django-allauth's: smartplace/accounts/signin_views.py.)"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from smartplace.accounts.uploads import megabytes
from smartplace.coalitions.selectors import coalition_list_public


def home(request: HttpRequest) -> HttpResponse:
    """
    The front page: what smartplace is, and the coalitions on this site.

    Template: core/home.html
    """
    return render(request, "core/home.html", {"coalitions": coalition_list_public()})


def about_data(request: HttpRequest) -> HttpResponse:
    """Licences, sources and formats of everything published here."""
    return render(request, "core/about_data.html")


@require_GET
def healthcheck(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _refusal(request: HttpRequest, template: str, context: dict, *, status: int) -> HttpResponse:
    """
    An error page in the base template. A request refused before AuthenticationMiddleware ran
    (a Host header not in ALLOWED_HOSTS, found by CommonMiddleware) has no `user`: it gets the
    page as someone not signed in.
    """
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """
    400 (handler400): Django could not accept the request. A form field larger than
    DATA_UPLOAD_MAX_MEMORY_SIZE gets "The information you sent is too big" and the limit; any
    other refusal (too many fields, a bad Host header, …) a plain "go back and try again".

    Template: core/400.html
    """
    too_big = isinstance(exception, RequestDataTooBig)
    return _refusal(request, "core/400.html",
                    {"too_big": too_big,
                     "limit": megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}, status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """
    403 (handler403) for a PermissionDenied: the message it was raised with (our own words,
    shown escaped), or "You do not have permission to see or do this" when it has none, and a
    link to sign in for someone who is not signed in.

    Template: core/403.html
    """
    message = str(exception) if exception is not None else ""
    return _refusal(request, "core/403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """
    403 (CSRF_FAILURE_VIEW) for a form sent without a valid CSRF token: the page had been open
    too long (or the session ended), or the form was sent from another site. Says to go back,
    reload the page and try again. Django's `reason` is logged by Django, not shown.

    Template: core/403_csrf.html
    """
    return _refusal(request, "core/403_csrf.html", {}, status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/404.html", {"message": str(exception) if exception else ""},
                  status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 (handler500): a page that needs neither the database nor the base template."""
    return render(request, "core/500.html", status=500)

