import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import User
from casework.core.errors import DomainError, PermissionRefused
from casework.core.progress import ProgressBar
from casework.retention import selectors, services


class Command(BaseCommand):
    help = (
        "Dry run of an organisation's retention schedule: list every record whose period has run, under "
        "which class and why (held records never), as a CSV on standard output or --output. Nothing is "
        "disposed of."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "organisation_id", metavar="ORGANISATION", type=int, help="The organisation's id."
        )
        parser.add_argument("--user", required=True, help="The username running it (who governs records).")
        parser.add_argument("--output", help="Write the CSV to this file instead of standard output.")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}")
        try:
            run = services.dry_run_start(user=user, organisation_id=options["organisation_id"], queue=False)
        except (DomainError, PermissionRefused) as error:
            raise CommandError(error.message) from None
        stream = getattr(self.stderr, "_out", sys.stderr)
        with ProgressBar(total=services.dry_run_count(run=run), label="Dry run", stream=stream) as bar:
            run = services.dry_run_execute(run_id=run.pk, progress=bar.advance)
        if options["output"]:
            with open(options["output"], "w", newline="") as out:  # noqa: PTH123
                self._write(out, user, run)
        else:
            self._write(self.stdout, user, run)
        counts = ", ".join(f"{name} {count}" for name, count in run.counts.items())
        stream.write(f"Dry run {run.pk}: {run.processed} records due ({counts}).\n")

    def _write(self, out, user, run):
        writer = csv.writer(out)
        for row in selectors.candidates_csv_rows(user=user, run=run):
            writer.writerow(row)
