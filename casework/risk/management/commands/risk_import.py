import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import User
from casework.core.errors import DomainError, PermissionRefused
from casework.core.progress import ProgressBar
from casework.risk import importing, services
from casework.risk.choices import ImportStatus, SourceFormat
from casework.risk.models import RiskSource


class Command(BaseCommand):
    help = (
        "Import a source's file of risk factors: the SAVVI attribute CSV, or a council extract (CSV or JSON "
        "Lines) read through the source's saved column mapping. Every row is checked; a bad row is reported "
        "with its line and reason and skipped, the rest are imported. Importing the same file again for the "
        "same source changes nothing (the file's SHA-256 says it is the same)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SOURCE", help="The source's id or its name.")
        parser.add_argument("file", metavar="FILE", type=Path, help="The file to import.")
        parser.add_argument(
            "--user",
            required=True,
            help="The username importing it (an initiative admin or risk analyst of the lead organisation).",
        )
        parser.add_argument(
            "--extracted-on",
            type=datetime.date.fromisoformat,
            help="The day the source extracted the data (YYYY-MM-DD), for rows that do not say.",
        )

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}")
        name = options["source"]
        sources = (
            RiskSource.objects.filter(pk=int(name))
            if name.isdigit()
            else RiskSource.objects.filter(name=name)
        )
        found = list(sources[:2])
        if len(found) != 1:
            raise CommandError(f"No single source {name!r}: give its id (see the Identify pages)")
        source = found[0]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}")
        total = importing.count_lines(path) - (0 if source.file_format == SourceFormat.JSON_LINES else 1)
        try:
            # The command's own error stream (the bar redraws in place on a terminal): its wrapper would end
            # each redraw with a new line.
            stream = getattr(self.stderr, "_out", sys.stderr)
            with ProgressBar(total=max(total, 0), label="Importing", stream=stream) as bar:
                risk_import, created = services.risk_import_file(
                    user=user,
                    source=source,
                    path=path,
                    extracted_on=options["extracted_on"],
                    progress=bar.advance,
                )
        except PermissionRefused as error:
            raise CommandError(error.message) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        if not created:
            self.stdout.write(
                f"{path.name} was imported for {source.name} already (import {risk_import.pk}, "
                f"SHA-256 {risk_import.file_sha256}): nothing changed."
            )
            return
        if risk_import.status == ImportStatus.FAILED:
            raise CommandError(f"Nothing imported: {risk_import.failure}")
        self.stdout.write(
            f"Import {risk_import.pk}: {risk_import.rows_imported} rows imported, "
            f"{risk_import.rows_rejected} rejected; {risk_import.records_created} people, "
            f"{risk_import.factors_created} factors; {risk_import.records_linked} linked to a person by NHS "
            "number, the rest left unresolved for matching."
        )
        for problem in risk_import.problems.order_by("line", "id")[:20]:
            self.stderr.write(f"Line {problem.line}: {problem.reason}")
        if risk_import.rows_rejected > 20:
            self.stderr.write("… and more: download the report from the import's page.")
