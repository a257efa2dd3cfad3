"""
Open data pages: the datasets, one dataset with its releases, a package's files (streamed for
"latest", as kept for a dated release), zip downloads, the DCAT catalogue, the whole-site
SQLite database, and the form to report a problem with the data.

The pages are in English or Welsh (`urls.py`, under /cy/ in Welsh); the downloads
(`file_urls.py`) have one address each and are in English.
"""

from __future__ import annotations

import json
import os
import re
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartplace.opendata.archives import (
    release_archive_chunks,
    release_archive_size,
    release_file_open,
)
from smartplace.opendata.forms import ProblemReportForm
from smartplace.opendata.registry import dataset_kinds
from smartplace.opendata.selectors import (
    DatasetInfo,
    catalogue_dcat,
    dataset_get,
    dataset_list_all,
    dataset_schema_org,
    release_get,
)
from smartplace.opendata.services import data_problem_report, data_release_make
from smartplace.opendata.sqlite_export import site_sqlite_write

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LATEST = "latest"
TEXT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json",
              ".md": "text/markdown; charset=utf-8"}


def _json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element, safe inside HTML."""
    return json.dumps(data, ensure_ascii=False, indent=2).replace("<", "\\u003c")


def _dataset_or_404(kind: str, key: str) -> DatasetInfo:
    info = dataset_get(kind=kind, key=key)
    if info is None:
        raise Http404(_("There is no dataset at this address."))
    return info


def _release(info: DatasetInfo, version: str):
    """The dataset's release of `version` (a date), without its zip, if it has one it may
    still serve (`DatasetInfo.releases`)."""
    if not DATE.match(version) or not any(r.version == version for r in info.releases):
        return None
    return release_get(kind=info.kind, key=info.key, version=version)


def _crumbs(*extra: dict) -> list[dict]:
    return [{"text": _("Home"), "href": reverse("core:home")},
            {"text": _("Open data"), "href": reverse("opendata:data_home")}, *extra]


def data_home(request: HttpRequest) -> HttpResponse:
    """
    Every dataset with its licence, last change and latest release; the catalogue, the whole
    site as SQLite, and how to report a problem. schema.org DataCatalog markup.

    Template: opendata/data_home.html
    Context: datasets, json_ld, breadcrumbs
    """
    datasets = dataset_list_all()
    absolute = request.build_absolute_uri
    json_ld = {
        "@context": "https://schema.org", "@type": "DataCatalog",
        "name": _("Open data"), "url": absolute(reverse("opendata:data_home")),
        "dataset": [dataset_schema_org(info, absolute=absolute) for info in datasets],
    }
    return render(request, "opendata/data_home.html", {
        "datasets": datasets, "json_ld": _json_ld(json_ld),
        "breadcrumbs": _crumbs()[:1],
    })


def dataset_detail(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """
    One dataset: what it holds, its latest files, its dated releases, and (for coordinators)
    a button to make today's release. schema.org Dataset markup.

    Template: opendata/dataset_detail.html
    Context: info, can_release, json_ld, report_url, breadcrumbs
    """
    info = _dataset_or_404(kind, key)
    module = dataset_kinds()[kind]
    return render(request, "opendata/dataset_detail.html", {
        "info": info,
        "can_release": request.user.is_authenticated and module.may_release(request.user,
                                                                            info.obj),
        "json_ld": _json_ld(dataset_schema_org(info, absolute=request.build_absolute_uri)),
        "report_url": reverse("opendata:report") + f"?dataset={kind}/{key}",
        "breadcrumbs": _crumbs(),
    })


def _package(request: HttpRequest, info: DatasetInfo):
    module = dataset_kinds()[info.kind]
    return module.package_build(info.obj, absolute=request.build_absolute_uri,
                                version=LATEST, created=timezone.now())


def package_version(request: HttpRequest, kind: str, key: str, version: str) -> HttpResponse:
    """
    The files of one version of a dataset's package: "latest" (built now) or a dated release.

    Template: opendata/package_version.html
    Context: info, version, files (name, url, bytes or None), zip_url, release, breadcrumbs
    """
    info = _dataset_or_404(kind, key)
    release = None
    if version == LATEST:
        names = [name for name, _chunks in _package(request, info).files()]
        sizes = {}
    else:
        release = _release(info, version)
        if release is None:
            raise Http404(_("This dataset has no release with this date."))
        names = [f["name"] for f in release.files]
        sizes = {f["name"]: f["bytes"] for f in release.files}
    return render(request, "opendata/package_version.html", {
        "info": info, "version": version, "release": release,
        "files": [{"name": n, "url": info.file_url(version, n), "bytes": sizes.get(n)}
                  for n in names],
        "zip_url": info.zip_url(version),
        "report_url": reverse("opendata:report") + f"?dataset={kind}/{key}",
        "breadcrumbs": _crumbs({"text": info.title, "href": info.url}),
    })


def _text_type(name: str) -> str:
    return TEXT_TYPES.get(os.path.splitext(name)[1], "application/octet-stream")


def package_file(request: HttpRequest, kind: str, key: str, version: str,
                 name: str) -> HttpResponse:
    """
    One file of a package. For "latest", tables stream row by row as CSV (`<table>.csv`) or
    as a JSON array (`<table>.json`); for a release, the file as it was kept, streamed out of
    the stored zip (read in ranges, never whole) with its Content-Length.
    """
    info = _dataset_or_404(kind, key)
    if version == LATEST:
        package = _package(request, info)
        stem, _dot, extension = name.rpartition(".")
        table = package.table(stem)
        if table is not None and extension in ("csv", "json"):
            chunks = table.csv_lines() if extension == "csv" else table.json_chunks()
            response = StreamingHttpResponse(chunks, content_type=_text_type(name))
        else:
            files = dict(package.files())
            if name not in files:
                raise Http404(_("This package has no file with this name."))
            response = HttpResponse("".join(files[name]), content_type=_text_type(name))
    else:
        release = _release(info, version)
        member = release_file_open(release=release, name=name) if release else None
        if member is None:
            raise Http404(_("This release has no file with this name."))
        response = StreamingHttpResponse(member, content_type=_text_type(name))
        response["Content-Length"] = str(member.size)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Link"] = f'<{info.licence["url"]}>; rel="license"'
    return response


def package_zip(request: HttpRequest, kind: str, key: str, version: str) -> HttpResponse:
    """The whole package of one version as a zip archive: "latest" built now, a release's
    streamed from the database in chunks (never read whole) with its Content-Length."""
    info = _dataset_or_404(kind, key)
    filename = f"{kind}-{key}-{version}.zip"
    if version == LATEST:
        handle = tempfile.TemporaryFile()
        _package(request, info).write_zip(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=filename,
                            content_type="application/zip")
    release = _release(info, version)
    if release is None:
        raise Http404(_("This dataset has no release with this date."))
    size = release_archive_size(pk=release.pk)
    response = StreamingHttpResponse(release_archive_chunks(pk=release.pk, size=size),
                                     content_type="application/zip")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def release_make(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """Make today's release of a dataset (those the dataset's kind allows: a coalition's or a
    cycle's coordinators, and superusers), then back to it."""
    info = _dataset_or_404(kind, key)
    if not request.user.is_authenticated:
        return redirect_to_login(info.url)
    if not dataset_kinds()[kind].may_release(request.user, info.obj):
        raise PermissionDenied(_("Only the coordinators of this dataset's coalition or "
                                 "assessment cycle can make a release."))
    try:
        release = data_release_make(kind=kind, obj=info.obj, user=request.user,
                                    absolute=request.build_absolute_uri)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The release of %(date)s has been made") % {
            "date": release.release_date.isoformat()})
    return redirect(info.url)


def catalogue(request: HttpRequest) -> HttpResponse:
    """The DCAT 3 catalogue of every dataset, as JSON-LD, in English (published metadata)."""
    with translation.override(settings.LANGUAGE_CODE):
        data = catalogue_dcat(datasets=dataset_list_all(), absolute=request.build_absolute_uri)
    return HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                        content_type="application/ld+json")


def site_sqlite(request: HttpRequest) -> HttpResponse:
    """Every public table of the site in one SQLite database, built for this download."""
    directory = tempfile.mkdtemp(prefix="smartplace-sqlite-")
    path = os.path.join(directory, "smartplace.sqlite")
    try:
        site_sqlite_write(path=path, absolute=request.build_absolute_uri)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        if os.path.exists(path):
            os.unlink(path)  # the open handle keeps the data until the download ends
        os.rmdir(directory)
    return FileResponse(handle, as_attachment=True, filename="smartplace.sqlite",
                        content_type="application/vnd.sqlite3")


def report(request: HttpRequest) -> HttpResponse:
    """
    Report a problem with the data (GET shows the form, POST records it).

    Template: opendata/report.html
    Context: form, done, breadcrumbs
    """
    if request.method == "POST":
        form = ProblemReportForm(request.POST)
        if form.is_valid():
            data_problem_report(**form.cleaned_data)
            messages.success(request, _("Thank you: your report has been sent to the people "
                                        "who look after the data"))
            return redirect("opendata:data_home")
        status = 400
    else:
        form = ProblemReportForm(initial={"dataset": request.GET.get("dataset", "")[:200]})
        status = 200
    return render(request, "opendata/report.html", {
        "form": form, "breadcrumbs": _crumbs(),
    }, status=status)
