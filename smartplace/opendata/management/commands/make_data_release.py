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

#: Option → (kind of dataset, what the error message calls an unknown one).
DATASETS = {
    "coalition": ("coalitions", "There is no coalition with the slug “{slug}”."),
    "cycle": ("cycles", "There is no published assessment cycle with the slug “{slug}” (a "
                        "cycle's data is released once it is published, unless it is private)."),
}


class Command(BaseCommand):
    help = ("Make today's release of a dataset's package: a coalition's (--coalition) or a "
            "published assessment cycle's (--cycle). Its files are kept as they are now and "
            "stay downloadable at /data/<coalitions|cycles>/SLUG/YYYY-MM-DD/.")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--coalition", metavar="SLUG",
                           help="the coalition's slug, as in its address")
        which.add_argument("--cycle", metavar="SLUG",
                           help="the assessment cycle's slug, as in its address")
        parser.add_argument("--date", metavar="YYYY-MM-DD", type=date.fromisoformat,
                            help="the release date (default today)")
        parser.add_argument("--base-url", metavar="URL",
                            default=getattr(settings, "SMARTPLACE_BASE_URL",
                                            "http://localhost:8000"),
                            help="the site's address, for the links in the files "
                                 "(default http://localhost:8000)")

    def handle(self, *args, date, base_url, **options):
        option = next(name for name in DATASETS if options.get(name))
        kind, unknown = DATASETS[option]
        slug = options[option]
        obj = dataset_kinds()[kind].dataset_get(slug)
        if obj is None:
            raise CommandError(unknown.format(slug=slug))
        base = base_url.rstrip("/")
        try:
            release = data_release_make(kind=kind, obj=obj, release_date=date,
                                        absolute=lambda path: f"{base}{path}")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        names = ", ".join(f["name"] for f in release.files)
        self.stdout.write(f"Made the release of {release.release_date.isoformat()} of "
                          f"{obj.name}: {names}.")
