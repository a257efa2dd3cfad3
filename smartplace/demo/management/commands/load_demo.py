"""`smartplace load-demo`: load or refresh the demo Sheffield coalition (docs/demo.md)."""

from django.core.management.base import BaseCommand, CommandError

from smartplace.assessments.demo import DemoError as AssessmentsDemoError
from smartplace.assessments.demo import assessments_load_demo
from smartplace.demo.services import (
    COORDINATOR_EMAIL,
    DemoDataError,
    demo_load,
)
from smartplace.insights.curation import curation_load_demo
from smartplace.insights.demo_evidence import evidence_load_demo
from smartplace.insights.gaps import insights_load_demo
from smartplace.insights.overlaps import overlaps_recompute
from smartplace.rounds.demo import RoundsDemoError, rounds_load_demo


class Command(BaseCommand):
    help = (
        "Load the demo Sheffield coalition (places, built-in frameworks, organisations, people, "
        "memberships, initiatives, fitness rounds and assessment cycles), or bring it back to "
        "its shipped state. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            # Nobody signs in with a password (ADR 0003): the coordinator signs in by code.
            summary = demo_load(coordinator_password=None)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
        try:
            rounds = rounds_load_demo(coalition=summary.coalition)
        except RoundsDemoError as error:
            raise CommandError(str(error)) from error
        for line in rounds.lines():
            self.stdout.write(line)
        evidence = evidence_load_demo(coalition=summary.coalition)
        self.stdout.write(f"Demo evidence: {evidence} items (channel shifts, outcomes, lessons, "
                          f"reusable assets, reuse)")
        answered = insights_load_demo(coalition=summary.coalition)
        self.stdout.write(f"Initiatives answering smart questions: {answered}")
        stale = curation_load_demo(coalition=summary.coalition)
        self.stdout.write(f"Initiatives left unchanged for a long time (to check): {stale}")
        overlaps = overlaps_recompute()
        self.stdout.write(f"Overlaps: {overlaps.pairs} similar pairs among "
                          f"{overlaps.initiatives} initiatives")
        try:
            cycles = assessments_load_demo()
        except AssessmentsDemoError as error:
            raise CommandError(str(error)) from error
        for cycle in cycles:
            self.stdout.write(f"Assessment cycle “{cycle.name}”: {cycle.get_status_display()}")
        self.stdout.write(
            f"Sign in as the demo coordinator at /sign-in/ with {COORDINATOR_EMAIL}: the "
            f"six-digit code is emailed (printed in this terminal when DJANGO_DEBUG is on)."
        )
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
