"""
`smartplace make-data-release --coalition SLUG | --cycle SLUG`: snapshot a dataset's package
(a coalition's, or a published assessment cycle's).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from smartplace.opendata.registry import dataset_kinds
from smartplace.opendata.services import data_release_make


class Command(BaseCommand):
    help = ("Make today's release of a dataset's package: a coalition's (--coalition) or a "
            "published assessment cycle's (--cycle). Its files are kept as they are now and "
            "stay downloadable at /data/<coalitions|cycles>/SLUG/YYYY-MM-DD/.")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        for module in dataset_kinds().values():  # --coalition, --cycle
            which.add_argument(f"--{module.RELEASE_OPTION}", metavar="SLUG",
                               help=module.RELEASE_HELP)
        parser.add_argument("--date", metavar="YYYY-MM-DD", type=date.fromisoformat,
                            help="the release's date, today or earlier (default today); "
                                 "the files hold today's data whatever the date, and "
                                 "datapackage.json's `created` says when they were made")
        parser.add_argument("--base-url", metavar="URL",
                            default=getattr(settings, "SMARTPLACE_BASE_URL",
                                            "http://localhost:8000"),
                            help="the site's address, for the links in the files "
                                 "(default http://localhost:8000)")

    def handle(self, *args, date, base_url, **options):
        kind, module = next((kind, module) for kind, module in dataset_kinds().items()
                            if options.get(module.RELEASE_OPTION))
        slug = options[module.RELEASE_OPTION]
        obj = module.dataset_get(slug)
        if obj is None:
            raise CommandError(module.RELEASE_UNKNOWN.format(key=slug))
        base = base_url.rstrip("/")
        try:
            release = data_release_make(kind=kind, obj=obj, release_date=date,
                                        absolute=lambda path: f"{base}{path}")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        names = ", ".join(f["name"] for f in release.files)
        self.stdout.write(f"Made the release of {release.release_date.isoformat()} of "
                          f"{obj.name}: {names}.")
