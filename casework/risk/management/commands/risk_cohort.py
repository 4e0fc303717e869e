import sys

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import User
from casework.core.errors import DomainError, PermissionRefused
from casework.core.progress import ProgressBar
from casework.risk import cohort_services
from casework.risk.models import RiskModelVersion


class Command(BaseCommand):
    help = (
        "Generate the initiative's cohort (risk index): run a risk model version (the newest of the "
        "initiative's versions with rules, or --model-version) over the matched factors. "
        "People with no category get no row and their factors are deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("initiative_id", metavar="INITIATIVE", type=int, help="The initiative's id.")
        parser.add_argument("--user", required=True, help="The username generating it.")
        parser.add_argument("--model-version", dest="version_id", type=int, help="A risk model version's id.")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}")
        versions = RiskModelVersion.objects.select_related("model").filter(
            model__initiative_id=options["initiative_id"], rules__isnull=False
        )
        if options["version_id"]:
            versions = versions.filter(pk=options["version_id"])
        model_version = versions.order_by("-created_at", "-id").first()
        if model_version is None:
            raise CommandError("No risk model version with rules for that initiative")
        try:
            cohort = cohort_services.cohort_start(user=user, model_version=model_version, queue=False)
        except (DomainError, PermissionRefused) as error:
            raise CommandError(error.message) from None
        total = cohort_services.cohort_people_count(initiative_id=options["initiative_id"])
        stream = getattr(self.stderr, "_out", sys.stderr)
        with ProgressBar(total=total, label="Cohort", stream=stream) as bar:
            cohort = cohort_services.cohort_generate(cohort_id=cohort.pk, progress=bar.advance)
        self.stdout.write(
            f"Cohort {cohort.pk} ({model_version}): {cohort.people_in_cohort} of {cohort.people_considered} "
            f"people in a category; {cohort.factors_deleted} factors of the others deleted."
        )
