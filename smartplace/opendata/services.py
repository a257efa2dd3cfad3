"""Writes for open data: make a dated release of a dataset, record a problem report."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartplace.opendata.models import DataProblemReport, DataRelease
from smartplace.opendata.registry import dataset_key, dataset_kinds


def data_release_make(*, kind: str, obj, absolute, user=None,
                      release_date: date | None = None) -> DataRelease:
    """
    Snapshot the package of dataset `obj` (of `kind`) as the release of `release_date`
    (today by default), version = that date. The package holds the data as it is now, and
    its `created` says so (the time it was made) whatever the date: an earlier date only
    labels the release (the tests use one to have releases on several days).

    The files are in English with the English pages' addresses, whatever the active language.
    Raises ValidationError if the date is after today (no release holds tomorrow's data), or
    if the dataset already has a release that day: releases never change once made.
    """
    module = dataset_kinds()[kind]
    today = timezone.localdate()
    day = release_date or today
    if day > today:
        raise ValidationError(_("A release cannot be dated %(date)s, after today (%(today)s): "
                                "it holds the data as it is when it is made.")
                              % {"date": day.isoformat(), "today": today.isoformat()})
    key = dataset_key(obj)
    if DataRelease.objects.filter(kind=kind, key=key, release_date=day).exists():
        raise ValidationError(_("There is already a release of this dataset dated %(date)s; "
                                "releases do not change once made.") % {"date": day.isoformat()})
    # The files are published metadata: in English, with the English pages' addresses, even
    # when the release is made from a Welsh page.
    with translation.override(settings.LANGUAGE_CODE):
        package = module.package_build(obj, absolute=absolute, version=day.isoformat(),
                                       created=timezone.now())
        archive = package.zip_bytes()
    files = []
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        for info in opened.infolist():
            content = opened.read(info)
            files.append({"name": info.filename.split("/", 1)[1], "bytes": len(content),
                          "sha256": hashlib.sha256(content).hexdigest()})
    try:
        with transaction.atomic():
            return DataRelease.objects.create(
                kind=kind, key=key, release_date=day, version=day.isoformat(), archive=archive,
                files=files, created_by=user if user is not None and user.is_authenticated
                else None)
    except IntegrityError as error:
        raise ValidationError(_("There is already a release of this dataset dated %(date)s.")
                              % {"date": day.isoformat()}) from error


def data_problem_report(*, dataset: str, message: str, email: str = "") -> DataProblemReport:
    """Record a report of a problem with `dataset` (which may be blank for the whole site)."""
    report = DataProblemReport(dataset=dataset[:200], message=message.strip(), email=email)
    report.full_clean()
    report.save()
    return report
