"""Write an organisation's Client Level Data return for a quarter to a CSV file, with its validation report.

    python manage.py cld_export --organisation "Wessex County Council" --quarter-end 2026-12-31 \
        --output cld.csv

The same projection as the page (reporting/cld.py), streamed to the file with a progress bar; the report of
records to fix, DHSC's preview and any duplicates under DHSC's key are printed at the end. The export is
recorded in the access log as done by the command (no user)."""

from __future__ import annotations

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import Organisation
from casework.audit.services import access_record
from casework.core.progress import ProgressBar
from casework.reporting.cld import cld_csv, cld_report, submission_for


class Command(BaseCommand):
    help = "Export an organisation's Client Level Data return for the 12 months to a quarter end."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's name or id")
        parser.add_argument(
            "--quarter-end", required=True, help="31 March, 30 June, 30 September or 31 December"
        )
        parser.add_argument("--output", required=True, help="The CSV file to write")

    def handle(self, *args, **options):
        name = options["organisation"]
        found = (
            Organisation.objects.filter(pk=int(name))
            if name.isdigit()
            else Organisation.objects.filter(name=name)
        )
        organisation = found.first()
        if organisation is None:
            raise CommandError(f"No organisation called {name}.")
        try:
            quarter_end = datetime.date.fromisoformat(options["quarter_end"])
            submission = submission_for(organisation=organisation, quarter_end=quarter_end)
        except ValueError as error:
            raise CommandError(str(error)) from None
        report = cld_report(submission)
        with (
            open(options["output"], "wb") as out,
            ProgressBar(total=report.events, label="Writing", stream=sys.stderr) as bar,
        ):
            for chunk in cld_csv(submission, on_row=bar.advance):
                out.write(chunk)
        access_record(
            user=None,
            verb="reporting.cld_downloaded",
            organisation_id=organisation.pk,
            details={"quarter_end": quarter_end.isoformat(), "rows": report.events, "channel": "command"},
        )
        self.stdout.write(
            f"{report.events} events ({', '.join(f'{k}: {v}' for k, v in report.by_type.items())}) "
            f"from {submission.start} to {submission.end} written to {options['output']}."
        )
        preview = report.preview
        self.stdout.write(
            f"DHSC will count {sum(preview.counted.values())} after deriving the period "
            f"{preview.start} to {preview.end} and removing {preview.duplicates_removed} duplicates."
        )
        for refs in report.duplicates:
            self.stdout.write(f"Duplicate under DHSC's key: {', '.join(refs)}")
        self.stdout.write(f"{len(report.problems)} problems to fix:")
        for problem in report.problems:
            self.stdout.write(
                f"  {problem.case_reference} {problem.event_reference} {problem.field}: {problem.message}"
            )
