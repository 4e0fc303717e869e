import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import Organisation
from casework.demo.builder import NOT_EMPTY_REFUSAL, PRODUCTION_REFUSAL, build_demo, demo_logins_table


class Command(BaseCommand):
    help = (
        "Build a made-up county vulnerability initiative (organisations, teams, demo logins, about 300 "
        "people in households) to try Casework with. Development mode only; "
        "refuses on a database that has data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Build only if the database has no organisations; either way, show the logins.",
        )
        parser.add_argument(
            "--people", type=int, default=300, help="How many people to make up (default 300)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed: the same seed makes the same data (default 2026).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(PRODUCTION_REFUSAL)
        if Organisation.objects.exists():
            if not options["if_empty"]:
                raise CommandError(NOT_EMPTY_REFUSAL)
            self.stdout.write("The database already has organisations: no demo data added.")
        else:
            build_demo(
                people=options["people"], seed=options["seed"], stdout=self.stdout, progress_stream=sys.stderr
            )
        self.stdout.write("")
        self.stdout.write(demo_logins_table(), ending="")
