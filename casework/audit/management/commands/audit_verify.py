import sys

from django.core.management.base import BaseCommand, CommandError

from casework.audit.models import AccessEvent, AuditEvent
from casework.audit.verify import audit_verify_all
from casework.core.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Check the audit and access hash chains; report the first tampered event and exit non-zero if there "
        "is one."
    )

    def handle(self, *args, **options):
        total = AuditEvent.objects.count() + AccessEvent.objects.count()
        with ProgressBar(total=total, label="Verifying", stream=sys.stderr) as bar:
            reports = audit_verify_all(progress=lambda _n: bar.advance())
        failed = False
        for report in reports:
            if report.problem is None:
                self.stdout.write(f"{report.chain} chain: {report.checked} events, intact")
            else:
                failed = True
                self.stdout.write(f"TAMPERED {report.problem}")
        if failed:
            raise CommandError(
                "The audit trail has been tampered with; see above for the first event that fails."
            )
