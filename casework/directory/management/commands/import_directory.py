import sys

from django.core.management.base import BaseCommand, CommandError

from casework.core.progress import ProgressBar
from casework.directory import importer, services
from casework.directory.importer import FeedUnreadable
from casework.directory.services import FeedRejected


class Command(BaseCommand):
    help = (
        "Import an Open Referral UK 3.0 feed into the service directory, from a file or an http(s) URL: one "
        "record, or a page of them (an http(s) feed is followed page by page). Every record is checked "
        "first; if any is bad, each problem is listed and nothing is imported. Importing the same ids again "
        "updates them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", metavar="FILE_OR_URL", help="A JSON file, or an http, https or file URL."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the feed and say what would change, without saving anything.",
        )
        parser.add_argument(
            "--kind",
            choices=importer.KINDS,
            help="What kind of record the feed holds, when it cannot be told from the fields.",
        )

    def handle(self, *args, **options):
        source = options["source"]
        try:
            records = importer.records_of(importer.load(source))
        except FeedUnreadable as error:
            raise CommandError(error.message) from None
        with ProgressBar(total=len(records), label="Checking", stream=sys.stderr) as bar:
            try:
                result = services.directory_import(
                    records=records,
                    feed=source,
                    kind=options["kind"],
                    dry_run=options["dry_run"],
                    progress=bar.advance,
                )
            except FeedRejected as error:
                problems = error.problems
                message = error.message
            else:
                problems = None
        if problems is not None:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(message)
        for line in result.summary():
            self.stdout.write(line)
