"""`smartplace import-instrument PATH [PATH ...]`: import instruments from their files."""

from pathlib import Path

from django.core.management.base import BaseCommand

from smartplace.instruments.files import InstrumentFileError
from smartplace.instruments.management.commands._common import fail
from smartplace.instruments.services import instrument_import_paths


class Command(BaseCommand):
    help = (
        "Import instruments in the smartplace-instrument/1 format (docs/instruments.md): each "
        "PATH is a folder holding instrument.json, questions.csv and options.csv, or the "
        "instrument.json itself. An instrument already imported (same slug and version) is "
        "updated in place; importing the same files again changes nothing. All or nothing: "
        "with any problem, every problem is listed with its file, line and column, and "
        "nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH",
                            help="An instrument folder or instrument.json file.")

    def handle(self, *args, paths, **options):
        try:
            results = instrument_import_paths(paths=[Path(p) for p in paths])
        except InstrumentFileError as error:
            raise fail(self, error, what="Nothing was imported") from error
        for instrument, outcome in results:
            self.stdout.write(
                f"{outcome} {instrument.label}: {instrument.name} "
                f"({instrument.sections.count()} sections, "
                f"{instrument.questions.count()} questions)"
            )
