"""`smartplace import-answers --cycle SLUG ANSWERS.csv [--organisations ORGS.csv] [--stage S]`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from smartplace.assessments.answers import ANSWERING_STAGES, answers_import
from smartplace.assessments.models import Cycle, Stage
from smartplace.instruments.files import InstrumentFileError
from smartplace.instruments.management.commands._common import fail


class Command(BaseCommand):
    help = (
        "Import organisations' answers into an assessment cycle (docs/assessments.md). "
        "ANSWERS.csv has the columns organisation,question,answer and optionally "
        "evidence_url,evidence_page,evidence_quote, organisations named by slug. With "
        "--organisations, organisations not yet taking part join the cycle. All or nothing: "
        "problems are written to standard error with their file, line and column. Importing "
        "the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, metavar="SLUG")
        parser.add_argument("answers", metavar="ANSWERS.csv")
        parser.add_argument("--organisations", metavar="ORGS.csv",
                            help="organisation,name,group for each organisation.")
        parser.add_argument("--stage", default=Stage.SELF_ASSESSMENT,
                            choices=list(ANSWERING_STAGES),
                            help="The stage the answers belong to (default self_assessment).")

    def handle(self, *args, cycle, answers, organisations=None, stage=Stage.SELF_ASSESSMENT,
               **options):
        found = Cycle.objects.filter(slug=cycle).first()
        if found is None:
            raise CommandError(f"There is no cycle {cycle!r}.")
        try:
            summary = answers_import(cycle=found, path=answers, organisations_path=organisations,
                                     stage=stage)
        except InstrumentFileError as error:
            raise fail(self, error, what="Nothing was imported") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for line in summary.lines():
            self.stdout.write(line)
