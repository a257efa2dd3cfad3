"""`smartplace load-demo-rounds`: give the demo coalition its fitness rounds (docs/rounds.md)."""

from django.core.management.base import BaseCommand, CommandError

from smartplace.coalitions.models import Coalition
from smartplace.rounds.demo import RoundsDemoError, rounds_load_demo


class Command(BaseCommand):
    help = (
        "Add the demo raters and fitness rounds (two closed, one open follow-up) to the demo "
        "coalition, replacing the demo rounds loaded before. Run `load-demo` first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--coalition", default="sheffield", metavar="SLUG",
                            help="the demo coalition (default: sheffield)")

    def handle(self, *args, **options):
        coalition = Coalition.objects.filter(slug=options["coalition"]).first()
        if coalition is None:
            raise CommandError(f"There is no coalition “{options['coalition']}”: run "
                               "`smartplace load-demo` first.")
        try:
            summary = rounds_load_demo(coalition=coalition)
        except RoundsDemoError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo rounds loaded."))
