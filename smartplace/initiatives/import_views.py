"""
Coordinators import a CSV file of initiatives from the web: the same all-or-nothing import as
`smartplace import-initiatives` (docs/initiative-import.md), with its checks and its report.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.import_forms import COLUMN_HELP, InitiativeImportForm
from smartplace.initiatives.importers import (
    InitiativeImportError,
    ProfileError,
    initiatives_import,
)
from smartplace.people.membership_views import not_a_member

#: At most this many problems are listed on the page; the rest are counted.
ERRORS_SHOWN = 100
SOURCE_NAME_MAX = 200


def _upload_path(upload, folder: str) -> Path:
    """The uploaded file written to `folder` under its own base name (kept as the source)."""
    path = Path(folder) / (Path(upload.name).name or "upload.csv")
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def initiative_import(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
    """
    Upload a CSV file of initiatives into a coalition (its coordinators and superusers), in
    smartplace's format or a bundled import profile's. Nothing is written unless every row is
    good; with "only check" nothing is written at all. A rejected file lists each problem with
    its line and column (the first ERRORS_SHOWN, and how many more); an accepted one shows the
    import's report. The file itself is not kept.

    Template: initiatives/initiative_import.html
    Context: coalition, form, columns, problems, more_problems, report, breadcrumbs
    """
    coalition = get_object_or_404(Coalition, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("initiatives.import_initiatives", coalition):
        return not_a_member(request, coalition=coalition, coordinators_only=True,
                            action=_("import initiatives from a file"))
    limit = settings.SMARTPLACE_MAX_UPLOAD_BYTES
    posted = request.method == "POST"
    form = InitiativeImportForm(request.POST if posted else None,
                                request.FILES if posted else None, max_bytes=limit)
    problems, report, status = [], None, 200
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory(prefix="smartplace-import-") as folder:
            try:
                report = initiatives_import(
                    path=_upload_path(upload, folder), coalition=coalition,
                    dry_run=form.cleaned_data["check_only"], profile=form.profile_name(),
                    source=Path(upload.name).name[:SOURCE_NAME_MAX])
            except InitiativeImportError as error:
                problems = error.errors
            except ProfileError as error:
                form.add_error("profile", str(error))
    if posted and (form.errors or problems):
        status = 400
    return render(request, "initiatives/initiative_import.html", {
        "coalition": coalition, "form": form, "report": report, "columns": COLUMN_HELP,
        "problems": problems[:ERRORS_SHOWN],
        "more_problems": max(0, len(problems) - ERRORS_SHOWN),
        "breadcrumbs": [
            {"text": _("Coalitions"), "href": reverse("coalitions:coalition_list")},
            {"text": coalition.name, "href": coalition.get_absolute_url()},
            {"text": _("Initiatives"), "href": reverse("coalitions:initiative_list",
                                                       kwargs={"slug": coalition.slug})},
        ],
    }, status=status)
