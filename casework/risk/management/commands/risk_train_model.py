from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import Initiative, User
from casework.core.errors import DomainError, PermissionRefused
from casework.risk import linking


class Command(BaseCommand):
    help = (
        "Train a matching model (Splink, on DuckDB) on a seeded random sample of an initiative's imported "
        "records and keep it as the next numbered version, with its training data's SHA-256, seed and "
        "Splink version. It is not used until a person approves it on the matching pages (or the API)."
    )

    def add_arguments(self, parser):
        parser.add_argument("initiative", metavar="INITIATIVE", help="The initiative's id or its name.")
        parser.add_argument(
            "--user", required=True, help="The username training it (an initiative admin or risk analyst)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The random seed (the same seed, the same model)."
        )
        parser.add_argument(
            "--sample", type=int, default=100_000, help="At most this many records (sampled)."
        )
        parser.add_argument(
            "--max-pairs", type=int, default=1_000_000, help="The pairs sampled for each estimation step."
        )

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}")
        name = options["initiative"]
        found = list(
            (
                Initiative.objects.filter(pk=int(name))
                if name.isdigit()
                else Initiative.objects.filter(name=name)
            )[:2]
        )
        if len(found) != 1:
            raise CommandError(f"No single initiative {name!r}")
        if options["sample"] < 2 or options["max_pairs"] < 1:
            raise CommandError("--sample must be at least 2 and --max-pairs at least 1")
        try:
            model = linking.matching_model_train(
                user=user,
                initiative_id=found[0].pk,
                seed=options["seed"],
                sample=options["sample"],
                max_pairs=options["max_pairs"],
            )
        except (DomainError, PermissionRefused) as error:
            raise CommandError(error.message) from None
        untrained = model.model_json.get("casework", {}).get("untrained", [])
        self.stdout.write(
            f"Matching model {model.number} trained on {model.training_records} records (seed {model.seed}, "
            f"Splink {model.splink_version}, training data SHA-256 {model.training_data_sha256}). "
            "It waits for approval before any run uses it."
        )
        if untrained:
            self.stderr.write(
                "Levels the data never showed (Splink's defaults used): " + "; ".join(untrained)
            )
