"""Waiting lists for the cases generate_scale_data made (for a benchmark database made before waiting
lists)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.demo.scale_waiting_lists import generate_scale_waiting_lists


class Command(BaseCommand):
    help = "Put the generated cases on waiting lists, as a council's would be. Never in production mode."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, seed=1, **options):
        if not settings.DEBUG:
            raise CommandError("The scale data generator never runs in production mode (DEBUG is off).")
        counts = generate_scale_waiting_lists(seed=seed, stream=sys.stderr)
        self.stdout.write(
            f"{counts['waiting_entries']:,} waiting list entries, {counts['escalations']:,} escalations"
        )
