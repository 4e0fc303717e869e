"""Give case-holding organisations the default resource allocation questionnaire and budget settings."""

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import Organisation
from casework.plans.budgets import plans_seed_budget_settings, plans_seed_ras


class Command(BaseCommand):
    help = (
        "Publish the default RAS questionnaire (casework/plans/ras/default.py) as version 1 and set the "
        "default budget approval limits, for every lead or responsible organisation (or one) that has none. "
        "Safe to run again: an organisation's own questionnaire and settings are never replaced."
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
                o
                for o in Organisation.objects.order_by("name")
                if {"lead", "responsible"} & set(o.kinds or [])
            ]
        for org in organisations:
            questionnaire = plans_seed_ras(organisation_id=org.pk)
            plans_seed_budget_settings(organisation_id=org.pk)
            self.stdout.write(f"{org.name}: questionnaire version {questionnaire.number}")
        self.stdout.write(self.style.SUCCESS(f"{len(organisations)} organisations have a questionnaire."))
