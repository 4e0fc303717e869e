"""Give responsible organisations the assessment forms shipped with Casework (those they do not have yet)."""

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import Organisation
from casework.assessments.services import STANDARD_FORM_CODES, standard_forms_install


class Command(BaseCommand):
    help = (
        "Add the shipped assessment forms (" + ", ".join(STANDARD_FORM_CODES) + ") to every responsible "
        "organisation, or to one, that lacks them. Safe to run again: nothing is added twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, help="The id of one organisation")

    def handle(self, *args, organisation=None, **options):
        if organisation is not None:
            organisations = list(Organisation.objects.filter(pk=organisation))
            if not organisations:
                raise CommandError(f"No organisation with id {organisation}")
        else:
            organisations = [
                o for o in Organisation.objects.order_by("name") if "responsible" in (o.kinds or [])
            ]
        total = 0
        for org in organisations:
            added = standard_forms_install(organisation_id=org.pk)
            total += len(added)
            self.stdout.write(
                f"{org.name}: {', '.join(f.name for f in added) if added else 'nothing to add'}"
            )
        self.stdout.write(self.style.SUCCESS(f"Added {total} form{'s' if total != 1 else ''}."))
