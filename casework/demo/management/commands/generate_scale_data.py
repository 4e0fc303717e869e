import time

from django.core.management.base import BaseCommand, CommandError

from casework.demo.scale import generate_scale_data


class Command(BaseCommand):
    help = (
        "Fill the database with made-up data at council scale for benchmarks "
        "(COPY on PostgreSQL). Never runs in production mode."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10000)
        parser.add_argument("--cases", type=int, default=10000)
        parser.add_argument("--contacts", type=int, default=100000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, people, cases, contacts, seed, **options):
        if min(people, cases, contacts) < 0 or (cases and not people):
            raise CommandError("Numbers must not be negative, and cases need people")
        started = time.monotonic()
        try:
            counts = generate_scale_data(
                people=people, cases=cases, contacts=contacts, seed=seed, stream=self.stderr._out
            )
        except PermissionError as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Generated {counts['people']:,} people, {counts['cases']:,} cases and "
            f"{counts['contacts']:,} contacts in {seconds:.1f} s"
        )
