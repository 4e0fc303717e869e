import time

from django.core.management.base import BaseCommand

from casework.audit.services import chain_pending_access_events


class Command(BaseCommand):
    help = (
        "Add the access events recorded since the last run to the access hash chain, in the order "
        "recorded. Run it every minute (cron or a timer), or keep it running with --every SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep running, chaining every this many seconds (0: once, then exit)",
        )

    def handle(self, *args, every: float = 0, **options):
        while True:
            chained = chain_pending_access_events()
            if options["verbosity"] > 1 or (chained and not every):
                self.stdout.write(f"access chain: {chained} events chained")
            if not every:
                return
            time.sleep(every)
