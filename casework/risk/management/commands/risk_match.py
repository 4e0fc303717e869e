import sys

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import User
from casework.core.errors import DomainError, PermissionRefused
from casework.core.progress import ProgressBar
from casework.risk import linking
from casework.risk.choices import Resolution
from casework.risk.models import RiskImport, SourceRecord


class Command(BaseCommand):
    help = (
        "Match an import's unresolved records (Splink on DuckDB, beside the database) with the initiative's "
        "newest approved matching model: each is linked to a person, made a new person, or put in the "
        "clerical review queue, and people are placed in households by UPRN. Running it again changes "
        "nothing that was decided."
    )

    def add_arguments(self, parser):
        parser.add_argument("import_id", metavar="IMPORT_ID", type=int, help="The import's id.")
        parser.add_argument("--user", required=True, help="The username matching it.")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}")
        risk_import = (
            RiskImport.objects.select_related("source", "source__initiative")
            .filter(pk=options["import_id"])
            .first()
        )
        if risk_import is None:
            raise CommandError(f"No import {options['import_id']}")
        try:
            run, _created = linking.matching_run_start(user=user, risk_import=risk_import, queue=False)
        except (DomainError, PermissionRefused) as error:
            raise CommandError(error.message) from None
        total = SourceRecord.objects.filter(risk_import=risk_import, resolution=Resolution.UNRESOLVED).count()
        stream = getattr(self.stderr, "_out", sys.stderr)
        with ProgressBar(total=total, label="Matching", stream=stream) as bar:
            run = linking.matching_run_execute(run_id=run.pk, progress=bar.advance)
        self.stdout.write(
            f"Matching run {run.pk} (model {run.matching_model.number}): "
            f"{run.records_matched} records matched; "
            f"{run.records_linked} linked to a person, {run.people_created} new people, "
            f"{run.records_in_review} for clerical review; {run.households_joined} joined a household."
        )
