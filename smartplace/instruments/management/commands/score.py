"""
`smartplace score INSTRUMENT ANSWERS.csv [--organisations ORGS.csv] [--format csv|json]`.

Scores every organisation's answers and prints, per organisation: per-section points, maximum,
fraction and published percentage; the raw and weighted totals with their published values;
the maturity level per section and overall; and the rank within its group and overall. The
figures come from the same code the web application uses (`smartplace.methods.scoring`).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartplace.instruments.answers import answers_read, organisations_read
from smartplace.instruments.definition import definition_read, definition_to_method
from smartplace.instruments.files import InstrumentFileError
from smartplace.instruments.management.commands._common import fail
from smartplace.instruments.models import Instrument
from smartplace.instruments.results import results_csv, results_json, sheet_score
from smartplace.instruments.selectors import instrument_find, instrument_to_method
from smartplace.methods.scoring import ScoringError


class Command(BaseCommand):
    help = (
        "Score organisations' answers to an instrument. INSTRUMENT is an instrument folder "
        "(or its instrument.json), read without importing it, or SLUG[@VERSION] of an "
        "imported instrument. ANSWERS.csv has the columns organisation,question,answer "
        "(docs/instruments.md). With --organisations, the file of organisation,name,group: "
        "every organisation in it is scored, even with no answers. Problems are written to "
        "standard error with their file, line and column, and nothing is scored."
    )

    def add_arguments(self, parser):
        parser.add_argument("instrument", metavar="INSTRUMENT",
                            help="A folder or instrument.json, or SLUG[@VERSION].")
        parser.add_argument("answers", metavar="ANSWERS.csv")
        parser.add_argument("--organisations", metavar="ORGS.csv",
                            help="organisation,name,group for each organisation.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv",
                            help="Output format (default csv).")

    def _instrument(self, label: str):
        path = Path(label)
        if path.exists():
            try:
                return definition_to_method(definition=definition_read(path=path))
            except InstrumentFileError as error:
                raise fail(self, error, what=f"{label}: the instrument has problems") from error
        if "/" in label or label.endswith(".json"):
            raise CommandError(f"{label}: there is no such file or folder.")
        try:
            return instrument_to_method(instrument=instrument_find(label=label))
        except Instrument.DoesNotExist as error:
            raise CommandError(str(error)) from error

    def handle(self, *args, instrument, answers, organisations=None, format="csv", **options):
        method = self._instrument(instrument)
        try:
            known = (organisations_read(path=organisations, instrument=method)
                     if organisations else None)
            sheet = answers_read(path=answers, instrument=method, organisations=known)
        except InstrumentFileError as error:
            raise fail(self, error, what="Nothing was scored") from error
        try:
            results = sheet_score(instrument=method, sheet=sheet)
        except ScoringError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was scored.") from error
        write = results_json if format == "json" else results_csv
        self.stdout.write(write(instrument=method, results=results), ending="")
