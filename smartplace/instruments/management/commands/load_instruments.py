"""`smartplace load-instruments [PATH ...]`: load the built-in instruments, or instrument files."""

from pathlib import Path

from django.core.management.base import BaseCommand

from smartplace.instruments.files import InstrumentFileError
from smartplace.instruments.management.commands._common import fail
from smartplace.instruments.services import instrument_builtin_paths, instrument_import_paths


class Command(BaseCommand):
    help = (
        "Load instruments. Without paths, load the built-in instruments (the Huawei UK Smart "
        "Cities Index, the NLGN digital checklist and smartplace's digital maturity "
        "assessment); with paths, import those as import-instrument does. Loading again "
        "updates in place and changes nothing when nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH",
                            help="Instrument folders or instrument.json files (default: the "
                                 "built-ins).")

    def handle(self, *args, paths, **options):
        builtin = not paths
        chosen = instrument_builtin_paths() if builtin else [Path(p) for p in paths]
        try:
            results = instrument_import_paths(paths=chosen, builtin=builtin)
        except InstrumentFileError as error:
            raise fail(self, error, what="Nothing was loaded") from error
        for instrument, outcome in results:
            self.stdout.write(
                f"{outcome} {instrument.label}: {instrument.name} "
                f"({instrument.sections.count()} sections, "
                f"{instrument.questions.count()} questions)"
            )
